"""Schema migrations from zero, reopening, and a newer database refused."""

import pytest

from store import Store
from store.errors import SchemaTooNew
from store.schema import MIGRATIONS
from tests.store.conftest import ADMIN, sql


async def test_new_file_is_migrated_from_zero(tmp_path, clock):
    path = tmp_path / "sub" / "new.sqlite3"
    store = await Store.open(path, clock)
    try:
        assert await store.db.version() == len(MIGRATIONS)
        tables = {r[0] for r in await store.db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"formations", "themes", "questions", "centres", "trainers", "accounts",
                "account_keys", "qcms", "qcm_questions", "paper_batches", "sessions",
                "participants", "participant_numbers", "online_keys", "answers", "documents",
                "audit", "auth_failures"} <= tables
        assert (await store.db.one("PRAGMA journal_mode"))[0] == "wal"
        assert (await store.db.one("PRAGMA foreign_keys"))[0] == 1
        assert (await store.db.one("PRAGMA busy_timeout"))[0] >= 1000
    finally:
        await store.close()


async def test_reopen_is_idempotent_and_keeps_data(db_path, clock):
    store = await Store.open(db_path, clock)
    centre = await store.centres.add_centre(ADMIN, "Centre Un")
    await store.close()
    for _ in range(2):
        store = await Store.open(db_path, clock)
        try:
            assert await store.db.version() == len(MIGRATIONS)
            assert await store.centres.centres(ADMIN) == [centre]
        finally:
            await store.close()


async def test_newer_database_is_refused(db_path, clock):
    store = await Store.open(db_path, clock)
    await store.close()
    conn = sql(db_path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="plus récent.*mettez qcm-ssh à jour"):
        await Store.open(db_path, clock)
    # Refused without being touched.
    conn = sql(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    conn.close()


async def test_foreign_keys_enforced(store):
    from store.errors import Conflict
    async with store.db.transaction() as tx:
        with pytest.raises(Conflict, match="FOREIGN KEY"):
            await tx.execute("INSERT INTO trainers (centre_id, name) VALUES (999, 'x')")
