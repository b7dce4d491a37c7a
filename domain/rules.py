"""Grading and the decision table of the manual (§3.3.2)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.models import Practical


class Outcome(str, enum.Enum):
    PASSED = "passed"
    RETAKE_ALLOWED = "retake_allowed"
    REDO_TRAINING = "redo_training"
    PENDING = "pending"  # practical result not known yet

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.PASSED: "Reçu : a droit à l'attestation de réussite",
    Outcome.RETAKE_ALLOWED: "Peut repasser uniquement le QCM, une seule fois, lors d'une session de rattrapage",
    Outcome.REDO_TRAINING: "Doit refaire la formation dans sa totalité",
    Outcome.PENDING: "En attente du résultat de l'évaluation pratique",
}


def qcm_passed(score: int, pass_mark: int) -> bool:
    """A QCM is passed with a score at or above the pass mark (24/30)."""
    return score >= pass_mark


def decide(score: int | None, practical: Practical, pass_mark: int,
           is_retake: bool = False) -> Outcome:
    """Apply the manual's decision table.

    - QCM passed and practical favourable: passed, certificate.
    - QCM failed and practical favourable: may retake the QCM alone, once.
    - practical unfavourable (whatever the QCM): redo the whole training.
    - a retake that fails: redo the whole training.
    """
    if practical is Practical.UNFAVOURABLE:
        return Outcome.REDO_TRAINING
    if score is None or practical is Practical.UNKNOWN:
        return Outcome.PENDING
    if qcm_passed(score, pass_mark):
        return Outcome.PASSED
    return Outcome.REDO_TRAINING if is_retake else Outcome.RETAKE_ALLOWED


def score_answers(correct: Mapping[int, int], answers: Mapping[int, int | None]) -> int:
    """Count questions whose answer is the correct choice.

    Both mappings go from question id to the choice index in bank order.
    Unanswered questions (missing or None) score nothing.
    """
    return sum(1 for qid, right in correct.items() if answers.get(qid) == right)


@dataclass(frozen=True)
class FirstAttempt:
    """What the retake check needs to know about a named first attempt."""

    number: str
    formation_code: str
    score: int | None
    practical: Practical
    pass_mark: int
    is_retake: bool
    already_retaken: bool
    final: bool  # its documents (result letter) were generated: the result is final


class RetakeRefused(ValueError):
    """A second attempt that the decision table does not allow."""


def check_retake(first: FirstAttempt | None, number: str, formation_code: str) -> None:
    """Raise RetakeRefused with a French reason unless `number` may be retaken."""
    if first is None:
        raise RetakeRefused(f"Numéro de participant inconnu : {number}.")
    if first.formation_code != formation_code:
        raise RetakeRefused(
            f"Le participant {number} a passé une autre formation ({first.formation_code})."
        )
    if first.is_retake:
        raise RetakeRefused(
            f"Le participant {number} est déjà un second passage : "
            "un nouvel échec oblige à refaire la formation."
        )
    outcome = decide(first.score, first.practical, first.pass_mark)
    if outcome is not Outcome.RETAKE_ALLOWED:
        reasons = {
            Outcome.PASSED: "a déjà réussi le QCM et l'évaluation pratique",
            Outcome.REDO_TRAINING: "doit refaire la formation (évaluation pratique défavorable)",
            Outcome.PENDING: "n'a pas encore de résultat complet (note ou évaluation pratique)",
        }
        raise RetakeRefused(
            f"Le participant {number} n'a pas droit au rattrapage : il {reasons[outcome]}."
        )
    if not first.final:
        raise RetakeRefused(
            f"Le participant {number} n'a pas encore de résultat définitif : son courrier "
            "de résultats, qui donne ce numéro, n'est pas encore produit."
        )
    if first.already_retaken:
        raise RetakeRefused(f"Le participant {number} a déjà utilisé son unique rattrapage.")


def letters_score(key_letters: Sequence[str], ticked: str) -> int:
    """Score a paper copy: `key_letters` are the copy's correct letters in
    question order, `ticked` the letters the candidate ticked ('-' or ' ' for
    none). Lengths must match."""
    if len(ticked) != len(key_letters):
        raise ValueError(
            f"{len(ticked)} réponses saisies, {len(key_letters)} attendues."
        )
    return sum(1 for right, got in zip(key_letters, ticked.upper()) if right == got)
