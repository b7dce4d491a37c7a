"""The question bank file format (TOML), read and written without I/O.

    [formation]
    code = "PV-RES"
    name = "Installation photovoltaïque raccordée au réseau"
    questions_per_qcm = 30
    pass_mark = 24
    themes = ["Réglementation", "Sécurité électrique"]

    [[questions]]
    theme = "Réglementation"
    text = "Quelle norme encadre ... ?"
    choices = ["NF C 15-100", "NF C 14-100", "NF EN 1090", "DTU 40.11"]
    correct = "A"

`correct` is the letter (A-D) of the right choice in `choices`.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from domain.models import CHOICE_LETTERS, Formation, Question, QuestionBank
from domain.text import has_unsafe, safe_text

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")


class BankError(ValueError):
    """Every problem found in a bank file, one French line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _text(value: Any, where: str, problems: list[str], limit: int = 2000) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where} : texte manquant.")
        return ""
    if has_unsafe(value.replace("\n", " ").replace("\t", " ")):
        problems.append(f"{where} : caractères de contrôle interdits.")
    if len(value) > limit:
        problems.append(f"{where} : {limit} caractères au plus.")
    return value.strip()


def _excerpt(value: str) -> str:
    """Text quoted in a problem line: one line, no control characters."""
    return " ".join(safe_text(value[:40]).split())


def parse_bank(source: str) -> QuestionBank:
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise BankError([f"Fichier TOML invalide : {exc}."]) from None
    return bank_from_dict(data)


def bank_from_dict(data: dict[str, Any]) -> QuestionBank:
    problems: list[str] = []
    head = data.get("formation")
    if not isinstance(head, dict):
        raise BankError(["Section [formation] manquante."])
    code = str(head.get("code", "")).strip()
    if not _CODE.match(code):
        problems.append("[formation] code : 2 à 32 caractères parmi A-Z, 0-9, - et _.")
    name = _text(head.get("name"), "[formation] name", problems, 200)
    per_qcm = head.get("questions_per_qcm", 30)
    pass_mark = head.get("pass_mark", 24)
    if not isinstance(per_qcm, int) or not 1 <= per_qcm <= 200:
        problems.append("[formation] questions_per_qcm : entier de 1 à 200.")
        per_qcm = 30
    if not isinstance(pass_mark, int) or not 0 <= pass_mark <= per_qcm:
        problems.append("[formation] pass_mark : entier de 0 à questions_per_qcm.")
    themes = head.get("themes")
    if not isinstance(themes, list) or not themes or not all(isinstance(t, str) and t.strip() for t in themes):
        problems.append("[formation] themes : liste non vide de noms de thèmes.")
        themes = []
    themes = [t.strip() for t in themes]
    if len(set(themes)) != len(themes):
        problems.append("[formation] themes : un thème est répété.")

    questions: list[Question] = []
    raw_questions = data.get("questions", [])
    if not isinstance(raw_questions, list):
        raw_questions = []
        problems.append("[[questions]] : liste attendue.")
    seen: set[str] = set()
    for number, raw in enumerate(raw_questions, start=1):
        where = f"Question {number}"
        if not isinstance(raw, dict):
            problems.append(f"{where} : table attendue.")
            continue
        text = _text(raw.get("text"), f"{where} text", problems)
        if text:
            where = f"Question {number} (« {_excerpt(text)} »)"
        theme = raw.get("theme")
        if theme not in themes:
            problems.append(f"{where} : thème « {_excerpt(str(theme))} » absent de [formation] themes.")
        choices = raw.get("choices")
        if not isinstance(choices, list) or len(choices) != 4:
            problems.append(f"{where} : exactement 4 propositions (choices) attendues.")
            choices = ["", "", "", ""]
        else:
            choices = [_text(c, f"{where} proposition {CHOICE_LETTERS[i]}", problems, 500)
                       for i, c in enumerate(choices)]
            if len({c.casefold() for c in choices}) != 4:
                problems.append(f"{where} : deux propositions sont identiques.")
        correct = raw.get("correct")
        if not isinstance(correct, str) or correct.strip().upper() not in CHOICE_LETTERS:
            problems.append(f"{where} : correct doit être une lettre de A à D.")
            correct_index = 0
        else:
            correct_index = CHOICE_LETTERS.index(correct.strip().upper())
        if text.casefold() in seen:
            problems.append(f"{where} : question en double.")
        seen.add(text.casefold())
        questions.append(Question(None, str(theme), text, tuple(choices), correct_index))  # type: ignore[arg-type]
    if len(questions) < per_qcm and not problems:
        problems.append(
            f"La banque contient {len(questions)} questions, il en faut au moins {per_qcm}."
        )
    if problems:
        raise BankError(problems)
    formation = Formation(code, name, per_qcm, pass_mark, tuple(themes))
    return QuestionBank(formation, tuple(questions))


def _toml_str(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def dump_bank(bank: QuestionBank) -> str:
    f = bank.formation
    lines = [
        "# Banque de questions qcm-ssh (format décrit dans le README).",
        "[formation]",
        f"code = {_toml_str(f.code)}",
        f"name = {_toml_str(f.name)}",
        f"questions_per_qcm = {f.questions_per_qcm}",
        f"pass_mark = {f.pass_mark}",
        "themes = [" + ", ".join(_toml_str(t) for t in f.themes) + "]",
    ]
    for q in bank.questions:
        if not q.active:
            continue
        lines += [
            "",
            "[[questions]]",
            f"theme = {_toml_str(q.theme)}",
            f"text = {_toml_str(q.text)}",
            "choices = [",
            *(f"  {_toml_str(c)}," for c in q.choices),
            "]",
            f'correct = "{CHOICE_LETTERS[q.correct]}"',
        ]
    return "\n".join(lines) + "\n"
