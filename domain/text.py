"""Making text typed by one person safe to show to another."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls (except none: even tab/newline are folded), DEL, and the
# Unicode bidi overrides/isolates that can reorder what a reader sees.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def safe_text(value: str, limit: int | None = None) -> str:
    """Replace control, escape and bidi-override characters by a visible
    placeholder-free space, and optionally cut to `limit` characters."""
    cleaned = _UNSAFE.sub(" ", value)
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned


def has_unsafe(value: str) -> bool:
    return bool(_UNSAFE.search(value))


def normalize_input(value: str) -> str:
    """Canonical form of a typed field: NFC, trimmed, inner whitespace folded."""
    return " ".join(unicodedata.normalize("NFC", value).split())
