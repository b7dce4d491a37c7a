"""Shared by every test folder: one PostgreSQL server per test session,
started on first use (see tests/pg_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg_server import PgDatabases, PgServer, postgres_wanted


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    server = PgServer().start()
    try:
        yield PgDatabases(server)
    finally:
        server.stop()


@pytest.fixture
async def pg_url(request):
    """An empty PostgreSQL database (not migrated), dropped after the test."""
    if not postgres_wanted():
        pytest.skip("QCM_TEST_POSTGRES=0 : PostgreSQL non testé")
    pg_databases = request.getfixturevalue("pg_databases")  # the server starts only now
    url = await pg_databases.create(migrated=False)
    try:
        yield url
    finally:
        await pg_databases.drop(url)
