"""Create a QCM (§3.1): choose the formation, type the title."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from domain.models import Formation, Qcm
from domain.validation import check_text
from services.qcms import create_qcm
from store import StoreError
from tui.centre_context import CentreContext
from tui.centre_text import local, plain
from tui.layout_first import LayoutFirst
from tui.widgets.form_row import FormRow, show_errors
from tui.widgets.plain import Plain
from tui.widgets.select import Select


class QcmCreateScreen(LayoutFirst, ModalScreen[Qcm | None]):
    """Dismisses with the new QCM, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="qcm_create.cancel"),
    ]

    def __init__(self, ctx: CentreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.formations: dict[str, Formation] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="qcm-create"):
            yield Static("Nouveau QCM", classes="title")
            yield FormRow("Formation", Select([], prompt="Choisir une formation",
                                              id="formation", compact=True), "formation")
            yield FormRow("Intitulé", Input(id="title", compact=True, max_length=200),
                          "title")
            yield Static("Conseil : formation et date de la session, par exemple "
                         "CESI_2010-07-04.", classes="hint")
            yield Plain("", id="status", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Annuler", id="cancel", compact=True)
                yield Button("Créer", id="create", variant="primary", compact=True)

    async def on_mount(self) -> None:
        formations = await self.ctx.store.banks.formations()
        self.formations = {f.code: f for f in formations}
        select = self.query_one("#formation", Select)
        select.set_options((plain(f"{f.code} — {f.name}", 60), f.code) for f in formations)
        if len(formations) == 1:
            select.value = formations[0].code
        select.focus()

    @on(Select.Changed, "#formation")
    def suggest_title(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        today = local(self.ctx.clock.now(), self.ctx.timezone).date()
        self.query_one("#title", Input).placeholder = f"{event.value}_{today.isoformat()}"

    @on(Input.Submitted, "#title")
    @on(Button.Pressed, "#create")
    async def create(self) -> None:
        code = self.query_one("#formation", Select).value
        title, error = check_text(self.query_one("#title", Input).value, "Intitulé")
        errors = {"title": error} if error else {}
        if code is Select.NULL:
            errors["formation"] = "Formation : choisir dans la liste."
        show_errors(self, errors)
        if errors:
            return
        try:
            qcm = await create_qcm(self.ctx.store, self.ctx.scope, code, title)  # type: ignore[arg-type]
        except StoreError as exc:
            self.query_one("#status", Static).update(str(exc))
            return
        self.dismiss(qcm)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
