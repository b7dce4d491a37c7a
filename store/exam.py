"""Online keys: created by centres, opened and answered by candidates.

All shared state (who holds a key, answers, submission) lives in the
database, so several server processes can serve the same exam."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime, timedelta

from domain.exam import ExamTicket, KeyRefusal, KeyRefused
from domain.keys import new_key, normalize_key
from domain.models import Identity, KeyState, OnlineKey, Participant, Practical, SessionKind
from domain.rules import score_answers
from domain.window import MAX_EXTRA_MINUTES, WindowState, own_end, window_state
from store import rows
from store.banks import QUESTION_COLUMNS, BankRepo
from store.base import AnySyncTx, AnyTx, Repo
from store.errors import Conflict, Locked, NotFound
from store.nodes import NodeRepo
from store.schema import IDENTITY_COLUMNS
from store.scope import Scope
from store.sessions import SESSION_SELECT, SessionRepo

LEASE = timedelta(seconds=30)


class ExamRepo(Repo):
    def __init__(self, db, clock, banks: BankRepo, sessions: SessionRepo,
                 nodes: NodeRepo | None = None) -> None:
        super().__init__(db, clock)
        self.banks = banks
        self.sessions = sessions
        self.nodes = nodes or NodeRepo(db, clock)

    # Centre side --------------------------------------------------------

    async def create_keys(self, scope: Scope, session_id: int, count: int) -> list[OnlineKey]:
        async with self.db.transaction() as tx:
            created = await self.insert_keys(tx, scope, session_id, count)
        return await self.keys_by_id(scope, created)

    async def insert_keys(self, tx: AnyTx, scope: Scope, session_id: int,
                          count: int) -> list[int]:
        """Create `count` keys (and their participants) inside the caller's
        transaction; return their ids. Limits are the service's to check."""
        where, params = scope.clause()
        session = await tx.one(f"SELECT kind, centre_id FROM sessions WHERE id = ? AND {where}",
                               (session_id, *params))
        if session is None:
            raise NotFound(f"Session introuvable : {session_id}.")
        if session["kind"] != SessionKind.ONLINE.value:
            raise Conflict("Les clés ne concernent que les sessions en ligne.")
        created: list[int] = []
        for _ in range(count):
            number = await self.sessions.next_number(tx)
            pid = await tx.insert(
                "INSERT INTO participants (session_id, centre_id, number, created_at) "
                "VALUES (?, ?, ?, ?)", (session_id, session["centre_id"], number,
                                        self.now_text()))
            code = new_key()
            while await tx.one("SELECT 1 FROM online_keys WHERE code = ?", (code,)):
                code = new_key()
            created.append(await tx.insert(
                "INSERT INTO online_keys (session_id, code, participant_id, seed) "
                "VALUES (?, ?, ?, ?)", (session_id, code, pid, secrets.token_hex(16))))
        await self.audit(tx, scope, "create_keys", "session", session_id, f"{count} clés")
        return created

    async def keys_by_id(self, scope: Scope, ids: list[int]) -> list[OnlineKey]:
        """Keys by id, within the scope."""
        if not ids:
            return []
        where, params = scope.clause("s.centre_id")
        marks = ",".join("?" * len(ids))
        found = [rows.online_key(r) for r in await self.db.all(
            f"SELECT k.* FROM online_keys k JOIN sessions s ON s.id = k.session_id "
            f"WHERE k.id IN ({marks}) AND {where} ORDER BY k.id", (*ids, *params))]
        if len(found) != len(set(ids)):
            raise NotFound("Clé introuvable.")
        return found

    async def keys(self, scope: Scope, session_id: int) -> list[tuple[OnlineKey, Participant]]:
        await self.sessions.session(scope, session_id)
        result = await self.db.all(
            "SELECT k.*, p.id AS pid, p.* FROM online_keys k "
            "JOIN participants p ON p.id = k.participant_id WHERE k.session_id = ? ORDER BY k.id",
            (session_id,))
        return [(rows.online_key(r), rows.participant(_participant_view(r))) for r in result]

    async def delete_key(self, scope: Scope, key_id: int) -> None:
        async with self.db.transaction() as tx:
            await self.remove_key(tx, scope, key_id)

    async def remove_key(self, tx: AnyTx, scope: Scope, key_id: int,
                         unused_only: bool = False) -> None:
        """Delete a key, its participant and answers inside the caller's
        transaction. A submitted key is refused; with `unused_only`, so is a
        key a candidate has opened."""
        where, params = scope.clause("s.centre_id")
        row = await tx.one(
            f"SELECT k.* FROM online_keys k JOIN sessions s ON s.id = k.session_id "
            f"WHERE k.id = ? AND {where}{tx.for_update('k')}", (key_id, *params))
        if row is None:
            raise NotFound(f"Clé introuvable : {key_id}.")
        if row["state"] == KeyState.SUBMITTED.value:
            raise Locked("Cette clé a servi à valider un QCM : elle ne peut plus être supprimée.")
        if unused_only and row["state"] != KeyState.UNUSED.value:
            raise Conflict(f"La clé {row['code']} est en cours d'utilisation : non supprimée.")
        held = await tx.one("SELECT * FROM participants WHERE id = ?", (row["participant_id"],))
        assert held is not None  # the key's participant (a foreign key)
        await self.sessions.check_change(tx, rows.participant(held), deleted=True)
        await tx.execute("DELETE FROM answers WHERE participant_id = ?", (row["participant_id"],))
        await tx.execute("DELETE FROM online_keys WHERE id = ?", (key_id,))
        await tx.execute("DELETE FROM participants WHERE id = ?", (row["participant_id"],))
        await self.audit(tx, scope, "delete_key", "session", row["session_id"], row["code"])

    async def set_extra_time(self, scope: Scope, session_id: int, code: str,
                             minutes: int) -> OnlineKey:
        """Give one key of a session `minutes` beyond the session's end
        (0 withdraws it). Refused once the key is submitted."""
        if not 0 <= minutes <= MAX_EXTRA_MINUTES:
            raise Conflict(f"Temps supplémentaire invalide : {minutes} min "
                           f"(de 0 à {MAX_EXTRA_MINUTES} min).")
        where, params = scope.clause("s.centre_id")
        async with self.db.transaction() as tx:
            row = await tx.one(
                f"SELECT k.* FROM online_keys k JOIN sessions s ON s.id = k.session_id "
                f"WHERE k.session_id = ? AND k.code = ? AND {where}",
                (session_id, code, *params))
            if row is None:
                raise NotFound(f"Clé inconnue dans la session {session_id} : {code[:20]}.")
            if row["state"] == KeyState.SUBMITTED.value:
                raise Locked(f"La clé {code} est déjà validée : son temps ne change plus.")
            await tx.execute("UPDATE online_keys SET extra_minutes = ? WHERE id = ?",
                             (minutes, row["id"]))
            await self.audit(tx, scope, "extra_time", "session", session_id,
                             f"{code} : {row['extra_minutes']} -> {minutes} min")
        return (await self.keys_by_id(scope, [int(row["id"])]))[0]

    # Candidate side -----------------------------------------------------

    async def open_key(self, typed: str, token: str) -> ExamTicket:
        """Take the lease on a key for one live connection, or raise KeyRefused.

        One round trip to the database thread: the lease and the ticket."""
        code = normalize_key(typed)
        if code is None:
            raise KeyRefused(KeyRefusal.UNKNOWN)
        now = self.clock.now()
        # The ticket is read inside the write (about 0.2 ms of SQLite's lock):
        # on a loaded worker a second round trip costs turns of the event loop.
        return await self.db.run(
            lambda tx: self._ticket(tx, self._take_lease(tx, code, token, now)), write=True)

    def _take_lease(self, tx: AnySyncTx, code: str, token: str, now: datetime) -> int:
        row = tx.one(
            "SELECT k.*, s.starts_at AS s_start, s.ends_at AS s_end, c.timezone "
            "FROM online_keys k JOIN sessions s ON s.id = k.session_id "
            f"JOIN centres c ON c.id = s.centre_id WHERE k.code = ?{tx.for_update('k')}",
            (code,))
        if row is None:
            raise KeyRefused(KeyRefusal.UNKNOWN)
        starts = rows.moment(row["s_start"])
        # The key's own end: extra time carries a candidate past the session's end.
        ends = own_end(rows.moment(row["s_end"]), row["extra_minutes"])
        if row["state"] == KeyState.SUBMITTED.value:
            raise KeyRefused(KeyRefusal.SUBMITTED)
        state = window_state(now, starts, ends)
        if state is not WindowState.OPEN:
            reason = (KeyRefusal.NOT_YET_OPEN if state is WindowState.NOT_YET_OPEN
                      else KeyRefusal.CLOSED)
            raise KeyRefused(reason, starts, ends, row["timezone"])
        lease_until = rows.from_ts(row["lease_until"])
        taken_over = ""
        if (row["lease_token"] not in (None, token) and lease_until is not None
                and lease_until > now):
            # Held by another connection: refused, unless its node is dead
            # (killed, or its machine gone): then the candidate, back on
            # another node, takes the key over at once.
            if not self.nodes.is_dead(tx, row["lease_node"], now):
                raise KeyRefused(KeyRefusal.IN_USE)
            taken_over = f"repris du nœud {row['lease_node']}"
        tx.execute(
            "UPDATE online_keys SET lease_token = ?, lease_until = ?, lease_node = ?, "
            "state = 'in_progress', started_at = COALESCE(started_at, ?) WHERE id = ?",
            (token, rows.ts(now + LEASE), self.nodes.current, rows.ts(now), row["id"]))
        self.audit_now(tx, f"clé {code}", "open_key", "key", row["id"], taken_over)
        return int(row["id"])

    async def ticket(self, key_id: int) -> ExamTicket:
        """Everything a connection needs to show a key's exam, read in one round trip."""
        return await self.db.run(lambda tx: self._ticket(tx, key_id))

    def _ticket(self, tx: AnySyncTx, key_id: int) -> ExamTicket:
        key_row = tx.one("SELECT * FROM online_keys WHERE id = ?", (key_id,))
        assert key_row is not None  # a key id the caller read or leased
        key = rows.online_key(key_row)
        session_row = tx.one(f"{SESSION_SELECT} WHERE s.id = ?", (key.session_id,))
        if session_row is None:
            raise NotFound(f"Session introuvable : {key.session_id}.")
        session = rows.session(session_row)
        participant_row = tx.one("SELECT * FROM participants WHERE id = ?",
                                 (key.participant_id,))
        if participant_row is None:
            raise NotFound(f"Participant introuvable : {key.participant_id}.")
        formation_row = tx.one("SELECT * FROM formations WHERE code = ?",
                               (session.formation_code,))
        if formation_row is None:
            raise NotFound(f"Formation inconnue : {session.formation_code}.")
        themes = tx.all("SELECT name FROM themes WHERE formation_code = ? AND position >= 0 "
                        "ORDER BY position", (formation_row["code"],))
        formation = rows.formation(formation_row, tuple(t["name"] for t in themes))
        tz = tx.one("SELECT timezone FROM centres WHERE id = ?", (session.centre_id,))
        assert tz is not None  # the session's centre (a foreign key)
        questions = tx.all(
            f"SELECT {QUESTION_COLUMNS}, t.name AS theme FROM qcm_questions qq "
            "JOIN questions q ON q.id = qq.question_id JOIN themes t ON t.id = q.theme_id "
            "WHERE qq.qcm_id = ? ORDER BY qq.position", (session.qcm_id,))
        answers = {r[0]: r[1] for r in tx.all(
            "SELECT question_id, choice FROM answers WHERE participant_id = ?",
            (key.participant_id,))}
        return ExamTicket(key, rows.participant(participant_row), session, formation,
                          tz[0],
                          tuple(rows.question(r, r["theme"]) for r in questions), answers)

    async def answers(self, participant_id: int) -> dict[int, int]:
        return {r[0]: r[1] for r in await self.db.all(
            "SELECT question_id, choice FROM answers WHERE participant_id = ?", (participant_id,))}

    async def beat(self, key_id: int, token: str, position: int | None) -> datetime | None:
        """A connection's heartbeat in one round trip: extend its lease,
        remember the question it shows (None: unchanged) and return the key's
        own current end; None if the connection lost the key.

        (Three round trips before: at 250 sessions per worker, one every 10 s
        each, the heartbeats alone were 75 database operations a second.)"""
        now = self.clock.now()

        def beat(tx: AnySyncTx) -> datetime | None:
            held = tx.execute(
                "UPDATE online_keys SET lease_until = ?, position = COALESCE(?, position) "
                "WHERE id = ? AND lease_token = ? AND state = 'in_progress'",
                (rows.ts(now + LEASE), None if position is None else max(0, position),
                 key_id, token)).rowcount == 1
            if not held:
                return None
            row = tx.one(
                "SELECT s.ends_at, k.extra_minutes FROM online_keys k "
                "JOIN sessions s ON s.id = k.session_id WHERE k.id = ?", (key_id,))
            assert row is not None  # the key just updated, in this transaction
            return own_end(rows.moment(row[0]), row[1])

        return await self.db.run(beat, write=True)

    async def save_position(self, key_id: int, token: str, position: int) -> bool:
        """Remember which question this connection shows; False if it lost the key."""
        return await self.db.run(lambda tx: tx.execute(
            "UPDATE online_keys SET position = ? WHERE id = ? AND lease_token = ? "
            "AND state = 'in_progress'", (max(0, position), key_id, token)).rowcount == 1,
            write=True)

    async def release(self, key_id: int, token: str) -> None:
        await self.db.run(lambda tx: tx.execute(
            "UPDATE online_keys SET lease_token = NULL, lease_until = NULL, lease_node = NULL "
            "WHERE id = ? AND lease_token = ? AND state != 'submitted'", (key_id, token)),
            write=True)

    async def _held(self, tx: AnyTx, key_id: int, token: str) -> rows.Row:
        return self._check_held(await tx.one(_held_select(tx), (key_id,)), token)

    def _check_held(self, row: rows.Row | None, token: str) -> rows.Row:
        """The key row if this connection holds it in an open window; else KeyRefused."""
        if row is None or row["state"] == KeyState.SUBMITTED.value:
            raise KeyRefused(KeyRefusal.SUBMITTED)
        if row["lease_token"] != token:
            raise KeyRefused(KeyRefusal.IN_USE)
        if self.clock.now() >= own_end(rows.moment(row["s_end"]), row["extra_minutes"]):
            raise KeyRefused(KeyRefusal.CLOSED)
        return row

    async def save_identity(self, key_id: int, token: str, identity: Identity,
                            retake_of: str | None) -> Participant:
        if not retake_of:  # the common case: one round trip
            return await self.db.run(
                lambda tx: self._save_identity(tx, key_id, token, identity), write=True)
        async with self.db.transaction() as tx:
            row = await self._held(tx, key_id, token)
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
            await tx.execute(_IDENTITY_UPDATE, _identity_params(identity, retake_of,
                                                                row["participant_id"]))
        return await self.sessions.participant(Scope.admin("candidate"), row["participant_id"])

    def _save_identity(self, tx: AnySyncTx, key_id: int, token: str,
                       identity: Identity) -> Participant:
        row = self._check_held(tx.one(_held_select(tx), (key_id,)), token)
        tx.execute(_IDENTITY_UPDATE, _identity_params(identity, None, row["participant_id"]))
        saved = tx.one("SELECT * FROM participants WHERE id = ?", (row["participant_id"],))
        assert saved is not None  # the key's participant (a foreign key), just updated
        return rows.participant(saved)

    async def save_answer(self, key_id: int, token: str, question_id: int, choice: int,
                          position: int | None = None) -> None:
        """Persist one answer before the screen shows it as chosen (one round
        trip); with `position`, the question shown goes with it, so that a
        connection lost without a goodbye (its node killed) resumes there."""
        if not 0 <= choice <= 3:
            raise Conflict("Choix invalide.")
        now = self.now_text()

        def save(tx: AnySyncTx) -> None:
            row = self._check_held(tx.one(_held_select(tx), (key_id,)), token)
            if not tx.one(
                    "SELECT 1 FROM qcm_questions qq JOIN sessions s ON s.qcm_id = qq.qcm_id "
                    "WHERE s.id = ? AND qq.question_id = ?", (row["session_id"], question_id)):
                raise NotFound("Question hors de ce QCM.")
            tx.execute(
                "INSERT INTO answers (participant_id, question_id, choice, answered_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(participant_id, question_id) DO UPDATE SET "
                "choice = excluded.choice, answered_at = excluded.answered_at",
                (row["participant_id"], question_id, choice, now))
            if position is not None and position != row["position"]:
                tx.execute("UPDATE online_keys SET position = ? WHERE id = ?",
                           (max(0, position), key_id))

        await self.db.run(save, write=True)

    async def submit(self, key_id: int, token: str | None) -> int:
        """Final submission, once per key ever: returns the score.

        `token` None is the server's own auto-submission after the window closed."""
        now = self.now_text()

        def submit(tx: AnySyncTx) -> int:
            row = tx.one(f"SELECT * FROM online_keys k WHERE id = ?{tx.for_update('k')}",
                         (key_id,))
            if row is None or row["state"] == KeyState.SUBMITTED.value:
                raise KeyRefused(KeyRefusal.SUBMITTED)
            if token is not None and row["lease_token"] != token:
                raise KeyRefused(KeyRefusal.IN_USE)
            correct = {r[0]: r[1] for r in tx.all(
                "SELECT q.id, q.correct FROM qcm_questions qq "
                "JOIN questions q ON q.id = qq.question_id "
                "JOIN sessions s ON s.qcm_id = qq.qcm_id WHERE s.id = ?", (row["session_id"],))}
            given = {r[0]: r[1] for r in tx.all(
                "SELECT question_id, choice FROM answers WHERE participant_id = ?",
                (row["participant_id"],))}
            score = score_answers(correct, given)
            tx.execute("UPDATE participants SET score = ?, submitted = 1 WHERE id = ?",
                       (score, row["participant_id"]))
            tx.execute(
                "UPDATE online_keys SET state = 'submitted', submitted_at = ?, "
                "lease_token = NULL, lease_until = NULL, lease_node = NULL WHERE id = ?",
                (now, key_id))
            self.audit_now(tx, f"clé {row['code']}", "submit" if token else "auto_submit",
                           "key", key_id, f"{score}")
            return score

        return await self.db.run(submit, write=True)

    async def submit_expired(self) -> list[int]:
        """Auto-submit every started key whose own end (session end plus the
        key's extra time) has passed. One process of all those sharing the
        database sweeps at a time; the others return [] at once (each key is
        still submitted at most once, by its row)."""
        async with self.db.singleton("sweeper") as mine:
            if not mine:
                return []
            now = self.clock.now()
            # The session's end comes first (extra time is never negative): the
            # database narrows by it, the key's own end is judged here.
            ended = await self.db.all(
                "SELECT k.id, s.ends_at, k.extra_minutes FROM online_keys k "
                "JOIN sessions s ON s.id = k.session_id "
                "WHERE k.state = 'in_progress' AND s.ends_at <= ?", (rows.ts(now),))
            expired = [r for r in ended
                       if own_end(rows.moment(r[1]), r[2]) <= now]
            done = []
            for row in expired:
                try:
                    await self.submit(row[0], None)
                    done.append(row[0])
                except KeyRefused:
                    pass  # submitted meanwhile by its own connection
            return done


