"""Per-copy choice order and the QCM's question draw.

The choice order of a copy is a pure function of (seed, copy label, question
id): any copy's answer key can be recomputed exactly from what is stored.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from domain.models import CHOICE_LETTERS, CHOICES_PER_QUESTION, Question


def choice_order(seed: str, copy: str | int, question_id: int) -> tuple[int, ...]:
    """Permutation of the 4 bank choices for one question of one copy.

    Returns the bank indices in display order: order[k] is the bank index of
    the choice shown in position k (letter CHOICE_LETTERS[k])."""
    def rank(i: int) -> bytes:
        return hashlib.sha256(f"{seed}|{copy}|{question_id}|{i}".encode()).digest()
    return tuple(sorted(range(CHOICES_PER_QUESTION), key=rank))


def answer_key(seed: str, copy: str | int, questions: Sequence[Question]) -> str:
    """The correct letters of one copy, in question order (e.g. 'BDAC...')."""
    return "".join(
        CHOICE_LETTERS[choice_order(seed, copy, q.id).index(q.correct)]  # type: ignore[arg-type]
        for q in questions
    )


def letter_to_choice(seed: str, copy: str | int, question_id: int, letter: str) -> int | None:
    """Bank index of the choice a ticked letter designates on that copy."""
    letter = letter.upper()
    if letter not in CHOICE_LETTERS:
        return None
    return choice_order(seed, copy, question_id)[CHOICE_LETTERS.index(letter)]


def allocate(theme_sizes: Sequence[int], total: int) -> list[int]:
    """How many questions to draw from each theme: proportional to the theme's
    size (largest remainder), at least one per non-empty theme when possible,
    never more than a theme holds."""
    available = sum(theme_sizes)
    if total > available:
        raise ValueError(f"La banque ne contient que {available} questions actives, {total} demandées.")
    counts = [0] * len(theme_sizes)
    non_empty = [i for i, n in enumerate(theme_sizes) if n > 0]
    if total >= len(non_empty):
        for i in non_empty:
            counts[i] = 1
    remaining = total - sum(counts)
    while remaining > 0:
        # Give the next question to the theme furthest below its fair share.
        best = max(
            (i for i in non_empty if counts[i] < theme_sizes[i]),
            key=lambda i: (theme_sizes[i] * total / available - counts[i], theme_sizes[i], -i),
        )
        counts[best] += 1
        remaining -= 1
    return counts


def draw_questions(themes: Sequence[str], questions: Sequence[Question], total: int,
                   rng: random.Random) -> list[Question]:
    """Draw `total` active questions spread across themes, kept in theme order
    (and bank order within a theme)."""
    by_theme = {t: [q for q in questions if q.theme == t and q.active] for t in themes}
    counts = allocate([len(by_theme[t]) for t in themes], total)
    drawn: list[Question] = []
    for theme, count in zip(themes, counts):
        pool = by_theme[theme]
        chosen = set(id(q) for q in rng.sample(pool, count))
        drawn.extend(q for q in pool if id(q) in chosen)
    return drawn
