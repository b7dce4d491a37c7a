"""What the session forms share: load formation and trainers, then the fields."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Static

from domain.models import ExamSession, Formation, Trainer
from domain.validation import ValidationError
from store import StoreError
from tui.centre_context import CentreContext
from tui.centre_text import local
from tui.layout_first import LayoutFirst
from tui.widgets.centre_header import CentreHeader
from tui.widgets.form_row import show_errors
from tui.widgets.plain import Plain
from tui.widgets.session_fields import SessionFields, SessionValues


class SessionFormScreen(LayoutFirst):
    """Base of the offline, online and edit forms. Subclasses set `online`,
    `heading`, may add fields in `extra_fields`, and implement `save`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Enregistrer", id="session_form.save"),
        Binding("escape", "back", "Retour à la liste", id="session_form.back"),
    ]
    online = False

    def __init__(self, ctx: CentreContext, formation_code: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.formation_code = formation_code
        self.formation: Formation | None = None
        self.trainers: list[Trainer] = []

    def heading(self) -> str:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield CentreHeader(self.ctx)
        yield Plain(self.heading(), classes="title")
        yield VerticalScroll(id="form")
        yield Plain("", id="status", classes="error")
        with Horizontal(classes="buttons"):
            yield Button("Enregistrer", id="save", variant="primary", compact=True)
            yield Button("Retour à la liste", id="back", compact=True)
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        self.formation = await self.ctx.store.banks.formation(self.formation_code)
        self.trainers = await self.ctx.store.centres.trainers(self.ctx.scope, self.ctx.centre_id)
        await self.load()
        form = self.query_one("#form", VerticalScroll)
        await form.mount_all(self.extra_fields())
        await form.mount(self.make_fields())
        await self.after_fields()
        if not self.trainers:
            self.say("Aucun formateur dans ce centre : demandez à l'organisme "
                     "certificateur d'en ajouter un.")
        first = next((w for w in form.query("Input, Select") if w.focusable), None)
        if first is not None:
            first.focus()

    async def load(self) -> None:
        """Hook run before the fields are built (Textual calls every class's
        on_mount, so subclasses extend this instead)."""

    def extra_fields(self) -> list:
        return []

    async def after_fields(self) -> None:
        """Hook run once the fields are mounted."""

    def make_fields(self, session: ExamSession | None = None,
                    printed_locked: bool = False) -> SessionFields:
        assert self.formation is not None
        return SessionFields(formation=self.formation, centre_name=self.ctx.centre.name,
                             trainers=self.trainers, timezone=self.ctx.timezone,
                             online=self.online,
                             today=local(self.ctx.clock.now(), self.ctx.timezone).date(),
                             session=session, printed_locked=printed_locked)

    def say(self, message: str) -> None:
        self.query_one("#status", Static).update(message)

    def read_values(self) -> tuple[SessionValues | None, dict[str, str]]:
        try:
            return self.query_one(SessionFields).read(), {}
        except ValidationError as exc:
            return None, exc.errors

    @on(Button.Pressed, "#save")
    async def action_save(self) -> None:
        self.say("")
        try:
            await self.save()
        except StoreError as exc:
            self.say(str(exc))

    async def save(self) -> None:
        raise NotImplementedError

    def show(self, errors: dict[str, str]) -> bool:
        """Show errors next to their fields; True when there were none."""
        show_errors(self.query_one("#form"), errors)
        if errors:
            self.say("Corrigez les champs signalés.")
        return not errors

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()
