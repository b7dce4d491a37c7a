"""One centre's trainers: add, edit, deactivate."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

from domain.models import Centre, Trainer
from domain.text import safe_text
from domain.validation import check_text
from store import StoreError
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.modals.admin_form import Field, FormModal
from tui.widgets.admin_table import AdminTable


def _trainer_values(values: dict[str, str]) -> tuple[str, str]:
    name, error = check_text(values["name"], "Nom")
    if error:
        raise ValueError(error)
    email, error = check_text(values["email"], "Email", required=False)
    if error:
        raise ValueError(error)
    return name, email


class TrainersScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Formateurs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", "Ajouter", id="admin.trainers.create"),
        Binding("e", "edit", "Modifier", id="admin.trainers.edit"),
        Binding("d", "toggle", "Retirer/rétablir", id="admin.trainers.toggle"),
        Binding("escape", "app.pop_screen", "Retour", id="admin.trainers.back"),
    ]

    def __init__(self, context: AdminContext, centre: Centre) -> None:
        super().__init__()
        self.context = context
        self.centre = centre
        self.trainers: dict[str, tuple[Trainer, bool]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Formateurs — {safe_text(self.centre.name)}"), classes="title")
        yield AdminTable(id="trainers")
        yield Static("Un formateur retiré n'est plus proposé pour les nouvelles sessions.",
                     classes="hint")
        yield Footer()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        found = await self.context.admin.centres.all_trainers(self.context.scope,
                                                              self.centre.id)  # type: ignore[arg-type]
        self.trainers = {str(t.id): (t, active) for t, active in found}
        self.query_one(AdminTable).fill(
            ["Id", "Formateur", "Email", "État"],
            [(t.id, (t.id, t.name, t.email, "actif" if active else "retiré"))
             for t, active in found])

    @property
    def current(self) -> tuple[Trainer, bool] | None:
        key = self.query_one(AdminTable).selected_key
        return self.trainers.get(key) if key else None

    def action_create(self) -> None:
        async def submit(values: dict[str, str]) -> str | None:
            try:
                name, email = _trainer_values(values)
                await self.context.store.centres.add_trainer(self.context.scope,
                                                             self.centre.id, name, email)  # type: ignore[arg-type]
            except (ValueError, StoreError) as exc:
                return str(exc)
            return None
        self.app.push_screen(FormModal("Nouveau formateur", [
            Field("name", "Nom"), Field("email", "Email")], submit))

    def action_edit(self) -> None:
        if self.current is None:
            return
        trainer, _ = self.current

        async def submit(values: dict[str, str]) -> str | None:
            try:
                name, email = _trainer_values(values)
                await self.context.admin.centres.update_trainer(self.context.scope,
                                                                trainer.id, name, email)  # type: ignore[arg-type]
            except (ValueError, StoreError) as exc:
                return str(exc)
            return None
        self.app.push_screen(FormModal(f"Modifier le formateur {trainer.id}", [
            Field("name", "Nom", trainer.name), Field("email", "Email", trainer.email)], submit))

    async def action_toggle(self) -> None:
        if self.current is None:
            return
        trainer, active = self.current
        await self.context.admin.centres.set_trainer_active(self.context.scope, trainer.id,  # type: ignore[arg-type]
                                                            not active)
        self.notify(f"{safe_text(trainer.name)} : {'retiré' if active else 'rétabli'}.",
                    markup=False)
        await self.reload()
