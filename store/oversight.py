"""What the certification body sees across centres: QCMs, sessions,
participants, documents, the outbox, and results over a period.

Lists are read-only and filtered by `domain.oversight.Filters` (centre,
formation, dates, state). Dates are a session's day, or the creation day
(UTC) of QCMs and documents."""

from __future__ import annotations

from dataclasses import dataclass

from domain.models import Document, DocumentKind, ExamSession, KeyState, Participant, Qcm
from domain.oversight import (
    DocumentState,
    Filters,
    ParticipantState,
    SessionState,
    participant_state,
    session_state,
)
from domain.rules import Outcome, decide
from store import rows
from store.base import Repo
from store.scope import Scope

OUTBOX_KINDS = (DocumentKind.LETTER, DocumentKind.CERTIFICATE)


@dataclass(frozen=True)
class QcmRow:
    qcm: Qcm
    centre_name: str
    sessions: int
    participants: int


@dataclass(frozen=True)
class SessionRow:
    session: ExamSession
    state: SessionState
    participants: int
    scored: int
    locked: int


@dataclass(frozen=True)
class ParticipantRow:
    participant: Participant
    session: ExamSession
    pass_mark: int
    state: ParticipantState
    extra_minutes: int = 0  # granted to the participant's online key

    @property
    def outcome(self) -> Outcome:
        p = self.participant
        return decide(p.score, p.practical, self.pass_mark, p.is_retake)


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    centre_name: str
    participant_number: str
    participant_name: str
    recipient: str  # where the letter goes: company, address, town
    state: DocumentState


def _where(scope: Scope, f: Filters, centre_column: str,
           formation_column: str | None) -> tuple[str, list]:
    where, params = scope.clause(centre_column)
    clauses: list[str] = [where]
    values: list[object] = list(params)
    if f.centre_id is not None:
        clauses.append(f"{centre_column} = ?")
        values.append(f.centre_id)
    if f.formation and formation_column:
        clauses.append(f"{formation_column} = ?")
        values.append(f.formation)
    return " AND ".join(clauses), values


