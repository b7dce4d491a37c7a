"""Moodle GIFT, for multiple-choice questions with one right answer out of 4.

    // comment line
    $CATEGORY: $course$/top/PV-RES/Réglementation

    ::Q1:: Quelle norme régit ... ? {
    =NF C 15-100
    ~NF C 14-100 #feedback (ignored)
    ~DTU 65.12
    ~NF EN 12975
    }

Questions are separated by blank lines. `\\~ \\= \\# \\{ \\} \\: \\\\` are
literal characters, `\\n` a line break. The last element of a category path
is the theme (a `/` inside a Moodle category name is written `//`);
questions before any category go to the theme "Général". `[html]` text is
read as HTML; `[moodle]`, `[plain]` and `[markdown]` text is kept as typed.
Weights: `=` or `~%100%` is the right answer; `~` or a negative `~%-n%` a
wrong one; any other weight is refused, as are other question types
(true/false, short answer, numerical, matching, essay). The formation's
code, name, size and pass mark come from the caller (GIFT has no place for
them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.bank_check import Draft, build_bank, theme_order
from domain.html_text import MediaRefused, html_to_text
from domain.models import Formation, Question, QuestionBank

DEFAULT_THEME = "Général"
SPECIAL = "~=#{}:"
_FORMATS = ("html", "moodle", "plain", "markdown")
_WEIGHT = re.compile(r"^%(-?\d+(?:[.,]\d+)?)%")


@dataclass(frozen=True)
class _Char:
    value: str
    special: bool  # an unescaped control character of GIFT


def _scan(text: str) -> list[_Char]:
    out: list[_Char] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in SPECIAL or nxt == "\\":
                out.append(_Char(nxt, False))
                i += 2
                continue
            if nxt == "n":
                out.append(_Char("\n", False))
                i += 2
                continue
        out.append(_Char(ch, ch in SPECIAL))
        i += 1
    return out


def _plain(chars: list[_Char]) -> str:
    return "".join(c.value for c in chars)


def _find(chars: list[_Char], value: str, start: int = 0) -> int:
    for i in range(start, len(chars)):
        if chars[i].special and chars[i].value == value:
            return i
    return -1


def _blocks(source: str) -> list[tuple[int, str]]:
    """(first line number, text) of each blank-line separated block, comments removed."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(source.split("\n"), start=1):
        if line.lstrip().startswith("//"):
            continue
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            blocks.append((start, "\n".join(current)))
            current = []
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def category_theme(path: str) -> str:
    """The last element of a Moodle category path ('//' is a literal '/')."""
    parts = [p.replace("\0", "/").strip()
             for p in path.strip().replace("//", "\0").split("/")]
    parts = [p for p in parts if p]
    return parts[-1] if parts else ""


def theme_categories(bank: QuestionBank) -> list[tuple[str, list[Question]]]:
    """(Moodle category path, active questions) per theme that has any, in
    theme order: the categories both export formats write."""
    f = bank.formation
    found = []
    for theme in f.themes:
        questions = [q for q in bank.questions if q.theme == theme and q.active]
        if questions:
            path = "/".join(p.replace("/", "//").replace("\n", " ")
                            for p in ("$course$", "top", f.code, theme))
            found.append((path, questions))
    return found


class _Problem(Exception):
    pass


def _answers(chars: list[_Char], where: str) -> tuple[list[str], int | None]:
    """The choices between the braces and the index of the right one."""
    inner = _plain(chars).strip()
    if not inner:
        raise _Problem(f"{where} : aucune proposition (question ouverte non prise en charge).")
    if inner.upper() in ("T", "F", "TRUE", "FALSE") or inner.upper().startswith(("T#", "F#")):
        raise _Problem(f"{where} : question vrai/faux non prise en charge.")
    first = next((i for i, c in enumerate(chars) if not c.value.isspace()), 0)
    if chars[first].special and chars[first].value == "#" and _plain(chars[first:first + 4]) != "####":
        raise _Problem(f"{where} : question numérique non prise en charge.")
    marks = [i for i, c in enumerate(chars) if c.special and c.value in "=~"]
    lead = _plain(chars[:marks[0]] if marks else chars).strip()
    if lead and not lead.startswith("####"):
        raise _Problem(f"{where} : texte avant la première proposition (« {lead[:30]} »).")
    choices: list[str] = []
    right: list[int] = []
    for n, start in enumerate(marks):
        end = marks[n + 1] if n + 1 < len(marks) else len(chars)
        body = chars[start + 1:end]
        feedback = _find(body, "#")
        text = _plain(body[:feedback] if feedback >= 0 else body).strip()
        weight = 100.0 if chars[start].value == "=" else 0.0
        found = _WEIGHT.match(text)
        if found:
            weight = float(found.group(1).replace(",", "."))
            text = text[found.end():].strip()
        if "->" in text and chars[start].value == "=":
            raise _Problem(f"{where} : question d'appariement non prise en charge.")
        if weight >= 100:
            right.append(len(choices))
        elif weight > 0:
            raise _Problem(f"{where} : réponse partiellement juste ({weight:g} %) "
                           "non prise en charge.")
        choices.append(text)
    if len(right) != 1:
        raise _Problem(f"{where} : une et une seule bonne réponse attendue "
                       f"({len(right)} trouvées).")
    return choices, right[0]


