"""Exam sessions (offline and online) and their participants."""

from __future__ import annotations

from datetime import date, datetime

from domain.keys import format_participant_number
from domain.models import ExamSession, Identity, Participant, Practical, SessionKind
from domain.rules import FirstAttempt, RetakeRefused, check_retake
from store import rows
from store.base import AnyTx, Repo
from store.errors import Conflict, NotFound
from store.schema import IDENTITY_COLUMNS
from store.scope import Scope

_SESSION_SELECT = ("SELECT s.*, q.formation_code FROM sessions s "
                   "JOIN qcms q ON q.id = s.qcm_id")


class SessionRepo(Repo):
    async def create_session(self, scope: Scope, qcm_id: int, kind: SessionKind,
                             trainer_id: int, place: str, day: date,
                             starts_at: datetime | None = None,
                             ends_at: datetime | None = None,
                             centre_name: str | None = None) -> ExamSession:
        where, params = scope.clause("q.centre_id")
        async with self.db.transaction() as tx:
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
        return await self.session(scope, session_id)

    async def sessions(self, scope: Scope, qcm_id: int | None = None) -> list[ExamSession]:
        where, params = scope.clause("s.centre_id")
        if qcm_id is not None:
            where, params = f"{where} AND s.qcm_id = ?", (*params, qcm_id)
        return [rows.session(r) for r in await self.db.all(
            f"{_SESSION_SELECT} WHERE {where} ORDER BY s.id DESC", params)]

    async def session(self, scope: Scope, session_id: int) -> ExamSession:
        where, params = scope.clause("s.centre_id")
        row = await self.db.one(f"{_SESSION_SELECT} WHERE s.id = ? AND {where}",
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

    async def check_retake(self, tx: AnyTx, number: str, formation_code: str,
                           exclude_participant: int | None = None,
                           centre_id: int | None = None) -> None:
        """Raise Conflict with the decision table's reason if `number` may not be retaken.

        `centre_id` is the asking centre: a first attempt of another centre may
        be retaken there, but a refusal then tells nothing of it."""
        row = await tx.one(
            "SELECT p.id, p.number, p.score, p.practical, p.retake_of, p.centre_id, "
            "q.formation_code, "
            "f.pass_mark, "
            "EXISTS (SELECT 1 FROM participants r WHERE r.retake_of = p.number AND r.id != COALESCE(?, 0)) "
            "AS already FROM participants p JOIN sessions s ON s.id = p.session_id "
            "JOIN qcms q ON q.id = s.qcm_id JOIN formations f ON f.code = q.formation_code "
            "WHERE p.number = ?", (exclude_participant, number))
        if row is not None and exclude_participant is not None and row["id"] == exclude_participant:
            raise Conflict("Un participant ne peut pas être son propre second passage.")
        first = None if row is None else FirstAttempt(
            row["number"], row["formation_code"], row["score"], Practical(row["practical"]),
            row["pass_mark"], row["retake_of"] is not None, bool(row["already"]))
        try:
            check_retake(first, number, formation_code)
        except RetakeRefused as exc:
            if row is not None and centre_id is not None and row["centre_id"] != centre_id:
                try:
                    check_retake(None, number, formation_code)
                except RetakeRefused as unknown:
                    exc = unknown
            raise Conflict(str(exc)) from None

    async def add_participant(self, scope: Scope, session_id: int, identity: Identity,
                              score: int | None, practical: Practical,
                              retake_of: str | None = None,
                              copy_number: int | None = None) -> Participant:
        session = await self.session(scope, session_id)
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
                 retake_of, copy_number, self.now_text()))
            await self.audit(tx, scope, "add_participant", "participant", number)
        return await self.participant(scope, participant_id)

    async def update_participant(self, scope: Scope, participant_id: int, identity: Identity,
                                 score: int | None, practical: Practical,
                                 retake_of: str | None = None,
                                 copy_number: int | None = None) -> Participant:
        current = await self.participant(scope, participant_id)
        session = await self.session(scope, current.session_id)
        async with self.db.transaction() as tx:
            if retake_of:
                await self.check_retake(tx, retake_of, session.formation_code, participant_id,
                                        scope.centre_id)
                practical = Practical.FAVOURABLE
            await tx.execute(
                f"UPDATE participants SET {', '.join(f'{c} = ?' for c in IDENTITY_COLUMNS)}, "
                "score = ?, practical = ?, retake_of = ?, copy_number = ? WHERE id = ?",
                (*(getattr(identity, c) for c in IDENTITY_COLUMNS), score, practical.value,
                 retake_of, copy_number, participant_id))
            await self.audit(tx, scope, "update_participant", "participant", current.number)
        return await self.participant(scope, participant_id)

    async def set_practical(self, scope: Scope, participant_id: int, practical: Practical) -> None:
        current = await self.participant(scope, participant_id)
        if current.is_retake:
            raise Conflict("Un second passage reprend l'évaluation pratique du premier.")
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE participants SET practical = ? WHERE id = ?",
                             (practical.value, participant_id))
            await self.audit(tx, scope, "set_practical", "participant", current.number,
                             practical.value)

    async def delete_participant(self, scope: Scope, participant_id: int) -> None:
        current = await self.participant(scope, participant_id)
        async with self.db.transaction() as tx:
            if await tx.one("SELECT 1 FROM online_keys WHERE participant_id = ?",
                            (participant_id,)):
                raise Conflict("Ce participant est lié à une clé : supprimez la clé.")
            await tx.execute("DELETE FROM participants WHERE id = ?", (participant_id,))
            await self.audit(tx, scope, "delete_participant", "participant", current.number)

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
