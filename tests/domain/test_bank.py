"""The question bank TOML format: parse, dump, round-trip, validation."""

import pytest

from domain.bank import BankError, dump_bank, parse_bank
from domain.models import Formation, Question, QuestionBank

HEAD = '''[formation]
code = "TST"
name = "Formation d'essai"
questions_per_qcm = 2
pass_mark = 1
themes = ["Un", "Deux"]
'''


def question(text="Quelle tension ?", theme="Un", choices=("A", "B", "C", "D"), correct="A",
             extra="") -> str:
    quoted = ", ".join(f'"{c}"' for c in choices)
    return (f'\n[[questions]]\ntheme = "{theme}"\ntext = "{text}"\nchoices = [{quoted}]\n'
            f'correct = "{correct}"\n{extra}')


def good_source() -> str:
    return HEAD + question() + question("Quel courant ?", "Deux", correct="d")


def problems(source: str) -> list[str]:
    with pytest.raises(BankError) as caught:
        parse_bank(source)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def test_parse_good_bank():
    bank = parse_bank(good_source())
    assert bank.formation == Formation("TST", "Formation d'essai", 2, 1, ("Un", "Deux"))
    assert [q.text for q in bank.questions] == ["Quelle tension ?", "Quel courant ?"]
    assert bank.questions[1].correct == 3  # "d": case does not matter
    assert bank.questions[0].choices == ("A", "B", "C", "D")


def tricky_bank() -> QuestionBank:
    texts = [
        'Que signifie « "MPPT" » ?',
        "Chemin C:\\PV\\onduleur\\ et \\n littéral",
        "Première ligne\nseconde ligne\n\ttabulée",
        "Apostrophe l'onduleur, accolades {x} et crochets [y] = 'z'",
        'Triple """ guillemets et \'\'\' apostrophes',
        "Unicode : œ, µ, ≥ 24/30, emoji ☀",
    ]
    questions = tuple(
        Question(None, ("Thème « A »", 'Thème "B"')[i % 2], text,
                 (f'choix "{i}"', f"back\\slash {i}", f"ligne\n{i}", f"# pas un commentaire {i}"),
                 i % 4)
        for i, text in enumerate(texts))
    formation = Formation("PV-RES_2", 'Nom avec "guillemets" et \\', 6, 4,
                          ("Thème « A »", 'Thème "B"'))
    return QuestionBank(formation, questions)


def test_dump_then_parse_round_trips_quotes_backslashes_and_newlines():
    bank = tricky_bank()
    text = dump_bank(bank)
    assert parse_bank(text) == bank
    assert dump_bank(parse_bank(text)) == text


def test_dump_leaves_out_inactive_questions():
    bank = tricky_bank()
    retired = Question(7, bank.formation.themes[0], "Ancienne version", ("a", "b", "c", "d"), 0,
                       active=False)
    text = dump_bank(QuestionBank(bank.formation, bank.questions + (retired,)))
    assert "Ancienne version" not in text
    assert parse_bank(text) == bank


def test_invalid_toml():
    found = problems(HEAD + "[[questions]\n")
    assert len(found) == 1 and found[0].startswith("Fichier TOML invalide")


def test_missing_formation_section():
    assert problems(question()) == ["Section [formation] manquante."]


@pytest.mark.parametrize(("line", "needle"), [
    ('code = "t"', "[formation] code"),
    ('code = "A B"', "[formation] code"),
    ('name = ""', "[formation] name : texte manquant"),
    ("questions_per_qcm = 0", "[formation] questions_per_qcm"),
    ('questions_per_qcm = "30"', "[formation] questions_per_qcm"),
    ("pass_mark = 3", "[formation] pass_mark"),
    ("themes = []", "[formation] themes : liste non vide"),
    ('themes = ["Un", "Un"]', "[formation] themes : un thème est répété"),
])
def test_formation_errors(line, needle):
    key = line.split(" =")[0]
    head = "\n".join(line if row.startswith(key + " ") else row for row in HEAD.splitlines())
    found = problems(head + question() + question("Autre ?", "Un"))
    assert any(needle in p for p in found), found


@pytest.mark.parametrize(("second", "needle"), [
    (question(text=""), "Question 2 text : texte manquant"),
    (question("Combien ?", theme="Trois"), "Question 2 (« Combien ? ») : thème « Trois » absent"),
    (question("Combien ?", choices=("A", "B", "C")), "Question 2 (« Combien ? ») : exactement 4 propositions"),
    (question("Combien ?", choices=("A", "B", "C", "D", "E")), "Question 2 (« Combien ? ») : exactement 4"),
    (question("Combien ?", choices=("A", "B", "c", "C")), "Question 2 (« Combien ? ») : deux propositions sont identiques"),
    (question("Combien ?", choices=("A", "B", "", "D")), "Question 2 (« Combien ? ») proposition C : texte manquant"),
    (question("Combien ?", choices=("A", "B", "\\u001b[2J", "D")), "Question 2 (« Combien ? ») proposition C : caractères de contrôle"),
    (question("Combien ?", correct="E"), "Question 2 (« Combien ? ») : correct doit être une lettre de A à D"),
    (question("Combien ?", correct="1"), "Question 2 (« Combien ? ») : correct doit être"),
    (question("quelle TENSION ?"), "Question 2 (« quelle TENSION ? ») : question en double"),
    (question("Bidi \\u202e ?"), "Question 2 text : caractères de contrôle"),
    (question("x" * 2001), "text : 2000 caractères au plus"),
    ('\n[[questions]]\ntheme = "Un"\ntext = "Sans correct ?"\nchoices = ["a", "b", "c", "d"]\n',
     "Question 2 (« Sans correct ? ») : correct doit être"),
])
def test_question_errors_name_the_question(second, needle):
    found = problems(HEAD + question() + second)
    assert any(needle in p for p in found), found
    assert not any(p.startswith("Question 1 ") for p in found), found


def test_every_problem_is_reported_one_per_line():
    source = HEAD + question(theme="Zéro") + question("Deux ?", correct="Z")
    found = problems(source)
    assert len(found) == 2
    assert found[0].startswith("Question 1 (« Quelle tension ? ») : thème « Zéro »")
    assert found[1].startswith("Question 2 (« Deux ? ») : correct")
    assert all("\n" not in p for p in found)


def test_problem_lines_quote_the_question_on_one_safe_line():
    # The question is named by an excerpt of its text: newlines and control
    # characters of that text must not break the one-line-per-problem report.
    found = problems(HEAD + question() + question("Ligne 1\\nligne 2 ?", correct="Z")
                     + question("Bidi \\u202e ?", theme="Zéro"))
    assert found[0] == "Question 2 (« Ligne 1 ligne 2 ? ») : correct doit être une lettre de A à D."
    assert found[1] == "Question 3 text : caractères de contrôle interdits."
    assert found[2] == "Question 3 (« Bidi ? ») : thème « Zéro » absent de [formation] themes."
    assert all("\n" not in p and "\u202e" not in p for p in found)


def test_too_few_questions():
    assert problems(HEAD + question()) == [
        "La banque contient 1 questions, il en faut au moins 2."]
