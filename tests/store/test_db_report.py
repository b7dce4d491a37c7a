"""Long reads go through a second, read-only connection: they never make the
main connection (candidates' answers) wait, and they cannot write."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from store.db import Database

SLOW_COUNT = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) "
              "SELECT count(*) FROM c")


async def test_a_long_report_does_not_hold_up_writes(tmp_path) -> None:
    db = await Database.open(tmp_path / "qcm.sqlite3")
    try:
        await db.report("SELECT 1")  # the reader is open
        report = asyncio.ensure_future(db.report(SLOW_COUNT, (5_000_000,)))
        await asyncio.sleep(0.05)  # the report is running in its own thread
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


async def test_the_report_connection_cannot_write(tmp_path) -> None:
    db = await Database.open(tmp_path / "qcm.sqlite3")
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await db.report("CREATE TABLE t (x INTEGER)")
    finally:
        await db.close()
