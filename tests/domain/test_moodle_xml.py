"""Moodle XML: reading Moodle's exports, writing ours, refusing DTDs."""

from pathlib import Path

import pytest

from domain.bank import BankError
from domain.html_text import html_to_text, text_to_html
from domain.models import Formation
from domain.moodle_xml import dump_moodle_xml, parse_moodle_xml
from tests.domain.special_bank import special_bank

FIXTURES = Path(__file__).parent.parent / "fixtures"
HEADER = Formation("ESSAI", "Formation d'essai", 3, 2)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_round_trip_keeps_special_characters_and_themes():
    bank = special_bank()
    text = dump_moodle_xml(bank)
    assert "<![CDATA[" in text and "&lt;b&gt;" in text
    assert parse_moodle_xml(text, bank.formation) == bank
    assert parse_moodle_xml(text.encode("utf-8"), bank.formation) == bank


def test_moodle_export_is_read():
    bank = parse_moodle_xml(read("bank_ok.xml"), HEADER)
    assert bank.formation.themes == ("Réglementation", "Sécurité")
    q1, q2, q3, q4 = bank.questions
    assert q1.text == "Quelle norme régit les installations électriques basse tension\u00a0?"
    assert q1.correct_text == "NF C 15-100"
    assert q1.choices[2] == "DTU 65.12"  # negative fraction: a wrong answer
    assert q2.text == "Que vaut a < b && c ?"  # plain_text kept as typed
    assert q2.choices == ("vrai si a < b", "faux", "indéterminé", "{erreur}")
    assert q3.text == "Quelle tension est dite TBT\u00a0?\nUne seule réponse."
    assert q4.correct == 3


def test_broken_file_reports_every_question():
    with pytest.raises(BankError) as caught:
        parse_moodle_xml(read("bank_broken.xml"), HEADER)
    assert caught.value.problems == [
        "Question 1 « B1 vrai-faux » : type « truefalse » non pris en charge "
        "(choix multiple à une seule bonne réponse uniquement).",
        "Question 2 « B2 plusieurs » : plusieurs réponses attendues (<single>false</single>), "
        "non pris en charge.",
        "Question 3 « B3 image » : image ou média non pris en charge (fichier joint).",
        "Question 4 « B4 cinq » : exactement 4 propositions attendues (5 trouvées).",
        "Question 5 « B5 vide » : texte manquant.",
    ]


def test_dtd_and_entities_are_refused_before_parsing():
    with pytest.raises(BankError) as caught:
        parse_moodle_xml(read("bank_entity.xml"), HEADER)
    assert "DOCTYPE" in caught.value.problems[0]
    with pytest.raises(BankError):
        parse_moodle_xml('<?xml version="1.0"?><!doctype quiz SYSTEM "file:///etc/passwd"><quiz/>',
                         HEADER)


def test_malformed_xml_is_one_clear_problem():
    with pytest.raises(BankError) as caught:
        parse_moodle_xml(read("bank_malformed.xml"), HEADER)
    assert caught.value.problems[0].startswith("Fichier XML invalide")


def test_wrong_root_and_empty_quiz():
    with pytest.raises(BankError, match="<quiz>"):
        parse_moodle_xml("<questions/>", HEADER)
    with pytest.raises(BankError, match="Aucune question"):
        parse_moodle_xml("<quiz></quiz>", HEADER)


def test_non_utf8_bytes_are_refused():
    with pytest.raises(BankError, match="UTF-8"):
        parse_moodle_xml("<quiz>é</quiz>".encode("latin-1"), HEADER)


def test_html_text_conversions():
    assert html_to_text("<p>a &lt; b</p>\n<p>c</p>") == "a < b\n\nc"
    assert html_to_text("<div>\n   Bonjour\n   le monde\n</div>") == "Bonjour le monde"
    assert html_to_text("x<script>alert(1)</script>y") == "xy"
    assert html_to_text(text_to_html("a  b\n<c> & d")) == "a  b\n<c> & d"
