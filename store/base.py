"""What every repository shares: the database, the clock, the audit log."""

from __future__ import annotations

from domain.clock import Clock
from store.db import Database, SyncTx, Tx
from store.pg import PgDatabase, PgSyncTx, PgTx
from store.rows import ts
from store.scope import Scope

AnyDatabase = Database | PgDatabase  # the SQLite file or PostgreSQL
AnyTx = Tx | PgTx
AnySyncTx = SyncTx | PgSyncTx  # the handle of work given to `db.run`


class Repo:
    def __init__(self, db: AnyDatabase, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def now_text(self) -> str:
        return ts(self.clock.now())

    async def audit(self, tx: AnyTx, scope: Scope | str, action: str, object_type: str,
                    object_id: object, detail: str = "") -> None:
        actor = scope if isinstance(scope, str) else scope.actor
        await tx.execute(
            "INSERT INTO audit (at, actor, action, object_type, object_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self.now_text(), actor, action, object_type, str(object_id), detail),
        )

    def audit_now(self, tx: AnySyncTx, scope: Scope | str, action: str, object_type: str,
                  object_id: object, detail: str = "") -> None:
        """`audit` inside work run by `Database.run`."""
        actor = scope if isinstance(scope, str) else scope.actor
        tx.execute(
            "INSERT INTO audit (at, actor, action, object_type, object_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (self.now_text(), actor, action, object_type, str(object_id), detail),
        )
