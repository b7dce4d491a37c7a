"""One account's SSH public keys: add (paste a line), remove."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

from domain.public_keys import key_fingerprint
from domain.text import safe_text
from store import StoreError
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.modals.admin_form import Field, FormModal
from tui.modals.confirm import ConfirmModal
from tui.widgets.admin_table import AdminTable


class KeysScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Clés SSH"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Ajouter", id="admin.keys.add"),
        Binding("d", "remove", "Retirer", id="admin.keys.remove"),
        Binding("escape", "app.pop_screen", "Retour", id="admin.keys.back"),
    ]

    def __init__(self, context: AdminContext, login: str) -> None:
        super().__init__()
        self.context = context
        self.login = login

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Clés SSH du compte {safe_text(self.login)}"), classes="title")
        yield AdminTable(id="keys")
        yield Static("Collez la ligne de la clé publique (ssh-ed25519 AAAA… commentaire).",
                     classes="hint")
        yield Footer()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        keys = await self.context.store.centres.public_keys(self.login)
        self.query_one(AdminTable).fill(
            ["Empreinte", "Type", "Commentaire"],
            [(fp, (fp, line.split()[0], " ".join(line.split()[2:]))) for fp, line in keys])

    def action_add(self) -> None:
        async def submit(values: dict[str, str]) -> str | None:
            line = " ".join(values["key"].split())
            try:
                fingerprint = key_fingerprint(line)
                await self.context.store.centres.add_public_key(self.context.scope, self.login,
                                                                line, fingerprint)
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify(f"Clé ajoutée : {fingerprint}", markup=False)
            return None
        self.app.push_screen(FormModal(f"Nouvelle clé pour {self.login}",
                                       [Field("key", "Clé publique", multiline=True)], submit))

    def action_remove(self) -> None:
        fingerprint = self.query_one(AdminTable).selected_key
        if fingerprint is None:
            return

        async def done(ok: bool | None) -> None:
            if ok:
                await self.context.store.centres.remove_public_key(self.context.scope,
                                                                   self.login, fingerprint)
                await self.reload()
        self.app.push_screen(ConfirmModal(f"Retirer la clé {fingerprint} ?", "Retirer"), done)
