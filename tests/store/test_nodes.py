"""Several server processes (nodes) on one database, on both backends: two
stores opened on the same database play two nodes. A node's death is what
the operating system (SQLite: the flock) or PostgreSQL (the advisory lock of
its connection) sees when a process is killed: its liveness lock let go
without `leave`."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from domain.exam import KeyRefusal, KeyRefused
from domain.models import SessionKind
from store.exam import LEASE
from store.nodes import STALE
from tests.store.conftest import T0

START, END = T0 + timedelta(hours=1), T0 + timedelta(hours=3)


@pytest.fixture
async def other(backend, clock):
    """A second node's store on the same database."""
    opened = await backend.open(clock)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def keys(store, world, clock):
    a = world.a
    session = await store.sessions.create_session(a.scope, a.qcm.id, SessionKind.ONLINE,
                                                  a.trainer.id, "Salle", date(2026, 3, 10),
                                                  START, END)
    clock.set(START)
    return await store.exam.create_keys(a.scope, session.id, 3)


async def die(store) -> None:
    """What killing the node's process does to the database: its lock goes."""
    await store.db.drop_node()


async def lease_of(backend, key_id: int):
    async with backend.sql() as conn:
        [row] = await conn.all("SELECT lease_token, lease_node FROM online_keys WHERE id = ?",
                               (key_id,))
        return row


async def test_a_key_held_on_a_live_node_stays_refused_elsewhere(store, other, keys):
    await store.nodes.join("a")
    await other.nodes.join("b")
    await store.exam.open_key(keys[0].code, "on-a")
    with pytest.raises(KeyRefused) as caught:
        await other.exam.open_key(keys[0].code, "on-b")
    assert caught.value.reason is KeyRefusal.IN_USE


async def test_a_key_held_by_a_killed_node_is_taken_over_at_once(store, other, keys, backend):
    a = await store.nodes.join("a")
    b = await other.nodes.join("b")
    ticket = await store.exam.open_key(keys[0].code, "on-a")
    question = ticket.questions[0].id
    await store.exam.save_answer(keys[0].id, "on-a", question, 2, position=4)
    assert tuple(await lease_of(backend, keys[0].id)) == ("on-a", a)
    await die(store)
    # No time passes: the lease (30 s) has not expired, the node is dead.
    again = await other.exam.open_key(keys[0].code, "on-b")
    assert again.answers == {question: 2} and again.key.position == 4
    assert tuple(await lease_of(backend, keys[0].id)) == ("on-b", b)
    with pytest.raises(KeyRefused) as caught:  # the old connection, if it were still there
        await store.exam.save_answer(keys[0].id, "on-a", question, 1)
    assert caught.value.reason is KeyRefusal.IN_USE


async def test_a_node_silent_past_stale_is_dead_even_with_its_lock(store, other, keys, clock):
    """A machine that vanished: PostgreSQL may keep its connection (and
    lock) for long; its heartbeat stops, which is enough."""
    await store.nodes.join("a")
    await other.nodes.join("b")
    await store.exam.open_key(keys[0].code, "on-a")
    clock.advance(seconds=STALE.total_seconds() - 1)
    await other.nodes.beat()
    assert await store.exam.beat(keys[0].id, "on-a", None) is not None  # the connection renews its lease...
    with pytest.raises(KeyRefused):
        await other.exam.open_key(keys[0].code, "on-b")
    clock.advance(seconds=2)  # ...but node a's beat is STALE + 1 s old
    assert STALE + timedelta(seconds=1) < LEASE
    await other.exam.open_key(keys[0].code, "on-b")


async def test_a_beating_node_keeps_its_keys(store, other, keys, clock):
    await store.nodes.join("a")
    await other.nodes.join("b")
    await store.exam.open_key(keys[0].code, "on-a")
    for _ in range(3):
        clock.advance(seconds=STALE.total_seconds() / 2)
        await store.nodes.beat()
        assert await store.exam.beat(keys[0].id, "on-a", None) is not None
    with pytest.raises(KeyRefused):
        await other.exam.open_key(keys[0].code, "on-b")
    assert (await other.nodes.reap()).leases == 0


async def test_a_start_frees_only_what_dead_nodes_held(store, other, backend, world, keys):
    """Node b starts while node a serves: a's leases and the batch a draws
    stay; once a is killed, the next start frees them."""
    a_scope, qcm = world.a.scope, world.a.qcm.id
    await other.nodes.reap()  # the world's own batches (drawn by no node) go
    await store.nodes.join("a")
    await store.exam.open_key(keys[0].code, "on-a")
    drawing = await store.qcms.create_paper_batch(a_scope, qcm, 5)
    await other.nodes.join("b")
    await other.exam.open_key(keys[1].code, "on-b")
    kept = await other.nodes.reap()
    assert (kept.nodes, kept.leases, kept.batches) == (0, 0, 0)
    assert [b.id for b in await other.qcms.paper_batches(a_scope, qcm, pending=True)] == [
        drawing.id]

    await die(store)
    freed = await other.nodes.reap()
    assert (freed.nodes, freed.leases, freed.batches) == (1, 1, 1)
    assert tuple(await lease_of(backend, keys[0].id)) == (None, None)
    assert (await lease_of(backend, keys[1].id))[0] == "on-b"  # b's own: kept
    assert await other.qcms.paper_batches(a_scope, qcm, pending=True) == []
    async with backend.sql() as conn:
        assert [r[1] for r in await conn.all("SELECT id, label FROM nodes")] == ["b"]


async def test_leaving_gives_the_keys_back_and_the_row_away(store, other, backend, keys):
    await store.nodes.join("a")
    await store.exam.open_key(keys[0].code, "on-a")
    await store.nodes.leave()
    assert tuple(await lease_of(backend, keys[0].id)) == (None, None)
    async with backend.sql() as conn:
        assert await conn.all("SELECT id FROM nodes") == []
    await other.exam.open_key(keys[0].code, "on-b")


async def test_a_node_declared_dead_by_mistake_comes_back_on_its_next_beat(
        store, other, backend, clock):
    node = await store.nodes.join("a")
    await other.nodes.join("b")
    clock.advance(seconds=STALE.total_seconds() + 1)  # a stalled for longer than STALE
    await other.nodes.beat()
    assert (await other.nodes.reap()).nodes == 1
    await store.nodes.beat()
    async with backend.sql() as conn:
        assert sorted(r[1] for r in await conn.all("SELECT id, label FROM nodes")) == ["a", "b"]
        assert (node,) in {(r[0],) for r in await conn.all("SELECT id FROM nodes")}


async def test_every_node_gets_the_same_shared_secret(store, other):
    made: list[str] = []

    def make(text: str):
        def inner() -> str:
            made.append(text)
            return text
        return inner

    first, second = await asyncio.gather(store.nodes.shared_secret("k", make("one")),
                                         other.nodes.shared_secret("k", make("two")))
    assert first == second and first in ("one", "two") and len(made) == 2
    assert await other.nodes.shared_secret("k", make("three")) == first


async def test_a_node_id_is_never_given_again(store, other):
    first = await store.nodes.join("a")
    await store.nodes.leave()  # the highest id leaves: SQLite would reuse it without AUTOINCREMENT
    assert await other.nodes.join("b") > first
