"""One proposition of the current question: its mark, letter and text."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

LETTERS = "abcd"


class ChoiceLine(Horizontal):
    """Choosing repaints the 3-character mark only; the text changes with the question."""

    @dataclass
    class Clicked(Message):
        position: int

    def __init__(self, position: int) -> None:
        super().__init__(id=f"choice-{LETTERS[position]}")
        self.position = position
        self._chosen: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static("( )", classes="choice-mark")
        yield Static(f"{LETTERS[self.position]})", classes="choice-letter")
        yield Static("", classes="choice-text", markup=False)

    def show(self, text: str, chosen: bool) -> None:
        self.query_one(".choice-text", Static).update(text)
        self.mark(chosen)

    def mark(self, chosen: bool) -> None:
        if chosen is self._chosen:
            return
        self._chosen = chosen
        self.query_one(".choice-mark", Static).update("(x)" if chosen else "( )", layout=False)
        self.set_class(chosen, "-chosen")

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Clicked(self.position))
