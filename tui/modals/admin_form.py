"""A small form in a modal: labelled one-line fields, a text area or a
choice list per field, a save callback that may refuse with a French message.

The modal stays open while the callback refuses (the message shows under
the fields) and dismisses with True once it accepts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from domain.text import safe_text
from tui.layout_first import LayoutFirst
from tui.widgets.select import Select


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    password: bool = False
    multiline: bool = False
    choices: Sequence[tuple[str, str]] = ()  # (label, value): a choice list
    placeholder: str = ""


Submit = Callable[[dict[str, str]], Awaitable[str | None]]


class FormModal(LayoutFirst, ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="form.cancel"),
        Binding("ctrl+s", "save", "Enregistrer", id="form.save", priority=True),
    ]

    def __init__(self, title: str, fields: Sequence[Field], submit: Submit,
                 save_label: str = "Enregistrer") -> None:
        super().__init__()
        self.title_text = title
        self.fields = list(fields)
        self.submit = submit
        self.save_label = save_label

    def compose(self) -> ComposeResult:
        with Vertical(id="admin-form"):
            yield Static(Text(safe_text(self.title_text)), classes="title")
            for field in self.fields:
                with Horizontal(classes="form-line", id=f"line-{field.name}"):
                    yield Label(Text(field.label), classes="field-label")
                    yield self._control(field)
            yield Static("", id="form-error", classes="error", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Annuler", id="cancel", compact=True)
                yield Button(f"{self.save_label} (ctrl+s)", id="save", variant="primary",
                             compact=True)

    def _control(self, field: Field):
        widget_id = f"field-{field.name}"
        if field.choices:
            return Select([(Text(safe_text(label)), value) for label, value in field.choices],
                          value=field.value if field.value else Select.NULL, prompt="Choisir…",
                          allow_blank=not field.value, id=widget_id, compact=True)
        if field.multiline:
            return TextArea(field.value, id=widget_id, soft_wrap=True, show_line_numbers=False)
        return Input(field.value, placeholder=field.placeholder, password=field.password,
                     id=widget_id, compact=True)

    def values(self) -> dict[str, str]:
        result = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            if isinstance(widget, Select):
                value = widget.value
                result[field.name] = "" if value is Select.NULL else str(value)
            elif isinstance(widget, TextArea):
                result[field.name] = widget.text
            else:
                result[field.name] = widget.value  # type: ignore[attr-defined]
        return result

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    @on(Button.Pressed, "#save")
    async def action_save(self) -> None:
        error = await self.submit(self.values())
        if error:
            self.show_error(error)
        else:
            self.dismiss(True)

    @on(Input.Submitted)
    async def _submitted(self, event: Input.Submitted) -> None:
        """Enter goes to the next field; on the last field it saves."""
        event.stop()
        if event.input.id == f"field-{self.fields[-1].name}":
            await self.action_save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
