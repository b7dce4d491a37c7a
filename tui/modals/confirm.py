"""A yes/no question that must be answered explicitly."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.layout_first import LayoutFirst


class ConfirmModal(LayoutFirst, ModalScreen[bool]):
    """Dismisses with True only on the confirm button (or its key).

    With `pending`, confirming does not dismiss: the question gives way to
    `pending` (e.g. « Validation en cours… ») and `on_confirm` is called; the
    app then replaces the modal with what follows. The screen below is not
    shown again in between (on a busy server, for seconds: was it taken
    into account?), nor sent over the link only to be covered."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="confirm.cancel"),
    ]

    def __init__(self, message: str, confirm: str = "Confirmer", cancel: str = "Annuler", *,
                 pending: str | None = None, on_confirm: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.message = message
        self.confirm_label = confirm
        self.cancel_label = cancel
        self.pending = pending
        self.on_confirm = on_confirm
        self.confirmed = False

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
        if self.confirmed:
            return
        if self.pending is None or self.on_confirm is None:
            self.dismiss(True)
            return
        self.confirmed = True
        self.query_one("#message", Static).update(self.pending)
        self.query_one("#buttons").display = False
        self.on_confirm()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.confirmed:
            self.dismiss(False)
