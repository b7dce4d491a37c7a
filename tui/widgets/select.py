"""Textual's drop-down list, speaking French.

Textual's `Select` prompts « Select » and its open list's footer reads
« esc Dismiss menu ». Every screen takes `Select` from here (a test holds it)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Select as TextualSelect
from textual.widgets._select import SelectCurrent, SelectOverlay


class FrenchOverlay(SelectOverlay):
    """The open list; Échap closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Fermer la liste", key_display="Échap"),
    ]


class Select(TextualSelect[Any]):
    """`textual.widgets.Select` with French texts."""

    def __init__(self, *args: Any, prompt: str = "Choisir", **kwargs: Any) -> None:
        super().__init__(*args, prompt=prompt, **kwargs)

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield FrenchOverlay(type_to_search=self._type_to_search).data_bind(
            compact=TextualSelect.compact)
