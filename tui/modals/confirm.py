"""A yes/no question that must be answered explicitly."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.layout_first import LayoutFirst


class ConfirmModal(LayoutFirst, ModalScreen[bool]):
    """Dismisses with True only on the confirm button (or its key)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="confirm.cancel"),
    ]

    def __init__(self, message: str, confirm: str = "Confirmer", cancel: str = "Annuler") -> None:
        super().__init__()
        self.message = message
        self.confirm_label = confirm
        self.cancel_label = cancel

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message, id="message", markup=False)
            with Horizontal(id="buttons"):
                yield Button(self.cancel_label, id="cancel")
                yield Button(self.confirm_label, id="confirm", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
