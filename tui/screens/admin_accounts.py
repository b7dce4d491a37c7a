"""Staff accounts: create, reset a password, SSH keys, disable.

A disabled account cannot log in, and the server ends its open sessions at
its next check (see services.account_watch)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

from domain.models import Role
from domain.text import safe_text
from services import accounts
from store import StoreError
from store.admin_centres import AccountRow
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.modals.admin_form import Field, FormModal
from tui.modals.confirm import ConfirmModal
from tui.screens.admin_keys import KeysScreen
from tui.widgets.admin_table import AdminTable


def confirmed(values: dict[str, str]) -> str:
    """The password typed twice (its rules are the service's)."""
    if values["password"] != values["confirm"]:
        raise ValueError("Les deux mots de passe diffèrent.")
    return values["password"]


class AccountsScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Comptes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "create", "Nouveau", id="admin.accounts.create"),
        Binding("p", "password", "Mot de passe", id="admin.accounts.password"),
        Binding("k", "keys", "Clés SSH", id="admin.accounts.keys"),
        Binding("x", "toggle", "(Dés)activer", id="admin.accounts.toggle"),
        Binding("escape", "app.pop_screen", "Retour", id="admin.accounts.back"),
    ]

    def __init__(self, context: AdminContext) -> None:
        super().__init__()
        self.context = context
        self.accounts: dict[str, AccountRow] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Comptes du personnel", classes="title")
        yield AdminTable(id="accounts")
        yield Static("Un compte désactivé ne peut plus se connecter ; ses sessions ouvertes "
                     "sont fermées.", classes="hint")
        yield Footer()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        found = await self.context.admin.centres.account_rows(self.context.scope)
        self.accounts = {r.account.login: r for r in found}
        self.query_one(AdminTable).fill(
            ["Compte", "Rôle", "Centre", "Mot de passe", "Clés", "État"],
            [(r.account.login, (r.account.login,
                                "certificateur" if r.account.is_admin else "centre",
                                r.centre_name, "oui" if r.has_password else "non", r.keys,
                                "désactivé" if r.account.disabled else "actif"))
             for r in found])

    @property
    def current(self) -> AccountRow | None:
        key = self.query_one(AdminTable).selected_key
        return self.accounts.get(key) if key else None

    async def action_create(self) -> None:
        centres = await self.context.store.centres.centres(self.context.scope)

        async def submit(values: dict[str, str]) -> str | None:
            try:
                login = values["login"].strip()
                role = Role(values["role"] or "centre")
                centre = int(values["centre"]) if values["centre"] else None
                await accounts.add_account(self.context.store, self.context.scope, login, role,
                                           centre, confirmed(values))
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify(f"Compte {safe_text(login)} créé.", markup=False)
            return None
        self.app.push_screen(FormModal("Nouveau compte", [
            Field("login", "Identifiant"),
            Field("role", "Rôle", "centre", choices=[("Centre de formation", "centre"),
                                                     ("Organisme certificateur", "admin")]),
            Field("centre", "Centre", choices=[(c.name, str(c.id)) for c in centres]),
            Field("password", "Mot de passe", password=True),
            Field("confirm", "Confirmation", password=True),
        ], submit))

    def action_password(self) -> None:
        row = self.current
        if row is None:
            return
        login = row.account.login

        async def submit(values: dict[str, str]) -> str | None:
            try:
                await accounts.set_password(self.context.store, self.context.scope, login,
                                            confirmed(values))
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify(f"Mot de passe de {safe_text(login)} changé.", markup=False)
            return None
        self.app.push_screen(FormModal(f"Nouveau mot de passe pour {login}", [
            Field("password", "Mot de passe", password=True),
            Field("confirm", "Confirmation", password=True)], submit))

    def action_keys(self) -> None:
        if self.current:
            self.app.push_screen(KeysScreen(self.context, self.current.account.login))

    def action_toggle(self) -> None:  # type: ignore[override]  # not DOMNode.action_toggle
        row = self.current
        if row is None:
            return
        login, disabled = row.account.login, row.account.disabled
        if not disabled and login == self.context.account.login:
            self.notify("Vous ne pouvez pas désactiver votre propre compte.", severity="error",
                        markup=False)
            return
        prompt = (f"Désactiver le compte {login} ? Il ne pourra plus se connecter et ses "
                  "sessions ouvertes seront fermées." if not disabled
                  else f"Réactiver le compte {login} ?")

        async def done(ok: bool | None) -> None:
            if ok:
                await accounts.set_disabled(self.context.store, self.context.scope, login,
                                            not disabled)
                await self.reload()
        self.app.push_screen(ConfirmModal(prompt, "Réactiver" if disabled else "Désactiver"),
                             done)
