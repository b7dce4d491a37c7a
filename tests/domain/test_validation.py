"""Identity fields, scores and practical results typed by staff or candidates."""

import pytest

from domain.models import Identity, Practical
from domain.text import safe_text
from domain.validation import (
    REQUIRED,
    ValidationError,
    check_text,
    parse_practical,
    parse_score,
    validate_identity,
)

GOOD = {"civility": "Mme", "last_name": "Dupont", "first_name": "Gérard",
        "company": "Solaire & Fils", "company_address": "3 rue du Soleil",
        "postal_code": "69007", "city": "Lyon", "country": "France",
        "email": "gerard.dupont@solaire.fr"}


def _errors(**changes) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_identity({**GOOD, **changes})
    return caught.value.errors


def test_valid_identity_is_normalised():
    identity = validate_identity({**GOOD, "last_name": "  Du   Pont ", "city": "Lyon\t7e"})
    assert isinstance(identity, Identity)
    assert identity.last_name == "Du Pont"
    assert identity.city == "Lyon 7e"  # a tab is folded like any space
    assert identity.email == GOOD["email"]


@pytest.mark.parametrize("field", REQUIRED)
def test_each_required_field(field):
    errors = _errors(**{field: "   "})
    assert set(errors) == {field}
    assert "obligatoire" in errors[field]


def test_missing_fields_all_reported_at_once():
    with pytest.raises(ValidationError) as caught:
        validate_identity({})
    assert set(caught.value.errors) == set(REQUIRED)


def test_civility():
    assert validate_identity({**GOOD, "civility": "M."}).civility == "M."
    assert "M. ou Mme" in _errors(civility="Monsieur")["civility"]


@pytest.mark.parametrize("email", ["gerard", "gerard@", "@solaire.fr", "g@solaire",
                                   "g d@solaire.fr", "g@@solaire.fr", "g@sol@aire.fr"])
def test_invalid_email(email):
    assert "adresse invalide" in _errors(email=email)["email"]


@pytest.mark.parametrize("email", ["a@b.fr", "prenom.nom+qcm@sous.domaine.com"])
def test_valid_email(email):
    assert validate_identity({**GOOD, "email": email}).email == email


@pytest.mark.parametrize("code", ["6900", "690071", "69 007", "2A004", "ABCDE"])
def test_french_postal_code(code):
    assert "5 chiffres" in _errors(postal_code=code)["postal_code"]


@pytest.mark.parametrize("country", ["France", "france", "FR", " France "])
def test_french_postal_code_whatever_the_spelling_of_france(country):
    assert "postal_code" in _errors(postal_code="123", country=country)


def test_foreign_postal_code_is_free():
    assert validate_identity({**GOOD, "postal_code": "1000", "country": "Belgique"}).postal_code == "1000"
    assert validate_identity({**GOOD, "postal_code": "SW1A 1AA", "country": "Royaume-Uni"})


@pytest.mark.parametrize("bad", ["\x1b[31mDupont", "Dup\x00ont", "Dupont\n", "Dup\ront",
                                 "Dupont\x7f", "Dup\x9bont", "\u202eDupont", "Dupont\u2066"])
def test_control_characters_refused(bad):
    errors = _errors(last_name=bad)
    assert "caractères de contrôle interdits" in errors["last_name"]


def test_length_limit():
    assert "200 caractères au plus" in _errors(company="x" * 201)["company"]
    assert validate_identity({**GOOD, "company": "x" * 200}).company == "x" * 200


def test_check_text_optional_field():
    assert check_text("", "Adresse", required=False) == ("", None)
    assert check_text("  a  b ", "Adresse") == ("a b", None)


@pytest.mark.parametrize(("typed", "value"), [("0", 0), ("24", 24), (" 30 ", 30), ("007", 7)])
def test_parse_score(typed, value):
    assert parse_score(typed, 30) == value


@pytest.mark.parametrize("typed", ["", "31", "-1", "2.5", "vingt", "24/30", "²", "١٢"])
def test_parse_score_refused(typed):
    with pytest.raises(ValidationError) as caught:
        parse_score(typed, 30)
    assert caught.value.errors == {"score": "Note : nombre entier de 0 à 30."}


@pytest.mark.parametrize(("typed", "value"), [
    ("favorable", Practical.FAVOURABLE), ("F", Practical.FAVOURABLE),
    ("Défavorable", Practical.UNFAVOURABLE), ("defavorable", Practical.UNFAVOURABLE),
    ("d", Practical.UNFAVOURABLE), ("", Practical.UNKNOWN), ("inconnu", Practical.UNKNOWN),
])
def test_parse_practical(typed, value):
    assert parse_practical(typed) is value


def test_parse_practical_refused():
    with pytest.raises(ValidationError) as caught:
        parse_practical("peut-être")
    assert "practical" in caught.value.errors


def test_safe_text_neutralises_escapes():
    assert safe_text("a\x1b[2Jb\u202ec") == "a [2Jb c"
    assert safe_text("abcdef", limit=4) == "abc…"
