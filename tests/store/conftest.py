"""Every store test runs on both backends: a real SQLite file, and a real
PostgreSQL database (one server per test session, started by the tests, one
fresh database per test). A fixed clock, and a small world of two centres.

PostgreSQL missing makes the `pg` tests fail, unless QCM_TEST_POSTGRES=0
says to run SQLite only."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from domain.clock import Clock, FixedClock
from domain.models import (
    Account,
    Centre,
    Document,
    DocumentKind,
    ExamSession,
    Formation,
    Identity,
    OnlineKey,
    PaperBatch,
    Participant,
    Practical,
    Qcm,
    Question,
    QuestionBank,
    Role,
    SessionKind,
    Trainer,
)
from store import Scope, Store
from store.documents import NewDocument
from store.pg import to_dollar
from tests.pg_server import PgDatabases, postgres_wanted

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
ADMIN = Scope.admin("admin-test")
THEMES = ("Réglementation", "Sécurité", "Câblage")


def small_bank(code: str = "TST", per_qcm: int = 6, pass_mark: int = 4,
               themes: tuple[str, ...] = THEMES, per_theme: int = 4) -> QuestionBank:
    questions = tuple(
        Question(None, theme, f"{code} — {theme}, question {i} ?",
                 (f"{theme} {i} réponse a", f"{theme} {i} réponse b",
                  f"{theme} {i} réponse c", f"{theme} {i} réponse d"), (i + len(theme)) % 4)
        for theme in themes for i in range(per_theme))
    return QuestionBank(Formation(code, f"Formation {code}", per_qcm, pass_mark, themes), questions)


def identity(last_name: str = "Dupont", first_name: str = "Gérard") -> Identity:
    return Identity("M.", last_name, first_name, "Solaire SARL", "3 rue du Soleil", "69007",
                    "Lyon", "France", f"{first_name.lower()}.{last_name.lower()}@solaire.fr")


def sql(path: Path) -> sqlite3.Connection:
    """A second, plain connection to the same file: what a person with the
    sqlite3 shell could do behind the application's back."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


# What direct SQL raises on either backend (a trigger's LOCKED, a constraint).
DIRECT_ERRORS = (sqlite3.DatabaseError, asyncpg.PostgresError)
BACKENDS = ["sqlite", "pg"]


