"""Cells of the client screen model: what a cell holds, which blanks look
alike, and the cells of a run of text in one style (sshserver/screen_delta.py)."""

from __future__ import annotations

import re
from functools import lru_cache

Cell = tuple[str, str]
"""(characters, style key). The right half of a wide character has text ""."""

NARROW = re.compile(r"[ -~\xa0-\u02ff]*")
"""Text whose every character takes one cell (ASCII, Latin-1, Latin
Extended, IPA; no C1 control, no combining mark)."""
BLANK_INVISIBLE = frozenset({
    "", "0", "1", "2", "3", "22", "23", "39", "49",
    *map(str, range(30, 38)), *map(str, range(40, 48)),
    *map(str, range(90, 98)), *map(str, range(100, 108)),
})
"""SGR parameters that change nothing on a blank cell but its background, which
erasing also paints (underline, reverse, strike-through... would show)."""


BLANK = "\x01"
"""Marks the style key of a blank cell by its background alone (`blank_key`)."""


@lru_cache(maxsize=1024)
def blank_key(key: str) -> str | None:
    """For a space in this style: BLANK + the background's SGR parameters, when
    nothing but the background shows on a blank cell (no underline, reverse,
    strike-through, link...); else None. Spaces differing only in foreground
    or boldness look the same, so they share this key, and an erase in line
    (which paints the background only) can draw them."""
    if key.startswith(BLANK):
        return key
    if "\x00" in key:  # a hyperlink
        return None
    params = key.split(";")
    background = ""
    index = 0
    while index < len(params):
        code = params[index]
        if code in ("38", "48") and index + 1 < len(params):
            step = 3 if params[index + 1] == "5" else 5
            if code == "48":
                background = ";".join(params[index:index + step])
            index += step
            continue
        if code not in BLANK_INVISIBLE:
            return None
        if code in ("", "0", "49"):
            background = ""
        elif code.isdigit() and (40 <= int(code) <= 47 or 100 <= int(code) <= 107):
            background = code
        index += 1
    return BLANK + background


class CellTable(dict[str, Cell]):
    """The cell of each character in one style, shared through `cells`."""

    def __init__(self, key: str, cells: dict[Cell, Cell]) -> None:
        super().__init__()
        self._key = key
        self._blank = blank_key(key)
        self._shared = cells

    def __missing__(self, char: str) -> Cell:
        cell = (" ", self._blank) if char == " " and self._blank is not None else (char, self._key)
        cell = self[char] = self._shared.setdefault(cell, cell)
        return cell
