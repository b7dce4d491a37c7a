"""Online keys and participant numbers."""

from __future__ import annotations

import re
import secrets

# Readable alphabet: no 0/O, 1/I/L. 31 symbols, ~4.95 bits each.
KEY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
KEY_GROUPS = 3
KEY_GROUP_LEN = 5
KEY_LENGTH = KEY_GROUPS * KEY_GROUP_LEN  # 15 symbols = 74.3 bits of entropy

_PARTICIPANT_RE = re.compile(r"^\d{4}-\d{6}$")


def new_key() -> str:
    """A fresh random key, formatted like 7KQ4M-2XD9P-TAB3C."""
    raw = "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))
    return format_key(raw)


def format_key(raw: str) -> str:
    return "-".join(raw[i:i + KEY_GROUP_LEN] for i in range(0, len(raw), KEY_GROUP_LEN))


def _symbols(typed: str) -> str:
    """What a candidate typed, without case, spaces, dashes or dots."""
    return re.sub(r"[\s\-_.]", "", typed).upper()


def key_problem(typed: str) -> str | None:
    """Why what a candidate typed cannot be a key, in French, or None if it can.

    A look-alike is not guessed (O is not taken for 0, which no key holds):
    the candidate is told which characters no key contains."""
    raw = _symbols(typed)
    if any(c not in KEY_ALPHABET for c in raw):
        foreign = [c for c in sorted(set(raw) - set(KEY_ALPHABET)) if c.isprintable()][:3]
        rule = ("une clé n'a que des lettres sans accent et des chiffres, "
                "sauf 0, O, 1, I et L")
        if not foreign:
            return f"Ce n'est pas une clé valide : {rule}."
        shown = ", ".join(f"« {c} »" for c in foreign)
        verb = "figure" if len(foreign) == 1 else "figurent"
        return f"Ce n'est pas une clé valide : {shown} n'y {verb} jamais ({rule})."
    if len(raw) != KEY_LENGTH:
        return (f"Ce n'est pas une clé valide : {len(raw)} lettres et chiffres saisis "
                f"(sans les tirets), une clé en compte {KEY_LENGTH}.")
    return None


def normalize_key(typed: str) -> str | None:
    """Canonical form of what a candidate typed, or None if it cannot be a key
    (`key_problem` says why). Case, spaces and dashes do not matter."""
    return None if key_problem(typed) is not None else format_key(_symbols(typed))


def format_participant_number(year: int, sequence: int) -> str:
    return f"{year:04d}-{sequence:06d}"


def normalize_participant_number(typed: str) -> str | None:
    value = typed.strip()
    return value if _PARTICIPANT_RE.match(value) else None
