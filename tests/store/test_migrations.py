"""Schema migrations from zero, reopening, and a newer database refused, on
both backends; the two lists of steps keep the same numbering."""

import pytest

from store import Store
from store.errors import Conflict, Locked, SchemaTooNew
from store.schema import MIGRATIONS
from store.schema_pg import MIGRATIONS as PG_MIGRATIONS
from store.schema_pg import refuse
from tests.store.conftest import ADMIN

TABLES = {"formations", "themes", "questions", "centres", "trainers", "accounts",
          "account_keys", "qcms", "qcm_questions", "paper_batches", "sessions",
          "participants", "participant_numbers", "online_keys", "answers", "documents",
          "audit", "auth_failures", "nodes", "host_keys"}


def test_both_backends_have_the_same_steps():
    """A step added to one schema and not to the other fails here: step N
    means the same on SQLite and on PostgreSQL."""
    assert len(PG_MIGRATIONS) == len(MIGRATIONS)


async def test_new_sqlite_file_is_migrated_from_zero(tmp_path, clock):
    path = tmp_path / "sub" / "new.sqlite3"
    store = await Store.open(path, clock)
    try:
        assert await store.db.version() == len(MIGRATIONS)
        tables = {r[0] for r in await store.db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert TABLES <= tables
        assert (await store.db.one("PRAGMA journal_mode"))[0] == "wal"
        assert (await store.db.one("PRAGMA foreign_keys"))[0] == 1
        assert (await store.db.one("PRAGMA busy_timeout"))[0] >= 1000
    finally:
        await store.close()


async def test_empty_database_is_migrated_from_zero(empty_backend, clock):
    store = await empty_backend.open(clock)
    try:
        assert await store.db.version() == len(MIGRATIONS)
        if empty_backend.is_pg:
            tables = {r[0] for r in await store.db.all(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()")}
            triggers = {r[0] for r in await store.db.all(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")}
        else:
            tables = {r[0] for r in await store.db.all(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            triggers = {r[0] for r in await store.db.all(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert TABLES <= tables
        # The same locking triggers, under the same names, on both.
        assert {"questions_immutable", "qcm_questions_fixed_update",
                "qcm_questions_fixed_delete", "participants_locked_update",
                "participants_locked_delete", "participants_submitted_update",
                "online_keys_submitted_update", "online_keys_submitted_delete",
                "answers_locked_insert", "answers_locked_update", "answers_locked_delete",
                "sessions_printed_fields", "documents_immutable"} <= triggers
    finally:
        await store.close()


async def test_reopen_is_idempotent_and_keeps_data(backend, clock):
    store = await backend.open(clock)
    centre = await store.centres.add_centre(ADMIN, "Centre Un")
    await store.close()
    for _ in range(2):
        store = await backend.open(clock)
        try:
            assert await store.db.version() == len(MIGRATIONS)
            assert await store.centres.centres(ADMIN) == [centre]
        finally:
            await store.close()


async def _set_version(backend, version: int) -> None:
    async with backend.sql() as conn:
        if backend.is_pg:
            await conn.execute("UPDATE schema_version SET version = ?", (version,))
        else:
            await conn.execute(f"PRAGMA user_version = {version}")


async def _stored_version(backend) -> int:
    async with backend.sql() as conn:
        if backend.is_pg:
            return (await conn.all("SELECT version FROM schema_version"))[0][0]
        return (await conn.all("PRAGMA user_version"))[0][0]


async def test_newer_database_is_refused(backend, clock):
    store = await backend.open(clock)
    await store.close()
    await _set_version(backend, len(MIGRATIONS) + 1)
    with pytest.raises(SchemaTooNew, match="plus récent.*mettez qcm-ssh à jour"):
        await backend.open(clock)
    # Refused without being touched.
    assert await _stored_version(backend) == len(MIGRATIONS) + 1


@pytest.mark.parametrize("backend_name", ["pg"])  # SQLite: PRAGMA user_version
async def test_the_version_table_holds_one_row(backend, clock):
    store = await backend.open(clock)
    await store.close()
    async with backend.sql() as conn:
        with pytest.raises(Exception, match="(?i)check|unique|duplicate"):
            await conn.execute("INSERT INTO schema_version (one_row, version) VALUES (FALSE, 1)")
        with pytest.raises(Exception, match="(?i)unique|duplicate"):
            await conn.execute("INSERT INTO schema_version (version) VALUES (1)")


async def test_foreign_keys_enforced(store):
    with pytest.raises(Conflict, match="(?i)foreign key"):
        async with store.db.transaction() as tx:
            await tx.execute("INSERT INTO trainers (centre_id, name) VALUES (999, 'x')")
    assert await store.db.all("SELECT * FROM trainers WHERE centre_id = 999") == []


@pytest.mark.parametrize("backend_name", ["pg"])
async def test_trigger_helpers_raise_the_stores_errors(store):
    """What a ported step uses: refuse() gives Locked, refuse(conflict=True) Conflict."""
    async with store.db.transaction() as tx:
        await tx.execute("CREATE TABLE t (x INTEGER)")
        await tx.execute(refuse("t_locked", "BEFORE UPDATE", "t", "verrou d'essai"))
        await tx.execute(refuse("t_conflict", "BEFORE INSERT", "t", "refus d'essai",
                                "NEW.x < 0", conflict=True))
        await tx.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(Locked, match="^verrou d'essai$"):
        async with store.db.transaction() as tx:
            await tx.execute("UPDATE t SET x = 2")
    with pytest.raises(Conflict, match="refus d'essai"):
        async with store.db.transaction() as tx:
            await tx.execute("INSERT INTO t VALUES (-1)")
    assert [r[0] for r in await store.db.all("SELECT x FROM t")] == [1]
