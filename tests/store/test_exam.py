"""Online keys: opening, leases, answers, submission, auto-submission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.exam import KeyRefusal, KeyRefused
from domain.models import KeyState, Practical, SessionKind
from store import Conflict, Locked, NotFound
from store.exam import LEASE
from tests.store.conftest import ADMIN, T0, identity, make_final

START, END = T0 + timedelta(hours=1), T0 + timedelta(hours=3)


@pytest.fixture
async def exam(store, world):
    """An online session of centre A open from START to END, with 3 keys."""
    a = world.a
    session = await store.sessions.create_session(a.scope, a.qcm.id, SessionKind.ONLINE,
                                                  a.trainer.id, "Salle info", date(2026, 3, 10),
                                                  START, END)
    keys = await store.exam.create_keys(a.scope, session.id, 3)
    return session, keys


async def _refusal(store, typed, token="t") -> KeyRefused:
    with pytest.raises(KeyRefused) as caught:
        await store.exam.open_key(typed, token)
    return caught.value


async def test_keys_created_unused_with_their_participants(store, world, exam):
    session, keys = exam
    listed = await store.exam.keys(world.a.scope, session.id)
    assert [k.id for k, _ in listed] == [k.id for k in keys]
    assert all(k.state is KeyState.UNUSED and p.session_id == session.id and p.score is None
               for k, p in listed)
    assert len({k.seed for k in keys}) == 3 and len({k.code for k in keys}) == 3
    with pytest.raises(Conflict, match="sessions en ligne"):
        await store.exam.create_keys(world.a.scope, world.a.offline.id, 1)


async def test_open_key_states(store, world, exam, clock):
    session, keys = exam
    assert (await _refusal(store, "AAAAA-AAAAA-AAAAA")).reason is KeyRefusal.UNKNOWN
    assert (await _refusal(store, "pas une clé")).reason is KeyRefusal.UNKNOWN
    early = await _refusal(store, keys[0].code)
    assert early.reason is KeyRefusal.NOT_YET_OPEN
    assert (early.starts_at, early.ends_at, early.timezone) == (START, END, "Europe/Paris")
    clock.set(START)
    ticket = await store.exam.open_key(keys[0].code.lower().replace("-", " "), "t1")
    assert ticket.key.state is KeyState.IN_PROGRESS and ticket.key.started_at == START
    assert [q.id for q in ticket.questions] == list(world.a.qcm.question_ids)
    assert ticket.formation.code == "TST" and ticket.timezone == "Europe/Paris"
    assert ticket.ends_at == END and ticket.answers == {}
    assert sorted(ticket.display_order(ticket.questions[0])) == [0, 1, 2, 3]
    clock.set(END)
    late = await _refusal(store, keys[1].code)
    assert late.reason is KeyRefusal.CLOSED and late.ends_at == END


async def test_a_key_is_held_by_one_connection_until_its_lease_expires(store, exam, clock):
    _, keys = exam
    key = keys[0]
    clock.set(START)
    await store.exam.open_key(key.code, "first")
    assert (await _refusal(store, key.code, "second")).reason is KeyRefusal.IN_USE
    await store.exam.open_key(key.code, "first")  # the same connection may reopen
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert await store.exam.beat(key.id, "first", None) == END
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert (await _refusal(store, key.code, "second")).reason is KeyRefusal.IN_USE
    clock.advance(seconds=2)  # the first connection stopped renewing: lease expired
    ticket = await store.exam.open_key(key.code, "second")
    assert ticket.key.started_at == START  # first start kept
    assert await store.exam.beat(key.id, "first", 3) is None
    with pytest.raises(KeyRefused) as caught:
        await store.exam.save_answer(key.id, "first", ticket.questions[0].id, 0)
    assert caught.value.reason is KeyRefusal.IN_USE
    await store.exam.release(key.id, "second")
    await store.exam.open_key(key.code, "third")  # released: no wait


async def test_a_start_frees_every_lease_of_a_process_without_a_node(store, exam, clock):
    """A store that never joined as a node (before nodes existed) holds its
    leases until a server starts: the start frees them all, as before."""
    _, keys = exam
    clock.set(START)
    for key in keys:
        await store.exam.open_key(key.code, f"old-{key.id}")
    assert (await store.nodes.reap()).leases == 3
    await store.exam.open_key(keys[0].code, "new")


async def test_save_answer(store, exam, clock):
    _, keys = exam
    clock.set(START)
    ticket = await store.exam.open_key(keys[0].code, "t")
    q1, q2 = ticket.questions[:2]
    await store.exam.save_answer(keys[0].id, "t", q1.id, 2)
    await store.exam.save_answer(keys[0].id, "t", q1.id, 3)  # changed mind
    await store.exam.save_answer(keys[0].id, "t", q2.id, 0)
    assert await store.exam.answers(ticket.participant.id) == {q1.id: 3, q2.id: 0}
    reopened = await store.exam.open_key(keys[0].code, "t")
    assert reopened.answers == {q1.id: 3, q2.id: 0}
    with pytest.raises(Conflict, match="Choix invalide"):
        await store.exam.save_answer(keys[0].id, "t", q1.id, 4)
    outside = max(q.id for q in await store.banks.questions("TST", include_inactive=True)) + 1
    with pytest.raises(NotFound, match="hors de ce QCM"):
        await store.exam.save_answer(keys[0].id, "t", outside, 0)
    with pytest.raises(KeyRefused) as caught:
        await store.exam.save_answer(keys[1].id, "t", q1.id, 0)  # never opened by "t"
    assert caught.value.reason is KeyRefusal.IN_USE
    clock.set(END)
    with pytest.raises(KeyRefused) as caught:
        await store.exam.save_answer(keys[0].id, "t", q1.id, 1)
    assert caught.value.reason is KeyRefusal.CLOSED
    assert await store.exam.answers(ticket.participant.id) == {q1.id: 3, q2.id: 0}


async def test_submit_once(store, world, exam, clock):
    _, keys = exam
    clock.set(START)
    ticket = await store.exam.open_key(keys[0].code, "t")
    await store.exam.save_identity(keys[0].id, "t", identity("Soleil"), None)
    right = ticket.questions[:4]
    for q in right:
        await store.exam.save_answer(keys[0].id, "t", q.id, q.correct)
    wrong = ticket.questions[4]
    await store.exam.save_answer(keys[0].id, "t", wrong.id, (wrong.correct + 2) % 4)
    with pytest.raises(KeyRefused) as caught:
        await store.exam.submit(keys[0].id, "intrus")
    assert caught.value.reason is KeyRefusal.IN_USE
    clock.advance(minutes=5)
    assert await store.exam.submit(keys[0].id, "t") == 4
    with pytest.raises(KeyRefused) as caught:
        await store.exam.submit(keys[0].id, "t")
    assert caught.value.reason is KeyRefusal.SUBMITTED
    with pytest.raises(KeyRefused) as caught:
        await store.exam.save_answer(keys[0].id, "t", wrong.id, wrong.correct)
    assert caught.value.reason is KeyRefusal.SUBMITTED
    assert (await _refusal(store, keys[0].code, "t")).reason is KeyRefusal.SUBMITTED
    [(key, participant)] = [(k, p) for k, p in await store.exam.keys(world.a.scope, keys[0].session_id)
                            if k.id == keys[0].id]
    assert key.state is KeyState.SUBMITTED and key.submitted_at == START + timedelta(minutes=5)
    assert participant.score == 4 and participant.identity.last_name == "Soleil"


async def test_save_identity_with_a_retake(store, world, exam, clock):
    _, keys = exam
    clock.set(START)
    await store.exam.open_key(keys[0].code, "t")
    with pytest.raises(Conflict, match="inconnu"):
        await store.exam.save_identity(keys[0].id, "t", identity(), "2026-999999")
    first = await make_final(store, world.a)
    # The number alone tells nothing: it must go with the first attempt's last name.
    with pytest.raises(Conflict, match="inconnu au nom de Dupont") as refused:
        await store.exam.save_identity(keys[0].id, "t", identity(), first.number)
    assert "rattrapage" not in str(refused.value)
    same = identity("CANDIDATLYON")  # case does not matter
    saved = await store.exam.save_identity(keys[0].id, "t", same, first.number)
    assert saved.retake_of == first.number and saved.is_retake
    assert saved.practical is Practical.FAVOURABLE
    # Withdrawing the retake withdraws the practical result it carried.
    saved = await store.exam.save_identity(keys[0].id, "t", same, None)
    assert not saved.is_retake and saved.practical is Practical.UNKNOWN
    await store.exam.save_identity(keys[0].id, "t", same, first.number)
    await store.exam.open_key(keys[1].code, "u")
    with pytest.raises(Conflict, match="unique rattrapage"):
        await store.exam.save_identity(keys[1].id, "u", same, first.number)


async def test_position_and_window_end_follow_the_key(store, world, exam, clock):
    session, keys = exam
    clock.set(START)
    ticket = await store.exam.open_key(keys[0].code, "t")
    assert ticket.key.position == 0
    assert await store.exam.save_position(keys[0].id, "t", 7)
    assert not await store.exam.save_position(keys[0].id, "someone-else", 3)
    assert (await store.exam.ticket(keys[0].id)).key.position == 7
    assert await store.exam.beat(keys[0].id, "t", None) == session.ends_at
    await store.sessions.update_session(world.a.scope, session.id, ends_at=END + timedelta(hours=1))
    assert await store.exam.beat(keys[0].id, "t", None) == END + timedelta(hours=1)
    await store.exam.submit(keys[0].id, "t")
    assert not await store.exam.save_position(keys[0].id, "t", 2)  # submitted: nothing moves


async def test_submit_expired(store, world, exam, clock):
    session, keys = exam
    clock.set(START)
    started = await store.exam.open_key(keys[0].code, "a")
    await store.exam.save_answer(keys[0].id, "a", started.questions[0].id,
                                 started.questions[0].correct)
    await store.exam.open_key(keys[1].code, "b")
    await store.exam.submit(keys[1].id, "b")
    assert await store.exam.submit_expired() == []  # still open
    clock.set(END)
    assert await store.exam.submit_expired() == [keys[0].id]
    assert await store.exam.submit_expired() == []
    states = {k.id: (k.state, p.score) for k, p in await store.exam.keys(world.a.scope, session.id)}
    assert states == {keys[0].id: (KeyState.SUBMITTED, 1), keys[1].id: (KeyState.SUBMITTED, 0),
                      keys[2].id: (KeyState.UNUSED, None)}
    actions = [e.action for e in await store.audit.entries(ADMIN)]
    assert "auto_submit" in actions and "submit" in actions


async def test_delete_key(store, world, exam, clock):
    session, keys = exam
    s = world.a.scope
    await store.exam.delete_key(s, keys[2].id)
    remaining = await store.exam.keys(s, session.id)
    assert [k.id for k, _ in remaining] == [keys[0].id, keys[1].id]
    assert len(await store.sessions.participants(s, session.id)) == 2
    clock.set(START)
    ticket = await store.exam.open_key(keys[1].code, "t")
    await store.exam.save_answer(keys[1].id, "t", ticket.questions[0].id, 0)
    await store.exam.delete_key(s, keys[1].id)  # in progress: answers go with it
    assert await store.exam.answers(ticket.participant.id) == {}
    await store.exam.open_key(keys[0].code, "t")
    await store.exam.submit(keys[0].id, "t")
    with pytest.raises(Locked, match="ne peut plus être supprimée"):
        await store.exam.delete_key(s, keys[0].id)
    assert [k.id for k, _ in await store.exam.keys(s, session.id)] == [keys[0].id]


async def test_a_heartbeat_keeps_the_lease_saves_the_position_and_follows_the_end(
        store, exam, clock):
    session, keys = exam
    key = keys[0]
    clock.set(START)
    await store.exam.open_key(key.code, "first")
    assert await store.exam.beat(key.id, "first", 7) == END
    assert (await store.exam.ticket(key.id)).key.position == 7
    assert await store.exam.beat(key.id, "first", None) == END  # position unchanged
    assert (await store.exam.ticket(key.id)).key.position == 7
    await store.exam.set_extra_time(ADMIN, session.id, key.code, 30)
    assert await store.exam.beat(key.id, "first", None) == END + timedelta(minutes=30)
    assert await store.exam.beat(key.id, "someone else", 9) is None
    assert (await store.exam.ticket(key.id)).key.position == 7
