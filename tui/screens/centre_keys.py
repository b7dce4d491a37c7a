"""The keys of an online session (§3.4), refreshed while candidates work."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Static

from domain.models import ExamSession, KeyState, OnlineKey, Participant
from domain.window import MAX_EXTRA_MINUTES, extra_time_text, own_end, third_of
from services import sessions
from services.sessions import MAX_KEYS
from store import StoreError
from tui.centre_context import CentreContext
from tui.centre_text import key_state_text, person, plain, window_text
from tui.layout_first import LayoutFirst
from tui.modals.confirm import ConfirmModal
from tui.modals.count import CountModal
from tui.screens.centre_practical import PracticalScreen
from tui.screens.centre_publishing import UNAVAILABLE, publish
from tui.screens.centre_session_edit import SessionEditScreen
from tui.widgets.centre_header import CentreHeader
from tui.widgets.plain import Plain
from tui.widgets.work_progress import WorkProgress

REFRESH_SECONDS = 2.0
COLUMNS = ("code", "number", "state", "extra", "name", "score")


def key_cells(key: OnlineKey, participant: Participant) -> tuple:
    """The row of one key; compared between refreshes to touch only changes."""
    submitted = key.state is KeyState.SUBMITTED
    return (key.code, participant.number, key_state_text(key, participant),
            extra_text(key), plain(person(participant), 24),
            str(participant.score) if submitted and participant.score is not None else "")


def extra_text(key: OnlineKey) -> str:
    """The key's extra time in minutes as the « + min » column shows it
    (« +20 »), or nothing."""
    return f"+{key.extra_minutes}" if key.extra_minutes else ""


class KeysScreen(LayoutFirst):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add_keys", "Ajouter", id="keys.add"),
        Binding("s,delete", "delete_key", "Supprimer", id="keys.delete"),
        Binding("t", "extra_time", "Temps suppl.", id="keys.extra_time"),
        # Shown by their buttons below the table: the footer keeps 80 columns.
        Binding("p", "practical", "Pratique", show=False, id="keys.practical"),
        Binding("g", "attest", "Attestations", show=False, id="keys.attest"),
        Binding("m", "edit", "Modifier", id="keys.edit"),
        Binding("escape", "back", "Retour", id="keys.back"),
    ]

    def __init__(self, ctx: CentreContext, session: ExamSession) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.rows: dict[str, tuple] = {}  # key id -> cells as shown
        self.keys: dict[str, OnlineKey] = {}
        self._refreshing = asyncio.Lock()  # the timer and the actions both refresh

    def compose(self) -> ComposeResult:
        yield CentreHeader(self.ctx)
        yield Plain(self.heading(), id="heading", classes="title")
        yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
        yield WorkProgress(id="progress")
        yield Plain("", id="status")
        with Horizontal(classes="buttons"):
            yield Button("Envoyer les attestations", id="attest", variant="warning",
                         compact=True, disabled=self.ctx.documents is None)
            yield Button("Modifier les notes pratiques", id="practical", compact=True)
            yield Button("Retour à la liste", id="back", compact=True)
        yield Footer(compact=True)

    def heading(self) -> str:
        s = self.session
        return (f"Session en ligne {s.id} — QCM {s.qcm_id} — "
                f"{window_text(s, self.ctx.timezone)} — {s.place}")

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label, width in zip(COLUMNS, ("Clé", "N° particip.", "État", "+ min",
                                                "Candidat", "Note"),
                                     (17, 12, 12, 5, 17, 4)):
            table.add_column(label, key=key, width=width)
        if self.ctx.documents is None:
            self.say(UNAVAILABLE)
        await self.refresh_keys()
        table.focus()
        self.set_interval(REFRESH_SECONDS, self.refresh_keys, name="keys-refresh")

    async def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.session = await self.ctx.store.sessions.session(self.ctx.scope, self.session.id)  # type: ignore[arg-type]
            self.query_one("#heading", Static).update(self.heading())
            await self.refresh_keys()

    async def refresh_keys(self) -> None:
        """Re-read the keys and update only the rows and cells that changed."""
        async with self._refreshing:
            await self._refresh_keys()

    async def _refresh_keys(self) -> None:
        try:
            pairs = await self.ctx.store.exam.keys(self.ctx.scope, self.session.id)  # type: ignore[arg-type]
        except StoreError as exc:
            self.say(str(exc), error=True)
            return
        if not self.is_attached:
            return
        table = self.query_one(DataTable)
        fresh = {str(k.id): key_cells(k, p) for k, p in pairs}
        self.keys = {str(k.id): k for k, _ in pairs}
        for gone in [k for k in self.rows if k not in fresh]:
            table.remove_row(gone)
            del self.rows[gone]
        for row_key, cells in fresh.items():
            old = self.rows.get(row_key)
            if old is None:
                table.add_row(*cells, key=row_key)
            elif old != cells:
                for column, before, after in zip(COLUMNS, old, cells):
                    if before != after:
                        table.update_cell(row_key, column, after, update_width=True)
            self.rows[row_key] = cells

    def say(self, message: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(message)
        status.set_class(error, "error")

    def current(self) -> OnlineKey | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.keys.get(row_key.value)  # type: ignore[arg-type]

    @work(exclusive=True, group="keys")
    async def action_add_keys(self) -> None:
        count = await self.app.push_screen_wait(CountModal(
            "Ajouter des clés", "Nombre de clés", MAX_KEYS, confirm="Ajouter"))
        if not count:
            return
        try:
            await sessions.add_keys(self.ctx.store, self.ctx.scope, self.session.id, count)  # type: ignore[arg-type]
        except StoreError as exc:
            self.say(str(exc), error=True)
            return
        self.say(f"{count} clé(s) ajoutée(s).")
        await self.refresh_keys()

    @work(exclusive=True, group="keys")
    async def action_delete_key(self) -> None:
        key = self.current()
        if key is None:
            return
        if key.state is not KeyState.SUBMITTED:
            warning = ("\n\nUn candidat compose en ce moment avec cette clé : il perdra "
                       "l'accès et ses réponses." if key.state is KeyState.IN_PROGRESS else "")
            if not await self.app.push_screen_wait(ConfirmModal(
                    f"Supprimer la clé {key.code} ?{warning}", confirm="Supprimer")):
                return
        try:  # the store refuses a submitted key, and says why
            await sessions.delete_key(self.ctx.store, self.ctx.scope, key.id)  # type: ignore[arg-type]
        except StoreError as exc:
            self.say(str(exc), error=True)
            return
        self.say(f"Clé {key.code} supprimée.")
        await self.refresh_keys()

    @work(exclusive=True, group="keys")
    async def action_extra_time(self) -> None:
        """Extra time for the selected key (aménagement d'épreuve), prefilled
        with a third of the session's duration."""
        key = self.current()
        if key is None:
            return
        if key.state is KeyState.SUBMITTED:
            self.say(f"La clé {key.code} est déjà validée : son temps ne change plus.",
                     error=True)
            return
        s = self.session
        third = third_of(s.starts_at, s.ends_at)  # type: ignore[arg-type]
        minutes = await self.app.push_screen_wait(CountModal(
            f"Temps supplémentaire, clé {key.code}\n"
            f"Tiers temps : {third} min ; 0 pour retirer.", "Minutes", MAX_EXTRA_MINUTES,
            confirm="Accorder", minimum=0, value=str(key.extra_minutes or third)))
        if minutes is None:
            return
        try:
            granted = await sessions.grant_extra_time(
                self.ctx.store, self.ctx.scope, s.id, key.code, minutes)  # type: ignore[arg-type]
        except StoreError as exc:
            self.say(str(exc), error=True)
            return
        end = own_end(s.ends_at, granted.extra_minutes)  # type: ignore[arg-type]
        self.say(extra_time_text(key.code, granted.extra_minutes, end, self.ctx.timezone))
        await self.refresh_keys()

    @on(Button.Pressed, "#practical")
    def action_practical(self) -> None:
        self.app.push_screen(PracticalScreen(self.ctx, self.session))

    def action_edit(self) -> None:
        self.app.push_screen(SessionEditScreen(self.ctx, self.session))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "attest" and self.ctx.documents is None:
            return None
        return True

    @on(Button.Pressed, "#attest")
    @work(exclusive=True, group="keys")
    async def action_attest(self) -> None:
        if self.ctx.documents is None:
            self.say(UNAVAILABLE, error=True)
            return
        self.say(await publish(self, self.ctx, self.session, self.query_one(WorkProgress)))
        await self.refresh_keys()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()
