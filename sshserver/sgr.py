"""Shortest SGR sequence from one text style to another.

Textual resets the style after every segment and sets the next one in full.
When the next style only adds attributes or changes colours, a few codes are
enough; otherwise the style is reset and set in full in one sequence.
"""

from __future__ import annotations

Parsed = tuple[frozenset[str], str | None, str | None]
"""(attribute codes, foreground codes, background codes); None: default colour."""

_ATTRIBUTES = frozenset({"1", "2", "3", "4", "5", "7", "8", "9", "21", "53"})
_CACHE_LIMIT = 4096


def parse_sgr(params: str) -> Parsed | None:
    """The style that `params` (applied after a reset) produces; None if unsure."""
    attributes: set[str] = set()
    fg: str | None = None
    bg: str | None = None
    parts = params.split(";") if params else []
    index = 0
    while index < len(parts):
        code = parts[index]
        if code in ("", "0"):
            attributes.clear()
            fg = bg = None
        elif code in _ATTRIBUTES:
            attributes.add(code)
        elif code in ("38", "48"):
            size = {"5": 3, "2": 5}.get(parts[index + 1] if index + 1 < len(parts) else "")
            if size is None or index + size > len(parts):
                return None
            colour = ";".join(parts[index:index + size])
            if code == "38":
                fg = colour
            else:
                bg = colour
            index += size
            continue
        elif code.isdigit() and (30 <= int(code) <= 37 or 90 <= int(code) <= 97):
            fg = code
        elif code.isdigit() and (40 <= int(code) <= 47 or 100 <= int(code) <= 107):
            bg = code
        elif code == "39":
            fg = None
        elif code == "49":
            bg = None
        else:
            return None
        index += 1
    return frozenset(attributes), fg, bg


class SgrDelta:
    """Memoised SGR transitions for one session."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str | None, str], str] = {}

    def __call__(self, current: str | None, target: str) -> str:
        """Sequence taking the client from style `current` (None: unknown) to `target`.

        Styles are SGR parameter strings meaning "reset, then apply these".
        """
        key = (current, target)
        sequence = self._cache.get(key)
        if sequence is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            sequence = self._cache[key] = _transition(current, target)
        return sequence


_OFF = {"1": "22", "2": "22", "3": "23", "4": "24", "21": "24", "5": "25", "7": "27",
        "8": "28", "9": "29", "53": "55"}
"""The code that ends each attribute (22 ends bold and faint, 24 both underlines)."""


def _transition(current: str | None, target: str) -> str:
    if not target:
        return "\x1b[m"
    full = f"\x1b[{target}m" if current == "" else f"\x1b[0;{target}m"
    if not current:
        return full
    old, new = parse_sgr(current), parse_sgr(target)
    if old is None or new is None:
        return full
    off = {_OFF[code] for code in old[0] - new[0]}
    # An end code shared by two attributes ends both: set again those kept.
    kept = {code for code in old[0] & new[0] if _OFF[code] in off}
    codes = sorted(off, key=int) + sorted((new[0] - old[0]) | kept, key=int)
    if new[1] != old[1]:
        codes.append(new[1] or "39")
    if new[2] != old[2]:
        codes.append(new[2] or "49")
    if not codes:
        return ""
    short = f"\x1b[{';'.join(codes)}m"
    return short if len(short) < len(full) else full
