"""All questions at a glance, grouped by theme, to jump to any of them.

A grid of small cells rather than a list: moving the highlight repaints two
cells and one line of text, where a list would repaint itself entirely."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.events import DescendantFocus
from textual.screen import ModalScreen
from textual.widgets import Static

from services.attempt import Attempt
from tui.layout_first import LayoutFirst
from tui.quiet import QuietFocus, QuietFooter
from tui.widgets.question_cell import QuestionCell


class OverviewModal(QuietFocus, LayoutFirst, ModalScreen[int | None]):
    """Dismisses with the index of the chosen question, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Aller à la question",
                id="overview.choose"),
        Binding("u", "next_unanswered", "Suivante sans réponse", id="overview.unanswered"),
        Binding("escape,v", "close", "Retour", id="overview.close"),
        Binding("left", "step(-1)", show=False, id="overview.left"),
        Binding("right", "step(1)", show=False, id="overview.right"),
        Binding("up", "vertical(-1)", show=False, id="overview.up"),
        Binding("down", "vertical(1)", show=False, id="overview.down"),
        Binding("home", "go(0)", show=False, id="overview.home"),
        Binding("end", "go(-1)", show=False, id="overview.end"),
    ]

    def __init__(self, attempt: Attempt, current: int) -> None:
        super().__init__()
        self.attempt = attempt
        self.current = current

    def compose(self) -> ComposeResult:
        questions = self.attempt.questions
        missing = len(self.attempt.unanswered())
        with Vertical():
            yield Static(f"Liste des questions : {len(questions) - missing} avec réponse [x], "
                         f"{missing} sans réponse [ ]", classes="title", markup=False)
            themes: dict[str, list[int]] = {}
            for index, question in enumerate(questions):
                themes.setdefault(question.theme, []).append(index)
            for theme, indices in themes.items():
                yield Static(theme, classes="overview-theme", markup=False)
                with Grid(classes="overview-grid"):
                    for index in indices:
                        yield QuestionCell(index, questions[index].id in self.attempt.answers)
            yield Static("", id="overview-detail", markup=False)
        yield QuietFooter()

    def on_mount(self) -> None:
        self.cells = list(self.query(QuestionCell))
        self.cells[min(self.current, len(self.cells) - 1)].focus()

    @on(DescendantFocus)
    def _describe(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, QuestionCell):
            question = self.attempt.questions[event.widget.index]
            self.query_one("#overview-detail", Static).update(
                f"{event.widget.index + 1}. {question.text}", layout=False)

    def _focused_index(self) -> int:
        focused = self.focused
        return focused.index if isinstance(focused, QuestionCell) else 0

    def action_go(self, index: int) -> None:
        self.cells[index].focus()

    def action_step(self, step: int) -> None:
        self.cells[(self._focused_index() + step) % len(self.cells)].focus()

    def action_vertical(self, direction: int) -> None:
        """The nearest cell on the next row up or down, whatever its theme."""
        here = self.cells[self._focused_index()].region
        rows = sorted({c.region.y for c in self.cells if (c.region.y - here.y) * direction > 0},
                      reverse=direction < 0)
        if rows:
            row = [c for c in self.cells if c.region.y == rows[0]]
            min(row, key=lambda c: abs(c.region.x - here.x)).focus()

    def action_choose(self) -> None:
        self.dismiss(self._focused_index())

    @on(QuestionCell.Chosen)
    def _clicked(self, event: QuestionCell.Chosen) -> None:
        self.dismiss(event.index)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_next_unanswered(self) -> None:
        start = self._focused_index()
        count = len(self.cells)
        for step in range(1, count + 1):
            cell = self.cells[(start + step) % count]
            if not cell.answered:
                cell.focus()
                return
        self.notify("Toutes les questions ont une réponse.", timeout=3)
