"""The tests' PostgreSQL: one server per test session (`PgServer`, in
devtools/pg_server.py, shared with the benchmarks), a migrated template
database, and a new database per test."""

from __future__ import annotations

import itertools
import os

import asyncpg

from devtools.pg_server import PgServer
from store.pg import PgDatabase

__all__ = ["PgDatabases", "PgServer", "postgres_wanted"]

TEMPLATE = "qcm_template"


def postgres_wanted() -> bool:
    """False when QCM_TEST_POSTGRES=0: PostgreSQL tests are skipped, saying so.
    Otherwise they run, and fail if PostgreSQL is missing."""
    return os.environ.get("QCM_TEST_POSTGRES", "1").lower() not in ("0", "no", "false")


class PgDatabases:
    """The session's server, a migrated template, and a new database per test."""

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self._names = itertools.count(1)
        self._template_ready = False

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.server.url("postgres"))

    async def _prepare_template(self) -> None:
        """Once per session: a database migrated by the code under test."""
        conn = await self._admin()
        try:
            await conn.execute(f"CREATE DATABASE {TEMPLATE}")
        finally:
            await conn.close()
        db = await PgDatabase.open(self.server.url(TEMPLATE))
        await db.close()

    async def create(self, migrated: bool = True) -> str:
        if migrated and not self._template_ready:
            await self._prepare_template()
            self._template_ready = True
        name = f"test_{os.getpid()}_{next(self._names)}"
        conn = await self._admin()
        try:
            template = TEMPLATE if migrated else "template0"
            await conn.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        finally:
            await conn.close()
        return self.server.url(name)

    async def drop(self, url: str) -> None:
        name = url.split("/")[3].split("?")[0]
        conn = await self._admin()
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await conn.close()
