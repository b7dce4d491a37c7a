"""Participant numbers and second attempts (retakes) through the store."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from domain.models import Practical, SessionKind
from store import Conflict
from tests.backends import DIRECT_ERRORS
from tests.store.conftest import ADMIN, identity, make_final, small_bank

FAV, UNFAV, UNKNOWN = Practical.FAVOURABLE, Practical.UNFAVOURABLE, Practical.UNKNOWN


async def _offline(store, world, formation="TST"):
    a = world.a
    qcm = a.qcm if formation == "TST" else await store.qcms.create_qcm(a.scope, formation, "Autre")
    return await store.sessions.create_session(a.scope, qcm.id, SessionKind.OFFLINE, a.trainer.id,
                                               "Salle 2", date(2026, 6, 2))


async def test_numbers_are_unique_and_sequential(store, world, clock):
    session = await _offline(store, world)
    added = [await store.sessions.add_participant(world.a.scope, session.id, identity(f"N{i}"),
                                                  None, UNKNOWN) for i in range(5)]
    keys = await store.exam.create_keys(world.a.scope, world.a.online.id, 3)
    numbers = [p.number for p in added] + [
        (await store.sessions.participant(ADMIN, k.participant_id)).number for k in keys]
    assert all(re.fullmatch(r"2026-\d{6}", n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    sequence = [int(n[5:]) for n in numbers]
    assert sequence == list(range(sequence[0], sequence[0] + 8))
    # Numbering starts again with the year of the server's clock.
    clock.set(datetime(2027, 1, 2, 8, 0, tzinfo=timezone.utc))
    first_2027 = await store.sessions.add_participant(world.a.scope, session.id, identity(),
                                                      None, UNKNOWN)
    assert first_2027.number == "2027-000001"


async def test_participant_round_trip(store, world):
    session = await _offline(store, world)
    p = await store.sessions.add_participant(world.a.scope, session.id, identity("Martin"), 27,
                                             FAV, copy_number=4)
    assert p.identity == identity("Martin")
    assert (p.score, p.practical, p.retake_of, p.copy_number, p.locked) == (27, FAV, None, 4, False)
    changed = await store.sessions.update_participant(world.a.scope, p.id, identity("Martine"),
                                                      12, UNFAV)
    assert changed.identity.last_name == "Martine" and changed.number == p.number
    await store.sessions.set_practical(world.a.scope, p.id, FAV)
    assert (await store.sessions.participant(world.a.scope, p.id)).practical is FAV
    await store.sessions.delete_participant(world.a.scope, p.id)
    assert p.id not in [x.id for x in await store.sessions.participants(world.a.scope, session.id)]


async def test_retake_of_an_eligible_first_attempt(store, world):
    first = await make_final(store, world.a)  # 2/6 with practical favourable
    session = await _offline(store, world)
    retake = await store.sessions.add_participant(world.a.scope, session.id, identity(), 5,
                                                  UNKNOWN, retake_of=first.number)
    assert retake.retake_of == first.number and retake.is_retake
    assert retake.practical is FAV  # carried over from the first attempt
    assert retake.number != first.number
    with pytest.raises(Conflict, match="reprend l'évaluation pratique"):
        await store.sessions.set_practical(world.a.scope, retake.id, UNFAV)
    # Editing the retake keeps its claim on the first attempt.
    again = await store.sessions.update_participant(world.a.scope, retake.id, identity("Autre"),
                                                    6, UNKNOWN, retake_of=first.number)
    assert again.retake_of == first.number


async def test_retake_only_once(store, world, backend):
    first = await make_final(store, world.a)
    session = await _offline(store, world)
    await store.sessions.add_participant(world.a.scope, session.id, identity(), None, UNKNOWN,
                                         retake_of=first.number)
    with pytest.raises(Conflict, match="déjà utilisé son unique rattrapage"):
        await store.sessions.add_participant(world.a.scope, session.id, identity("Bis"), None,
                                             UNKNOWN, retake_of=first.number)
    other = await store.sessions.add_participant(world.a.scope, session.id, identity("Ter"), None,
                                                 UNKNOWN)
    with pytest.raises(Conflict, match="déjà utilisé son unique rattrapage"):
        await store.sessions.update_participant(world.a.scope, other.id, identity("Ter"), None,
                                                UNKNOWN, retake_of=first.number)
    # The database itself refuses a second retake of the same number.
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match="(?i)unique"):
            await conn.execute("UPDATE participants SET retake_of = ?, practical = 'favourable' "
                               "WHERE id = ?", (first.number, other.id))
    assert len([p for p in await store.sessions.participants(world.a.scope, session.id)
                if p.retake_of == first.number]) == 1


async def test_a_participant_is_not_its_own_retake(store, world):
    first = world.a.participant  # 2/6, practical favourable, not locked
    with pytest.raises(Conflict, match="son propre second passage"):
        await store.sessions.update_participant(world.a.scope, first.id, first.identity, 2,
                                                FAV, retake_of=first.number)
    assert (await store.sessions.participant(world.a.scope, first.id)).retake_of is None


async def test_a_deleted_retake_frees_the_number(store, world):
    first = await make_final(store, world.a)
    session = await _offline(store, world)
    retake = await store.sessions.add_participant(world.a.scope, session.id, identity(), None,
                                                  UNKNOWN, retake_of=first.number)
    await store.sessions.delete_participant(world.a.scope, retake.id)
    await store.sessions.add_participant(world.a.scope, session.id, identity(), None, UNKNOWN,
                                         retake_of=first.number)


@pytest.mark.parametrize(("score", "practical", "reason"), [
    (4, FAV, "déjà réussi"),  # pass mark of TST: 4/6
    (6, UNFAV, "refaire la formation"),
    (1, UNFAV, "refaire la formation"),
    (None, FAV, "pas encore de résultat complet"),
    (2, UNKNOWN, "pas encore de résultat complet"),
])
async def test_retake_refused_when_not_eligible(store, world, score, practical, reason):
    session = await _offline(store, world)
    first = await store.sessions.add_participant(world.a.scope, session.id, identity(), score,
                                                 practical)
    with pytest.raises(Conflict, match=reason):
        await store.sessions.add_participant(world.a.scope, session.id, identity("R"), None,
                                             UNKNOWN, retake_of=first.number)


async def test_retake_refused_unknown_number_other_formation_and_retake_of_retake(store, world):
    session = await _offline(store, world)
    await make_final(store, world.a)
    with pytest.raises(Conflict, match="inconnu : 2026-999999"):
        await store.sessions.add_participant(world.a.scope, session.id, identity(), None,
                                             UNKNOWN, retake_of="2026-999999")
    await store.banks.import_bank(small_bank("AUTRE"), ADMIN)
    other = await _offline(store, world, "AUTRE")
    with pytest.raises(Conflict, match="autre formation \\(TST\\)"):
        await store.sessions.add_participant(world.a.scope, other.id, identity(), None, UNKNOWN,
                                             retake_of=world.a.participant.number)
    retake = await store.sessions.add_participant(world.a.scope, session.id, identity(), 1,
                                                  UNKNOWN, retake_of=world.a.participant.number)
    with pytest.raises(Conflict, match="déjà un second passage"):
        await store.sessions.add_participant(world.a.scope, session.id, identity(), None,
                                             UNKNOWN, retake_of=retake.number)
    # Nothing half-written: the refused participants were not added.
    assert [p.id for p in await store.sessions.participants(world.a.scope, session.id)] == [retake.id]
    assert await store.sessions.participants(world.a.scope, other.id) == []


async def test_retake_of_another_centre_does_not_reveal_its_results(store, world):
    """A centre may register the retake of a candidate first examined
    elsewhere, but a refusal must not tell it anything about another
    centre's participant (numbers are sequential, so they can be tried)."""
    b = world.b
    passed = await store.sessions.add_participant(b.scope, b.offline.id, identity(), 6, FAV)
    session = await _offline(store, world)
    for number in (passed.number, "2026-999999"):
        with pytest.raises(Conflict) as caught:
            await store.sessions.add_participant(world.a.scope, session.id, identity(), None,
                                                 UNKNOWN, retake_of=number)
        assert str(caught.value) == f"Numéro de participant inconnu : {number}."
    # An eligible first attempt of centre B can be retaken at centre A.
    await make_final(store, b)
    retake = await store.sessions.add_participant(world.a.scope, session.id, identity(), None,
                                                  UNKNOWN, retake_of=b.participant.number)
    assert retake.retake_of == b.participant.number


