"""Decision table (manual §3.3.2), retake eligibility and scoring."""

import pytest

from domain.models import Practical
from domain.rules import (
    FirstAttempt,
    Outcome,
    RetakeRefused,
    check_retake,
    decide,
    letters_score,
    qcm_passed,
    score_answers,
)

FAV, UNFAV, UNKNOWN = Practical.FAVOURABLE, Practical.UNFAVOURABLE, Practical.UNKNOWN


@pytest.mark.parametrize(("score", "practical", "expected"), [
    # Case 1 of the manual: QCM failed, practical favourable -> retake the QCM alone.
    (23, FAV, Outcome.RETAKE_ALLOWED),
    (0, FAV, Outcome.RETAKE_ALLOWED),
    # Case 2: QCM passed, practical unfavourable -> redo the training.
    (24, UNFAV, Outcome.REDO_TRAINING),
    (30, UNFAV, Outcome.REDO_TRAINING),
    # Case 3: both failed -> redo the training.
    (23, UNFAV, Outcome.REDO_TRAINING),
    (0, UNFAV, Outcome.REDO_TRAINING),
    # Both passed -> certificate. 24/30 is a pass (>=), 23 is not.
    (24, FAV, Outcome.PASSED),
    (30, FAV, Outcome.PASSED),
])
def test_decision_table(score, practical, expected):
    assert decide(score, practical, 24) is expected


def test_pass_mark_is_inclusive():
    assert qcm_passed(24, 24)
    assert not qcm_passed(23, 24)


@pytest.mark.parametrize(("score", "practical", "expected"), [
    (23, FAV, Outcome.REDO_TRAINING),  # a failed retake: redo the whole training
    (24, FAV, Outcome.PASSED),
    (10, UNFAV, Outcome.REDO_TRAINING),
])
def test_retake_outcomes(score, practical, expected):
    assert decide(score, practical, 24, is_retake=True) is expected


@pytest.mark.parametrize(("score", "practical"), [
    (None, FAV), (None, UNKNOWN), (30, UNKNOWN), (10, UNKNOWN),
])
def test_pending_until_both_results_known(score, practical):
    assert decide(score, practical, 24) is Outcome.PENDING


def test_unfavourable_practical_decides_before_the_score_is_known():
    assert decide(None, UNFAV, 24) is Outcome.REDO_TRAINING


def test_outcome_labels_are_french():
    assert "attestation" in Outcome.PASSED.label
    assert "une seule fois" in Outcome.RETAKE_ALLOWED.label
    assert "refaire la formation" in Outcome.REDO_TRAINING.label
    assert "attente" in Outcome.PENDING.label


def _first(**changes) -> FirstAttempt:
    values = dict(number="2026-000001", formation_code="PV-RES", score=20, practical=FAV,
                  pass_mark=24, is_retake=False, already_retaken=False, final=True)
    values.update(changes)
    return FirstAttempt(**values)


def test_check_retake_eligible():
    check_retake(_first(), "2026-000001", "PV-RES")  # no exception


def test_check_retake_unknown_number():
    with pytest.raises(RetakeRefused, match="inconnu.*2026-000009"):
        check_retake(None, "2026-000009", "PV-RES")


def test_check_retake_other_formation():
    with pytest.raises(RetakeRefused, match="autre formation \\(CESI\\)"):
        check_retake(_first(formation_code="CESI"), "2026-000001", "PV-RES")


@pytest.mark.parametrize(("changes", "reason"), [
    ({"score": 24}, "déjà réussi"),
    ({"score": 30, "practical": UNFAV}, "refaire la formation"),
    ({"score": 10, "practical": UNFAV}, "refaire la formation"),
    ({"score": None}, "pas encore de résultat complet"),
    ({"practical": UNKNOWN}, "pas encore de résultat complet"),
    ({"is_retake": True}, "déjà un second passage"),
])
def test_check_retake_not_eligible(changes, reason):
    with pytest.raises(RetakeRefused, match=reason) as caught:
        check_retake(_first(**changes), "2026-000001", "PV-RES")
    assert "2026-000001" in str(caught.value)


def test_check_retake_of_a_result_not_final():
    with pytest.raises(RetakeRefused, match="pas encore de résultat définitif") as caught:
        check_retake(_first(final=False), "2026-000001", "PV-RES")
    assert "2026-000001" in str(caught.value)


def test_check_retake_only_once():
    with pytest.raises(RetakeRefused, match="déjà utilisé son unique rattrapage"):
        check_retake(_first(already_retaken=True), "2026-000001", "PV-RES")


def test_score_answers_counts_only_correct_choices():
    correct = {1: 0, 2: 3, 3: 2, 4: 1}
    assert score_answers(correct, {1: 0, 2: 3, 3: 2, 4: 1}) == 4
    assert score_answers(correct, {1: 0, 2: 2, 3: None}) == 1  # wrong, unanswered, missing
    assert score_answers(correct, {}) == 0
    assert score_answers(correct, {1: 0, 99: 0}) == 1  # answers outside the QCM ignored


def test_letters_score():
    assert letters_score("ABCD", "ABCD") == 4
    assert letters_score("ABCD", "abcd") == 4  # case does not matter
    assert letters_score("ABCD", "AB-C") == 2  # '-' is no answer; C is wrong at 4
    assert letters_score("ABCD", "    ") == 0
    assert letters_score(list("DCBA"), "DCBA") == 4


def test_letters_score_length_mismatch():
    with pytest.raises(ValueError, match="3 réponses saisies, 4 attendues"):
        letters_score("ABCD", "ABC")
