"""Server processes (nodes) sharing one database, and what they share.

Each server process joins as a node: a row in `nodes`, whose `beat_at` it
refreshes every BEAT, and a liveness lock the backend drops with the process
(PostgreSQL: a session advisory lock on a connection of its own; SQLite: a
flock beside the file). A node is dead when its row is gone, its beat is
older than STALE (a machine that vanished: PostgreSQL keeps a silent peer's
connection, and its lock, for a long time), or its lock is free (a process
that ended, however: the common case, detected at once).

Leases and paper batches name the node that holds or draws them: a node
starting frees only what dead nodes held (`reap`), and a key whose lease a
dead node holds is taken over at once by the candidate's new connection
(`ExamRepo.open_key`) instead of waiting for the lease to expire."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from store import rows
from store.base import AnySyncTx, Repo

BEAT = timedelta(seconds=3)
STALE = timedelta(seconds=20)  # a loaded event loop may beat late; well below the 30-s lease


@dataclass(frozen=True)
class Reaped:
    nodes: int  # dead nodes forgotten
    leases: int  # leases they (or a process without a node) held, released
    batches: int  # paper batches they were drawing, removed


class NodeRepo(Repo):
    """This process's node (`current`, once joined) and the others' liveness."""

    current: int | None = None
    label = ""

    async def join(self, label: str) -> int:
        """Register this process as a new node and take its liveness lock."""
        now = self.now_text()
        node_id = await self.db.run(lambda tx: tx.insert(
            "INSERT INTO nodes (label, started_at, beat_at) VALUES (?, ?, ?)",
            (label, now, now)), write=True)
        await self.db.hold_node(node_id)
        self.current, self.label = node_id, label
        return node_id

    async def beat(self) -> None:
        """Refresh this node's heartbeat (one UPDATE). A node declared dead
        meanwhile (a long stall) comes back under the same id; a lost lock
        connection is opened again."""
        node_id = self.current
        if node_id is None:
            return
        now = self.now_text()

        def work(tx: AnySyncTx) -> None:
            if tx.execute("UPDATE nodes SET beat_at = ? WHERE id = ?",
                          (now, node_id)).rowcount == 0:
                tx.execute("INSERT INTO nodes (id, label, started_at, beat_at) "
                           "VALUES (?, ?, ?, ?)", (node_id, self.label, now, now))

        await self.db.run(work, write=True)
        if not self.db.holds_node():
            await self.db.hold_node(node_id)

    async def leave(self) -> None:
        """This node stops (after its connections gave their keys back):
        release what it still holds, remove its row, drop its lock."""
        node_id = self.current
        if node_id is None:
            return

        def work(tx: AnySyncTx) -> None:
            tx.execute(
                "UPDATE online_keys SET lease_token = NULL, lease_until = NULL, "
                "lease_node = NULL WHERE lease_node = ? AND state != 'submitted'", (node_id,))
            tx.execute("DELETE FROM nodes WHERE id = ?", (node_id,))

        try:
            await self.db.run(work, write=True)
        finally:
            self.current = None
            await self.db.drop_node()
            self.db.forget_node(node_id)

    def is_dead(self, tx: AnySyncTx, node_id: int | None, now: datetime) -> bool:
        """Whether node `node_id` is known dead (None: a holder without a
        node, whose lease is only known to end when it expires)."""
        if node_id is None:
            return False
        row = tx.one("SELECT beat_at FROM nodes WHERE id = ?", (node_id,))
        if row is None:
            return True
        return self._dead(tx, node_id, row["beat_at"], now)

    def _dead(self, tx: AnySyncTx, node_id: int, beat_at: str, now: datetime) -> bool:
        if node_id == self.current:
            return False
        beat = rows.from_ts(beat_at)
        if beat is None or beat + STALE < now:
            return True
        return self.db.node_lock_free(tx, node_id)  # type: ignore[arg-type]

    async def reap(self, *, nodeless: bool = True) -> Reaped:
        """Forget dead nodes: release the leases they held and remove the
        paper batches they were drawing, in one transaction. With
        `nodeless` (a node starting), also what a process without a node
        left: leases and batches from before nodes existed, or from a local
        command that died while drawing a batch."""
        now = self.clock.now()

        def work(tx: AnySyncTx) -> tuple[Reaped, list[int]]:
            found = tx.all("SELECT id, beat_at FROM nodes" + tx.for_update("nodes"))
            dead = [r["id"] for r in found if self._dead(tx, r["id"], r["beat_at"], now)]
            live = [r["id"] for r in found if r["id"] not in dead]
            owner = _not_live("lease_node", live, nodeless)
            leases = tx.execute(
                "UPDATE online_keys SET lease_token = NULL, lease_until = NULL, "
                f"lease_node = NULL WHERE lease_token IS NOT NULL AND state != 'submitted' "
                f"AND {owner}", live).rowcount
            batches = tx.execute(
                "DELETE FROM paper_batches WHERE document_id IS NULL AND "
                f"{_not_live('node_id', live, nodeless)}", live).rowcount
            if dead:
                tx.execute(f"DELETE FROM nodes WHERE id IN ({_marks(dead)})", dead)
            if batches:
                self.audit_now(tx, "system", "discard_unfinished_batches", "paper_batches",
                               "-", f"{batches} lots sans document")
            return Reaped(len(dead), leases, batches), dead

        reaped, dead = await self.db.run(work, write=True)
        for node_id in dead:
            self.db.forget_node(node_id)
        return reaped

    async def shared_secret(self, name: str, make: Callable[[], str]) -> str:
        """The secret `name` every node uses (the SSH host key): created once
        by the first node that asks (`make()`), read back by every other;
        two nodes asking at once get the same one."""
        candidate = make()
        now = self.now_text()

        def work(tx: AnySyncTx) -> str:
            tx.execute("INSERT INTO host_keys (name, private_key, created_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (name) DO NOTHING", (name, candidate, now))
            row = tx.one("SELECT private_key FROM host_keys WHERE name = ?", (name,))
            return str(row[0])  # type: ignore[index]

        return await self.db.run(work, write=True)


def _marks(values: list[int]) -> str:
    return ",".join("?" * len(values))


def _not_live(column: str, live: list[int], nodeless: bool) -> str:
    """SQL: `column` names no live node (nor NULL unless `nodeless`)."""
    held = f"{column} IS NOT NULL" if not nodeless else "TRUE"
    if not live:
        return f"({held})"
    return f"({held} AND ({column} IS NULL OR {column} NOT IN ({_marks(live)})))"
