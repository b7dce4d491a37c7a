"""What the client's terminal can do, read from the SSH pty request.

Pure functions: no asyncssh or Textual import, so they are easy to test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

ColorSystemName = Literal["standard", "256", "truecolor"]
"""Rich colour system names this server emits (never "windows")."""

DEFAULT_SIZE = (80, 24)
"""Used when the client sends a pty request with a zero size."""
MAX_SIZE = (500, 200)
"""Larger sizes are clamped: a client must not make the app lay out a huge screen."""


def clamp_size(width: int, height: int) -> tuple[int, int]:
    """Keep a client-supplied size within 1x1 .. MAX_SIZE."""
    max_width, max_height = MAX_SIZE
    return (min(max(width, 1), max_width), min(max(height, 1), max_height))


def color_system_for(term: str | None, env: Mapping[str, str]) -> ColorSystemName:
    """Choose the colour system for a client terminal.

    `COLORTERM=truecolor|24bit` wins; a TERM mentioning 256 colours gets the
    256-colour palette; everything else (linux, xterm, vt100, screen, unknown)
    gets the 16 standard colours, which every colour terminal renders.
    """
    colorterm = env.get("COLORTERM", "").strip().lower()
    if colorterm in ("truecolor", "24bit"):
        return "truecolor"
    term = (term or "").lower()
    if "truecolor" in term or "direct" in term:
        return "truecolor"
    if "256color" in term or "256colour" in term:
        return "256"
    return "standard"


_BCE_TERMS = ("xterm", "tmux", "rxvt", "linux", "putty", "alacritty", "kitty", "foot",
              "wezterm", "vt")
"""Terminal families whose erase in line paints the current background ("bce"
in terminfo). GNU screen (TERM=screen*) does not by default; unknown
terminals are not assumed to."""


def erases_with_background(term: str | None) -> bool:
    return (term or "").lower().startswith(_BCE_TERMS)


def erases_characters(term: str | None) -> bool:
    """Whether ECH (erase characters, `CSI n X`) paints blanks in the current
    background: the families above since the VT220 (a VT100 lacks it)."""
    return erases_with_background(term) and not (term or "").lower().startswith("vt1")


@dataclass(frozen=True, slots=True)
class TerminalProfile:
    """The client terminal as announced in the SSH session request."""

    term: str
    width: int
    height: int
    color_system: ColorSystemName

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @classmethod
    def from_request(
        cls, term: str | None, size: tuple[int, int], env: Mapping[str, str]
    ) -> TerminalProfile:
        """Build a profile; a zero width or height falls back to 80x24."""
        width, height = size
        if width <= 0 or height <= 0:
            width, height = DEFAULT_SIZE
        width, height = clamp_size(width, height)
        return cls(term or "", width, height, color_system_for(term, env))
