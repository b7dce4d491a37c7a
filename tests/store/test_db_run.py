"""`Database.run`: a store operation in one round trip to the database thread,
never interleaved with a multi-statement transaction of the same process."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from store.db import Database, SyncTx
from store.errors import Conflict


async def test_runs_and_transactions_mixed_at_once_never_interleave(tmp_path) -> None:
    db = await Database.open(tmp_path / "qcm.sqlite3")
    try:
        await db.run(lambda tx: tx.execute("CREATE TABLE t (owner TEXT, x INTEGER)"), write=True)

        async def transaction(n: int) -> None:
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t VALUES (?, 1)", (f"tx{n}",))
                await asyncio.sleep(0)  # other tasks queue work meanwhile
                # Inside the transaction nobody else's rows appear or vanish.
                mine = await tx.one("SELECT count(*) FROM t WHERE owner = ?", (f"tx{n}",))
                assert mine[0] == 1
                await tx.execute("INSERT INTO t VALUES (?, 2)", (f"tx{n}",))

        def insert(tx: SyncTx, n: int) -> int:
            tx.execute("INSERT INTO t VALUES (?, 1)", (f"run{n}",))
            tx.execute("INSERT INTO t VALUES (?, 2)", (f"run{n}",))
            return tx.one("SELECT count(*) FROM t WHERE owner = ?", (f"run{n}",))[0]

        async def run(n: int) -> None:
            assert await db.run(lambda tx: insert(tx, n), write=True) == 2
            assert (await db.one("SELECT count(*) FROM t WHERE owner = ?", (f"run{n}",)))[0] == 2

        await asyncio.gather(*(transaction(n) if n % 3 == 0 else run(n) for n in range(60)))
        counts = await db.all("SELECT owner, count(*) FROM t GROUP BY owner")
        assert len(counts) == 60 and all(row[1] == 2 for row in counts)
    finally:
        await db.close()


async def test_a_failing_run_writes_nothing_and_says_why(tmp_path) -> None:
    db = await Database.open(tmp_path / "qcm.sqlite3")
    try:
        await db.run(lambda tx: tx.execute("CREATE TABLE t (x INTEGER UNIQUE)"), write=True)

        def twice(tx: SyncTx) -> None:
            tx.execute("INSERT INTO t VALUES (1)")
            tx.execute("INSERT INTO t VALUES (1)")  # a constraint: a store error

        with pytest.raises(Conflict):
            await db.run(twice, write=True)
        assert (await db.one("SELECT count(*) FROM t"))[0] == 0
        with pytest.raises(sqlite3.OperationalError):  # a read that fails leaves no transaction
            await db.run(lambda tx: tx.one("SELECT nothing FROM t"))
        await db.run(lambda tx: tx.execute("INSERT INTO t VALUES (2)"), write=True)
        assert (await db.one("SELECT x FROM t"))[0] == 2
    finally:
        await db.close()
