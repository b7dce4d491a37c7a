"""Moodle XML, for multiple-choice questions with one right answer out of 4.

    <quiz>
      <question type="category">
        <category><text>$course$/top/PV-RES/Réglementation</text></category>
      </question>
      <question type="multichoice">
        <name><text>PV-RES-1</text></name>
        <questiontext format="html"><text><![CDATA[<p>Quelle norme ... ?</p>]]></text></questiontext>
        <single>true</single>
        <answer fraction="100" format="html"><text>NF C 15-100</text></answer>
        <answer fraction="0" format="html"><text>NF C 14-100</text></answer>
        ...
      </question>
    </quiz>

The last element of a category path is the theme; questions before any
category go to the theme "Général". Text in `html` (or `moodle_auto_format`)
format is read as HTML, other formats as typed. The right answer has
fraction 100; wrong ones 0 or a negative penalty; partial credit, several
right answers (`<single>false</single>`) and other question types are
refused. DTDs and entity declarations are refused before parsing. The
formation's code, name, size and pass mark come from the caller."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape as xml_escape

from domain.bank import BankError
from domain.bank_check import Draft, build_bank, theme_order
from domain.gift import DEFAULT_THEME, category_theme, theme_categories
from domain.html_text import MediaRefused, html_to_text, text_to_html
from domain.models import Formation, QuestionBank

_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_HTML_FORMATS = ("html", "moodle_auto_format", "")
MAX_SIZE = 20_000_000


class _Problem(Exception):
    pass


def _text_of(element: ET.Element | None) -> str:
    if element is None:
        return ""
    inner = element.find("text")
    return (inner.text if inner is not None else element.text) or ""


def _formatted(element: ET.Element | None, default: str, where: str) -> str:
    fmt = element.get("format", default) if element is not None else default
    raw = _text_of(element)
    if fmt not in _HTML_FORMATS:
        return raw.strip()
    try:
        return html_to_text(raw)
    except MediaRefused as exc:
        raise _Problem(f"{where} : image ou média non pris en charge ({exc}).") from None


def _question(node: ET.Element, number: int, theme: str) -> Draft:
    name = _text_of(node.find("name")).strip()
    where = f"Question {number}" + (f" « {name[:40]} »" if name else "")
    kind = node.get("type", "")
    if kind != "multichoice":
        raise _Problem(f"{where} : type « {kind[:30]} » non pris en charge "
                       "(choix multiple à une seule bonne réponse uniquement).")
    if (node.findtext("single") or "true").strip().lower() not in ("true", "1"):
        raise _Problem(f"{where} : plusieurs réponses attendues (<single>false</single>), "
                       "non pris en charge.")
    question_text = node.find("questiontext")
    text = _formatted(question_text, "html", where)
    if not name and text:
        where = f"Question {number} « {text[:40]} »"
    choices: list[str] = []
    right: list[int] = []
    for answer in node.findall("answer"):
        try:
            fraction = float(answer.get("fraction", "0").replace(",", "."))
        except ValueError:
            raise _Problem(f"{where} : fraction illisible « {answer.get('fraction')} ».") from None
        if fraction >= 100:
            right.append(len(choices))
        elif fraction > 0:
            raise _Problem(f"{where} : réponse partiellement juste ({fraction:g} %) "
                           "non prise en charge.")
        fmt = answer.get("format", question_text.get("format", "html")
                         if question_text is not None else "html")
        choices.append(_formatted(answer, fmt, where))
    if len(right) != 1:
        raise _Problem(f"{where} : une et une seule bonne réponse attendue "
                       f"({len(right)} trouvées).")
    return Draft(where, theme, text, tuple(choices), right[0], number)


def parse_moodle_xml(source: str | bytes, formation: Formation) -> QuestionBank:
    """Read a Moodle XML file into a bank for `formation` (its themes are
    ignored: they come from the file's categories). Raises BankError."""
    if len(source) > MAX_SIZE:
        raise BankError(["Fichier XML trop volumineux (20 Mo au plus)."])
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BankError(["Fichier XML : encodage UTF-8 attendu."]) from None
    source = source.lstrip("\ufeff")
    if _FORBIDDEN.search(source):
        raise BankError(["Fichier XML refusé : les déclarations DOCTYPE et ENTITY "
                         "ne sont pas acceptées."])
    try:
        root = ET.fromstring(source)
    except ET.ParseError as exc:
        raise BankError([f"Fichier XML invalide : {exc}."]) from None
    if root.tag != "quiz":
        raise BankError([f"Fichier XML : élément racine <quiz> attendu (trouvé <{root.tag}>)."])
    problems: list[tuple[int, str]] = []
    drafts: list[Draft] = []
    theme = DEFAULT_THEME
    number = 0
    for node in root.findall("question"):
        if node.get("type") == "category":
            theme = category_theme(_text_of(node.find("category")))
            if not theme:
                problems.append((number, f"Catégorie vide après la question {number}."))
                theme = DEFAULT_THEME
            continue
        number += 1
        try:
            drafts.append(_question(node, number, theme))
        except _Problem as exc:
            problems.append((number, str(exc)))
    if not drafts and not problems:
        problems.append((0, "Aucune question trouvée dans le fichier XML."))
    return build_bank(Formation(formation.code, formation.name, formation.questions_per_qcm,
                                formation.pass_mark, theme_order(drafts)), drafts, problems)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def dump_moodle_xml(bank: QuestionBank) -> str:
    """The active questions of `bank` as Moodle XML, one category per theme."""
    f = bank.formation
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    number = 0
    for path, questions in theme_categories(bank):
        out += ['  <question type="category">',
                f"    <category><text>{xml_escape(path)}</text></category>",
                "  </question>"]
        for q in questions:
            number += 1
            out += ['  <question type="multichoice">',
                    f"    <name><text>{xml_escape(f.code)}-{number}</text></name>",
                    '    <questiontext format="html">',
                    f"      <text>{_cdata(text_to_html(q.text))}</text>",
                    "    </questiontext>",
                    '    <generalfeedback format="html"><text></text></generalfeedback>',
                    "    <defaultgrade>1</defaultgrade>",
                    "    <penalty>0</penalty>",
                    "    <hidden>0</hidden>",
                    "    <single>true</single>",
                    "    <shuffleanswers>true</shuffleanswers>",
                    "    <answernumbering>ABCD</answernumbering>"]
            for i, choice in enumerate(q.choices):
                fraction = 100 if i == q.correct else 0
                out.append(f'    <answer fraction="{fraction}" format="html">'
                           f"<text>{_cdata(text_to_html(choice, paragraph=False))}</text>"
                           '<feedback format="html"><text></text></feedback></answer>')
            out.append("  </question>")
    out.append("</quiz>")
    return "\n".join(out) + "\n"
