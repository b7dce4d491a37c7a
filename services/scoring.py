"""Scoring paper copies from the letters the candidate ticked."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from domain.keys import normalize_participant_number
from domain.models import PaperBatch, Question
from domain.rules import letters_score
from domain.shuffle import answer_key

NO_ANSWER = "-"
_BLANKS = "-._"


class ScoringError(ValueError):
    """The copy number or the letters cannot be scored (French message)."""


@dataclass(frozen=True)
class CopyScore:
    line: int  # in the CSV, from 1
    copy_number: int | None
    letters: str
    score: int | None
    error: str | None = None


def normalize_letters(typed: str, expected: int) -> str:
    """Letters as typed, made comparable with a key: upper case, spaces
    ignored, '-', '.' or '_' for a question left blank. Anything else (two
    letters ticked, written as '*' for instance) scores nothing."""
    letters = "".join(ch for ch in typed.upper() if not ch.isspace())
    letters = "".join(NO_ANSWER if ch in _BLANKS else ch for ch in letters)
    if len(letters) != expected:
        raise ScoringError(f"{len(letters)} réponses saisies, {expected} attendues "
                           "(une lettre A-D par question, « - » si aucune case n'est cochée).")
    return letters


def copy_key(batch: PaperBatch, questions: Sequence[Question], copy_number: int) -> str:
    if not 1 <= copy_number <= batch.copies:
        raise ScoringError(f"Copie n° {copy_number} absente du lot n° {batch.id} "
                           f"(copies 1 à {batch.copies}).")
    return answer_key(batch.seed, copy_number, questions)


def score_letters(batch: PaperBatch, questions: Sequence[Question], copy_number: int,
                  typed: str) -> int:
    key = copy_key(batch, questions, copy_number)
    return letters_score(key, normalize_letters(typed, len(key)))


def rows_of(text: str) -> list[tuple[int, list[str]]]:
    """(line number from 1, stripped cells) of each non-blank line of a CSV of
    paper copies (',' or ';' separated, an optional header line)."""
    body = text.lstrip("\ufeff")
    first = body.splitlines()[0] if body.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    found = []
    for line_no, row in enumerate(csv.reader(io.StringIO(body), delimiter=delimiter), start=1):
        if not row or not "".join(row).strip():
            continue
        cells = [c.strip() for c in row]
        if line_no == 1 and not cells[0].isdigit() \
                and normalize_participant_number(cells[0]) is None:
            continue  # header
        found.append((line_no, cells))
    return found


def score_csv(batch: PaperBatch, questions: Sequence[Question], text: str) -> list[CopyScore]:
    """Lines of 'copy number, letters' (see `rows_of`). Each line gets a score
    or an error; a copy number seen twice is an error on its second line."""
    results: list[CopyScore] = []
    seen: set[int] = set()
    for line_no, cells in rows_of(text):
        letters = cells[1] if len(cells) > 1 else ""
        try:
            if len(cells) != 2:
                raise ScoringError("deux colonnes attendues : numéro de copie, lettres.")
            if not cells[0].isdigit():
                raise ScoringError(f"numéro de copie invalide : « {cells[0]} ».")
            number = int(cells[0])
            if number in seen:
                raise ScoringError(f"copie n° {number} déjà notée plus haut.")
            score = score_letters(batch, questions, number, letters)
            seen.add(number)
            results.append(CopyScore(line_no, number, letters, score))
        except ScoringError as exc:
            number_or_none = int(cells[0]) if cells[0].isdigit() else None
            results.append(CopyScore(line_no, number_or_none, letters, None, str(exc)))
    return results