def _question(chars: list[_Char], line: int, number: int, theme: str) -> Draft:
    where = f"Question {number} (ligne {line})"
    title = ""
    if len(chars) > 1 and chars[0].special and chars[1].special and _plain(chars[:2]) == "::":
        end = next((i for i in range(2, len(chars) - 1)
                    if chars[i].special and chars[i + 1].special
                    and chars[i].value == ":" == chars[i + 1].value), -1)
        if end < 0:
            raise _Problem(f"{where} : titre « :: » non refermé.")
        title = _plain(chars[2:end]).strip()
        chars = chars[end + 2:]
        if title:
            where = f"Question {number} « {title[:40]} » (ligne {line})"
    opening = _find(chars, "{")
    if opening < 0:
        raise _Problem(f"{where} : accolades {{ }} des réponses manquantes.")
    closing = _find(chars, "}", opening)
    if closing < 0:
        raise _Problem(f"{where} : accolade }} manquante.")
    if _find(chars, "{", opening + 1) >= 0 or _find(chars, "}", closing + 1) >= 0:
        raise _Problem(f"{where} : une seule liste de réponses {{ }} par question.")
    before = _plain(chars[:opening]).strip()
    after = _plain(chars[closing + 1:]).strip()
    fmt = re.match(r"^\[(\w+)\]", before)
    if fmt and fmt.group(1).lower() in _FORMATS:
        before = before[fmt.end():].strip()
    text = f"{before} _____ {after}".strip() if after else before
    if not title and text:
        where = f"Question {number} « {text[:40]} » (ligne {line})"
    choices, right = _answers(chars[opening + 1:closing], where)
    if fmt and fmt.group(1).lower() == "html":
        try:
            text = html_to_text(text)
            choices = [html_to_text(c) for c in choices]
        except MediaRefused as exc:
            raise _Problem(f"{where} : image ou média non pris en charge ({exc}).") from None
    return Draft(where, theme, text, tuple(choices), right, line)


def parse_gift(source: str, formation: Formation) -> QuestionBank:
    """Read a GIFT file into a bank for `formation` (its themes are ignored:
    they come from the file's categories). Raises BankError."""
    source = source.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    problems: list[tuple[int, str]] = []
    drafts: list[Draft] = []
    theme = DEFAULT_THEME
    number = 0
    for line, block in _blocks(source):
        block = block.strip()
        if block.startswith("$CATEGORY:"):
            head, _, block = block.partition("\n")
            theme = category_theme(head[len("$CATEGORY:"):])
            if not theme:
                problems.append((line, f"Ligne {line} : catégorie vide."))
                theme = DEFAULT_THEME
            line += 1
            if not block.strip():
                continue
        number += 1
        try:
            drafts.append(_question(_scan(block.strip()), line, number, theme))
        except _Problem as exc:
            problems.append((line, str(exc)))
    if not drafts and not problems:
        problems.append((0, "Aucune question trouvée dans le fichier GIFT."))
    themes = theme_order(drafts)
    return build_bank(Formation(formation.code, formation.name, formation.questions_per_qcm,
                                formation.pass_mark, themes), drafts, problems)


def escape(text: str) -> str:
    """Text as GIFT writes it: control characters escaped, line breaks as \\n."""
    out = text.replace("\\", "\\\\")
    for ch in SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def dump_gift(bank: QuestionBank) -> str:
    """The active questions of `bank` as GIFT, one category per theme."""
    f = bank.formation
    lines = [f"// Banque qcm-ssh {f.code} : {f.name}".replace("\n", " "),
             f"// {f.questions_per_qcm} questions par QCM, seuil {f.pass_mark}.", ""]
    number = 0
    for path, questions in theme_categories(bank):
        lines += [f"$CATEGORY: {path}", ""]
        for q in questions:
            number += 1
            lines.append(f"::{escape(f.code)}-{number}:: [plain]{escape(q.text)} {{")
            for i, choice in enumerate(q.choices):
                lines.append(("=" if i == q.correct else "~") + escape(choice))
            lines += ["}", ""]
    return "\n".join(lines)
