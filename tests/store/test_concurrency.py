"""Several server processes ("nodes") on one database at once: each node has
its own Store (SQLite: its own connection to the file; PostgreSQL: its own
pool). Leases, submissions and answers stay right however their
transactions interleave: on SQLite through its single writer, on PostgreSQL
through row locks (`FOR UPDATE` in the repositories, `FOR SHARE` in the
answers trigger) and constraints."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from domain.exam import KeyRefusal, KeyRefused
from domain.models import Practical
from domain.rules import score_answers
from store import Conflict, Locked
from tests.store.conftest import T0, identity, make_final

NODES = 3
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def nodes(backend, world, clock):
    """Three more stores on the same database, and 6 keys of centre A's
    online session (open now)."""
    opened = [await backend.open(clock, busy_timeout_ms=20000) for _ in range(NODES)]
    try:
        yield opened
    finally:
        for node in opened:
            await node.close()


async def _keys(store, world, count):
    assert world.a.online.starts_at < T0 < world.a.online.ends_at
    return await store.exam.create_keys(world.a.scope, world.a.online.id, count)


async def test_one_lease_per_key_across_nodes(store, world, nodes):
    keys = await _keys(store, world, 4)
    for key in keys:
        attempts = [node.exam.open_key(key.code, f"token-{i}-{j}")
                    for i, node in enumerate(nodes) for j in range(3)]
        results = await asyncio.gather(*attempts, return_exceptions=True)
        won = [r for r in results if not isinstance(r, BaseException)]
        refused = [r for r in results if isinstance(r, KeyRefused)]
        assert len(won) == 1, results
        assert len(refused) == len(attempts) - 1
        assert all(r.reason is KeyRefusal.IN_USE for r in refused)
        row = await store.db.one("SELECT lease_token FROM online_keys WHERE id = ?", (key.id,))
        assert row["lease_token"] is not None


async def test_one_retake_per_first_attempt_across_nodes(store, world, nodes):
    """Every node adds a retake of the same final first attempt at once: one
    is kept, the others are refused with the rules' reason (not a bare
    constraint error), on PostgreSQL too where the transactions overlap."""
    a = world.a
    first = await make_final(store, a)
    attempts = [node.sessions.add_participant(a.scope, a.offline.id, identity(f"Second{i}"),
                                              None, Practical.UNKNOWN, retake_of=first.number)
                for i, node in enumerate(nodes) for _ in range(2)]
    results = await asyncio.gather(*attempts, return_exceptions=True)
    kept = [r for r in results if not isinstance(r, BaseException)]
    assert len(kept) == 1, results
    refused = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, Conflict) and "unique rattrapage" in str(r) for r in refused), refused
    retakes = await store.db.all("SELECT number FROM participants WHERE retake_of = ?",
                                 (first.number,))
    assert [r[0] for r in retakes] == [kept[0].number]


async def test_one_submission_per_key_across_nodes(store, world, nodes):
    keys = await _keys(store, world, 4)
    for key in keys:
        await store.exam.open_key(key.code, "tok")
        attempts = [node.exam.submit(key.id, "tok") for node in nodes for _ in range(3)]
        attempts.append(nodes[0].exam.submit(key.id, None))  # and the sweeper
        results = await asyncio.gather(*attempts, return_exceptions=True)
        scores = [r for r in results if isinstance(r, int)]
        assert len(scores) == 1, results
        assert all(isinstance(r, KeyRefused) and r.reason is KeyRefusal.SUBMITTED
                   for r in results if not isinstance(r, int))
    rows = await store.db.all(
        "SELECT COUNT(*) FROM audit WHERE action IN ('submit', 'auto_submit') "
        "AND object_type = 'key'")
    assert rows[0][0] == len(keys)


async def test_an_answer_is_either_counted_or_refused(store, world, nodes):
    """Answers saved on some nodes while another node submits: every answer
    acknowledged is stored and counted in the score; the others were refused."""
    keys = await _keys(store, world, 6)
    correct = {q.id: q.correct for q in await store.qcms.questions(world.a.scope,
                                                                   world.a.qcm.id)}
    for round_, key in enumerate(keys):
        ticket = await store.exam.open_key(key.code, "tok")
        questions = list(ticket.questions)

        async def answer(node, question, choice, key_id=key.id):
            await node.exam.save_answer(key_id, "tok", question.id, choice)
            return question.id, choice

        saves = [answer(nodes[i % 2], q, q.correct if i % 2 == 0 else (q.correct + 1) % 4)
                 for i, q in enumerate(questions)]
        # The submission starts among the answers (later each round).
        saves.insert(round_, nodes[2].exam.submit(key.id, "tok"))
        results = await asyncio.gather(*saves, return_exceptions=True)
        score = results[round_]
        assert isinstance(score, int), results
        acknowledged = dict(r for r in results if isinstance(r, tuple))
        others = [r for i, r in enumerate(results) if i != round_ and not isinstance(r, tuple)]
        assert all(isinstance(r, (KeyRefused, Locked)) for r in others), others
        stored = await store.exam.answers(ticket.participant.id)
        assert stored == acknowledged
        assert score == score_answers(correct, stored)
        participant = await store.sessions.participant(world.a.scope, ticket.participant.id)
        assert participant.score == score


async def test_sweeper_and_candidate_race_at_the_window_end(store, world, nodes, clock):
    keys = await _keys(store, world, 3)
    for key in keys:
        await store.exam.open_key(key.code, "tok")
    clock.set(world.a.online.ends_at + timedelta(seconds=1))
    results = await asyncio.gather(*(node.exam.submit_expired() for node in nodes),
                                   *(node.exam.submit(k.id, "tok") for node in nodes
                                     for k in keys), return_exceptions=True)
    swept = [k for r in results[:NODES] for k in r]
    by_hand = [r for r in results[NODES:] if isinstance(r, int)]
    # The world's own key was never opened: not swept.
    assert len(swept) + len(by_hand) == len(keys)
    assert len(set(swept)) == len(swept)
    states = await store.db.all("SELECT state FROM online_keys WHERE id IN (?, ?, ?)",
                                [k.id for k in keys])
    assert [r[0] for r in states] == ["submitted"] * 3


async def test_one_sweeper_at_a_time_across_nodes(store, world, nodes, clock):
    keys = await _keys(store, world, 3)
    for key in keys:
        await store.exam.open_key(key.code, "tok")
    clock.set(world.a.online.ends_at + timedelta(seconds=1))
    async with nodes[0].db.singleton("sweeper") as mine:
        assert mine  # node 0 is sweeping: the others step aside at once
        assert await asyncio.wait_for(nodes[1].exam.submit_expired(), 5) == []
        assert await asyncio.wait_for(nodes[2].exam.submit_expired(), 5) == []
        async with nodes[1].db.singleton("sweeper") as other:
            assert not other
        states = await store.db.all("SELECT state FROM online_keys WHERE id IN (?, ?, ?)",
                                    [k.id for k in keys])
        assert {r[0] for r in states} == {"in_progress"}
    # Released: the next node to sweep does it all, once.
    assert sorted(await nodes[1].exam.submit_expired()) == sorted(k.id for k in keys)
    assert await nodes[2].exam.submit_expired() == []
    swept = await store.db.one("SELECT COUNT(*) FROM audit WHERE action = 'auto_submit'")
    assert swept[0] == len(keys)


HOLDER = """
import asyncio, sys
from store.store import Store

async def main():
    store = await Store.open(sys.argv[1])
    async with store.db.singleton("sweeper") as mine:
        print("held" if mine else "refused", flush=True)
        await asyncio.sleep(600)

asyncio.run(main())
"""


async def test_a_killed_sweeper_does_not_block_the_others(store, backend):
    """The node sweeping is killed (SIGKILL): its lock goes with it (SQLite:
    the file closes with the process; PostgreSQL: the server ends the
    session of the dropped connection)."""
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, str(backend.target), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE)
    try:
        assert await asyncio.wait_for(holder.stdout.readline(), 60) == b"held\n"
        async with store.db.singleton("sweeper") as mine:
            assert not mine
    finally:
        holder.kill()
        await holder.wait()
    for _ in range(200):
        async with store.db.singleton("sweeper") as mine:
            if mine:
                break
        await asyncio.sleep(0.05)
    assert mine
