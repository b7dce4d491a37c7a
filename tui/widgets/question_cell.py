"""One question in the overview grid: its number and whether it has an answer."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Static


class QuestionCell(Static, can_focus=True):
    """Focusing a cell repaints that cell only (7 characters)."""

    @dataclass
    class Chosen(Message):
        index: int

    def __init__(self, index: int, answered: bool) -> None:
        super().__init__(f"{index + 1:>2} {'[x]' if answered else '[ ]'}", id=f"q{index}",
                         classes="-answered" if answered else "", markup=False)
        self.index = index
        self.answered = answered

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Chosen(self.index))
