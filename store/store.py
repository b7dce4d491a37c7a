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
from store.qcms import QcmRepo
from store.sessions import SessionRepo


class Store:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.banks = BankRepo(db, clock)
        self.centres = CentreRepo(db, clock)
        self.qcms = QcmRepo(db, clock, self.banks)
        self.sessions = SessionRepo(db, clock)
        self.exam = ExamRepo(db, clock, self.banks, self.sessions)
        self.documents = DocumentRepo(db, clock)
        self.audit = AuditRepo(db, clock)

    @classmethod
    async def open(cls, path: Path | str, clock: Clock | None = None) -> Store:
        return cls(await Database.open(path), clock or SystemClock())

    async def close(self) -> None:
        await self.db.close()