async def test_answers_follow_the_copy_they_were_ticked_on(store, world):
    """A score typed by hand instead of a scored copy drops that copy's answers."""
    session = await _offline(store, world)
    qid = world.a.qcm.question_ids[0]
    p = await store.sessions.add_participant(world.a.scope, session.id, identity(), 1, FAV,
                                             copy_number=2, answers={qid: 1})
    assert await store.exam.answers(p.id) == {qid: 1}
    await store.sessions.update_participant(world.a.scope, p.id, identity("Autre"), 1, FAV,
                                            copy_number=2)
    assert await store.exam.answers(p.id) == {qid: 1}  # same copy: kept
    await store.sessions.update_participant(world.a.scope, p.id, identity("Autre"), 4, FAV)
    assert await store.exam.answers(p.id) == {}


async def test_a_participant_with_recorded_answers_can_be_deleted(store, world):
    """Regression: the answers of a scored copy used to block the deletion
    (foreign key) of a participant typed by mistake."""
    session = await _offline(store, world)
    qid = world.a.qcm.question_ids[0]
    p = await store.sessions.add_participant(world.a.scope, session.id, identity(), 1, FAV,
                                             copy_number=2, answers={qid: 1})
    await store.sessions.delete_participant(world.a.scope, p.id)
    assert await store.exam.answers(p.id) == {}
    assert await store.sessions.participants(world.a.scope, session.id) == []
