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


def normalize_key(typed: str) -> str | None:
    """Canonical form of what a candidate typed, or None if it cannot be a key.

    Case, spaces and dashes do not matter. Common look-alikes are mapped
    (O→0 is not in the alphabet, so O is refused rather than guessed)."""
    raw = re.sub(r"[\s\-_.]", "", typed).upper()
    if len(raw) != KEY_LENGTH or any(c not in KEY_ALPHABET for c in raw):
        return None
    return format_key(raw)


def format_participant_number(year: int, sequence: int) -> str:
    return f"{year:04d}-{sequence:06d}"


def normalize_participant_number(typed: str) -> str | None:
    value = typed.strip()
    return value if _PARTICIPANT_RE.match(value) else None
