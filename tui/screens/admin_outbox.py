"""The outbox: result letters and certificates to post (what the old system
sent through its printing platform). Files are fetched by SFTP, then marked
as sent here."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from domain.text import safe_text
from services.documents import sftp_path
from store.oversight import DocumentRow
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.modals.confirm import ConfirmModal
from tui.widgets.admin_table import AdminTable

KIND_LABELS = {"letter": "lettre", "certificate": "attestation", "paper": "copies"}


class OutboxScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Courrier"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle", "Cocher", id="admin.outbox.toggle"),
        Binding("a", "all", "Tout cocher", id="admin.outbox.all"),
        Binding("m", "mark", "Marquer envoyés", id="admin.outbox.mark"),
        Binding("escape", "app.pop_screen", "Retour", id="admin.outbox.back"),
    ]

    def __init__(self, context: AdminContext) -> None:
        super().__init__()
        self.context = context
        self.rows: dict[str, DocumentRow] = {}
        self.chosen: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Courrier à envoyer", classes="title", id="outbox-title")
        yield AdminTable(id="outbox")
        yield Static("", id="recipient", classes="detail")
        yield Footer()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        found = await self.context.admin.oversight.outbox(self.context.scope)
        self.rows = {str(r.document.id): r for r in found}
        self.chosen &= set(self.rows)
        self.query_one(AdminTable).fill(
            ["✓", "Id", "Type", "Centre", "Participant", "Fichier"],
            [(r.document.id, ("x" if str(r.document.id) in self.chosen else "",
                              r.document.id, KIND_LABELS[r.document.kind.value],
                              r.centre_name[:18], r.participant_number, r.document.path))
             for r in found])
        self.query_one("#outbox-title", Static).update(
            f"Courrier à envoyer — {len(found)} document(s), {len(self.chosen)} coché(s)")
        self._show_recipient()

    def _show_recipient(self) -> None:
        key = self.query_one(AdminTable).selected_key
        row = self.rows.get(key) if key else None
        text = Text()
        if row:
            text.append(safe_text(row.participant_name) + "\n", style="bold")
            text.append(safe_text(row.recipient) + "\n")
            text.append(f"SFTP : {safe_text(sftp_path(None, row.document.path))}")
        else:
            text.append("Rien à envoyer.")
        self.query_one("#recipient", Static).update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_recipient()

    async def action_toggle(self) -> None:
        key = self.query_one(AdminTable).selected_key
        if key:
            self.chosen ^= {key}
            await self.reload()

    async def action_all(self) -> None:
        self.chosen = set() if self.chosen == set(self.rows) else set(self.rows)
        await self.reload()

    def action_mark(self) -> None:
        ids = sorted(int(k) for k in self.chosen)
        if not ids:
            self.notify("Cochez d'abord des documents (espace, ou « a » pour tout).",
                        severity="warning", markup=False)
            return

        async def done(ok: bool | None) -> None:
            if ok:
                count = await self.context.store.documents.mark_sent(self.context.scope, ids)
                self.chosen.clear()
                self.notify(f"{count} document(s) marqué(s) envoyé(s).", markup=False)
                await self.reload()
        self.app.push_screen(ConfirmModal(
            f"Marquer {len(ids)} document(s) comme envoyé(s) ?", "Marquer"), done)
