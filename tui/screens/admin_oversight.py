"""Oversight across centres: QCMs, sessions, participants or documents,
filtered by centre, formation, dates and state."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Static

from domain.models import SessionKind
from domain.oversight import DocumentState, Filters, ParticipantState, SessionState
from domain.text import safe_text
from domain.window import parse_day
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.widgets.admin_table import AdminTable
from tui.widgets.select import Select

VIEWS = (("Sessions", "sessions"), ("Participants", "participants"), ("QCM", "qcms"),
         ("Documents", "documents"))
STATES = {
    "sessions": [(s.label, s.value) for s in SessionState],
    "participants": [(s.label, s.value) for s in ParticipantState],
    "qcms": [("Avec sessions", "used"), ("Sans session", "unused")],
    "documents": [(s.label, s.value) for s in DocumentState],
}
KIND_LABELS = {"paper": "copies", "letter": "lettre", "certificate": "attestation"}
MAX_ROWS = 500  # beyond, the filters narrow the list (the table stays quick)


class OversightScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Supervision"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "reload", "Actualiser", id="admin.oversight.reload"),
        Binding("escape", "back", "Retour", id="admin.oversight.back"),
    ]

    def __init__(self, context: AdminContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="filters"):
            yield Select(VIEWS, value="sessions", allow_blank=False, id="view", compact=True)
            yield Select([], prompt="Tous les centres", id="centre", compact=True)
            yield Select([], prompt="Toutes formations", id="formation", compact=True)
        with Horizontal(classes="filters gap"):
            yield Input(placeholder="Du JJ/MM/AAAA", id="from", compact=True)
            yield Input(placeholder="Au JJ/MM/AAAA", id="to", compact=True)
            yield Select(STATES["sessions"], prompt="Tous états", id="state", compact=True)
        yield Static("", id="count", classes="hint")
        yield AdminTable(id="oversight")
        yield Footer()

    async def on_mount(self) -> None:
        scope = self.context.scope
        centres = await self.context.store.centres.centres(scope)
        self.query_one("#centre", Select).set_options(
            [(Text(safe_text(c.name)), c.id) for c in centres])
        formations = await self.context.store.banks.formations(include_inactive=True)
        self.query_one("#formation", Select).set_options([(f.code, f.code) for f in formations])
        await self.reload()

    def _value(self, widget_id: str):
        value = self.query_one(widget_id, Select).value
        return None if value is Select.NULL else value

    def filters(self) -> Filters:
        """The filters as typed; a badly typed date is reported and ignored."""
        days = []
        for widget_id in ("#from", "#to"):
            text = self.query_one(widget_id, Input).value.strip()
            try:
                days.append(parse_day(text) if text else None)
            except ValueError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                days.append(None)
        return Filters(self._value("#centre"), self._value("#formation"), days[0], days[1],
                       self._value("#state"))

    @on(Select.Changed, "#view")
    async def _view_changed(self) -> None:
        self.query_one("#state", Select).set_options(STATES[str(self._value("#view"))])
        await self.reload()

    @on(Select.Changed, "#centre, #formation, #state")
    async def _filter_changed(self) -> None:
        await self.reload()

    @on(Input.Submitted)
    async def _date_entered(self) -> None:
        await self.reload()
        self.query_one(AdminTable).focus()

    async def action_reload(self) -> None:
        await self.reload()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(AdminTable).focus()
        else:
            self.app.pop_screen()

    async def reload(self) -> None:
        view, f = str(self._value("#view")), self.filters()
        o, scope = self.context.admin.oversight, self.context.scope
        table = self.query_one(AdminTable)
        if view == "qcms":
            qcms = await o.qcms(scope, f)
            table.fill(["Id", "Créé le", "Centre", "Formation", "Intitulé", "Sess.", "Part."],
                       [(r.qcm.id, (r.qcm.id, r.qcm.created_at.strftime("%d/%m/%Y"),
                                    r.centre_name[:18], r.qcm.formation_code, r.qcm.title[:24],
                                    r.sessions, r.participants)) for r in qcms[:MAX_ROWS]])
            count = len(qcms)
        elif view == "sessions":
            sessions = await o.sessions(scope, f)
            table.fill(["Id", "Date", "Centre", "Formation", "Type", "État", "Part.", "Notés"],
                       [(r.session.id, (r.session.id, r.session.day.strftime("%d/%m/%Y"),
                                        r.session.centre_name[:18], r.session.formation_code,
                                        "en ligne" if r.session.kind is SessionKind.ONLINE
                                        else "papier", r.state.label, r.participants, r.scored))
                        for r in sessions[:MAX_ROWS]])
            count = len(sessions)
        elif view == "participants":
            people = await o.participants(scope, f)
            table.fill(["Numéro", "Sess.", "Centre", "Nom", "Note", "État", "Décision"],
                       [(r.participant.id, (r.participant.number, r.session.id,
                                            r.session.centre_name[:14],
                                            r.participant.identity.last_name[:16],
                                            "" if r.participant.score is None
                                            else r.participant.score,
                                            r.state.label, r.outcome.label[:22]))
                        for r in people[:MAX_ROWS]])
            count = len(people)
        else:
            documents = await o.documents(scope, f)
            table.fill(["Id", "Type", "Centre", "Participant", "Fichier", "État"],
                       [(r.document.id, (r.document.id, KIND_LABELS[r.document.kind.value],
                                         r.centre_name[:16], r.participant_number,
                                         r.document.path, r.state.label))
                        for r in documents[:MAX_ROWS]])
            count = len(documents)
        self.query_one("#count", Static).update(
            f"{count} ligne(s)" if count <= MAX_ROWS else
            f"{count} lignes, {MAX_ROWS} affichées : affinez les filtres.")
