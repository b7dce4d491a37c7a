"""The store facade: one object handed to every session of a process."""

from __future__ import annotations

from pathlib import Path

from domain.clock import Clock, SystemClock
from store.audit import AuditRepo
from store.banks import BankRepo
from store.centres import CentreRepo
from store.db import Database
from store.documents import DocumentRepo
from store.exam import ExamRepo
from store.nodes import NodeRepo
from store.pg import PgDatabase, is_postgres_url
from store.qcms import QcmRepo
from store.sessions import SessionRepo


class Store:
    def __init__(self, db: Database | PgDatabase, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.nodes = NodeRepo(db, clock)  # this process as a server node, once joined
        self.banks = BankRepo(db, clock)
        self.centres = CentreRepo(db, clock)
        self.qcms = QcmRepo(db, clock, self.banks, self.nodes)
        self.sessions = SessionRepo(db, clock)
        self.exam = ExamRepo(db, clock, self.banks, self.sessions, self.nodes)
        self.documents = DocumentRepo(db, clock, self.sessions)
        self.audit = AuditRepo(db, clock)

    @classmethod
    async def open(cls, target: Path | str, clock: Clock | None = None, *,
                   busy_timeout_ms: int = 10000) -> Store:
        """`target`: a SQLite file, or a `postgresql://…` URL.

        `busy_timeout_ms`: how long a statement waits for another process's
        write lock (PostgreSQL: another transaction's row lock) before
        failing (tests make it short)."""
        db: Database | PgDatabase
        if is_postgres_url(target):
            db = await PgDatabase.open(str(target), busy_timeout_ms=busy_timeout_ms)
        else:
            db = await Database.open(target, busy_timeout_ms=busy_timeout_ms)
        return cls(db, clock or SystemClock())

    async def close(self) -> None:
        await self.db.close()
