"""One proposition of the current question: its mark, letter and text.

One widget, not a row of three: every level of widgets costs a screen's
mount about seven turns of the event loop (each widget's task starts,
composes, mounts and tells its parent), and a loaded worker's turns last
tenths of a second. With the three parts as child widgets the question
screen took 22 turns from « Valider » to its mount, 15 without them
(`bench/mount_turns.py`). The text wraps under itself, after the mark
and the letter, as it did in their columns; the driver sends only the cells
that change, so choosing still sends the mark."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

LETTERS = "abcd"
MARK_WIDTH, LETTER_WIDTH = 4, 3


class ChoiceLine(Static):
    """A proposition; the mark and letter of the chosen one are highlighted
    (component class `choice-line--chosen`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"choice-line--chosen"}

    @dataclass
    class Clicked(Message):
        position: int

    def __init__(self, position: int) -> None:
        super().__init__(id=f"choice-{LETTERS[position]}", markup=False)
        self.position = position
        self._chosen: bool | None = None
        self._text = ""

    def show(self, text: str, chosen: bool) -> None:
        self._text = text
        self._chosen = chosen
        self._draw(layout=True)

    def mark(self, chosen: bool) -> None:
        if chosen is self._chosen:
            return
        self._chosen = chosen
        self._draw(layout=False)

    def _draw(self, *, layout: bool) -> None:
        chosen = bool(self._chosen)
        self.set_class(chosen, "-chosen")
        style = self.get_component_rich_style("choice-line--chosen") if chosen else ""
        row = Table.grid()
        row.add_column(width=MARK_WIDTH, no_wrap=True)
        row.add_column(width=LETTER_WIDTH, no_wrap=True)
        row.add_column(ratio=1)
        row.add_row(Text("(x)" if chosen else "( )", style=style),
                    Text(f"{LETTERS[self.position]})", style=style), Text(self._text))
        self.update(row, layout=layout)

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Clicked(self.position))
