"""Online keys: created by centres, opened and answered by candidates.

All shared state (who holds a key, answers, submission) lives in the
database, so several server processes can serve the same exam."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime, timedelta

from domain.exam import ExamTicket, KeyRefusal, KeyRefused
from domain.keys import new_key, normalize_key
from domain.models import (Identity, KeyState, OnlineKey, Participant, Practical,
                           SessionKind)
from domain.rules import score_answers
from domain.window import WindowState, window_state
from store import rows
from store.base import Repo
from store.banks import BankRepo
from store.errors import Conflict, Locked, NotFound
from store.schema import IDENTITY_COLUMNS
from store.scope import Scope
from store.sessions import SessionRepo

LEASE = timedelta(seconds=30)


class ExamRepo(Repo):
    def __init__(self, db, clock, banks: BankRepo, sessions: SessionRepo) -> None:
        super().__init__(db, clock)
        self.banks = banks
        self.sessions = sessions

    # Centre side --------------------------------------------------------

    async def create_keys(self, scope: Scope, session_id: int, count: int) -> list[OnlineKey]:
        session = await self.sessions.session(scope, session_id)
        if session.kind is not SessionKind.ONLINE:
            raise Conflict("Les clés ne concernent que les sessions en ligne.")
        if not 1 <= count <= 500:
            raise Conflict("Nombre de participants : de 1 à 500.")
        created: list[int] = []
        async with self.db.transaction() as tx:
            for _ in range(count):
                number = await self.sessions.next_number(tx)
                pid = await tx.insert(
                    "INSERT INTO participants (session_id, centre_id, number, created_at) "
                    "VALUES (?, ?, ?, ?)", (session_id, session.centre_id, number, self.now_text()))
                code = new_key()
                while await tx.one("SELECT 1 FROM online_keys WHERE code = ?", (code,)):
                    code = new_key()
                created.append(await tx.insert(
                    "INSERT INTO online_keys (session_id, code, participant_id, seed) "
                    "VALUES (?, ?, ?, ?)", (session_id, code, pid, secrets.token_hex(16))))
            await self.audit(tx, scope, "create_keys", "session", session_id, f"{count} clés")
        marks = ",".join("?" * len(created))
        return [rows.online_key(r) for r in await self.db.all(
            f"SELECT * FROM online_keys WHERE id IN ({marks}) ORDER BY id", created)]

    async def keys(self, scope: Scope, session_id: int) -> list[tuple[OnlineKey, Participant]]:
        await self.sessions.session(scope, session_id)
        result = await self.db.all(
            "SELECT k.*, p.id AS pid, p.* FROM online_keys k "
            "JOIN participants p ON p.id = k.participant_id WHERE k.session_id = ? ORDER BY k.id",
            (session_id,))
        return [(rows.online_key(r), rows.participant(_participant_view(r))) for r in result]

    async def delete_key(self, scope: Scope, key_id: int) -> None:
        where, params = scope.clause("s.centre_id")
        async with self.db.transaction() as tx:
            row = await tx.one(
                f"SELECT k.* FROM online_keys k JOIN sessions s ON s.id = k.session_id "
                f"WHERE k.id = ? AND {where}{tx.for_update('k')}", (key_id, *params))
            if row is None:
                raise NotFound(f"Clé introuvable : {key_id}.")
            if row["state"] == KeyState.SUBMITTED.value:
                raise Locked("Cette clé a servi à valider un QCM : elle ne peut plus être supprimée.")
            await tx.execute("DELETE FROM answers WHERE participant_id = ?", (row["participant_id"],))
            await tx.execute("DELETE FROM online_keys WHERE id = ?", (key_id,))
            await tx.execute("DELETE FROM participants WHERE id = ?", (row["participant_id"],))
            await self.audit(tx, scope, "delete_key", "session", row["session_id"], row["code"])

    # Candidate side -----------------------------------------------------

    async def open_key(self, typed: str, token: str) -> ExamTicket:
        """Take the lease on a key for one live connection, or raise KeyRefused."""
        code = normalize_key(typed)
        if code is None:
            raise KeyRefused(KeyRefusal.UNKNOWN)
        now = self.clock.now()
        async with self.db.transaction() as tx:
            row = await tx.one(
                "SELECT k.*, s.starts_at AS s_start, s.ends_at AS s_end, c.timezone "
                "FROM online_keys k JOIN sessions s ON s.id = k.session_id "
                f"JOIN centres c ON c.id = s.centre_id WHERE k.code = ?{tx.for_update('k')}",
                (code,))
            if row is None:
                raise KeyRefused(KeyRefusal.UNKNOWN)
            starts, ends = rows.from_ts(row["s_start"]), rows.from_ts(row["s_end"])
            if row["state"] == KeyState.SUBMITTED.value:
                raise KeyRefused(KeyRefusal.SUBMITTED)
            state = window_state(now, starts, ends)  # type: ignore[arg-type]
            if state is not WindowState.OPEN:
                reason = (KeyRefusal.NOT_YET_OPEN if state is WindowState.NOT_YET_OPEN
                          else KeyRefusal.CLOSED)
                raise KeyRefused(reason, starts, ends, row["timezone"])
            lease_until = rows.from_ts(row["lease_until"])
            if (row["lease_token"] not in (None, token) and lease_until is not None
                    and lease_until > now):
                raise KeyRefused(KeyRefusal.IN_USE)
            await tx.execute(
                "UPDATE online_keys SET lease_token = ?, lease_until = ?, state = 'in_progress', "
                "started_at = COALESCE(started_at, ?) WHERE id = ?",
                (token, rows.ts(now + LEASE), rows.ts(now), row["id"]))
            await self.audit(tx, f"clé {code}", "open_key", "key", row["id"])
        return await self.ticket(row["id"])

    async def ticket(self, key_id: int) -> ExamTicket:
        key = rows.online_key(await self.db.one("SELECT * FROM online_keys WHERE id = ?", (key_id,)))  # type: ignore[arg-type]
        admin = Scope.admin("candidate")
        session = await self.sessions.session(admin, key.session_id)
        participant = await self.sessions.participant(admin, key.participant_id)
        formation = await self.banks.formation(session.formation_code)
        tz = await self.db.one("SELECT timezone FROM centres WHERE id = ?", (session.centre_id,))
        ids = await self.db.all(
            "SELECT question_id FROM qcm_questions WHERE qcm_id = ? ORDER BY position",
            (session.qcm_id,))
        by_id = await self.banks.questions_by_ids([r[0] for r in ids])
        return ExamTicket(key, participant, session, formation, tz[0],  # type: ignore[index]
                          tuple(by_id[r[0]] for r in ids),
                          await self.answers(key.participant_id))

    async def answers(self, participant_id: int) -> dict[int, int]:
        return {r[0]: r[1] for r in await self.db.all(
            "SELECT question_id, choice FROM answers WHERE participant_id = ?", (participant_id,))}

    async def renew(self, key_id: int, token: str) -> bool:
        """Extend this connection's lease; False if it lost the key."""
        now = self.clock.now()
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE online_keys SET lease_until = ? WHERE id = ? AND lease_token = ? "
                "AND state = 'in_progress'", (rows.ts(now + LEASE), key_id, token))
            return cursor.rowcount == 1

    async def save_position(self, key_id: int, token: str, position: int) -> bool:
        """Remember which question this connection shows; False if it lost the key."""
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE online_keys SET position = ? WHERE id = ? AND lease_token = ? "
                "AND state = 'in_progress'", (max(0, position), key_id, token))
            return cursor.rowcount == 1

    async def ends_at(self, key_id: int) -> datetime | None:
        """The current end of the key's window (centres may move it during the exam)."""
        row = await self.db.one(
            "SELECT s.ends_at FROM online_keys k JOIN sessions s ON s.id = k.session_id "
            "WHERE k.id = ?", (key_id,))
        return None if row is None else rows.from_ts(row[0])

    async def release(self, key_id: int, token: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE online_keys SET lease_token = NULL, lease_until = NULL "
                "WHERE id = ? AND lease_token = ? AND state != 'submitted'", (key_id, token))

    async def release_all(self) -> int:
        """Forget every lease (at server start: no connection survives a restart)."""
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE online_keys SET lease_token = NULL, lease_until = NULL "
                "WHERE lease_token IS NOT NULL AND state != 'submitted'")
            return cursor.rowcount

    async def _held(self, tx, key_id: int, token: str):
        row = await tx.one(
            "SELECT k.*, s.ends_at AS s_end, s.centre_id AS s_centre, q.formation_code "
            "FROM online_keys k "
            "JOIN sessions s ON s.id = k.session_id JOIN qcms q ON q.id = s.qcm_id "
            f"WHERE k.id = ?{tx.for_update('k')}", (key_id,))
        if row is None or row["state"] == KeyState.SUBMITTED.value:
            raise KeyRefused(KeyRefusal.SUBMITTED)
        if row["lease_token"] != token:
            raise KeyRefused(KeyRefusal.IN_USE)
        if self.clock.now() >= rows.from_ts(row["s_end"]):  # type: ignore[operator]
            raise KeyRefused(KeyRefusal.CLOSED)
        return row

    async def save_identity(self, key_id: int, token: str, identity: Identity,
                            retake_of: str | None) -> Participant:
        async with self.db.transaction() as tx:
            row = await self._held(tx, key_id, token)
            if retake_of:
                # A candidate learns a first attempt's result only by naming it
                # with its number *and* its last name: numbers are sequential.
                first = await tx.one("SELECT last_name FROM participants WHERE number = ?",
                                     (retake_of,))
                if first is None or not same_name(first["last_name"], identity.last_name):
                    raise Conflict(
                        f"Premier passage n° {retake_of} inconnu au nom de "
                        f"{identity.last_name} : vérifiez le numéro et le nom.")
                await self.sessions.check_retake(tx, retake_of, row["formation_code"],
                                                 row["participant_id"], row["s_centre"])
            await tx.execute(
                f"UPDATE participants SET {', '.join(f'{c} = ?' for c in IDENTITY_COLUMNS)}, "
                # A retake carries the first attempt's practical result over;
                # withdrawing the retake withdraws that result too.
                "retake_of = ?, practical = CASE WHEN CAST(? AS TEXT) IS NOT NULL THEN ? "
                "WHEN retake_of IS NOT NULL THEN ? ELSE practical END WHERE id = ?",
                (*(getattr(identity, c) for c in IDENTITY_COLUMNS), retake_of or None,
                 retake_of or None, Practical.FAVOURABLE.value, Practical.UNKNOWN.value,
                 row["participant_id"]))
        return await self.sessions.participant(Scope.admin("candidate"), row["participant_id"])

    async def save_answer(self, key_id: int, token: str, question_id: int, choice: int) -> None:
        """Persist one answer before the screen shows it as chosen."""
        async with self.db.transaction() as tx:
            row = await self._held(tx, key_id, token)
            if not await tx.one(
                    "SELECT 1 FROM qcm_questions qq JOIN sessions s ON s.qcm_id = qq.qcm_id "
                    "WHERE s.id = ? AND qq.question_id = ?", (row["session_id"], question_id)):
                raise NotFound("Question hors de ce QCM.")
            if not 0 <= choice <= 3:
                raise Conflict("Choix invalide.")
            await tx.execute(
                "INSERT INTO answers (participant_id, question_id, choice, answered_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(participant_id, question_id) DO UPDATE SET "
                "choice = excluded.choice, answered_at = excluded.answered_at",
                (row["participant_id"], question_id, choice, self.now_text()))

    async def submit(self, key_id: int, token: str | None) -> int:
        """Final submission, once per key ever: returns the score.

        `token` None is the server's own auto-submission after the window closed."""
        async with self.db.transaction() as tx:
            row = await tx.one(
                f"SELECT * FROM online_keys k WHERE id = ?{tx.for_update('k')}", (key_id,))
            if row is None or row["state"] == KeyState.SUBMITTED.value:
                raise KeyRefused(KeyRefusal.SUBMITTED)
            if token is not None and row["lease_token"] != token:
                raise KeyRefused(KeyRefusal.IN_USE)
            score = await self._score(tx, row["session_id"], row["participant_id"])
            now = self.now_text()
            await tx.execute("UPDATE participants SET score = ?, submitted = 1 WHERE id = ?",
                             (score, row["participant_id"]))
            await tx.execute(
                "UPDATE online_keys SET state = 'submitted', submitted_at = ?, lease_token = NULL, "
                "lease_until = NULL WHERE id = ?", (now, key_id))
            await self.audit(tx, f"clé {row['code']}", "submit" if token else "auto_submit",
                             "key", key_id, f"{score}")
        return score

    async def _score(self, tx, session_id: int, participant_id: int) -> int:
        correct = {r[0]: r[1] for r in await tx.all(
            "SELECT q.id, q.correct FROM qcm_questions qq JOIN questions q ON q.id = qq.question_id "
            "JOIN sessions s ON s.qcm_id = qq.qcm_id WHERE s.id = ?", (session_id,))}
        given = {r[0]: r[1] for r in await tx.all(
            "SELECT question_id, choice FROM answers WHERE participant_id = ?", (participant_id,))}
        return score_answers(correct, given)

    async def submit_expired(self) -> list[int]:
        """Auto-submit every started key whose window has closed. One process
        of all those sharing the database sweeps at a time; the others return
        [] at once (each key is still submitted at most once, by its row)."""
        async with self.db.singleton("sweeper") as mine:
            if not mine:
                return []
            expired = await self.db.all(
                "SELECT k.id FROM online_keys k JOIN sessions s ON s.id = k.session_id "
                "WHERE k.state = 'in_progress' AND s.ends_at <= ?", (self.now_text(),))
            done = []
            for row in expired:
                try:
                    await self.submit(row[0], None)
                    done.append(row[0])
                except KeyRefused:
                    pass  # submitted meanwhile by its own connection
            return done


def same_name(a: str, b: str) -> bool:
    """Names compared without case, accents, spaces or punctuation."""
    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        return "".join(c for c in decomposed if c.isalnum())
    return bool(fold(a)) and fold(a) == fold(b)


def _participant_view(row) -> dict:
    """The participant columns of a joined key row, under their own names."""
    view = {k: row[k] for k in row.keys()}
    view["id"] = row["pid"]
    return view
