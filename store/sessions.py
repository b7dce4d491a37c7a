"""Exam sessions (offline and online) and their participants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.invariants import (
    AttemptFacts,
    RuleRefused,
    check_quoted_change,
    check_retake_target,
)
from domain.keys import format_participant_number
from domain.models import ExamSession, Identity, Participant, Practical, SessionKind
from store import rows
from store.base import AnyTx, Repo
from store.errors import Conflict, Locked, NotFound
from store.schema import IDENTITY_COLUMNS
from store.scope import Scope

SESSION_SELECT = ("SELECT s.*, q.formation_code FROM sessions s "
                   "JOIN qcms q ON q.id = s.qcm_id")
_FACTS_SELECT = (
    "SELECT p.*, q.formation_code, f.pass_mark, "
    "(SELECT COUNT(*) FROM documents d WHERE d.participant_id = p.id "
    " AND d.kind = 'letter') AS letters, "
    "(SELECT COUNT(*) FROM documents d WHERE d.participant_id = p.id "
    " AND d.kind = 'certificate') AS certificates "
    "FROM participants p JOIN sessions s ON s.id = p.session_id "
    "JOIN qcms q ON q.id = s.qcm_id JOIN formations f ON f.code = q.formation_code")


@dataclass(frozen=True)
class ScoreRecord:
    """The score of one paper copy for one participant, and the answers ticked."""

    participant_id: int
    score: int
    copy_number: int | None = None
    answers: Mapping[int, int] | None = None


def _facts(row) -> AttemptFacts:
    return AttemptFacts(row["number"], row["formation_code"], row["pass_mark"], row["score"],
                        Practical(row["practical"]), row["retake_of"],
                        row["locked_at"] is not None, row["letters"], row["certificates"])


class SessionRepo(Repo):
    async def create_session(self, scope: Scope, qcm_id: int, kind: SessionKind,
                             trainer_id: int, place: str, day: date,
                             starts_at: datetime | None = None,
                             ends_at: datetime | None = None,
                             centre_name: str | None = None) -> ExamSession:
        async with self.db.transaction() as tx:
            session_id = await self.insert_session(tx, scope, qcm_id, kind, trainer_id, place,
                                                   day, starts_at, ends_at, centre_name)
        return await self.session(scope, session_id)

    async def insert_session(self, tx: AnyTx, scope: Scope, qcm_id: int, kind: SessionKind,
                             trainer_id: int, place: str, day: date,
                             starts_at: datetime | None = None,
                             ends_at: datetime | None = None,
                             centre_name: str | None = None) -> int:
        """Create a session inside the caller's transaction (a service may add
        its keys in the same one); return its id."""
        where, params = scope.clause("q.centre_id")
        qcm = await tx.one(
            f"SELECT q.id, q.centre_id, c.name FROM qcms q JOIN centres c ON c.id = q.centre_id "
            f"WHERE q.id = ? AND {where}", (qcm_id, *params))
        if qcm is None:
            raise NotFound(f"QCM introuvable : {qcm_id}.")
        trainer = await tx.one("SELECT name FROM trainers WHERE id = ? AND centre_id = ?",
                               (trainer_id, qcm["centre_id"]))
        if trainer is None:
            raise NotFound("Formateur inconnu dans ce centre.")
        if kind is SessionKind.ONLINE and (starts_at is None or ends_at is None
                                           or ends_at <= starts_at):
            raise Conflict("La fin de l'évaluation doit suivre son début.")
        session_id = await tx.insert(
            "INSERT INTO sessions (qcm_id, centre_id, kind, centre_name, trainer_id, "
            "trainer_name, place, day, starts_at, ends_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (qcm_id, qcm["centre_id"], kind.value, centre_name or qcm["name"], trainer_id,
             trainer["name"], place, day.isoformat(),
             rows.ts(starts_at) if starts_at else None,
             rows.ts(ends_at) if ends_at else None, self.now_text()))
        await self.audit(tx, scope, "create_session", "session", session_id, kind.value)
        return session_id

    async def sessions(self, scope: Scope, qcm_id: int | None = None) -> list[ExamSession]:
        where, params = scope.clause("s.centre_id")
        if qcm_id is not None:
            where, params = f"{where} AND s.qcm_id = ?", (*params, qcm_id)
        return [rows.session(r) for r in await self.db.all(
            f"{SESSION_SELECT} WHERE {where} ORDER BY s.id DESC", params)]

    async def session(self, scope: Scope, session_id: int) -> ExamSession:
        where, params = scope.clause("s.centre_id")
        row = await self.db.one(f"{SESSION_SELECT} WHERE s.id = ? AND {where}",
                                (session_id, *params))
        if row is None:
            raise NotFound(f"Session introuvable : {session_id}.")
        return rows.session(row)

    async def update_session(self, scope: Scope, session_id: int, *,
                             trainer_id: int | None = None, place: str | None = None,
                             day: date | None = None, centre_name: str | None = None,
                             starts_at: datetime | None = None,
                             ends_at: datetime | None = None) -> ExamSession:
        """Change a session. The window may change at any time; the printed
        fields (centre, trainer, place, date) are refused by the database once
        a participant has submitted or been locked."""
        current = await self.session(scope, session_id)
        starts = starts_at or current.starts_at
        ends = ends_at or current.ends_at
        if current.kind is SessionKind.ONLINE and (starts is None or ends is None or ends <= starts):
            raise Conflict("La fin de l'évaluation doit suivre son début.")
        async with self.db.transaction() as tx:
            trainer_name = current.trainer_name
            if trainer_id is not None:
                row = await tx.one("SELECT name FROM trainers WHERE id = ? AND centre_id = ?",
                                   (trainer_id, current.centre_id))
                if row is None:
                    raise NotFound("Formateur inconnu dans ce centre.")
                trainer_name = row["name"]
            await tx.execute(
                "UPDATE sessions SET trainer_id = ?, trainer_name = ?, place = ?, day = ?, "
                "centre_name = ?, starts_at = ?, ends_at = ? WHERE id = ?",
                (trainer_id or current.trainer_id, trainer_name, place or current.place,
                 (day or current.day).isoformat(), centre_name or current.centre_name,
                 rows.ts(starts) if starts else None, rows.ts(ends) if ends else None,
                 session_id))
            await self.audit(tx, scope, "update_session", "session", session_id)
        return await self.session(scope, session_id)

    # Participants -------------------------------------------------------

    async def next_number(self, tx: AnyTx) -> str:
        year = self.clock.now().year
        row = await tx.one(
            "INSERT INTO participant_numbers (year, last) VALUES (?, 1) "
            "ON CONFLICT(year) DO UPDATE SET last = participant_numbers.last + 1 "
            "RETURNING last", (year,))
        return format_participant_number(year, row[0])  # type: ignore[index]

    async def facts(self, tx: AnyTx, number: str) -> AttemptFacts | None:
        """What the certification rules know of participant `number` (any centre)."""
        row = await tx.one(f"{_FACTS_SELECT} WHERE p.number = ?", (number,))
        return None if row is None else _facts(row)

    async def quoted_by(self, tx: AnyTx, number: str, exclude: int | None = None) -> str | None:
        """The number of the second attempt quoting `number`, if any."""
        row = await tx.one("SELECT number FROM participants WHERE retake_of = ? "
                           "AND id != COALESCE(?, 0)",
                           (number, exclude))
        return None if row is None else str(row[0])

    async def quoting(self, scope: Scope, number: str) -> str | None:
        """The second attempt quoting the caller's participant `number`, if any."""
        where, params = scope.clause()
        if await self.db.one(f"SELECT 1 FROM participants WHERE number = ? AND {where}",
                             (number, *params)) is None:
            raise NotFound(f"Participant introuvable : {number}.")
        row = await self.db.one("SELECT number FROM participants WHERE retake_of = ?", (number,))
        return None if row is None else str(row[0])

    async def check_retake(self, tx: AnyTx, number: str, formation_code: str,
                           exclude_participant: int | None = None,
                           centre_id: int | None = None) -> None:
        """Raise Conflict with the rules' reason if `number` may not be retaken
        (domain.invariants rule 1).

        `centre_id` is the asking centre: a first attempt of another centre may
        be retaken there, but a refusal then tells nothing of it.

        The first attempt's row is locked (PostgreSQL): of two retakes of it
        added at once, the second waits for the first and is refused with
        the rules' reason."""
        row = await tx.one(f"{_FACTS_SELECT} WHERE p.number = ?{tx.for_update('p')}",
                           (number,))
        if row is not None and exclude_participant is not None and row["id"] == exclude_participant:
            raise Conflict("Un participant ne peut pas être son propre second passage.")
        first = None if row is None else _facts(row)
        try:
            check_retake_target(first, await self.quoted_by(tx, number, exclude_participant),
                                number, formation_code)
        except RuleRefused as exc:
            reason = str(exc)
        else:
            return
        if row is not None and centre_id is not None and row["centre_id"] != centre_id:
            try:
                check_retake_target(None, None, number, formation_code)
            except RuleRefused as unknown:
                reason = str(unknown)
        raise Conflict(reason)

    async def add_participant(self, scope: Scope, session_id: int, identity: Identity,
                              score: int | None, practical: Practical,
                              retake_of: str | None = None,
                              copy_number: int | None = None,
                              answers: Mapping[int, int] | None = None) -> Participant:
        """Add a participant of a paper session; `answers` (question id -> bank
        choice) are the letters ticked on a machine-scored copy."""
        session = await self.session(scope, session_id)
        if session.kind is not SessionKind.OFFLINE:
            raise Conflict("Les participants d'une session en ligne viennent de ses clés.")
        async with self.db.transaction() as tx:
            if retake_of:
                await self.check_retake(tx, retake_of, session.formation_code,
                                        centre_id=scope.centre_id)
                practical = Practical.FAVOURABLE  # carried over from the first attempt
            number = await self.next_number(tx)
            participant_id = await tx.insert(
                f"INSERT INTO participants (session_id, centre_id, number, "
                f"{', '.join(IDENTITY_COLUMNS)}, score, practical, retake_of, copy_number, "
                f"created_at) VALUES ({', '.join('?' * (len(IDENTITY_COLUMNS) + 8))})",
                (session_id, session.centre_id, number,
                 *(getattr(identity, c) for c in IDENTITY_COLUMNS), score, practical.value,
                 retake_of or None, copy_number, self.now_text()))
            if answers is not None:
                await self._write_answers(tx, session.qcm_id, participant_id, answers)
            await self.audit(tx, scope, "add_participant", "participant", number)
        return await self.participant(scope, participant_id)

    async def update_participant(self, scope: Scope, participant_id: int, identity: Identity,
                                 score: int | None, practical: Practical,
                                 retake_of: str | None = None,
                                 copy_number: int | None = None,
                                 answers: Mapping[int, int] | None = None) -> Participant:
        """Change a participant (identity, score, practical, retake), in one
        transaction checked against the rules (domain.invariants)."""
        current = await self.participant(scope, participant_id)
        session = await self.session(scope, current.session_id)
        retake_of = retake_of or None
        async with self.db.transaction() as tx:
            row = await tx.one("SELECT * FROM participants WHERE id = ?"
                               f"{tx.for_update('participants')}", (participant_id,))
            if row is None:
                raise NotFound(f"Participant introuvable : {participant_id}.")
            current = rows.participant(row)
            if retake_of:
                practical = Practical.FAVOURABLE
            await self.check_change(tx, current, score_changed=score != current.score,
                                     practical_changed=practical is not current.practical,
                                     retake_changed=retake_of != current.retake_of)
            if retake_of:
                await self.check_retake(tx, retake_of, session.formation_code, participant_id,
                                        scope.centre_id)
            await tx.execute(
                f"UPDATE participants SET {', '.join(f'{c} = ?' for c in IDENTITY_COLUMNS)}, "
                "score = ?, practical = ?, retake_of = ?, copy_number = ? WHERE id = ?",
                (*(getattr(identity, c) for c in IDENTITY_COLUMNS), score, practical.value,
                 retake_of, copy_number, participant_id))
            if answers is not None:
                await self._write_answers(tx, session.qcm_id, participant_id, answers)
            elif copy_number is None and current.copy_number is not None:
                # A score typed by hand replaces the copy: its ticked answers go with it.
                await tx.execute("DELETE FROM answers WHERE participant_id = ?",
                                 (participant_id,))
            await self.audit(tx, scope, "update_participant", "participant", current.number)
        return await self.participant(scope, participant_id)

    async def set_practical(self, scope: Scope, participant_id: int, practical: Practical) -> None:
        await self.participant(scope, participant_id)
        async with self.db.transaction() as tx:
            row = await tx.one("SELECT * FROM participants WHERE id = ?"
                               f"{tx.for_update('participants')}", (participant_id,))
            if row is None:
                raise NotFound(f"Participant introuvable : {participant_id}.")
            current = rows.participant(row)
            if current.is_retake:
                raise Conflict("Un second passage reprend l'évaluation pratique du premier.")
            await self.check_change(tx, current,
                                     practical_changed=practical is not current.practical)
            await tx.execute("UPDATE participants SET practical = ? WHERE id = ?",
                             (practical.value, participant_id))
            await self.audit(tx, scope, "set_practical", "participant", current.number,
                             practical.value)

    async def record_scores(self, scope: Scope, records: Sequence[ScoreRecord]) -> None:
        """Store the scores (and ticked answers) of paper copies, all or none,
        with the same rules as an edit of each participant."""
        ids = [r.participant_id for r in records]
        for pid in ids:
            await self.participant(scope, pid)  # scope: another centre's id is not found
        async with self.db.transaction() as tx:
            for record in records:
                row = await tx.one(
                    "SELECT p.*, s.kind, s.qcm_id FROM participants p "
                    f"JOIN sessions s ON s.id = p.session_id WHERE p.id = ?{tx.for_update('p')}",
                    (record.participant_id,))
                if row is None:
                    raise NotFound(f"Participant introuvable : {record.participant_id}.")
                current = rows.participant(row)
                if row["kind"] != SessionKind.OFFLINE.value:
                    raise Conflict(f"{current.number} appartient à une session en ligne : "
                                   "sa note vient de son QCM validé.")
                await self.check_change(tx, current,
                                         score_changed=record.score != current.score)
                await tx.execute("UPDATE participants SET score = ?, copy_number = ? "
                                 "WHERE id = ?", (record.score, record.copy_number, current.id))
                if record.answers is not None:
                    await self._write_answers(tx, row["qcm_id"], current.id,  # type: ignore[arg-type]
                                              record.answers)
                await self.audit(tx, scope, "record_score", "participant", current.number,
                                 f"{record.score} (copie {record.copy_number})")

    async def delete_participant(self, scope: Scope, participant_id: int) -> None:
        await self.participant(scope, participant_id)
        async with self.db.transaction() as tx:
            row = await tx.one("SELECT * FROM participants WHERE id = ?"
                               f"{tx.for_update('participants')}", (participant_id,))
            if row is None:
                raise NotFound(f"Participant introuvable : {participant_id}.")
            current = rows.participant(row)
            await self.check_change(tx, current, deleted=True)
            if await tx.one("SELECT 1 FROM online_keys WHERE participant_id = ?",
                            (participant_id,)):
                raise Conflict("Ce participant est lié à une clé : supprimez la clé.")
            await tx.execute("DELETE FROM answers WHERE participant_id = ?", (participant_id,))
            await tx.execute("DELETE FROM participants WHERE id = ?", (participant_id,))
            await self.audit(tx, scope, "delete_participant", "participant", current.number)

    async def check_change(self, tx: AnyTx, current: Participant, **changes: bool) -> None:
        """Rules 2 and 4 before `current` changes: a quoted first attempt keeps
        its decision (the refusal names the second attempt), locked data stays."""
        try:
            check_quoted_change(current.number, await self.quoted_by(tx, current.number),
                                **changes)
        except RuleRefused as exc:
            raise Conflict(str(exc)) from None
        if current.locked:
            raise Locked(f"{current.number} est verrouillé : ses documents sont créés, "
                         "ses données ne changent plus.")

    async def _write_answers(self, tx: AnyTx, qcm_id: int, participant_id: int,
                             answers: Mapping[int, int]) -> None:
        """Replace the answers kept for a participant's paper copy."""
        drawn = {r[0] for r in await tx.all(
            "SELECT question_id FROM qcm_questions WHERE qcm_id = ?", (qcm_id,))}
        if not set(answers) <= drawn or not all(0 <= c <= 3 for c in answers.values()):
            raise Conflict("Réponses hors du QCM de ce participant.")
        await tx.execute("DELETE FROM answers WHERE participant_id = ?", (participant_id,))
        await tx.executemany(
            "INSERT INTO answers (participant_id, question_id, choice, answered_at) "
            "VALUES (?, ?, ?, ?)", [(participant_id, qid, choice, self.now_text())
                                    for qid, choice in sorted(answers.items())])

    async def chain_facts(self, scope: Scope, session_id: int
                          ) -> dict[str, tuple[AttemptFacts, AttemptFacts | None,
                                               AttemptFacts | None]]:
        """For each participant of a session: its facts, those of the first
        attempt it retakes and of the second attempt retaking it."""
        await self.session(scope, session_id)
        own = [_facts(r) for r in await self.db.all(
            f"{_FACTS_SELECT} WHERE p.session_id = ?", (session_id,))]
        related = {f.number: f for f in map(_facts, await self.db.all(
            f"{_FACTS_SELECT} WHERE p.number IN (SELECT retake_of FROM participants "
            "WHERE session_id = ?) OR p.retake_of IN (SELECT number FROM participants "
            "WHERE session_id = ?)", (session_id, session_id)))}
        quoted = {f.retake_of: f for f in related.values() if f.retake_of}
        return {f.number: (f, related.get(f.retake_of) if f.retake_of else None,
                           quoted.get(f.number)) for f in own}

    async def all_facts(self) -> list[AttemptFacts]:
        """Every participant as the rules see it (checks and audits)."""
        return [_facts(r) for r in await self.db.all(f"{_FACTS_SELECT} ORDER BY p.id")]

    async def participants(self, scope: Scope, session_id: int) -> list[Participant]:
        await self.session(scope, session_id)
        return [rows.participant(r) for r in await self.db.all(
            "SELECT * FROM participants WHERE session_id = ? ORDER BY id", (session_id,))]

    async def participant(self, scope: Scope, participant_id: int) -> Participant:
        where, params = scope.clause()
        row = await self.db.one(f"SELECT * FROM participants WHERE id = ? AND {where}",
                                (participant_id, *params))
        if row is None:
            raise NotFound(f"Participant introuvable : {participant_id}.")
        return rows.participant(row)

    async def participant_by_number(self, scope: Scope, number: str) -> Participant:
        where, params = scope.clause()
        row = await self.db.one(f"SELECT * FROM participants WHERE number = ? AND {where}",
                                (number.strip(), *params))
        if row is None:
            raise NotFound(f"Participant introuvable : {number.strip()[:20]}.")
        return rows.participant(row)

    async def participant_counts(self, scope: Scope) -> dict[int, int]:
        where, params = scope.clause()
        return {r[0]: r[1] for r in await self.db.all(
            f"SELECT session_id, COUNT(*) FROM participants WHERE {where} GROUP BY session_id",
            params)}

    async def locked_counts(self, scope: Scope) -> dict[int, int]:
        """How many participants of each session are locked (documents generated)."""
        where, params = scope.clause()
        return {r[0]: r[1] for r in await self.db.all(
            f"SELECT session_id, COUNT(*) FROM participants WHERE {where} "
            "AND locked_at IS NOT NULL GROUP BY session_id", params)}
