"""Field validation with French messages, shared by screens, CLI and exec."""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.models import Identity, Practical
from domain.text import has_unsafe, normalize_input

MAX_FIELD = 200
CIVILITIES = ("M.", "Mme")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FR_POSTAL = re.compile(r"^\d{5}$")

IDENTITY_LABELS = {
    "civility": "Civilité",
    "last_name": "Nom",
    "first_name": "Prénom",
    "company": "Entreprise",
    "company_address": "Adresse de l'entreprise",
    "postal_code": "Code postal",
    "city": "Ville",
    "country": "Pays",
    "email": "Email",
}
REQUIRED = ("civility", "last_name", "first_name", "company", "company_address",
            "postal_code", "city", "country", "email")


class ValidationError(ValueError):
    """Errors keyed by field name, each a French sentence."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def check_text(value: str, label: str, required: bool = True,
               limit: int = MAX_FIELD) -> tuple[str, str | None]:
    """Normalise one text field; return (value, error message or None)."""
    if has_unsafe(value.replace("\t", " ")):
        return value, f"{label} : caractères de contrôle interdits."
    value = normalize_input(value)
    if required and not value:
        return value, f"{label} : champ obligatoire."
    if len(value) > limit:
        return value, f"{label} : {limit} caractères au plus."
    return value, None


def is_france(country: str) -> bool:
    return normalize_input(country).casefold() in ("france", "fr")


def validate_identity(fields: Mapping[str, str]) -> Identity:
    """Build an Identity from typed fields or raise ValidationError."""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, label in IDENTITY_LABELS.items():
        value, error = check_text(fields.get(name, ""), label, name in REQUIRED)
        values[name] = value
        if error:
            errors[name] = error
    if "civility" not in errors and values["civility"] not in CIVILITIES:
        errors["civility"] = "Civilité : choisir M. ou Mme."
    if "email" not in errors and not _EMAIL.match(values["email"]):
        errors["email"] = "Email : adresse invalide (exemple : nom@entreprise.fr)."
    if ("postal_code" not in errors and "country" not in errors
            and is_france(values["country"]) and not _FR_POSTAL.match(values["postal_code"])):
        errors["postal_code"] = "Code postal : 5 chiffres attendus pour la France."
    if errors:
        raise ValidationError(errors)
    return Identity(**values)


def parse_score(text: str, maximum: int) -> int:
    """A QCM score typed by staff: an integer between 0 and `maximum`."""
    value = text.strip()
    # ASCII digits only: str.isdigit() also accepts '²' (int() then fails) and
    # other scripts' digits.
    if not (value.isascii() and value.isdigit()) or not 0 <= int(value) <= maximum:
        raise ValidationError({"score": f"Note : nombre entier de 0 à {maximum}."})
    return int(value)


def parse_practical(text: str) -> Practical:
    aliases = {
        "favorable": Practical.FAVOURABLE, "favourable": Practical.FAVOURABLE,
        "f": Practical.FAVOURABLE, "defavorable": Practical.UNFAVOURABLE,
        "défavorable": Practical.UNFAVOURABLE, "unfavourable": Practical.UNFAVOURABLE,
        "d": Practical.UNFAVOURABLE, "inconnu": Practical.UNKNOWN,
        "unknown": Practical.UNKNOWN, "": Practical.UNKNOWN,
    }
    try:
        return aliases[text.strip().casefold()]
    except KeyError:
        raise ValidationError(
            {"practical": "Évaluation pratique : favorable, défavorable ou inconnu."}
        ) from None
