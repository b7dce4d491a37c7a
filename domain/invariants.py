"""The certification rules that must hold whatever order things are done in.

Stated once here, pure (no I/O). The store calls the `check_*` functions
inside the transaction of every change; the database repeats what it can
express (store/schema.py STEP_3); `violations` and `transition_violations`
check a whole stored state, for tests and audits.

1. A second attempt quotes an existing first attempt of the same formation
   whose result is final (its documents were generated), whose decision was
   "retake the QCM alone" (QCM below the pass mark, practical favourable), and
   which no other second attempt quotes. Its practical result is the first
   attempt's (favourable).
2. A participant quoted by a second attempt cannot be edited or deleted in a
   way that breaks 1; the refusal names the second attempt.
3. One person's chain (first attempt + its retake) yields at most one
   certificate; a retake's certificate never cites a first attempt that passed.
4. Locked data never changes; the decision printed anywhere is `decide` applied
   to the stored score, practical result and attempt: a locked participant has
   one letter, and a certificate exactly when that decision is "passed".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.models import Practical
from domain.rules import FirstAttempt, Outcome, RetakeRefused, check_retake, decide


class RuleRefused(ValueError):
    """A change the certification rules forbid (French reason)."""


@dataclass(frozen=True)
class AttemptFacts:
    """What the rules need to know about one stored participant."""

    number: str
    formation_code: str
    pass_mark: int
    score: int | None
    practical: Practical
    retake_of: str | None
    locked: bool
    letters: int = 0
    certificates: int = 0

    @property
    def outcome(self) -> Outcome:
        return decide(self.score, self.practical, self.pass_mark, self.retake_of is not None)

    def as_first(self, already_retaken: bool) -> FirstAttempt:
        return FirstAttempt(self.number, self.formation_code, self.score, self.practical,
                            self.pass_mark, self.retake_of is not None, already_retaken,
                            self.locked)


@dataclass(frozen=True)
class Violation:
    rule: int  # 1 to 4, as numbered above
    number: str  # the participant concerned
    message: str

    def __str__(self) -> str:
        return f"règle {self.rule}, {self.number} : {self.message}"


# Checks made before a change ---------------------------------------------------


def check_retake_target(first: AttemptFacts | None, quoted_by: str | None, number: str,
                        formation_code: str) -> None:
    """Rule 1 for a participant about to quote `number` as its first attempt.
    `quoted_by` is another second attempt already quoting it."""
    try:
        check_retake(None if first is None else first.as_first(quoted_by is not None),
                     number, formation_code)
    except RetakeRefused as exc:
        raise RuleRefused(str(exc)) from None


def check_quoted_change(number: str, quoted_by: str | None, *, score_changed: bool = False,
                        practical_changed: bool = False, retake_changed: bool = False,
                        session_changed: bool = False, deleted: bool = False) -> None:
    """Rule 2: refuse, naming the second attempt, a change of a quoted first
    attempt that would break rule 1 (its decision, its being a first attempt,
    its formation, its existence)."""
    if quoted_by is None:
        return
    what = ("le supprimer" if deleted else
            "changer sa note" if score_changed else
            "changer son évaluation pratique" if practical_changed else
            "en faire un second passage" if retake_changed else
            "le changer de session" if session_changed else None)
    if what is None:
        return
    raise RuleRefused(
        f"Impossible de {what} : le participant {number} est le premier passage cité par "
        f"le second passage n° {quoted_by}.")


def check_certificate(participant: AttemptFacts, first: AttemptFacts | None,
                      retake: AttemptFacts | None) -> None:
    """Rules 3 and 4 before a certificate is produced for `participant`
    (`first`: the attempt it retakes, `retake`: the attempt retaking it)."""
    if participant.outcome is not Outcome.PASSED:
        raise RuleRefused(f"Pas d'attestation pour {participant.number} : "
                          f"{participant.outcome.label.lower()}.")
    if participant.certificates:
        raise RuleRefused(f"{participant.number} a déjà son attestation.")
    if participant.retake_of is not None:
        if first is None:
            raise RuleRefused(f"Le premier passage {participant.retake_of} cité par "
                              f"{participant.number} n'existe plus.")
        if first.outcome is Outcome.PASSED or first.certificates:
            raise RuleRefused(f"Le premier passage {first.number} de {participant.number} "
                              "est déjà reçu : une seule attestation par candidat.")
    if retake is not None and retake.certificates:
        raise RuleRefused(f"Le second passage {retake.number} de {participant.number} "
                          "a déjà l'attestation du candidat.")


# Checks of a whole stored state ----------------------------------------------------


def violations(attempts: Sequence[AttemptFacts]) -> list[Violation]:
    """Every breach of rules 1, 3 and 4 (the parts that a single state shows)."""
    by_number = {a.number: a for a in attempts}
    quotes = Counter(a.retake_of for a in attempts if a.retake_of is not None)
    found: list[Violation] = []

    def add(rule: int, number: str, message: str) -> None:
        found.append(Violation(rule, number, message))

    for a in attempts:
        if a.retake_of is not None:
            first = by_number.get(a.retake_of)
            if first is None:
                add(1, a.number, f"cite un premier passage inexistant ({a.retake_of})")
            else:
                if first.formation_code != a.formation_code:
                    add(1, a.number, f"cite {first.number} d'une autre formation")
                if first.retake_of is not None:
                    add(1, a.number, f"cite {first.number}, lui-même un second passage")
                if not first.locked:
                    add(1, a.number, f"cite {first.number} dont le résultat n'est pas définitif")
                if decide(first.score, first.practical, first.pass_mark) \
                        is not Outcome.RETAKE_ALLOWED:
                    add(1, a.number, f"cite {first.number} qui n'avait pas droit au rattrapage")
                if first.certificates + a.certificates > 1:
                    add(3, a.number, f"deux attestations avec {first.number}")
                if a.certificates and first.outcome is Outcome.PASSED:
                    add(3, a.number, f"attestation citant {first.number}, déjà reçu")
            if quotes[a.retake_of] > 1:
                add(1, a.number, f"{a.retake_of} est cité par plusieurs seconds passages")
            if a.practical is not Practical.FAVOURABLE:
                add(1, a.number, "second passage sans l'évaluation pratique favorable")
        if a.certificates > 1:
            add(3, a.number, f"{a.certificates} attestations")
        if a.locked:
            if a.outcome is Outcome.PENDING:
                add(4, a.number, "verrouillé sans résultat complet")
            if a.letters != 1:
                add(4, a.number, f"{a.letters} courriers de résultats")
            if a.certificates != (1 if a.outcome is Outcome.PASSED else 0):
                add(4, a.number, f"{a.certificates} attestation(s) pour « {a.outcome.label} »")
        elif a.letters or a.certificates:
            add(4, a.number, "documents produits sans verrouillage")
    return found


def transition_violations(before: Mapping[str, AttemptFacts],
                          after: Mapping[str, AttemptFacts]) -> list[Violation]:
    """Rules 2 and 4 across one step: locked participants are unchanged, and a
    first attempt still quoted by the same second attempt kept its decision."""
    found: list[Violation] = []
    for number, old in before.items():
        new = after.get(number)
        if old.locked and new != old:
            found.append(Violation(4, number, "donnée verrouillée modifiée ou supprimée"))
        for retake in before.values():
            if retake.retake_of != number:
                continue
            still = after.get(retake.number)
            if still is not None and still.retake_of == number and (
                    new is None or (new.score, new.practical, new.retake_of,
                                    new.formation_code) != (old.score, old.practical,
                                                            old.retake_of, old.formation_code)):
                found.append(Violation(2, number,
                                       f"premier passage de {retake.number} modifié"))
    return found
