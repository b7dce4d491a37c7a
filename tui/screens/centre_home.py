"""The centre's QCM management space (§3): its QCMs and all its sessions."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from domain.models import ExamSession, Qcm, SessionKind
from tui.centre_context import CentreContext
from tui.centre_text import day_text, kind_text, plain, session_state, window_text
from tui.layout_first import LayoutFirst
from tui.modals.choice import ChoiceModal
from tui.screens.centre_keys import KeysScreen
from tui.screens.centre_offline_session import OfflineSessionScreen
from tui.screens.centre_online_session import OnlineSessionScreen
from tui.screens.centre_paper import PaperScreen
from tui.screens.centre_participants import ParticipantsScreen
from tui.screens.centre_qcm_create import QcmCreateScreen
from tui.screens.centre_session_edit import SessionEditScreen
from tui.widgets.centre_header import CentreHeader
from tui.widgets.plain import Plain

QCM_ACTIONS = [
    ("paper", "Générer un QCM « papier »  (p)"),
    ("offline", "Enregistrer une session papier  (h)"),
    ("online", "Créer une session en ligne  (l)"),
]


class QcmTable(DataTable):
    """The centre's QCMs; the three actions of a row are bound to keys."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "screen.paper", "QCM papier", id="centre.qcm.paper"),
        Binding("h", "screen.offline", "Session papier", id="centre.qcm.offline"),
        Binding("l", "screen.online", "Session en ligne", id="centre.qcm.online"),
    ]


class SessionTable(DataTable):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "screen.edit_session", "Modifier", id="centre.session.edit"),
    ]


class CentreHomeScreen(LayoutFirst):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_qcm", "Nouveau QCM", id="centre.new_qcm"),
    ]

    def __init__(self, ctx: CentreContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.qcms: dict[str, Qcm] = {}
        self.sessions: dict[str, ExamSession] = {}

    def compose(self) -> ComposeResult:
        yield CentreHeader(self.ctx)
        yield Static("QCM du centre — Entrée : actions · n : nouveau QCM", classes="title")
        yield QcmTable(id="qcms", cursor_type="row", zebra_stripes=True)
        yield Static("Sessions — Entrée : ouvrir · m : modifier", classes="title")
        yield SessionTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="status", classes="hint")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        self.query_one("#qcms", DataTable).add_columns("Id", "Créé le", "Intitulé", "Formation")
        self.query_one("#sessions", DataTable).add_columns(
            "Id", "Type", "QCM", "Date ou plage", "Lieu", "Part.", "État")
        await self.reload()
        self.set_interval(self.ctx.refresh_seconds, self._refresh_shown, name="home-refresh")

    async def on_screen_resume(self) -> None:
        if self.is_mounted:
            await self.reload()

    async def _refresh_shown(self) -> None:
        """Follow what colleagues and candidates change (a new QCM, a session
        opening, participants submitting); an unchanged table sends nothing."""
        if self.is_current:
            await self.reload()

    async def reload(self) -> None:
        store, scope = self.ctx.store, self.ctx.scope
        qcms = await store.qcms.qcms(scope)
        sessions = await store.sessions.sessions(scope)
        counts = await store.sessions.participant_counts(scope)
        locked = await store.sessions.locked_counts(scope)
        self.qcms = {str(q.id): q for q in qcms}
        self.sessions = {str(s.id): s for s in sessions}
        now = self.ctx.clock.now()
        _fill(self.query_one("#qcms", DataTable), [
            (str(q.id), (str(q.id), day_text(q.created_at.date()), plain(q.title, 40),
                         q.formation_code)) for q in qcms])
        _fill(self.query_one("#sessions", DataTable), [
            (str(s.id), (str(s.id), kind_text(s), str(s.qcm_id),
                         window_text(s, self.ctx.timezone), plain(s.place, 16),
                         str(counts.get(s.id, 0)),  # type: ignore[arg-type]
                         session_state(s, now, counts.get(s.id, 0),  # type: ignore[arg-type]
                                       locked.get(s.id, 0))))  # type: ignore[arg-type]
            for s in sessions])
        if not qcms:
            self.say("Aucun QCM pour l'instant : « n » pour en créer un.")

    def say(self, message: str) -> None:
        self.query_one("#status", Static).update(message)

    def _current(self, table_id: str, items: dict) -> object | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return items.get(key.value)  # type: ignore[arg-type]

    def current_qcm(self) -> Qcm | None:
        qcm = self._current("#qcms", self.qcms)
        if qcm is None:
            self.say("Aucun QCM : « n » pour en créer un.")
        return qcm  # type: ignore[return-value]

    # QCM actions ----------------------------------------------------------

    def action_new_qcm(self) -> None:
        def created(qcm: Qcm | None) -> None:
            if qcm is not None:
                self.say(f"QCM {qcm.id} créé : {qcm.title} ({len(qcm.question_ids)} questions).")
                self.call_after_refresh(self._select_qcm, str(qcm.id))

        self.app.push_screen(QcmCreateScreen(self.ctx), created)

    async def _select_qcm(self, key: str) -> None:
        await self.reload()
        table = self.query_one("#qcms", DataTable)
        table.move_cursor(row=table.get_row_index(key))
        table.focus()

    def action_paper(self) -> None:
        if qcm := self.current_qcm():
            self.app.push_screen(PaperScreen(self.ctx, qcm))

    def action_offline(self) -> None:
        if qcm := self.current_qcm():
            self.app.push_screen(OfflineSessionScreen(self.ctx, qcm))

    def action_online(self) -> None:
        if qcm := self.current_qcm():
            self.app.push_screen(OnlineSessionScreen(self.ctx, qcm))

    @on(DataTable.RowSelected, "#qcms")
    @work(exclusive=True, group="home-menu")
    async def qcm_menu(self) -> None:
        qcm = self.current_qcm()
        if qcm is None:
            return
        choice = await self.app.push_screen_wait(
            ChoiceModal(f"QCM {qcm.id} — {qcm.title}", QCM_ACTIONS))
        if choice:
            getattr(self, f"action_{choice}")()

    # Session actions --------------------------------------------------------

    @on(DataTable.RowSelected, "#sessions")
    def open_session(self) -> None:
        session: ExamSession | None = self._current("#sessions", self.sessions)  # type: ignore[assignment]
        if session is None:
            return
        if session.kind is SessionKind.ONLINE:
            self.app.push_screen(KeysScreen(self.ctx, session))
        else:
            self.app.push_screen(ParticipantsScreen(self.ctx, session))

    def action_edit_session(self) -> None:
        session: ExamSession | None = self._current("#sessions", self.sessions)  # type: ignore[assignment]
        if session is not None:
            self.app.push_screen(SessionEditScreen(self.ctx, session))


def _fill(table: DataTable, rows: list[tuple[str, tuple]]) -> None:
    """Replace a table's rows, keeping the cursor on the same row key; nothing
    at all if they are the rows already shown."""
    shown = [(str(key.value), tuple(table.get_row(key))) for key in table.rows]
    if shown == rows:
        return
    keep = None
    if table.row_count:
        keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    keys = [key for key, _ in rows]
    if keep in keys:
        table.move_cursor(row=keys.index(keep), animate=False)
