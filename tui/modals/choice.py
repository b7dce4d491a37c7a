"""Pick one action from a short list (keyboard or mouse)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.layout_first import LayoutFirst
from tui.widgets.plain import Plain


class ChoiceModal(LayoutFirst, ModalScreen[str | None]):
    """Dismisses with the chosen option's id, or None on Échap."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="choice.cancel"),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices  # (id, label)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Plain(self.title_text, classes="title")
            yield OptionList(*(Option(label, id=key) for key, label in self.choices),
                             id="choices")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
