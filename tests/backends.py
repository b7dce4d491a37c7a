"""The two backends a test's database can live on: a real SQLite file, or a
real PostgreSQL database (one server per test session, see tests/pg_server.py;
one fresh database per test).

The `backend` fixture (tests/conftest.py) runs each test that uses it, even
through other fixtures (a store, an exam server), once per backend; a busy
database is `Backend.hold_writes()` on either. A test that has no reason to
run twice (it is about SQLite itself, or about the bytes a terminal receives)
says so, with the reason:

    @pytest.mark.sqlite_only("bytes a terminal receives: the database takes no part")

and runs on SQLite only (its PostgreSQL variant is deselected)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from domain.clock import Clock
from store import Store
from store.pg import to_dollar
from tests.pg_server import PgDatabases

BACKENDS = ["sqlite", "pg"]
SQLITE_ONLY = "sqlite_only"
# What direct SQL raises on either backend (a trigger's LOCKED, a constraint).
DIRECT_ERRORS = (sqlite3.DatabaseError, asyncpg.PostgresError)


def sql(path: Path) -> sqlite3.Connection:
    """A second, plain connection to the same file: what a person with the
    sqlite3 shell could do behind the application's back."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


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
    """Where a test's database lives: `target` is what `Store.open` takes
    (and what `[database] url` or the SQLite file would name)."""

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

    @asynccontextmanager
    async def hold_writes(self) -> AsyncIterator[DirectSql]:
        """Another process holds the write lock until the block ends (then
        rolls back): on SQLite `BEGIN IMMEDIATE` (its one writer); on
        PostgreSQL every table locked IN EXCLUSIVE MODE, so that reads go on
        and every write (and `SELECT … FOR UPDATE`) waits, as on SQLite."""
        if self.is_pg:
            async with self.sql() as conn:
                await conn.execute("BEGIN")
                tables = [name for (name,) in await conn.all(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                await conn.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
                try:
                    yield conn
                finally:
                    await conn.execute("ROLLBACK")
            return
        # In a thread: the application's own short writes (same event loop)
        # may need to finish first.
        blocker = sqlite3.connect(self.target, isolation_level=None, timeout=30,
                                  check_same_thread=False)
        try:
            await asyncio.to_thread(blocker.execute, "BEGIN IMMEDIATE")
            yield DirectSql(sqlite=blocker)
            blocker.execute("ROLLBACK")
        finally:
            blocker.close()

    async def writes_waiting(self, conn: DirectSql) -> int:
        """PostgreSQL: how many statements of other connections wait for a
        lock now (those `hold_writes` stopped)."""
        assert self.is_pg, "SQLite does not tell who waits for its lock"
        [(count,)] = await conn.all(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()")
        return int(count)


@asynccontextmanager
async def new_backend(name: str, request: pytest.FixtureRequest, tmp_path: Path,
                      migrated: bool = True) -> AsyncIterator[Backend]:
    """A database on backend `name`: on SQLite a file in `tmp_path` (created
    by the first `Store.open`); on PostgreSQL a new database, migrated (copied
    from the session's template) or empty, dropped afterwards."""
    if name == "sqlite":
        yield Backend("sqlite", tmp_path / "db.sqlite3")
        return
    databases: PgDatabases = request.getfixturevalue("pg_databases")
    url = await databases.create(migrated)
    try:
        yield Backend("pg", url)
    finally:
        await databases.drop(url)


def sqlite_only_reason(item: pytest.Item) -> str | None:
    """The reason a test gives for running on SQLite only, if it gives one."""
    marker = item.get_closest_marker(SQLITE_ONLY)
    if marker is None:
        return None
    if not (marker.args and isinstance(marker.args[0], str) and marker.args[0].strip()):
        raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs its reason, as a string")
    return marker.args[0]
