"""What services refuse, and the one text check every service applies.

`Invalid` is a `StoreError`: every front end already reports those as one
French line (the screens under the field or in their status line, the
commands as « Erreur : … »), so a refusal reads the same whoever sent the data."""

from __future__ import annotations

from domain.validation import MAX_FIELD, check_text
from store.errors import StoreError


class Invalid(StoreError):
    """The data sent is refused; the message names the field and the rule."""


class Forbidden(StoreError):
    """The caller's role may not do this (a centre using an administration option)."""


def text(value: str, label: str, required: bool = True, limit: int = MAX_FIELD) -> str:
    """The normalised text of one field, or Invalid with the field's French message."""
    cleaned, error = check_text(value, label, required, limit)
    if error:
        raise Invalid(error)
    return cleaned


def count(value: int, label: str, highest: int) -> int:
    if not 1 <= value <= highest:
        raise Invalid(f"{label} : de 1 à {highest}.")
    return value
