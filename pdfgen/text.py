"""Text on the page: cleaning, font runs, line wrapping and drawing.

No reportlab markup is ever parsed here: user and bank text is measured and
drawn as typed, so '<', '&' or '>' print as themselves and cannot change the
layout. Characters the body font lacks are drawn with the fallback font.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from domain.text import safe_text
from pdfgen.fonts import FontSet, fonts

Span = tuple[str, bool]  # (text, bold)
Run = tuple[str, str]  # (font name, text)

_PIECES = re.compile(r"\n|[^\S\n]+|[^\s]+")


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]
    width: float


def clean(value: object) -> str:
    """Text typed by someone, made safe to print: NFC, no control or bidi
    override characters, whitespace folded."""
    text = unicodedata.normalize("NFC", safe_text(str(value)))
    return " ".join(text.split())


def organised_by(centre_name: str) -> str:
    """« organisée par le centre de formation X », unless X already says it
    is one (« Centre de formation Démo »): then « organisée par X »."""
    name = clean(centre_name)
    if name.casefold().startswith(("centre", "organisme", "institut", "école", "ecole")):
        return f"organisée par {name}"
    return f"organisée par le centre de formation {name}"


def _font(ch: str, bold: bool, fs: FontSet) -> str:
    primary = fs.bold if bold else fs.regular
    code = ord(ch)
    if ch == " " or fs.draws(code, bold):
        return primary
    if fs.fallback is not None and code in fs.fallback_covered:
        return fs.fallback
    return primary


def runs(text: str, bold: bool = False) -> list[Run]:
    """Split text into consecutive pieces drawn with the same font."""
    fs = fonts()
    if text.isascii():  # the body fonts draw all of ASCII: the common case
        return [(fs.bold if bold else fs.regular, text)] if text else []
    out: list[list[str]] = []
    for ch in text:
        name = _font(ch, bold, fs)
        if out and out[-1][0] == name:
            out[-1][1] += ch
        else:
            out.append([name, ch])
    return [(name, piece) for name, piece in out]


def runs_width(pieces: Sequence[Run], size: float) -> float:
    return sum(stringWidth(t, f, size) for f, t in pieces)


def text_width(text: str, size: float, bold: bool = False) -> float:
    return runs_width(runs(text, bold), size)


@dataclass
class _Token:
    runs: list[Run]
    width: float
    space: Run | None  # the space that separates it from the previous token
    space_width: float
    newline: bool = False


def _tokens(spans: Sequence[Span], size: float) -> list[_Token]:
    fs = fonts()
    tokens: list[_Token] = []
    pending_space: tuple[Run, float] | None = None
    for text, bold in spans:
        font = fs.bold if bold else fs.regular
        for piece in _PIECES.findall(text):
            if piece == "\n":
                tokens.append(_Token([], 0.0, None, 0.0, newline=True))
                pending_space = None
            elif piece.isspace():
                pending_space = ((font, " "), stringWidth(" ", font, size))
            else:
                parts = runs(piece, bold)
                # Characters of the fallback font (CJK) may break anywhere.
                chunks: list[list[Run]] = []
                for f, t in parts:
                    if f == fs.fallback:
                        chunks.extend([(f, ch)] for ch in t)
                    elif chunks and chunks[-1][-1][0] != fs.fallback:
                        chunks[-1].append((f, t))
                    else:
                        chunks.append([(f, t)])
                for i, chunk in enumerate(chunks):
                    space, space_w = (pending_space if i == 0 and pending_space else (None, 0.0))
                    tokens.append(_Token(chunk, runs_width(chunk, size), space, space_w))
                pending_space = None
    return tokens


def _split_long(token: _Token, size: float, width: float) -> list[_Token]:
    """Cut a word wider than the line into pieces that fit."""
    pieces: list[_Token] = []
    current: list[Run] = []
    current_w = 0.0
    for font, text in token.runs:
        for ch in text:
            w = stringWidth(ch, font, size)
            if current and current_w + w > width:
                pieces.append(_Token(current, current_w, None, 0.0))
                current, current_w = [], 0.0
            if current and current[-1][0] == font:
                current[-1] = (font, current[-1][1] + ch)
            else:
                current.append((font, ch))
            current_w += w
    if current:
        pieces.append(_Token(current, current_w, None, 0.0))
    return pieces


def _merge(pieces: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for font, text in pieces:
        if merged and merged[-1][0] == font:
            merged[-1] = (font, merged[-1][1] + text)
        else:
            merged.append((font, text))
    return tuple(merged)


def wrap(content: str | Sequence[Span], size: float, width: float,
         bold: bool = False) -> list[Line]:
    """Break text into lines no wider than `width` (greedy, on spaces)."""
    spans: Sequence[Span] = [(content, bold)] if isinstance(content, str) else content
    lines: list[Line] = []
    current: list[Run] = []
    current_w = 0.0

    def flush() -> None:
        nonlocal current, current_w
        lines.append(Line(_merge(current), current_w))
        current, current_w = [], 0.0

    for token in _tokens(spans, size):
        if token.newline:
            flush()
            continue
        gap = token.space_width if current and token.space else 0.0
        if current and current_w + gap + token.width > width:
            flush()
            gap = 0.0
        if not current and token.width > width:
            *head, last = _split_long(token, size, width)
            for piece in head:
                lines.append(Line(_merge(piece.runs), piece.width))
            token = last
        if gap and token.space:
            current.append(token.space)
        current.extend(token.runs)
        current_w += gap + token.width
    if current or not lines:
        flush()
    return lines


def ellipsize(text: str, size: float, width: float, bold: bool = False) -> str:
    """The text cut to fit one line of `width`, ending with '…' if cut."""
    if text_width(text, size, bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if text_width(text[:mid].rstrip() + "…", size, bold) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def draw_lines(canvas: Canvas, lines: Sequence[Line], x: float, top: float, size: float,
               leading: float, align: str = "left", width: float = 0.0) -> float:
    """Draw lines whose box starts at `top` (first baseline below it);
    returns the height used (len(lines) * leading)."""
    if not lines:
        return 0.0
    text = canvas.beginText()
    baseline = top - size * 0.95
    for line in lines:
        dx = 0.0
        if align == "right":
            dx = width - line.width
        elif align == "center":
            dx = (width - line.width) / 2
        text.setTextOrigin(x + dx, baseline)
        for font, piece in line.runs:
            text.setFont(font, size, leading)
            text.textOut(piece)
        baseline -= leading
    canvas.drawText(text)
    return len(lines) * leading


def draw_text(canvas: Canvas, content: str | Sequence[Span], x: float, top: float,
              size: float, width: float, leading: float | None = None, bold: bool = False,
              align: str = "left") -> float:
    """Wrap and draw; returns the height used."""
    lines = wrap(content, size, width, bold)
    return draw_lines(canvas, lines, x, top, size, leading or size * 1.25, align, width)
