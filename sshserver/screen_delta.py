"""Send only the cells that changed: a model of the client screen.

Textual repaints whole widget regions (sometimes the whole screen twice in a
row) and resets the style after every segment. `ScreenDelta` parses Textual's
output (cursor positioning, SGR styles, OSC 8 links, text), keeps what the
client terminal shows, and emits only changed cells with short cursor moves
and one combined SGR per style change.

Safety rule: a write is skipped only when the model knows the client cell
already holds exactly that character, style and link. Anything the model does
not understand is passed through unchanged and makes the model forget
everything (the next frames are then sent in full).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.cells import get_character_cell_size

from sshserver.cells import BLANK, NARROW, Cell, CellTable, blank_key
from sshserver.sgr import SgrDelta

_TOKEN = re.compile(
    # One capturing group per alternative: `match.lastindex` tells which.
    r"\x1b\[(\d*(?:;\d*)?)H"  # 1: cursor position
    r"|\x1b\[([\d;:]*)m"  # 2: SGR
    r"|\x1b\]8;([^;\x07\x1b]*;[^\x07\x1b]*)(?:\x07|\x1b\\)"  # 3: OSC 8 link
    r"|(\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # 4: other OSC (no effect on cells),
    r"|\x1b\[\?[\d;]*\$p|\x1b\[[<>=]\d*u|\x07)"  # mode queries, kitty keys, bell
    r"|(\x1b\[\?[\d;]*[hl])"  # 5: private modes
    r"|([^\x00-\x1f\x7f]+)"  # 6: text
    r"|(\n)|(\r)"  # 7, 8
    r"|(\x1b\[[0-?]*[ -/]*[@-~]|\x1b[^\[\]]?|\x1b\][^\x07\x1b]*|[\x00-\x1f\x7f])"  # 9: other
)
_CLEARING_MODES = {"47", "1047", "1049", "3", "6", "69"}
"""Private modes that clear or re-map the screen: the model is reset."""
_BRIDGE = 3
"""Unchanged cells re-sent rather than jumped over when the gap is this short."""
_MAX_CELLS = 4096
"""Distinct (character, style) cells remembered for sharing; then start again."""
_ECH_MIN = 8
"""Blank cells in one background, inside a line, cleared with one ECH and
jumped over (4 + 4 bytes) rather than written as spaces, from this many on."""
_ERASE_MIN = 6
"""Blank cells up to the right margin cleared with one EL (3 bytes) instead of
being written as spaces, from this many changed cells on."""

class ScreenDelta:
    """Rewrites Textual's terminal output into the shortest equivalent."""

    def __init__(
        self, width: int, height: int, sgr_filter: Callable[[str], str] | None = None,
        *, erase: bool = False, erase_chars: bool = False,
    ) -> None:
        """Model a `width` x `height` client screen.

        `sgr_filter` rewrites each SGR parameter string (e.g. colour downgrade).
        `erase`: the client's EL (erase in line) paints the current background
        (xterm's "bce"), so the end of a line that becomes blank is cleared with
        it rather than written as spaces.
        `erase_chars`: the client has ECH (`CSI n X`, erase characters, painting
        the current background, cursor unmoved): a run of at least
        `_ECH_MIN` blanks inside a line is cleared with it.
        """
        self._sgr_filter = sgr_filter
        self._erase = erase
        self._erase_chars = erase_chars
        self._sgr_change = SgrDelta()
        self.width = width
        self.height = height
        self._model: list[list[Cell | None]] = []
        self._out: list[str] = []
        self._pending: dict[int, dict[int, Cell]] = {}
        self._term_link: str | None = ""  # client OSC 8 link; None: unknown
        self._cells: dict[Cell, Cell] = {}  # one tuple per distinct cell: ~15 kB, not ~130
        self._styled: dict[str, CellTable] = {}  # the same cells, by style key then text
        self.place_cursor = True
        """Whether the client's (hidden) cursor is put where Textual asks at the
        end of a frame: where a text field's cursor is (input methods, braille
        displays follow it). False: it stays where the frame's last cell left it,
        and a frame spends no bytes on moving it."""
        self.reset(width, height)

    def reset(self, width: int | None = None, height: int | None = None) -> None:
        """Forget what the client shows (after a resize or an unknown sequence)."""
        self.width = width or self.width
        self.height = height or self.height
        self._model = [[None] * self.width for _ in range(self.height)]
        self._pending = {}
        self._broken: set[tuple[int, int]] = set()  # sent this flush, then unknown
        self._wide: set[int] = set()  # rows that may hold half of a wide character
        self._cursor: tuple[int, int] | None = None  # client cursor (x, y)
        self._key: str | None = None  # client SGR parameters; None: unknown
        self._px = self._py = 0  # where Textual's next character goes
        self._sgr = ""  # Textual's current SGR parameters
        self._link = ""  # Textual's current OSC 8 parameters
        self._want_cursor: tuple[int, int] | None = None

    def is_known(self, x: int, y: int) -> bool:
        """Whether the model knows what the client shows in this cell."""
        return self._model[y][x] is not None

    def __call__(self, data: str) -> str:
        """Return output equivalent to `data` for the client, usually shorter."""
        self._out = out = []
        for match in _TOKEN.finditer(data):
            kind = match.lastindex
            if kind == 1:
                row, _, column = match[1].partition(";")
                self._py = max(int(row or 1), 1) - 1
                self._px = max(int(column or 1), 1) - 1
                self._want_cursor = (self._px, self._py)
            elif kind == 2:
                self._set_sgr(match[2])
            elif kind == 3:
                self._link = "" if match[3].endswith(";") else match[3]
            elif kind == 6:
                self._write_text(match[6])
            elif kind == 7 and self._py < self.height - 1:
                self._py += 1  # Textual's line break, always followed by a move
            elif kind == 8:
                self._px = 0
            else:
                self._flush()
                out.append(match[0])
                if kind == 5 and not _CLEARING_MODES.isdisjoint(match[0][3:-1].split(";")):
                    self.reset()
                elif kind in (7, 9):  # unknown, or a line feed that scrolls
                    self.reset()
                    self._term_link = None
        self._flush()
        self._out = []
        return "".join(out)

    # -- parsing Textual's side -----------------------------------------------

    def _set_sgr(self, params: str) -> None:
        if self._sgr_filter is not None:
            params = self._sgr_filter(params)
        if params in ("", "0"):
            self._sgr = ""
        elif params.startswith("0;"):
            self._sgr = params[2:]
        else:
            self._sgr = f"{self._sgr};{params}" if self._sgr else params

    def _write_text(self, text: str) -> None:
        self._want_cursor = None
        key = f"{self._sgr}\x00{self._link}" if self._link else self._sgr
        x, y = self._px, self._py
        if not 0 <= y < self.height:
            self._px += len(text)
            return
        row = self._pending.setdefault(y, {})
        width = self.width
        end = x + len(text)
        cells = self._cells
        if len(cells) > _MAX_CELLS:
            cells.clear()
            self._styled.clear()
        if end <= width and y not in self._wide and NARROW.fullmatch(text):
            # The common case, one cell per character in a row with no wide
            # character: no neighbour to forget, nothing clipped.
            styled = self._styled.get(key)
            if styled is None:
                styled = self._styled[key] = CellTable(key, cells)
            row.update(zip(range(x, end), map(styled.__getitem__, text)))
            if self._broken:
                self._broken.difference_update((y, column) for column in range(x, end))
            self._px = end
            return
        model = self._model[y]
        broken = self._broken
        for char in text:
            size = 1 if char < "\x7f" else get_character_cell_size(char)
            if size == 0:
                previous = (row.get(x - 1) or model[x - 1]) if 0 < x <= width else None
                if previous is not None and previous[0]:
                    style = key if previous[1].startswith(BLANK) else previous[1]
                    row[x - 1] = (previous[0] + char, style)
                continue
            if x + size > width:
                if x < width:
                    model[x] = None  # clipped at the margin: unknown
                    row.pop(x, None)
                x += size
                continue
            # Overwriting half of a wide character leaves the other half unknown.
            current = row.get(x) or model[x]
            if current is not None and current[0] == "" and x > 0:
                model[x - 1] = None
                if x - 1 in row:
                    broken.add((y, x - 1))  # still sent, in order, then forgotten
            end = x + size
            if end < width:
                right = row.get(end) or model[end]
                if right is not None and right[0] == "":
                    model[end] = None
                    row.pop(end, None)
            cell = (char, key)
            if char == " " and (blank := blank_key(key)) is not None:
                cell = (" ", blank)
            row[x] = cells.setdefault(cell, cell)
            broken.discard((y, x))
            if size == 2:
                row[x + 1] = ("", key)
                self._wide.add(y)
            x = end
        self._px = x

    # -- emitting the client side ---------------------------------------------

    def _flush(self) -> None:
        for y in sorted(self._pending):
            self._emit_row(y, self._pending[y])
        self._pending = {}
        for y, x in self._broken:
            self._model[y][x] = None
        self._broken.clear()
        for y in [y for y in self._wide if not any(
                cell is not None and cell[0] == "" for cell in self._model[y])]:
            self._wide.discard(y)
        want = self._want_cursor
        if want is not None and want != self._cursor and self.place_cursor:
            self._move(*want)

    def _emit_row(self, y: int, row: dict[int, Cell]) -> None:
        model = self._model[y]
        changed = {x for x, cell in row.items() if model[x] != cell}
        for x in list(changed):
            # A wide character also paints the next cell: re-send what is wanted there.
            text = row[x][0]
            if text and not text.isascii() and get_character_cell_size(text[0]) == 2:
                after = row.get(x + 1)
                if after is not None and after[0] != "":
                    changed.add(x + 1)
        tail = self._blank_tail(row, model) if self._erase else None
        if tail is not None:
            cleared = {x for x in changed if x >= tail}
            if len(cleared) >= _ERASE_MIN:
                changed -= cleared
            else:
                tail = None
        runs: list[list[int]] = []
        for x in sorted(changed):
            if row[x][0] == "" and x > 0:  # right half: re-send its wide character
                x -= 1
            if runs and x <= runs[-1][1] + 1 + _BRIDGE and self._bridgeable(row, model, runs[-1][1], x):
                runs[-1][1] = max(runs[-1][1], x)
            elif not runs or x > runs[-1][1]:
                runs.append([x, x])
        for start, end in runs:
            self._emit_cells(y, start, end, row)
        if tail is not None:
            self._erase_tail(y, tail, row)

    def _blank_tail(self, row: dict[int, Cell], model: list[Cell | None]) -> int | None:
        """Where the row becomes blanks in one erasable style up to the margin."""
        width = self.width
        last = row.get(width - 1) or model[width - 1]
        if last is None or last[0] != " " or not last[1].startswith(BLANK):
            return None
        x = width - 1
        while x > 0:
            cell = row.get(x - 1) or model[x - 1]
            if cell != last:
                break
            x -= 1
        return x

    def _erase_tail(self, y: int, start: int, row: dict[int, Cell]) -> None:
        model, out = self._model[y], self._out
        blank = row.get(start) or model[start]
        assert blank is not None
        self._move(start, y)
        self._blank_style(blank[1])
        if self._term_link != "":
            out.append("\x1b]8;;\x1b\\")
            self._term_link = ""
        out.append("\x1b[K")
        for x in range(start, self.width):
            model[x] = blank

    @staticmethod
    def _bridgeable(row: dict[int, Cell], model: list[Cell | None], last: int, x: int) -> bool:
        """Whether re-sending the cells between `last` and `x` beats a cursor move:
        one-byte characters in the style of the cell before them, blanks included
        when that style draws them alike (the space between two changed words)."""
        anchor = row.get(last) or model[last]
        if anchor is None:
            return False
        blank = blank_key(anchor[1])
        for gap in range(last + 1, x):
            cell = row.get(gap) or model[gap]
            if cell is None or len(cell[0]) != 1 or not cell[0].isascii():
                return False
            if cell[1] != anchor[1] and (blank is None or cell[1] != blank):
                return False
        return True

    def _emit_cells(self, y: int, start: int, end: int, row: dict[int, Cell]) -> None:
        model, out = self._model[y], self._out
        x = start
        while x <= end:
            cell = row.get(x) or model[x]
            if cell is None or cell[0] == "":
                x += 1  # unknown, or the right half of a wide character
                continue
            text, key = cell
            if self._erase_chars and key.startswith(BLANK):
                count = 1
                while x + count <= end and (row.get(x + count) or model[x + count]) == cell:
                    count += 1
                if count >= _ECH_MIN:
                    self._erase_run(x, y, count, cell)
                    x += count
                    continue
            self._move(x, y)
            if key.startswith(BLANK):
                self._blank_style(key)
                link = ""
            else:
                sgr, _, link = key.partition("\x00")
                if sgr != self._key:
                    out.append(self._sgr_change(self._key, sgr))
                    self._key = sgr
            if link != self._term_link:
                out.append(f"\x1b]8;{link or ';'}\x1b\\")
                self._term_link = link
            out.append(text)
            model[x] = cell
            size = 1 if len(text) == 1 and text.isascii() else get_character_cell_size(text[0])
            if size == 2 and x + 1 < self.width and (row.get(x + 1) or ("", key))[0] == "":
                model[x + 1] = ("", key)
            x += 1  # the next cell is the right half (skipped) unless overwritten
            # Past the right margin, or after characters whose width the client
            # may judge differently, the client cursor position is not certain.
            plain = size == 1 and len(text) == 1 and (text.isascii() or text < "\u3000")
            self._cursor = (x, y) if plain and x < self.width else None

    def _erase_run(self, x: int, y: int, count: int, blank: Cell) -> None:
        """ECH over `count` cells from x: blanks in `blank`'s background."""
        self._move(x, y)
        self._blank_style(blank[1])
        if self._term_link != "":
            self._out.append("\x1b]8;;\x1b\\")
            self._term_link = ""
        self._out.append(f"\x1b[{count}X")
        model = self._model[y]
        for column in range(x, x + count):
            model[column] = blank

    def _blank_style(self, blank: str) -> None:
        """Make the client's style draw blanks with this background: kept as it
        is when its own background is that one (its foreground does not show)."""
        current = self._key
        if current is not None and blank_key(current) == blank:
            return
        sgr = blank[len(BLANK):]
        self._out.append(self._sgr_change(current, sgr))
        self._key = sgr

    def _move(self, x: int, y: int) -> None:
        cursor = self._cursor
        if cursor == (x, y):
            return
        if cursor is not None and cursor[1] == y and x > cursor[0]:
            step = x - cursor[0]
            self._out.append("\x1b[C" if step == 1 else f"\x1b[{step}C")
        elif cursor is not None and cursor[1] == y and x + 1 == cursor[0]:
            self._out.append("\b")
        elif cursor is not None and x == 0 and cursor[1] == y:
            self._out.append("\r")
        elif cursor is not None and x == 0 and cursor[1] + 1 == y:
            self._out.append("\r\n")
        else:
            self._out.append(f"\x1b[{y + 1};{x + 1}H" if x else f"\x1b[{y + 1}H" if y else "\x1b[H")
        self._cursor = (x, y)
