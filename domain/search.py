"""Searching typed text the way people expect: case and accents ignored."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: 'Électricité' -> 'electricite'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches(query: str, *texts: str) -> bool:
    """Every word of `query` appears in one of `texts` (an empty query matches)."""
    words = fold(query).split()
    haystack = "\n".join(fold(t) for t in texts)
    return all(word in haystack for word in words)
