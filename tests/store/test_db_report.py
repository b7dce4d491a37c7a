"""Long reads go through a connection of their own (SQLite: a second,
read-only connection; PostgreSQL: a pooled one in a read-only snapshot):
they never make the writers (candidates' answers) wait, and cannot write."""

from __future__ import annotations

import asyncio

import pytest

from store.db import Database
from store.pg import PgDatabase
from tests.backends import DIRECT_ERRORS

SLOW_COUNT = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) "
              "SELECT count(*) FROM c")


async def _open(backend) -> Database | PgDatabase:
    if backend.is_pg:
        return await PgDatabase.open(backend.target)
    return await Database.open(backend.target)


async def test_a_long_report_does_not_hold_up_writes(backend) -> None:
    db = await _open(backend)
    try:
        await db.report("SELECT 1")  # the reader is open
        report = asyncio.ensure_future(db.report(SLOW_COUNT, (5_000_000,)))
        await asyncio.sleep(0.05)  # the report is running
        async with db.transaction() as tx:
            await tx.execute("CREATE TABLE t (x INTEGER)")
            await tx.execute("INSERT INTO t VALUES (1)")
        assert (await db.one("SELECT count(*) FROM t"))[0] == 1
        assert not report.done()  # the write did not wait for it
        assert (await report)[0][0] == 5_000_000
        # The report connection sees what was committed.
        assert (await db.report("SELECT x FROM t"))[0]["x"] == 1
    finally:
        await db.close()


async def test_the_report_connection_cannot_write(backend) -> None:
    db = await _open(backend)
    try:
        with pytest.raises(DIRECT_ERRORS, match="(?i)read-?only"):
            await db.report("CREATE TABLE t (x INTEGER)")
    finally:
        await db.close()
