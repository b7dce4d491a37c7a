"""Statistics for the certification body. Pure functions, no I/O.

Definitions (shown to users in the same words):

- candidates: participants with a QCM score (registered ones without a
  score are counted apart).
- pass rate: candidates whose score reaches the formation's pass mark,
  over candidates (the QCM alone; the decision table's outcomes are
  counted separately).
- retake rate: candidates sitting a second attempt (« second passage »),
  over candidates.
- facility of a question: candidates who answered it correctly, over the
  candidates it was presented to (an unanswered question counts as wrong).
- discrimination index D (upper-lower 27 %): among the candidates a question
  was presented to, ranked by their total score on their QCM, the share
  correct in the top 27 % minus the share correct in the bottom 27 %
  (group size n = 27 % of N rounded half up, at least 1; N >= 2). Candidates
  tied at a group's boundary score all belong to it with an equal fractional
  weight, so that the group weighs exactly n and the result does not depend
  on an arbitrary order. D runs from -1 to 1; below 0.20 the question
  separates strong from weak candidates poorly (Ebel's guide).
- item-rest correlation: the point-biserial correlation between the
  question (1 right, 0 wrong) and the rest of the candidate's score (total
  minus this question), given as a second opinion; None when either does
  not vary.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from domain.models import Practical, Question
from domain.rules import Outcome, decide
from domain.shuffle import letter_to_choice

GROUP_SHARE = 0.27
MIN_CANDIDATES = 10  # below this, questions are not flagged
TOO_HARD, TOO_EASY, POOR_D = 0.20, 0.90, 0.20


@dataclass(frozen=True)
class Attempt:
    """What the summary needs to know about one participant."""

    score: int | None
    pass_mark: int
    is_retake: bool = False
    practical: Practical = Practical.UNKNOWN


@dataclass(frozen=True)
class Summary:
    registered: int
    candidates: int
    passed: int
    retakes: int
    pass_rate: float | None
    retake_rate: float | None
    mean: float | None
    median: float | None
    outcomes: dict[str, int] = field(default_factory=dict)  # Outcome value -> count
    distribution: tuple[int, ...] | None = None  # count per score 0..max


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarize(attempts: Sequence[Attempt], max_score: int | None = None) -> Summary:
    """Counts and rates over `attempts`; the score distribution 0..max_score
    when the attempts share one scale."""
    scored = [(a, a.score) for a in attempts if a.score is not None]
    scores = [score for _, score in scored]
    passed = sum(1 for a, score in scored if score >= a.pass_mark)
    retakes = sum(1 for a, _ in scored if a.is_retake)
    outcomes = {o.value: 0 for o in Outcome}
    for a in attempts:
        outcomes[decide(a.score, a.practical, a.pass_mark, a.is_retake).value] += 1
    distribution = None
    if max_score is not None:
        counts = [0] * (max_score + 1)
        for s in scores:
            counts[min(max(s, 0), max_score)] += 1
        distribution = tuple(counts)
    return Summary(
        registered=len(attempts), candidates=len(scored), passed=passed, retakes=retakes,
        pass_rate=rate(passed, len(scored)), retake_rate=rate(retakes, len(scored)),
        mean=statistics.fmean(scores) if scores else None,
        median=float(statistics.median(scores)) if scores else None,
        outcomes=outcomes, distribution=distribution)


@dataclass(frozen=True)
class ItemStats:
    question_id: int
    presented: int  # N: candidates the question was presented to
    correct: int
    facility: float | None
    discrimination: float | None  # D, upper-lower 27 %
    item_rest: float | None  # point-biserial with the rest score

    @property
    def reasons(self) -> list[str]:
        """Why the question deserves a look (French), empty if it looks fine."""
        if self.presented < MIN_CANDIDATES:
            return []
        found = []
        if self.facility is not None and self.facility < TOO_HARD:
            found.append("trop difficile")
        if self.facility is not None and self.facility > TOO_EASY:
            found.append("trop facile")
        if self.discrimination is not None and self.discrimination < 0:
            found.append("discrimination négative : vérifier la bonne réponse")
        elif self.discrimination is not None and self.discrimination < POOR_D:
            found.append("sépare mal les candidats")
        return found


def group_size(n: int, share: float = GROUP_SHARE) -> int:
    return max(1, math.floor(share * n + 0.5))


def group_weights(totals: Sequence[float], size: int, top: bool) -> list[float]:
    """Weight of each candidate in the top (or bottom) group of `size`;
    ties at the boundary share what is left equally."""
    per_level: dict[float, int] = {}
    for t in totals:
        per_level[t] = per_level.get(t, 0) + 1
    weight: dict[float, float] = {}
    taken = 0.0
    for level in sorted(per_level, reverse=top):
        room = size - taken
        if room <= 0:
            break
        count = per_level[level]
        weight[level] = 1.0 if count <= room else room / count
        taken += weight[level] * count
    return [weight.get(t, 0.0) for t in totals]


def discrimination(correct: Sequence[bool], totals: Sequence[float],
                   share: float = GROUP_SHARE) -> float | None:
    if len(correct) < 2:
        return None
    size = group_size(len(correct), share)
    upper = group_weights(totals, size, top=True)
    lower = group_weights(totals, size, top=False)
    p_upper = sum(w for w, c in zip(upper, correct) if c) / size
    p_lower = sum(w for w, c in zip(lower, correct) if c) / size
    return p_upper - p_lower


def point_biserial(correct: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Pearson correlation of a 0/1 item with `scores`; None if either is constant."""
    n = len(correct)
    if n < 2:
        return None
    xs = [1.0 if c else 0.0 for c in correct]
    mx, my = sum(xs) / n, sum(scores) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, scores))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in scores)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def item_analysis(responses: Sequence[Mapping[int, bool]],
                  share: float = GROUP_SHARE) -> dict[int, ItemStats]:
    """Per question id, over candidates' responses (question id -> right or
    wrong, for the questions presented to that candidate)."""
    totals = [sum(1 for ok in r.values() if ok) for r in responses]
    by_item: dict[int, list[tuple[bool, int]]] = {}
    for response, total in zip(responses, totals):
        for qid, ok in response.items():
            by_item.setdefault(qid, []).append((ok, total))
    result = {}
    for qid, pairs in sorted(by_item.items()):
        correct = [ok for ok, _ in pairs]
        totals_of_item = [t for _, t in pairs]
        rest = [t - (1 if ok else 0) for ok, t in pairs]
        right = sum(correct)
        result[qid] = ItemStats(qid, len(pairs), right, rate(right, len(pairs)),
                                discrimination(correct, totals_of_item, share),
                                point_biserial(correct, rest))
    return result