_HELD_SELECT = (
    "SELECT k.*, s.ends_at AS s_end, s.centre_id AS s_centre, q.formation_code "
    "FROM online_keys k JOIN sessions s ON s.id = k.session_id JOIN qcms q ON q.id = s.qcm_id "
    "WHERE k.id = ?")


def _held_select(tx: AnyTx | AnySyncTx) -> str:
    """The key row and what its checks need, locked until the transaction ends
    (PostgreSQL; SQLite's write transaction holds the whole file)."""
    return f"{_HELD_SELECT}{tx.for_update('k')}"
_IDENTITY_UPDATE = (
    f"UPDATE participants SET {', '.join(f'{c} = ?' for c in IDENTITY_COLUMNS)}, "
    # A retake carries the first attempt's practical result over;
    # withdrawing the retake withdraws that result too.
    "retake_of = ?, practical = CASE WHEN CAST(? AS TEXT) IS NOT NULL THEN ? "
    "WHEN retake_of IS NOT NULL THEN ? ELSE practical END WHERE id = ?")


def _identity_params(identity: Identity, retake_of: str | None, participant_id: int) -> tuple:
    return (*(getattr(identity, c) for c in IDENTITY_COLUMNS), retake_of or None,
            retake_of or None, Practical.FAVOURABLE.value, Practical.UNKNOWN.value,
            participant_id)


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