class OversightRepo(Repo):
    async def qcms(self, scope: Scope, f: Filters = Filters()) -> list[QcmRow]:
        where, params = _where(scope, f, "q.centre_id", "q.formation_code")
        result = []
        for r in await self.db.all(
                "SELECT q.*, c.name AS centre_name, "
                "(SELECT COUNT(*) FROM sessions s WHERE s.qcm_id = q.id) AS n_sessions, "
                "(SELECT COUNT(*) FROM participants p JOIN sessions s ON s.id = p.session_id "
                " WHERE s.qcm_id = q.id) AS n_participants "
                f"FROM qcms q JOIN centres c ON c.id = q.centre_id WHERE {where} "
                "ORDER BY q.id DESC", params):
            qcm = rows.qcm(r)
            if not f.day_ok(qcm.created_at.date()):
                continue
            state = "used" if r["n_sessions"] else "unused"
            if f.state and f.state != state:
                continue
            result.append(QcmRow(qcm, r["centre_name"], r["n_sessions"], r["n_participants"]))
        return result

    async def _sessions(self, scope: Scope, f: Filters) -> list[tuple[ExamSession, dict]]:
        where, params = _where(scope, f, "s.centre_id", "q.formation_code")
        found = []
        for r in await self.db.all(
                "SELECT s.*, q.formation_code, "
                "(SELECT COUNT(*) FROM participants p WHERE p.session_id = s.id) AS n_all, "
                "(SELECT COUNT(*) FROM participants p WHERE p.session_id = s.id "
                " AND p.score IS NOT NULL) AS n_scored, "
                "(SELECT COUNT(*) FROM participants p WHERE p.session_id = s.id "
                " AND p.locked_at IS NOT NULL) AS n_locked "
                f"FROM sessions s JOIN qcms q ON q.id = s.qcm_id WHERE {where} "
                "ORDER BY s.day DESC, s.id DESC", params):
            session = rows.session(r)
            if f.day_ok(session.day):
                found.append((session, {k: r[k] for k in ("n_all", "n_scored", "n_locked")}))
        return found

    async def sessions(self, scope: Scope, f: Filters = Filters()) -> list[SessionRow]:
        now = self.clock.now()
        result = []
        for session, counts in await self._sessions(scope, Filters(
                f.centre_id, f.formation, f.date_from, f.date_to)):
            state = session_state(session.kind, now, session.starts_at, session.ends_at,
                                  counts["n_all"], counts["n_locked"])
            if f.state and f.state != state.value:
                continue
            result.append(SessionRow(session, state, counts["n_all"], counts["n_scored"],
                                     counts["n_locked"]))
        return result

    async def participants(self, scope: Scope, f: Filters = Filters()) -> list[ParticipantRow]:
        sessions = {s.id: s for s, _ in await self._sessions(scope, Filters(
            f.centre_id, f.formation, f.date_from, f.date_to))}
        if not sessions:
            return []
        marks = ",".join("?" * len(sessions))
        where, params = scope.clause("p.centre_id")
        result = []
        for r in await self.db.all(
                "SELECT p.*, k.state AS key_state, k.extra_minutes, f.pass_mark "
                "FROM participants p "
                "JOIN sessions s ON s.id = p.session_id JOIN qcms q ON q.id = s.qcm_id "
                "JOIN formations f ON f.code = q.formation_code "
                "LEFT JOIN online_keys k ON k.participant_id = p.id "
                f"WHERE p.session_id IN ({marks}) AND {where} ORDER BY s.day DESC, s.id DESC, p.id",
                (*sessions, *params)):
            participant = rows.participant(r)
            key_state = KeyState(r["key_state"]) if r["key_state"] else None
            state = participant_state(participant.score, participant.locked, key_state)
            if f.state and f.state != state.value:
                continue
            result.append(ParticipantRow(participant, sessions[participant.session_id],
                                         r["pass_mark"], state, r["extra_minutes"] or 0))
        return result

    async def documents(self, scope: Scope, f: Filters = Filters(),
                        kinds: tuple[DocumentKind, ...] = ()) -> list[DocumentRow]:
        where, params = _where(scope, f, "d.centre_id", None)
        if f.formation:
            where += (" AND d.session_id IN (SELECT s.id FROM sessions s JOIN qcms q "
                      "ON q.id = s.qcm_id WHERE q.formation_code = ?)")
            params.append(f.formation)
        if kinds:
            where += f" AND d.kind IN ({','.join('?' * len(kinds))})"
            params += [k.value for k in kinds]
        if f.state == DocumentState.UNSENT.value:
            where += " AND d.sent_at IS NULL"
        elif f.state == DocumentState.SENT.value:
            where += " AND d.sent_at IS NOT NULL"
        result = []
        for r in await self.db.all(
                "SELECT d.*, c.name AS centre_name, p.number AS p_number, "
                "p.civility AS p_civility, p.first_name AS p_first, p.last_name AS p_last, "
                "p.company AS p_company, p.company_address AS p_address, "
                "p.postal_code AS p_postal, p.city AS p_city, p.country AS p_country "
                "FROM documents d JOIN centres c ON c.id = d.centre_id "
                f"LEFT JOIN participants p ON p.id = d.participant_id WHERE {where} "
                "ORDER BY d.created_at, d.id", params):
            document = rows.document(r)
            if not f.day_ok(document.created_at.date()):
                continue
            name = " ".join(x for x in (r["p_civility"], r["p_first"], r["p_last"]) if x)
            town = " ".join(x for x in (r["p_postal"], r["p_city"]) if x)
            recipient = ", ".join(x for x in (r["p_company"], r["p_address"], town,
                                              r["p_country"]) if x)
            result.append(DocumentRow(
                document, r["centre_name"], r["p_number"] or "", name, recipient,
                DocumentState.SENT if document.sent_at else DocumentState.UNSENT))
        return result

    async def outbox(self, scope: Scope, centre_id: int | None = None) -> list[DocumentRow]:
        """Result letters and certificates not sent yet, oldest first."""
        return await self.documents(scope, Filters(centre_id=centre_id,
                                                   state=DocumentState.UNSENT.value),
                                    OUTBOX_KINDS)

    async def results(self, scope: Scope, f: Filters) -> list[ParticipantRow]:
        """Every participant of the sessions held in the period, oldest
        session first (for exports)."""
        found = await self.participants(scope, Filters(f.centre_id, f.formation,
                                                       f.date_from, f.date_to))
        return sorted(found, key=lambda r: (r.session.day, r.session.id, r.participant.id))
