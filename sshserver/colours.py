"""Per-session colour depth, applied to the output stream.

Textual caches rendered strips process-wide (``Strip.blank`` is an
``lru_cache``), ignoring the console they were rendered for. With many apps in
one process, a strip rendered for one session's colour system would be reused
as is by another. So every app renders in truecolor, and each session's
output is downgraded here, per SGR sequence, to what its terminal supports.
"""

from __future__ import annotations

from rich.color import Color, ColorSystem
from rich.color_triplet import ColorTriplet

from sshserver.terminal import ColorSystemName

_SYSTEMS = {"standard": ColorSystem.STANDARD, "256": ColorSystem.EIGHT_BIT,
            "truecolor": ColorSystem.TRUECOLOR}
_CACHE_LIMIT = 4096


class ColourDowngrade:
    """Rewrites SGR parameters so colours fit `system`; results are memoised."""

    def __init__(self, system: ColorSystemName) -> None:
        self.system = _SYSTEMS[system]
        self._cache: dict[str, str] = {}

    @property
    def needed(self) -> bool:
        return self.system is not ColorSystem.TRUECOLOR

    def __call__(self, params: str) -> str:
        """SGR parameters (the part between ``ESC [`` and ``m``), downgraded."""
        if "8;" not in params:
            return params
        result = self._cache.get(params)
        if result is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            result = self._cache[params] = self._convert(params)
        return result

    def _convert(self, params: str) -> str:
        parts = params.split(";")
        out: list[str] = []
        index = 0
        while index < len(parts):
            code = parts[index]
            if code in ("38", "48") and index + 1 < len(parts):
                colour, used = _parse_colour(parts, index + 1)
                if colour is not None:
                    downgraded = colour.downgrade(self.system)
                    out.extend(downgraded.get_ansi_codes(foreground=code == "38"))
                    index += 1 + used
                    continue
            out.append(code)
            index += 1
        return ";".join(out)


def _parse_colour(parts: list[str], start: int) -> tuple[Color | None, int]:
    """The colour at ``parts[start:]`` (``5;n`` or ``2;r;g;b``) and parts used."""
    try:
        if parts[start] == "5":
            number = int(parts[start + 1])
            if 0 <= number <= 255:
                return Color.from_ansi(number), 2
        elif parts[start] == "2":
            r, g, b = (int(p) for p in parts[start + 1:start + 4])
            if all(0 <= c <= 255 for c in (r, g, b)):
                return Color.from_triplet(ColorTriplet(r, g, b)), 4
    except ValueError:  # not a number, or fewer than three components
        pass
    return None, 0
