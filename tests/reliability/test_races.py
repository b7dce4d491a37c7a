"""Submissions racing: exactly one per key, every one persisted."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

from domain.clock import FixedClock
from domain.exam import KeyRefusal, KeyRefused
from store import Store
from store.exam import LEASE
from tests.tui.conftest import NOW, build_world


async def _submissions(store: Store) -> int:
    return (await store.db.one(
        "SELECT COUNT(*) FROM audit WHERE action IN ('submit', 'auto_submit')"))[0]


async def test_two_connections_race_to_submit_the_same_key(tmp_path: Path) -> None:
    world = await build_world(tmp_path / "db.sqlite3", keys=1)
    try:
        store, key = world.store, world.keys[0]
        first = await store.exam.open_key(key, "first")
        key_id = first.key.id
        # The first connection vanished; its lease expires and a second one takes the key.
        world.clock.advance(seconds=LEASE.total_seconds() + 1)
        await store.exam.open_key(key, "second")
        results = await asyncio.gather(store.exam.submit(key_id, "first"),
                                       store.exam.submit(key_id, "second"),
                                       store.exam.submit(key_id, "second"),
                                       store.exam.submit(key_id, None),
                                       return_exceptions=True)
        scores = [r for r in results if isinstance(r, int)]
        refusals = [r.reason for r in results if isinstance(r, KeyRefused)]
        assert len(scores) == 1 and len(refusals) == 3
        assert KeyRefusal.IN_USE in refusals  # the stale connection never submits
        assert await _submissions(store) == 1
        row = await world.key_row(key)
        assert row["state"] == "submitted" and row["lease_token"] is None
    finally:
        await world.store.close()


async def test_200_submissions_in_the_same_second(tmp_path: Path) -> None:
    world = await build_world(tmp_path / "db.sqlite3", keys=200)
    try:
        store = world.store
        tickets = [await store.exam.open_key(k, f"t{i}") for i, k in enumerate(world.keys)]
        for i, ticket in enumerate(tickets):
            await store.exam.save_answer(ticket.key.id, f"t{i}", ticket.questions[0].id, i % 4)
        # Each key submitted twice at once (a double Enter), all in the same second.
        calls = [store.exam.submit(t.key.id, f"t{i}") for _ in range(2)
                 for i, t in enumerate(tickets)]
        results = await asyncio.gather(*calls, return_exceptions=True)
        assert sum(isinstance(r, int) for r in results) == 200
        assert all(isinstance(r, (int, KeyRefused)) for r in results)
        assert await _submissions(store) == 200
        submitted = await store.db.one(
            "SELECT COUNT(*) FROM participants WHERE submitted = 1 AND score IS NOT NULL")
        assert submitted[0] == 200
        answers = await store.db.one("SELECT COUNT(*) FROM answers")
        assert answers[0] == 200
    finally:
        await world.store.close()


def _submit_all(path: str, tokens: list[tuple[int, str]], start, results) -> None:
    async def run() -> int:
        store = await Store.open(path, FixedClock(NOW))
        done = 0
        try:
            start.wait()
            for key_id, token in tokens:
                try:
                    await store.exam.submit(key_id, token)
                    done += 1
                except KeyRefused:
                    pass
        finally:
            await store.close()
        return done

    results.put(asyncio.run(run()))


async def test_two_processes_submit_the_same_200_keys(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    world = await build_world(path, keys=200)
    tokens = []
    for i, key in enumerate(world.keys):
        ticket = await world.store.exam.open_key(key, f"t{i}")
        tokens.append((ticket.key.id, f"t{i}"))
    await world.store.close()
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    processes = [context.Process(target=_submit_all, args=(str(path), order, start, results))
                 for order in (tokens, tokens[::-1])]
    for p in processes:
        p.start()
    start.set()
    done = [await asyncio.to_thread(results.get, True, 60) for _ in processes]
    for p in processes:
        p.join(10)
    assert sum(done) == 200, done
    store = await Store.open(path, FixedClock(NOW))
    try:
        assert await _submissions(store) == 200
        assert (await store.db.one(
            "SELECT COUNT(*) FROM online_keys WHERE state = 'submitted'"))[0] == 200
    finally:
        await store.close()
