"""Checking questions and formation headers, whatever format they came from.

The TOML reader (`domain.bank`) has its own checks; the GIFT and Moodle XML
readers, the question editor and the store use these, which name each
question by a label the reader chooses (number, line, Moodle name)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.bank import BankError
from domain.models import CHOICE_LETTERS, CHOICES_PER_QUESTION, Formation, Question, QuestionBank
from domain.text import has_unsafe

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
TEXT_LIMIT = 2000
CHOICE_LIMIT = 500
NAME_LIMIT = 200
THEME_LIMIT = 200
MAX_PER_QCM = 200


@dataclass(frozen=True)
class Draft:
    """A question as read from a file or typed in the editor, not yet checked."""

    label: str  # how problems name it, e.g. "Question 3 (ligne 12)"
    theme: str
    text: str
    choices: tuple[str, ...]
    correct: int | None  # index into choices; None when no single right answer
    order: int = 0  # position in the file, to list problems in file order


def _check_text(value: str, where: str, limit: int, problems: list[str]) -> str:
    value = value.strip()
    if not value:
        problems.append(f"{where} : texte manquant.")
    elif has_unsafe(value.replace("\n", " ").replace("\t", " ")):
        problems.append(f"{where} : caractères de contrôle interdits.")
    elif len(value) > limit:
        problems.append(f"{where} : {limit} caractères au plus.")
    return value


def check_header(code: str, name: str, questions_per_qcm: int, pass_mark: int,
                 problems: list[str]) -> None:
    """The formation's own fields (not its themes)."""
    if not CODE_PATTERN.match(code):
        problems.append("Code de formation : 2 à 32 caractères parmi A-Z, 0-9, - et _.")
    _check_text(name, "Nom de la formation", NAME_LIMIT, problems)
    if not 1 <= questions_per_qcm <= MAX_PER_QCM:
        problems.append(f"Questions par QCM : entier de 1 à {MAX_PER_QCM}.")
    if not 0 <= pass_mark <= questions_per_qcm:
        problems.append("Seuil de réussite : entier de 0 au nombre de questions par QCM.")


def check_themes(themes: Sequence[str], problems: list[str]) -> tuple[str, ...]:
    cleaned = tuple(_check_text(t, f"Thème « {t[:40]} »", THEME_LIMIT, problems) for t in themes)
    if not cleaned:
        problems.append("Thèmes : au moins un thème.")
    folded = [t.casefold() for t in cleaned]
    for theme in sorted({t for t in cleaned if folded.count(t.casefold()) > 1}):
        problems.append(f"Thème « {theme} » : répété.")
    return cleaned


def check_draft(draft: Draft, themes: Sequence[str], problems: list[str]) -> Question | None:
    """One question's problems appended to `problems`; the Question if none."""
    before = len(problems)
    where = draft.label
    text = _check_text(draft.text, where, TEXT_LIMIT, problems)
    if draft.theme not in themes:
        problems.append(f"{where} : thème « {draft.theme} » inconnu pour cette formation.")
    if len(draft.choices) != CHOICES_PER_QUESTION:
        problems.append(f"{where} : exactement {CHOICES_PER_QUESTION} propositions attendues "
                        f"({len(draft.choices)} trouvées).")
        choices: tuple[str, ...] = tuple(c.strip() for c in draft.choices)
    else:
        choices = tuple(
            _check_text(c, f"{where}, proposition {CHOICE_LETTERS[i]}", CHOICE_LIMIT, problems)
            for i, c in enumerate(draft.choices))
        if all(choices) and len({c.casefold() for c in choices}) != len(choices):
            problems.append(f"{where} : deux propositions sont identiques.")
    if draft.correct is None or not 0 <= draft.correct < max(len(draft.choices), 1):
        problems.append(f"{where} : une et une seule bonne réponse attendue.")
    if len(problems) > before:
        return None
    return Question(None, draft.theme, text, choices, draft.correct)  # type: ignore[arg-type]


def build_bank(formation: Formation, drafts: Sequence[Draft],
               problems: Sequence[tuple[int, str]] = ()) -> QuestionBank:
    """Check everything and return the bank, or raise BankError listing
    `problems` (already found by the reader, with their position in the
    file) and every new one, in file order."""
    head: list[str] = []
    check_header(formation.code, formation.name, formation.questions_per_qcm,
                 formation.pass_mark, head)
    # A reader that found no usable question has no theme either: say it once.
    themes = check_themes(formation.themes, head) if formation.themes or not problems else ()
    found = list(problems)
    questions: list[Question] = []
    seen: dict[str, str] = {}
    for draft in drafts:
        mine: list[str] = []
        question = check_draft(draft, themes, mine)
        if question is not None:
            key = question.text.casefold()
            if key in seen:
                mine.append(f"{draft.label} : même texte que {seen[key]}.")
            seen.setdefault(key, draft.label)
            questions.append(question)
        found += [(draft.order, p) for p in mine]
    messages = head + [p for _, p in sorted(found, key=lambda item: item[0])]
    if not messages and len(questions) < formation.questions_per_qcm:
        messages.append(f"La banque contient {len(questions)} questions, il en faut au moins "
                        f"{formation.questions_per_qcm}.")
    if messages:
        raise BankError(messages)
    return QuestionBank(Formation(formation.code, formation.name.strip(),
                                  formation.questions_per_qcm, formation.pass_mark, themes),
                        tuple(questions))


def theme_order(drafts: Sequence[Draft]) -> tuple[str, ...]:
    """Themes in order of first use."""
    return tuple(dict.fromkeys(d.theme for d in drafts))
