"""Per-copy choice order, answer keys and the QCM's question draw."""

import random
from collections import Counter

import pytest

from domain.models import CHOICE_LETTERS, Question
from domain.shuffle import allocate, answer_key, choice_order, draw_questions, letter_to_choice


def _q(qid: int, theme: str = "T", correct: int = 0, active: bool = True) -> Question:
    return Question(qid, theme, f"Question {qid}", ("a", "b", "c", "d"), correct, active)


def test_choice_order_is_deterministic_and_a_permutation():
    for qid in range(1, 50):
        order = choice_order("seed", 7, qid)
        assert sorted(order) == [0, 1, 2, 3]
        assert choice_order("seed", 7, qid) == order
        assert choice_order("seed", "7", qid) == order  # a copy label, int or text


def test_choice_order_varies_across_copies_seeds_and_questions():
    by_copy = {choice_order("seed", copy, 1) for copy in range(1, 101)}
    by_seed = {choice_order(f"seed{n}", 1, 1) for n in range(100)}
    by_question = {choice_order("seed", 1, qid) for qid in range(100)}
    # 24 permutations exist: 100 draws must show most of them.
    assert len(by_copy) >= 15 and len(by_seed) >= 15 and len(by_question) >= 15


def test_choice_order_is_roughly_uniform():
    # The correct answer (bank index 0) lands on each letter about equally often.
    positions = Counter(choice_order("s", copy, 3).index(0) for copy in range(4000))
    assert set(positions) == {0, 1, 2, 3}
    assert all(800 <= n <= 1200 for n in positions.values())


def test_answer_key_matches_choice_order():
    questions = [_q(i, correct=i % 4) for i in range(1, 31)]
    for copy in (1, 2, "KEY-X"):
        key = answer_key("abc", copy, questions)
        assert len(key) == 30
        for letter, q in zip(key, questions):
            order = choice_order("abc", copy, q.id)
            assert order[CHOICE_LETTERS.index(letter)] == q.correct
            assert letter_to_choice("abc", copy, q.id, letter) == q.correct
            assert letter_to_choice("abc", copy, q.id, letter.lower()) == q.correct
    assert answer_key("abc", 1, questions) != answer_key("abc", 2, questions)
    assert letter_to_choice("abc", 1, 1, "E") is None


def test_allocate_exact_total_and_bounds():
    cases = [([10, 10, 10], 30), ([20, 10, 5, 5, 5], 30), ([1, 100], 30), ([8, 9, 10, 11, 12], 30),
             ([0, 10, 10], 5), ([5] * 6, 3), ([3, 3, 3], 9), ([50], 30)]
    for sizes, total in cases:
        counts = allocate(sizes, total)
        assert sum(counts) == total, (sizes, total)
        assert all(0 <= c <= n for c, n in zip(counts, sizes)), (sizes, counts)
        if total >= sum(1 for n in sizes if n):
            assert all(c >= 1 for c, n in zip(counts, sizes) if n), (sizes, counts)


def test_allocate_is_proportional():
    assert allocate([10, 10, 10], 30) == [10, 10, 10]
    assert allocate([40, 20], 30) == [20, 10]
    assert allocate([1, 100], 30) == [1, 29]
    assert allocate([0, 10, 10], 6) == [0, 3, 3]


def test_allocate_refuses_a_too_small_bank():
    with pytest.raises(ValueError, match="ne contient que 29 questions actives, 30 demandées"):
        allocate([10, 10, 9], 30)


THEMES = ["Réglementation", "Sécurité", "Modules", "Onduleurs", "Maintenance"]


def _bank() -> list[Question]:
    sizes = [12, 8, 10, 9, 11]
    questions, qid = [], 0
    # Interleave the themes in bank order, to check the draw regroups them.
    for round_ in range(max(sizes)):
        for theme, size in zip(THEMES, sizes):
            if round_ < size:
                qid += 1
                questions.append(_q(qid, theme))
    return questions


def test_draw_questions_spread_in_theme_order():
    bank = _bank()
    drawn = draw_questions(THEMES, bank, 30, random.Random(1))
    assert len(drawn) == 30
    assert len({q.id for q in drawn}) == 30
    themes_seen = [q.theme for q in drawn]
    assert sorted(set(themes_seen), key=THEMES.index) == THEMES  # every theme
    assert themes_seen == sorted(themes_seen, key=THEMES.index)  # grouped, in theme order
    for theme in THEMES:  # within a theme, bank order
        ids = [q.id for q in drawn if q.theme == theme]
        assert ids == sorted(ids)
    assert Counter(themes_seen) == dict(zip(THEMES, allocate([12, 8, 10, 9, 11], 30)))


def test_draw_questions_is_reproducible_and_random():
    bank = _bank()
    first = draw_questions(THEMES, bank, 30, random.Random(42))
    assert draw_questions(THEMES, bank, 30, random.Random(42)) == first
    others = {tuple(q.id for q in draw_questions(THEMES, bank, 30, random.Random(n)))
              for n in range(20)}
    assert len(others) > 1


def test_draw_questions_skips_inactive_and_refuses_a_small_bank():
    bank = [q if q.id % 2 else _q(q.id, q.theme, active=False) for q in _bank()]
    active = sum(q.active for q in bank)
    drawn = draw_questions(THEMES, bank, active, random.Random(0))
    assert all(q.active for q in drawn) and len(drawn) == active
    with pytest.raises(ValueError, match="ne contient que"):
        draw_questions(THEMES, bank, active + 1, random.Random(0))
