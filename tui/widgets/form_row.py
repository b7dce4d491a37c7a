"""One labelled form field with its French error message right under it."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from tui.widgets.plain import Plain


class FormRow(Vertical):
    """`field` names the value (e.g. ``email``); the error shows as
    ``#error-<field>`` and the row is ``#row-<field>``."""

    def __init__(self, label: str, control: Widget, field: str) -> None:
        super().__init__(classes="form-row", id=f"row-{field}")
        self.label = label
        self.control = control
        self.field = field

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-line"):
            yield Label(self.label, classes="field-label", markup=False)
            yield self.control
        yield Plain("", classes="field-error", id=f"error-{self.field}")

    def set_error(self, message: str | None) -> None:
        error = self.query_one(f"#error-{self.field}", Static)
        error.update(message or "")
        error.set_class(bool(message), "-visible")


def show_errors(container: Widget, errors: Mapping[str, str]) -> None:
    """Put each message next to its field; clear the others. Focus the first
    field in error so the keyboard user lands on it."""
    first = None
    for row in container.query(FormRow):
        message = errors.get(row.field)
        row.set_error(message)
        if message and first is None:
            first = row
    if first is not None and first.control.focusable:
        first.control.focus()
