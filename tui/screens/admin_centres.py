"""Centres: list, create, edit; from here, their trainers and the accounts."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

from domain.models import Centre
from domain.validation import check_text
from store import StoreError
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.modals.admin_form import Field, FormModal
from tui.screens.admin_accounts import AccountsScreen
from tui.screens.admin_trainers import TrainersScreen
from tui.widgets.admin_table import AdminTable

CENTRE_FIELDS = (("name", "Nom", True), ("address", "Adresse", False),
                 ("postal_code", "Code postal", False), ("city", "Ville", False))


def checked(values: dict[str, str], specs) -> dict[str, str]:
    """Normalised values, or ValueError with the first French message."""
    result = {}
    for name, label, required in specs:
        value, error = check_text(values.get(name, ""), label, required)
        if error:
            raise ValueError(error)
        result[name] = value
    return result


class CentresScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Centres"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", "Nouveau", id="admin.centres.create"),
        Binding("e", "edit", "Modifier", id="admin.centres.edit"),
        Binding("t", "trainers", "Formateurs", id="admin.centres.trainers"),
        Binding("c", "accounts", "Comptes", id="admin.centres.accounts"),
        Binding("escape", "app.pop_screen", "Retour", id="admin.centres.back"),
    ]

    def __init__(self, context: AdminContext) -> None:
        super().__init__()
        self.context = context
        self.centres: dict[str, Centre] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Centres de formation", classes="title")
        yield AdminTable(id="centres")
        yield Static("t : formateurs du centre. c : tous les comptes (mots de passe, clés SSH, "
                     "désactivation).", classes="hint")
        yield Footer()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        scope = self.context.scope
        found = await self.context.store.centres.centres(scope)
        accounts = await self.context.admin.centres.account_rows(scope)
        self.centres = {str(c.id): c for c in found}
        rows = []
        for c in found:
            trainers = await self.context.store.centres.trainers(scope, c.id)  # type: ignore[arg-type]
            staff = sum(1 for a in accounts if a.account.centre_id == c.id)
            rows.append((c.id, (c.id, c.name, c.city, c.timezone, len(trainers), staff)))
        self.query_one(AdminTable).fill(
            ["Id", "Centre", "Ville", "Fuseau", "Formateurs", "Comptes"], rows)

    @property
    def current(self) -> Centre | None:
        key = self.query_one(AdminTable).selected_key
        return self.centres.get(key) if key else None

    def _form(self, title: str, c: Centre | None, submit) -> FormModal:
        return FormModal(title, [
            *(Field(name, label, getattr(c, name) if c else "")
              for name, label, _ in CENTRE_FIELDS),
            Field("timezone", "Fuseau horaire", c.timezone if c else "Europe/Paris"),
        ], submit)

    def action_create(self) -> None:
        async def submit(values: dict[str, str]) -> str | None:
            try:
                v = checked(values, CENTRE_FIELDS)
                centre = await self.context.store.centres.add_centre(
                    self.context.scope, v["name"], v["address"], v["postal_code"], v["city"],
                    values["timezone"].strip())
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify(f"Centre {centre.id} créé.", markup=False)
            return None
        self.app.push_screen(self._form("Nouveau centre", None, submit))

    def action_edit(self) -> None:
        c = self.current
        if c is None:
            return

        async def submit(values: dict[str, str]) -> str | None:
            try:
                v = checked(values, CENTRE_FIELDS)
                await self.context.admin.centres.update_centre(
                    self.context.scope, c.id, v["name"], v["address"], v["postal_code"],  # type: ignore[arg-type]
                    v["city"], values["timezone"].strip())
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify("Centre modifié (les sessions déjà créées gardent leur libellé).",
                        markup=False)
            return None
        self.app.push_screen(self._form(f"Modifier le centre {c.id}", c, submit))

    def action_trainers(self) -> None:
        if self.current:
            self.app.push_screen(TrainersScreen(self.context, self.current))

    def action_accounts(self) -> None:
        self.app.push_screen(AccountsScreen(self.context))