class DirectSql:
    """A plain connection beside the application's: SQL written with `?`,
    run in autocommit, errors as the driver raises them (DIRECT_ERRORS)."""

    def __init__(self, sqlite: sqlite3.Connection | None = None,
                 pg: asyncpg.Connection | None = None) -> None:
        self._sqlite, self._pg = sqlite, pg

    async def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        if self._pg is not None:
            await self._pg.execute(to_dollar(statement), *params)
        else:
            assert self._sqlite is not None
            self._sqlite.execute(statement, params)

    async def all(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        if self._pg is not None:
            return [tuple(r) for r in await self._pg.fetch(to_dollar(statement), *params)]
        assert self._sqlite is not None
        return [tuple(r) for r in self._sqlite.execute(statement, params)]

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()
        if self._sqlite is not None:
            self._sqlite.close()


@dataclass
class Backend:
    """Where a test's database lives: `target` is what `Store.open` takes."""

    name: str  # "sqlite" or "pg"
    target: Path | str

    @property
    def is_pg(self) -> bool:
        return self.name == "pg"

    async def open(self, clock: Clock | None = None, **kwargs: Any) -> Store:
        return await Store.open(self.target, clock, **kwargs)

    @asynccontextmanager
    async def sql(self) -> AsyncIterator[DirectSql]:
        if self.is_pg:
            direct = DirectSql(pg=await asyncpg.connect(str(self.target)))
        else:
            direct = DirectSql(sqlite=sql(Path(self.target)))
        try:
            yield direct
        finally:
            await direct.close()


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    if request.param == "pg" and not postgres_wanted():
        pytest.skip("QCM_TEST_POSTGRES=0 : PostgreSQL non testé")
    return request.param


async def new_backend(name: str, request: pytest.FixtureRequest, tmp_path: Path,
                      migrated: bool = True) -> AsyncIterator[Backend]:
    if name == "sqlite":
        yield Backend("sqlite", tmp_path / "db.sqlite3")
        return
    databases: PgDatabases = request.getfixturevalue("pg_databases")
    url = await databases.create(migrated)
    try:
        yield Backend("pg", url)
    finally:
        await databases.drop(url)


@pytest.fixture
async def backend(backend_name: str, request: pytest.FixtureRequest,
                  tmp_path: Path) -> AsyncIterator[Backend]:
    """A new, migrated database (on PostgreSQL, copied from the template)."""
    async for made in new_backend(backend_name, request, tmp_path):
        yield made


@pytest.fixture
async def empty_backend(backend_name: str, request: pytest.FixtureRequest,
                        tmp_path: Path) -> AsyncIterator[Backend]:
    """A database with no schema at all (migrations start from zero)."""
    async for made in new_backend(backend_name, request, tmp_path / "empty", migrated=False):
        yield made


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def store(backend: Backend, clock: FixedClock):
    opened = await backend.open(clock)
    try:
        yield opened
    finally:
        await opened.close()


@dataclass
class CentreWorld:
    centre: Centre
    scope: Scope
    trainer: Trainer
    account: Account
    qcm: Qcm
    batch: PaperBatch
    offline: ExamSession
    online: ExamSession
    participant: Participant  # offline, QCM 2/6 with practical favourable (retake once final)
    key: OnlineKey
    document: Document


@dataclass
class World:
    a: CentreWorld
    b: CentreWorld


async def make_centre(store: Store, name: str, login: str, city: str) -> CentreWorld:
    centre = await store.centres.add_centre(ADMIN, name, "1 rue de la Gare", "69001", city)
    trainer = await store.centres.add_trainer(ADMIN, centre.id, f"Formateur {city}")
    account = await store.centres.add_account(ADMIN, login, Role.CENTRE, centre.id, "x")
    scope = Scope.of(account)
    qcm = await store.qcms.create_qcm(scope, "TST", f"TST_{city}")
    batch = await store.qcms.create_paper_batch(scope, qcm.id, 3)
    offline = await store.sessions.create_session(scope, qcm.id, SessionKind.OFFLINE, trainer.id,
                                                  city, date(2026, 3, 10))
    online = await store.sessions.create_session(
        scope, qcm.id, SessionKind.ONLINE, trainer.id, f"{city} en ligne", date(2026, 3, 10),
        T0 - timedelta(hours=1), T0 + timedelta(hours=2))
    participant = await store.sessions.add_participant(
        scope, offline.id, identity(f"Candidat{city}"), 2, Practical.FAVOURABLE)
    [key] = await store.exam.create_keys(scope, online.id, 1)
    [document] = await store.documents.publish(
        scope, centre.id, offline.id,
        [NewDocument(DocumentKind.LETTER, f"{city}/lettre.pdf", "0" * 64, participant.id)])
    return CentreWorld(centre, scope, trainer, account, qcm, batch, offline, online, participant,
                       key, document)


@pytest.fixture
async def world(store: Store) -> World:
    await store.banks.import_bank(small_bank(), ADMIN)
    return World(await make_centre(store, "Centre A", "centre-a", "Lyon"),
                 await make_centre(store, "Centre B", "centre-b", "Nantes"))


async def make_final(store: Store, cw: CentreWorld) -> Participant:
    """Lock `cw.participant` (its result letter was produced): only then may it be retaken."""
    await store.documents.publish(cw.scope, cw.centre.id, cw.offline.id, [],
                                  lock=[cw.participant.id])  # type: ignore[list-item]
    return await store.sessions.participant(cw.scope, cw.participant.id)  # type: ignore[arg-type]
