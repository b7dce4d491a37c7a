"""Moodle GIFT: reading teachers' files, writing ours, refusing what we cannot run."""

from pathlib import Path

import pytest

from domain.bank import BankError
from domain.gift import DEFAULT_THEME, category_theme, dump_gift, escape, parse_gift
from domain.models import Formation
from tests.domain.special_bank import special_bank

FIXTURES = Path(__file__).parent.parent / "fixtures"
HEADER = Formation("ESSAI", "Formation d'essai", 3, 2)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_round_trip_keeps_special_characters_and_themes():
    bank = special_bank()
    text = dump_gift(bank)
    assert "\\~" in text and "\\=" in text and "\\#" in text and "\\{" in text
    assert "\\}" in text and "\\:" in text and "\\n" in text
    assert parse_gift(text, bank.formation) == bank


def test_teacher_file_is_read():
    bank = parse_gift(read("bank_ok.gift"), HEADER)
    assert bank.formation.themes == ("Réglementation", "Sécurité")
    texts = [q.text for q in bank.questions]
    assert texts == [
        "Quelle norme régit les installations électriques basse tension ?",
        "Que vaut 1 + 1 = ?",
        "Une question sans titre, sur\ndeux lignes ?",
        "Quelle tension est dite TBT & sûre ?",  # [html] read as HTML
        "Le symbole # et le tilde ~ sont-ils échappés ?",
    ]
    assert bank.questions[0].choices == ("NF C 14-100", "NF C 15-100", "DTU 65.12", "NF EN 12975")
    assert [q.correct for q in bank.questions] == [1, 1, 0, 0, 0]
    assert bank.questions[1].choices[3] == "{4}"
    assert bank.questions[2].correct_text == "Réponse A"  # ~%-25% is a wrong answer
    assert bank.questions[3].choices[0] == "12 V"
    assert bank.questions[4].choices[0] == "Oui: tous les deux"


def test_header_comes_from_the_caller():
    bank = parse_gift(read("bank_ok.gift"), HEADER)
    f = bank.formation
    assert (f.code, f.name, f.questions_per_qcm, f.pass_mark) == ("ESSAI", "Formation d'essai", 3, 2)


def test_broken_file_reports_every_question_and_imports_nothing():
    with pytest.raises(BankError) as caught:
        parse_gift(read("bank_broken.gift"), HEADER)
    assert caught.value.problems == [
        "Question 1 « B1 » (ligne 3) : une et une seule bonne réponse attendue (2 trouvées).",
        "Question 2 « B2 » (ligne 10) : exactement 4 propositions attendues (3 trouvées).",
        "Question 3 « B3 » (ligne 16) : question vrai/faux non prise en charge.",
        "Question 4 « B4 » (ligne 18) : accolade } manquante.",
        "Question 5 « B5 » (ligne 22) : réponse partiellement juste (50 %) non prise en charge.",
        "Question 7 « B7 » (ligne 36) : deux propositions sont identiques.",
    ]


@pytest.mark.parametrize("block, expected", [
    ("Combien ? {#2:1}", "numérique"),
    ("Qui ? {=Grant =Personne}", "une et une seule"),
    ("Associez. {=Canada -> Ottawa =Italie -> Rome =Japon -> Tokyo}", "appariement"),
    ("Racontez. {}", "question ouverte"),
    ("Sans accolades ?", "accolades"),
    ("::Titre Sans fin {=a ~b ~c ~d}", "titre"),
    ("Texte { avant ~a =b ~c ~d}", "avant la première"),
    ("[html]<p>Image <img src='x.png'></p> {=a ~b ~c ~d}", "image"),
])
def test_unsupported_questions_are_named(block, expected):
    with pytest.raises(BankError) as caught:
        parse_gift(block, Formation("ESSAI", "Essai", 1, 1))
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("Question 1")
    assert expected in caught.value.problems[0]


def test_questions_before_any_category_get_the_default_theme():
    bank = parse_gift("Q ? {=a ~b ~c ~d}\n\nR ? {=a ~b ~c ~d}", Formation("ESSAI", "E", 2, 1))
    assert bank.formation.themes == (DEFAULT_THEME,)


def test_missing_word_questions_keep_a_blank():
    bank = parse_gift("Grant est {=enterré ~vivant ~parti ~absent} à Grant.", Formation("ES", "E", 1, 1))
    assert bank.questions[0].text == "Grant est _____ à Grant."


def test_too_few_questions_for_the_formation():
    with pytest.raises(BankError) as caught:
        parse_gift("Q ? {=a ~b ~c ~d}", Formation("ESSAI", "E", 30, 24))
    assert caught.value.problems == ["La banque contient 1 questions, il en faut au moins 30."]


def test_bad_header_is_reported():
    with pytest.raises(BankError) as caught:
        parse_gift("Q ? {=a ~b ~c ~d}", Formation("essai", "", 1, 5))
    assert len(caught.value.problems) == 3


def test_windows_line_endings_and_bom():
    text = "\ufeff$CATEGORY: T\r\n\r\nQ ? {\r\n=a\r\n~b\r\n~c\r\n~d\r\n}\r\n"
    bank = parse_gift(text, Formation("ESSAI", "E", 1, 1))
    assert bank.questions[0].choices == ("a", "b", "c", "d")
    assert bank.formation.themes == ("T",)


def test_category_paths():
    assert category_theme("$course$/top/PV/Réglementation") == "Réglementation"
    assert category_theme(" Normes // textes ") == "Normes / textes"
    assert category_theme("$course$/top/a//b") == "a/b"
    assert category_theme("") == ""


def test_escape():
    assert escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
