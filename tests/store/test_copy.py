"""Moving a SQLite database to PostgreSQL: every row, ids kept, counts
checked, triggers on again afterwards; refused into a non-empty database;
all or nothing."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from store import Conflict
from store.admin import Admin
from store.copy import TABLES, copy_sqlite_to_pg
from store.errors import Locked
from store.pg import PgDatabase
from store.schema import MIGRATIONS
from tests.backends import DIRECT_ERRORS, Backend
from tests.store.conftest import ADMIN, identity

pytestmark = pytest.mark.parametrize("backend_name", ["sqlite"])  # the source


async def _busy_world(store, world):
    """Beyond the world: a submitted online key with answers, a locked
    participant, an edited question (a version that replaces another)."""
    a = world.a
    ticket = await store.exam.open_key(a.key.code, "tok")
    await store.exam.save_identity(a.key.id, "tok", identity("Enligne"), None)
    for q in ticket.questions[:4]:
        await store.exam.save_answer(a.key.id, "tok", q.id, q.correct)
    await store.exam.submit(a.key.id, "tok")
    await store.documents.publish(a.scope, a.centre.id, a.offline.id, [], lock=[a.participant.id])
    await store.audit.record_failure("10.0.0.1", "key")
    q = (await store.banks.questions("TST"))[0]
    await Admin(store).banks.edit_question(ADMIN, q.id, q.theme, q.text + " (v2)", q.choices,
                                           q.correct)
    return ticket


def _counts(path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


async def test_copy_keeps_every_row_and_every_rule(store, world, backend, pg_url, clock):
    ticket = await _busy_world(store, world)
    expected = _counts(backend.target)
    target = await PgDatabase.open(pg_url)
    try:
        report = await copy_sqlite_to_pg(backend.target, target)
    finally:
        await target.close()
    assert report.schema_version == len(MIGRATIONS) and report.rows == expected
    assert all(expected[t] > 0 for t in ("answers", "documents", "paper_batches", "audit",
                                         "auth_failures", "online_keys"))
    copied = await Backend("pg", pg_url).open(clock)
    try:
        a = world.a
        # The same objects, read through the same repositories.
        assert await copied.centres.centres(ADMIN) == await store.centres.centres(ADMIN)
        assert await copied.sessions.sessions(ADMIN) == await store.sessions.sessions(ADMIN)
        assert (await copied.exam.keys(a.scope, a.online.id)
                == await store.exam.keys(a.scope, a.online.id))
        assert (await copied.exam.answers(ticket.participant.id)
                == await store.exam.answers(ticket.participant.id))
        assert await copied.documents.documents(ADMIN) == await store.documents.documents(ADMIN)
        assert await copied.audit.entries(ADMIN) == await store.audit.entries(ADMIN)
        assert (await copied.banks.questions("TST", True)
                == await store.banks.questions("TST", True))
        # New rows get new ids, after the copied ones.
        centre = await copied.centres.add_centre(ADMIN, "Centre C", city="Brest")
        assert centre.id == max(c.id for c in await store.centres.centres(ADMIN)) + 1
        # The locks hold on the copy: the triggers are on again.
        with pytest.raises(Locked):
            await copied.sessions.update_participant(
                a.scope, a.participant.id, identity("Autre"), 5, a.participant.practical)
        async with Backend("pg", pg_url).sql() as conn:
            with pytest.raises(DIRECT_ERRORS, match="LOCKED"):
                await conn.execute("UPDATE answers SET choice = 0 WHERE participant_id = ?",
                                   (ticket.participant.id,))
    finally:
        await copied.close()


async def test_refused_into_a_database_that_has_data(store, world, backend, pg_url, clock):
    other = await Backend("pg", pg_url).open(clock)
    await other.centres.add_centre(ADMIN, "Déjà là")
    await other.close()
    target = await PgDatabase.open(pg_url)
    try:
        with pytest.raises(Conflict, match="n'est pas vide \\(table centres\\)"):
            await copy_sqlite_to_pg(backend.target, target)
        assert (await target.one("SELECT COUNT(*) FROM centres"))[0] == 1
        assert (await target.one("SELECT COUNT(*) FROM formations"))[0] == 0
    finally:
        await target.close()


async def test_a_row_postgresql_refuses_leaves_nothing(store, world, backend, pg_url):
    # SQLite's loose typing lets text into an integer column: PostgreSQL will not.
    with closing(sqlite3.connect(backend.target)) as conn:
        conn.execute("INSERT INTO participant_numbers (year, last) VALUES (1999, 'beaucoup')")
        conn.commit()
    target = await PgDatabase.open(pg_url)
    try:
        with pytest.raises(Conflict, match="participant_numbers"):
            await copy_sqlite_to_pg(backend.target, target)
        for table in TABLES:
            assert (await target.one(f"SELECT COUNT(*) FROM {table}"))[0] == 0, table
        # Nothing was left switched off either.
        disabled = await target.all(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'")
        assert disabled == []
    finally:
        await target.close()


async def test_refused_when_the_schemas_differ(store, world, backend, pg_url):
    with closing(sqlite3.connect(backend.target)) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    target = await PgDatabase.open(pg_url)
    try:
        with pytest.raises(Conflict, match="Schémas différents"):
            await copy_sqlite_to_pg(backend.target, target)
    finally:
        await target.close()
