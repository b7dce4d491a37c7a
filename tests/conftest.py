"""Shared by every test folder: one PostgreSQL server per test session,
started on first use (see tests/pg_server.py), and the `backend` fixture that
runs a test once on SQLite and once on PostgreSQL (see tests/backends.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.backends import BACKENDS, SQLITE_ONLY, Backend, new_backend, sqlite_only_reason
from tests.pg_server import PgDatabases, PgServer, postgres_wanted


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{SQLITE_ONLY}(reason): runs on SQLite only (about SQLite itself), "
                   "its PostgreSQL variant deselected")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `sqlite_only(reason)` keeps its SQLite variant only."""
    kept, dropped = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        on_pg = params is not None and params.params.get("backend_name") == "pg"
        (dropped if on_pg and sqlite_only_reason(item) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    if request.param == "pg" and not postgres_wanted():
        pytest.skip("QCM_TEST_POSTGRES=0 : PostgreSQL non testé")
    return request.param


@pytest.fixture
async def backend(backend_name: str, request: pytest.FixtureRequest,
                  tmp_path: Path) -> AsyncIterator[Backend]:
    """A new, migrated database (on PostgreSQL, copied from the template)."""
    async with new_backend(backend_name, request, tmp_path) as made:
        yield made


@pytest.fixture
async def empty_backend(backend_name: str, request: pytest.FixtureRequest,
                        tmp_path: Path) -> AsyncIterator[Backend]:
    """A database with no schema at all (migrations start from zero)."""
    async with new_backend(backend_name, request, tmp_path / "empty",
                           migrated=False) as made:
        yield made