def paper_answers(seed: str, copy: int, questions: Sequence[Question],
                  letters: str) -> dict[int, int]:
    """The bank choice (question id -> index) each letter ticked on a paper
    copy designates; questions left blank ('-') are absent. `letters` are in
    question order, one per question."""
    if len(letters) != len(questions):
        raise ValueError(f"{len(letters)} réponses saisies, {len(questions)} attendues.")
    answers = {}
    for question, letter in zip(questions, letters):
        assert question.id is not None  # stored questions
        choice = letter_to_choice(seed, copy, question.id, letter)
        if choice is not None:
            answers[question.id] = choice
    return answers


def histogram_lines(distribution: Sequence[int], width: int = 40,
                    pass_mark: int | None = None) -> list[str]:
    """A text histogram, one line per score: '24 ▶ ████████ 8' (score, ▶ on
    the pass mark, bar scaled to `width` for the highest count, count)."""
    peak = max(distribution, default=0)
    label = len(str(len(distribution) - 1))
    lines = []
    for score, count in enumerate(distribution):
        bar = "█" * (round(count * width / peak) if peak else 0)
        if count and not bar:
            bar = "▏"
        mark = "▶" if score == pass_mark else " "
        lines.append(f"{score:>{label}} {mark} " + (f"{bar} " if bar else "") + str(count))
    return lines


def percent(value: float | None) -> str:
    """'83 %' in French typography, or '—'."""
    return "—" if value is None else f"{value * 100:.0f}\u00a0%"
