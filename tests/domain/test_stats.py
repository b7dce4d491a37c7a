"""Statistics against values computed by hand (see the comments)."""

import math

import pytest

from domain.models import Practical
from domain.stats import (
    Attempt,
    ItemStats,
    discrimination,
    group_size,
    group_weights,
    histogram_lines,
    item_analysis,
    percent,
    point_biserial,
    summarize,
)

# Ten candidates, four questions a, b, c, d (ids 1-4), all presented to all.
#            a  b  c  d   total
MATRIX = [(1, 1, 1, 1),  # 4
          (1, 1, 1, 1),  # 4
          (1, 1, 1, 0),  # 3
          (1, 1, 0, 1),  # 3
          (1, 0, 1, 1),  # 3
          (1, 1, 0, 0),  # 2
          (0, 1, 0, 1),  # 2
          (1, 0, 0, 0),  # 1
          (0, 0, 0, 1),  # 1
          (0, 0, 0, 0)]  # 0
RESPONSES = [{qid: bool(v) for qid, v in zip((1, 2, 3, 4), row)} for row in MATRIX]


def test_group_size_is_27_percent_rounded_half_up():
    assert group_size(10) == 3  # 2.7
    assert group_size(2) == 1  # 0.54
    assert group_size(1) == 1
    assert group_size(100) == 27
    assert group_size(50) == 14  # 13.5 rounds up


def test_ties_at_the_boundary_share_the_group():
    totals = [4, 4, 3, 3, 3, 2, 2, 1, 1, 0]
    # Top 3: both 4s whole, the three 3s share the last place (1/3 each).
    assert group_weights(totals, 3, top=True) == pytest.approx(
        [1, 1, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0, 0, 0])
    # Bottom 3: the 0 and both 1s, whole.
    assert group_weights(totals, 3, top=False) == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]


def test_item_analysis_matches_hand_computation():
    items = item_analysis(RESPONSES)
    a, b, c, d = (items[i] for i in (1, 2, 3, 4))
    assert (a.presented, a.correct, a.facility) == (10, 7, 0.7)
    assert (b.correct, c.correct, d.correct) == (6, 4, 6)
    # a: upper = 1 + 1 + 3 x 1/3 = 3 of 3; lower = the 1 who scored 1 and got it = 1 of 3.
    assert a.discrimination == pytest.approx(1 - 1 / 3)
    # b: upper = 1 + 1 + 1/3 + 1/3 = 8/3 of 3; lower = 0.
    assert b.discrimination == pytest.approx(8 / 9)
    assert c.discrimination == pytest.approx(8 / 9)
    # d: upper 8/9; lower: the other 1 got it: 1/3.
    assert d.discrimination == pytest.approx(8 / 9 - 1 / 3)
    # a against the rest score [3,3,2,2,2,1,2,0,1,0]: Sxy = 1.8, Sxx = 2.1, Syy = 10.4.
    assert a.item_rest == pytest.approx(1.8 / math.sqrt(2.1 * 10.4))


def test_only_presented_candidates_count():
    responses = [{1: True, 2: True}, {1: False, 3: True}, {2: False, 3: False}]
    items = item_analysis(responses)
    assert items[1].presented == 2 and items[1].facility == 0.5
    # Question 1: totals 2 (right) and 1 (wrong); n = 1: D = 1 - 0.
    assert items[1].discrimination == 1.0
    assert items[3].facility == 0.5


def test_degenerate_cases():
    assert discrimination([True], [1]) is None
    assert discrimination([True, True], [3, 3]) == 0.0  # everyone tied
    assert point_biserial([True, True, True], [1, 2, 3]) is None  # item constant
    assert point_biserial([True, False], [2, 2]) is None  # scores constant
    assert item_analysis([]) == {}


def test_review_reasons():
    good = ItemStats(1, 40, 24, 0.6, 0.5, 0.4)
    assert good.reasons == []
    assert ItemStats(1, 40, 4, 0.1, 0.3, 0.2).reasons == ["trop difficile"]
    assert ItemStats(1, 40, 39, 0.975, 0.05, 0.1).reasons == ["trop facile",
                                                              "sépare mal les candidats"]
    assert "vérifier la bonne réponse" in ItemStats(1, 40, 20, 0.5, -0.2, -0.1).reasons[0]
    assert ItemStats(1, 5, 0, 0.0, -1.0, None).reasons == []  # too few to judge


def test_summary_matches_hand_computation():
    fav, unfav = Practical.FAVOURABLE, Practical.UNFAVOURABLE
    attempts = [Attempt(30, 24, False, fav),   # passed
                Attempt(24, 24, False, unfav),  # QCM passed, must redo the training
                Attempt(23, 24, True, fav),     # failed retake: redo the training
                Attempt(10, 24, False, fav),    # may retake
                Attempt(None, 24)]              # registered, no score yet
    s = summarize(attempts, 30)
    assert (s.registered, s.candidates, s.passed, s.retakes) == (5, 4, 2, 1)
    assert s.pass_rate == 0.5 and s.retake_rate == 0.25
    assert s.mean == 21.75 and s.median == 23.5
    assert s.outcomes == {"passed": 1, "redo_training": 2, "retake_allowed": 1, "pending": 1}
    expected = [0] * 31
    for score in (30, 24, 23, 10):
        expected[score] = 1
    assert s.distribution == tuple(expected)


def test_empty_summary():
    s = summarize([], 30)
    assert s.candidates == 0 and s.pass_rate is None and s.mean is None
    assert s.distribution == (0,) * 31
    assert summarize([Attempt(3, 2)]).distribution is None


def test_histogram_lines():
    lines = histogram_lines([0, 2, 4, 1], width=8, pass_mark=2)
    assert lines == ["0   0", "1   ████ 2", "2 ▶ ████████ 4", "3   ██ 1"]
    assert histogram_lines([0, 0]) == ["0   0", "1   0"]
    assert histogram_lines([100, 1], width=10)[1] == "1   ▏ 1"


def test_percent():
    assert percent(0.5) == "50\u00a0%"
    assert percent(None) == "—"
