"""`db.run`: a store operation written once as a synchronous function, run in
one round trip to SQLite's database thread, or on PostgreSQL in a worker
thread whose statements go to one pooled connection in one transaction;
never interleaved with a multi-statement transaction of the same process."""

from __future__ import annotations

import asyncio
import threading

import pytest

from store.base import AnySyncTx
from store.errors import Conflict
from tests.backends import DIRECT_ERRORS


@pytest.fixture
async def db(backend, clock):
    store = await backend.open(clock)
    try:
        yield store.db
    finally:
        await store.close()


async def test_runs_and_transactions_mixed_at_once_never_interleave(db) -> None:
    await db.run(lambda tx: tx.execute("CREATE TABLE t (owner TEXT, x INTEGER)"), write=True)

    async def transaction(n: int) -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t VALUES (?, 1)", (f"tx{n}",))
            await asyncio.sleep(0)  # other tasks queue work meanwhile
            # Inside the transaction nobody else's rows appear or vanish.
            mine = await tx.one("SELECT count(*) FROM t WHERE owner = ?", (f"tx{n}",))
            assert mine[0] == 1
            await tx.execute("INSERT INTO t VALUES (?, 2)", (f"tx{n}",))

    def insert(tx: AnySyncTx, n: int) -> int:
        tx.execute("INSERT INTO t VALUES (?, 1)", (f"run{n}",))
        tx.execute("INSERT INTO t VALUES (?, 2)", (f"run{n}",))
        return tx.one("SELECT count(*) FROM t WHERE owner = ?", (f"run{n}",))[0]

    async def run(n: int) -> None:
        assert await db.run(lambda tx: insert(tx, n), write=True) == 2
        assert (await db.one("SELECT count(*) FROM t WHERE owner = ?", (f"run{n}",)))[0] == 2

    await asyncio.gather(*(transaction(n) if n % 3 == 0 else run(n) for n in range(60)))
    counts = await db.all("SELECT owner, count(*) FROM t GROUP BY owner")
    assert len(counts) == 60 and all(row[1] == 2 for row in counts)


async def test_a_failing_run_writes_nothing_and_says_why(db) -> None:
    await db.run(lambda tx: tx.execute("CREATE TABLE t (x INTEGER UNIQUE)"), write=True)

    def twice(tx: AnySyncTx) -> None:
        tx.execute("INSERT INTO t VALUES (1)")
        tx.execute("INSERT INTO t VALUES (1)")  # a constraint: a store error

    with pytest.raises(Conflict):
        await db.run(twice, write=True)
    assert (await db.one("SELECT count(*) FROM t"))[0] == 0

    def swallowed(tx: AnySyncTx) -> None:
        tx.execute("INSERT INTO t VALUES (3)")
        try:
            tx.execute("INSERT INTO t VALUES (3)")
        except Conflict:
            pass  # caught inside: still nothing may be kept on PostgreSQL

    try:
        await db.run(swallowed, write=True)
    except Conflict:
        pass  # PostgreSQL: the transaction was aborted by the failed statement
    assert [r[0] for r in await db.all("SELECT x FROM t")] in ([], [3])
    await db.run(lambda tx: tx.execute("DELETE FROM t"), write=True)
    with pytest.raises(DIRECT_ERRORS):  # a read that fails leaves no transaction
        await db.run(lambda tx: tx.one("SELECT nothing FROM t"))
    await db.run(lambda tx: tx.execute("INSERT INTO t VALUES (2)"), write=True)
    assert (await db.one("SELECT x FROM t"))[0] == 2


async def test_a_cancelled_run_is_all_or_nothing_and_leaves_the_database_usable(
        db, backend) -> None:
    await db.run(lambda tx: tx.execute("CREATE TABLE t (x INTEGER)"), write=True)
    started, go_on = threading.Event(), threading.Event()

    def slow(tx: AnySyncTx) -> None:
        tx.execute("INSERT INTO t VALUES (1)")
        started.set()
        go_on.wait(10)  # the caller is cancelled meanwhile
        tx.execute("INSERT INTO t VALUES (2)")

    task = asyncio.ensure_future(db.run(slow, write=True))
    assert await asyncio.to_thread(started.wait, 10)
    task.cancel()
    await asyncio.sleep(0)
    go_on.set()
    with pytest.raises((asyncio.CancelledError, *DIRECT_ERRORS)):
        await task
    rows = [r[0] for r in await db.all("SELECT x FROM t ORDER BY x")]
    # SQLite's thread finishes the work it was given, all of it; PostgreSQL's
    # stops at its next statement and nothing is kept.
    assert rows == ([] if backend.is_pg else [1, 2])
    await db.run(lambda tx: tx.execute("INSERT INTO t VALUES (3)"), write=True)
    assert 3 in [r[0] for r in await db.all("SELECT x FROM t")]


@pytest.mark.sqlite_only("the process-wide transaction lock is the SQLite backend's")
async def test_runs_waiting_for_a_transaction_all_go_when_it_ends(db) -> None:
    """Runs asked for while a transaction is open wait for it, then are all
    queued at once. They used to take the transaction lock one after another,
    a turn of the event loop each (seconds behind one short transaction when
    hundreds of sessions share the loop): none takes it now."""
    await db.run(lambda tx: tx.execute("CREATE TABLE t (x INTEGER)"), write=True)
    lock = db._lock  # private: the lock `transaction()` holds
    taken = 0
    acquire = lock.acquire

    async def counted() -> bool:
        nonlocal taken
        taken += 1
        return await acquire()

    async with db.transaction() as tx:
        lock.acquire = counted  # type: ignore[method-assign]
        await tx.execute("INSERT INTO t VALUES (1)")
        waiting = [asyncio.create_task(db.run(lambda tx: tx.one("SELECT count(*) FROM t")))
                   for _ in range(60)]
        await asyncio.sleep(0)
        assert not any(task.done() for task in waiting)  # they wait for the commit
    results = await asyncio.gather(*waiting)
    assert all(row[0] == 1 for row in results)  # after the commit, never inside it
    assert taken == 0
