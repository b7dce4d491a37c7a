"""Reading the audit log, and the failed-authentication ledger."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.models import AuditEntry
from store import rows
from store.base import AnySyncTx, Repo
from store.errors import NotFound
from store.scope import Scope


class AuditRepo(Repo):
    async def entries(self, scope: Scope, limit: int = 200) -> list[AuditEntry]:
        if not scope.is_admin:
            raise NotFound("Journal réservé à l'organisme certificateur.")
        return [
            AuditEntry(r["id"], rows.from_ts(r["at"]), r["actor"], r["action"],  # type: ignore[arg-type]
                       r["object_type"], r["object_id"], r["detail"])
            for r in await self.db.all("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        ]

    async def record_failure(self, source: str, kind: str, detail: str = "") -> None:
        """Count one failed password or candidate key from `source` (an address)."""
        def record(tx: AnySyncTx) -> None:
            tx.execute("INSERT INTO auth_failures (source, kind, at) VALUES (?, ?, ?)",
                       (source, kind, self.now_text()))
            self.audit_now(tx, source, f"failed_{kind}", "source", source, detail)

        await self.db.run(record, write=True)

    async def failures(self, source: str, kind: str, window: timedelta) -> int:
        since = rows.ts(self.clock.now() - window)
        row = await self.db.one(
            "SELECT COUNT(*) FROM auth_failures WHERE source = ? AND kind = ? AND at > ?",
            (source, kind, since))
        return int(row[0]) if row else 0

    async def failure_at(self, source: str, kind: str, window: timedelta,
                         index: int) -> datetime | None:
        """When the `index`-th oldest failure within `window` happened (0: the oldest)."""
        since = rows.ts(self.clock.now() - window)
        row = await self.db.one(
            "SELECT at FROM auth_failures WHERE source = ? AND kind = ? AND at > ? "
            "ORDER BY at LIMIT 1 OFFSET ?", (source, kind, since, index))
        return rows.from_ts(row[0]) if row else None

    async def prune_failures(self, older_than: timedelta) -> None:
        since = rows.ts(self.clock.now() - older_than)
        await self.db.run(lambda tx: tx.execute(
            "DELETE FROM auth_failures WHERE at < ?", (since,)), write=True)
