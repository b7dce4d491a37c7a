"""Ask for a whole number (participants, keys to add) with a French error."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input

from tui.layout_first import LayoutFirst
from tui.widgets.form_row import FormRow, show_errors
from tui.widgets.plain import Plain


def parse_count(text: str, label: str, maximum: int, minimum: int = 1) -> int:
    """A count from `minimum` to `maximum`, else ValueError with a French message."""
    value = text.strip()
    if not value.isdigit() or not minimum <= int(value) <= maximum:
        raise ValueError(f"{label} : nombre entier de {minimum} à {maximum}.")
    return int(value)


class CountModal(LayoutFirst, ModalScreen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="count.cancel"),
    ]

    def __init__(self, title: str, label: str, maximum: int, confirm: str = "Valider",
                 *, minimum: int = 1, value: str = "") -> None:
        super().__init__()
        self.minimum = minimum
        self.value = value
        self.title_text = title
        self.label = label
        self.maximum = maximum
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Plain(self.title_text, classes="title")
            yield FormRow(self.label, Input(self.value, id="count", restrict=r"\d*",
                                            max_length=4, compact=True), "count")
            with Horizontal(classes="buttons"):
                yield Button("Annuler", id="cancel", compact=True)
                yield Button(self.confirm, id="ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#count", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        try:
            count = parse_count(self.query_one("#count", Input).value, self.label,
                                self.maximum, self.minimum)
        except ValueError as exc:
            show_errors(self, {"count": str(exc)})
            return
        self.dismiss(count)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
