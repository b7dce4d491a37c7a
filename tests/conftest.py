"""Shared by every test folder: one PostgreSQL server per test session,
started on first use (see tests/pg_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg_server import PgDatabases, PgServer


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    server = PgServer().start()
    try:
        yield PgDatabases(server)
    finally:
        server.stop()
