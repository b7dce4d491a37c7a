"""Statistics read from the store, against the seeded world's known answers."""

import pytest

from domain.oversight import Filters
from domain.shuffle import answer_key
from domain.stats import paper_answers
from store import Locked, NotFound, Scope
from tests.admin_seed import ADMIN, seed


@pytest.fixture
async def world(tmp_path, backend):
    s = await seed(tmp_path, target=backend.target)
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
    batch = await store.qcms.create_paper_batch(ADMIN, world.qcm_beta, 5)
    paper_questions = await store.qcms.questions(ADMIN, world.qcm_beta)
    key = answer_key(batch.seed, 2, paper_questions)
    wrong = "ABCD"[("ABCD".index(key[3]) + 1) % 4]
    letters = key[:3] + wrong  # copy 2: the first three right, the last wrong
    answers = paper_answers(batch.seed, 2, paper_questions, letters)
    pid = world.participants["retake"]  # scored 3
    await world.admin.stats.record_answers(ADMIN, pid, answers)
    stats = {s.question.id: s.stats for s in await world.admin.stats.question_stats(ADMIN, "ESSAI")}
    online = list(world.question_ids)  # "fort" right on all, "moyen" on the first two
    for n, q in enumerate(paper_questions):
        seen_online = 3 if q.id in online else 0
        right_online = (1 + (online.index(q.id) < 2)) if q.id in online else 0
        assert stats[q.id].presented == seen_online + 1
        assert stats[q.id].correct == right_online + (n < 3)
    assert all(stats[i].presented == 3 for i in set(world.question_ids)
               - {q.id for q in paper_questions})


async def test_recorded_answers_are_checked(world):
    stats = world.admin.stats
    pid = world.participants["retake"]
    with pytest.raises(NotFound):
        await stats.record_answers(ADMIN, pid, {9999: 0})
    with pytest.raises(NotFound):
        await stats.record_answers(Scope.centre(world.alpha, "alpha"), pid, {})
    first = (await world.store.qcms.questions(ADMIN, world.qcm_beta))[0]
    with pytest.raises(Locked):  # documents generated: the participant is locked
        await stats.record_answers(ADMIN, world.participants["reussi"], {first.id: 0})


def test_paper_answers_follow_the_copy_order():
    from domain.models import Question
    questions = [Question(i, "T", f"Q{i} ?", ("a", "b", "c", "d"), i % 4) for i in (11, 12, 13)]
    key = answer_key("graine", 7, questions)
    assert paper_answers("graine", 7, questions, key) == {11: 3, 12: 0, 13: 1}
    assert paper_answers("graine", 7, questions, "-" + key[1:]) == {12: 0, 13: 1}
    with pytest.raises(ValueError):
        paper_answers("graine", 7, questions, "AB")
