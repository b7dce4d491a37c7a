"""Fonts that print French and non-Latin names, registered once per process.

The body font is DejaVu Sans (Debian package `fonts-dejavu-core`): Latin,
Greek, Cyrillic and more. Characters it lacks (Chinese, Japanese, Korean)
are drawn with Droid Sans Fallback (`fonts-droid-fallback`) when present.
Without DejaVu, reportlab's own Vera is used: French still prints, Greek
and others do not. `QCM_FONT_DIR` adds a directory searched first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "QcmSans"
BOLD = "QcmSans-Bold"
FALLBACK = "QcmFallback"

_SYSTEM_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/droid",
    "/usr/share/fonts-droid-fallback/truetype",
    "/usr/local/share/fonts",
)
_REPORTLAB_DIR = str(Path(reportlab.__file__).parent / "fonts")

_CANDIDATES = {
    REGULAR: ("DejaVuSans.ttf", "Vera.ttf"),
    BOLD: ("DejaVuSans-Bold.ttf", "VeraBd.ttf"),
    FALLBACK: ("DroidSansFallbackFull.ttf", "DroidSansFallback.ttf"),
}


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    fallback: str | None  # None: no font for characters the body font lacks
    covered: frozenset[int]  # code points the regular body font draws
    bold_covered: frozenset[int]
    fallback_covered: frozenset[int]

    def draws(self, code: int, bold: bool) -> bool:
        return code in (self.bold_covered if bold else self.covered)


_registered: FontSet | None = None


def _search_dirs() -> list[str]:
    extra = os.environ.get("QCM_FONT_DIR")
    return ([extra] if extra else []) + list(_SYSTEM_DIRS) + [_REPORTLAB_DIR]


def _find(names: tuple[str, ...]) -> str | None:
    """First existing file, preferring the earlier names in every directory."""
    dirs = _search_dirs()
    for name in names:
        for d in dirs:
            path = os.path.join(d, name)
            if os.path.isfile(path):
                return path
    return None


def fonts() -> FontSet:
    """Register the fonts in this process (idempotent) and describe them."""
    global _registered
    if _registered is not None:
        return _registered
    paths = {name: _find(files) for name, files in _CANDIDATES.items()}
    if paths[REGULAR] is None or paths[BOLD] is None:  # pragma: no cover - reportlab ships Vera
        raise RuntimeError("Aucune police TrueType trouvée pour les documents PDF.")
    for name, path in paths.items():
        if path is not None:
            pdfmetrics.registerFont(TTFont(name, path))
    covered = frozenset(pdfmetrics.getFont(REGULAR).face.charToGlyph)
    bold_covered = frozenset(pdfmetrics.getFont(BOLD).face.charToGlyph)
    fallback_covered: frozenset[int] = frozenset()
    if paths[FALLBACK] is not None:
        fallback_covered = frozenset(pdfmetrics.getFont(FALLBACK).face.charToGlyph)
    _registered = FontSet(REGULAR, BOLD, FALLBACK if paths[FALLBACK] else None,
                          covered, bold_covered, fallback_covered)
    return _registered


def font_files() -> dict[str, str | None]:
    """Which file each logical font comes from (for diagnostics)."""
    return {name: _find(files) for name, files in _CANDIDATES.items()}
