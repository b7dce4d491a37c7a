"""Statistics read from the store, against the seeded world's known answers."""

import pytest

from domain.oversight import Filters
from tests.admin_seed import ADMIN, seed


@pytest.fixture
async def world(tmp_path):
    s = await seed(tmp_path)
    yield s
    await s.store.close()


async def test_formation_summary(world):
    s = await world.admin.stats.formation_summary(ADMIN, "ESSAI")
    # Scores: online 4, 2, 0; paper 3, 1, retake 3 -- pass mark 3.
    assert (s.registered, s.candidates, s.passed, s.retakes) == (6, 6, 3, 1)
    assert s.pass_rate == 0.5 and s.retake_rate == pytest.approx(1 / 6)
    assert s.distribution == (1, 1, 1, 2, 1)
    assert s.mean == pytest.approx(13 / 6) and s.median == 2.5
    only_alpha = await world.admin.stats.formation_summary(ADMIN, "ESSAI",
                                                           Filters(centre_id=world.alpha))
    assert only_alpha.distribution == (1, 0, 1, 0, 1)


async def test_centre_summary(world):
    overall, per = await world.admin.stats.centre_summary(ADMIN, world.beta)
    assert overall.distribution is None and overall.candidates == 3
    assert overall.pass_rate == pytest.approx(2 / 3) and overall.retake_rate == pytest.approx(1 / 3)
    assert list(per) == ["ESSAI"] and per["ESSAI"].distribution == (0, 1, 0, 2, 0)


async def test_question_stats_use_online_answers_only(world):
    stats = await world.admin.stats.question_stats(ADMIN, "ESSAI")
    # Paper participants have no recorded answers: only the 3 online candidates count.
    # Candidate "fort" got all 4 right, "moyen" the first 2, "faible" none.
    assert [s.question.id for s in stats] == sorted(world.question_ids, key=lambda i: i)
    by_id = {s.question.id: s.stats for s in stats}
    first, second, third, fourth = (by_id[i] for i in world.question_ids)
    assert (first.presented, first.correct) == (3, 2)
    assert (third.presented, third.correct) == (3, 1)
    # n = 1: top is "fort" (right everywhere), bottom is "faible" (wrong everywhere).
    assert all(s.stats.discrimination == 1.0 for s in stats)
    assert fourth.facility == pytest.approx(1 / 3)


async def test_question_stats_after_an_edit_keep_the_drawn_version(world):
    banks = world.admin.banks
    qid = world.question_ids[0]
    q = (await banks.question(qid)).question
    await banks.edit_question(ADMIN, qid, q.theme, q.text + " bis", q.choices, q.correct)
    stats = await world.admin.stats.question_stats(ADMIN, "ESSAI")
    assert qid in {s.question.id for s in stats}
    assert next(s for s in stats if s.question.id == qid).question.active is False


async def test_machine_scored_paper_copies_count_through_their_answers(world):
    """A paper copy scored from its ticked letters has its answers recorded;
    it then counts in the question statistics like an online one."""
    store = world.store
    paper_questions = await store.qcms.questions(ADMIN, world.qcm_beta)
    pid = world.participants["retake"]  # scored 3: the first three right
    async with store.db.transaction() as tx:
        for n, q in enumerate(paper_questions):
            await tx.execute(
                "INSERT INTO answers (participant_id, question_id, choice, answered_at) "
                "VALUES (?, ?, ?, '2026-03-10T10:00:00.000000Z')",
                (pid, q.id, q.correct if n < 3 else (q.correct + 1) % 4))
    stats = {s.question.id: s.stats for s in await world.admin.stats.question_stats(ADMIN, "ESSAI")}
    online_only = set(world.question_ids) - {q.id for q in paper_questions}
    for q in paper_questions:
        expected = 3 if q.id in world.question_ids else 0
        assert stats[q.id].presented == expected + 1
    assert all(stats[i].presented == 3 for i in online_only)
