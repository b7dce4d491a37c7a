"""The participants of a paper session (§3.3.3): modify, delete, attest."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Static

from domain.models import ExamSession, Formation, Participant
from domain.text import safe_text
from store import StoreError
from tui.centre_context import CentreContext
from tui.centre_text import OUTCOME_SHORT, day_text, outcome, person, plain
from tui.layout_first import LayoutFirst
from tui.modals.confirm import ConfirmModal
from tui.screens.centre_participant_form import ParticipantFormScreen
from tui.screens.centre_publishing import UNAVAILABLE, publish
from tui.widgets.centre_header import CentreHeader
from tui.widgets.plain import Plain
from tui.widgets.work_progress import WorkProgress


class ParticipantsScreen(LayoutFirst):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Ajouter", id="participants.add"),
        Binding("m", "modify", "Modifier", id="participants.modify"),
        Binding("s,delete", "delete", "Supprimer", id="participants.delete"),
        Binding("g", "attest", "Attestations", id="participants.attest"),
        Binding("escape", "back", "Retour", id="participants.back"),
    ]

    def __init__(self, ctx: CentreContext, session: ExamSession, open_form: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.open_form = open_form
        self.formation: Formation | None = None
        self.participants: dict[str, Participant] = {}

    def compose(self) -> ComposeResult:
        s = self.session
        yield CentreHeader(self.ctx)
        yield Plain(f"Session papier {s.id} — QCM {s.qcm_id} — {day_text(s.day)} — {s.place}",
                     classes="title")
        yield DataTable(id="participants", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="detail")
        yield WorkProgress(id="progress")
        yield Plain("", id="status")
        with Horizontal(classes="buttons"):
            yield Button("Créer les attestations non générées", id="attest",
                         variant="warning", compact=True,
                         disabled=self.ctx.documents is None)
            yield Button("Retour à la liste", id="back", compact=True)
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        self.formation = await self.ctx.store.banks.formation(self.session.formation_code)
        self.query_one(DataTable).add_columns("N°", "Nom", "Note", "Pratique", "Résultat", "État")
        if self.ctx.documents is None:
            self.say(UNAVAILABLE)
        await self.reload()
        self.query_one(DataTable).focus()
        if self.open_form and not self.participants:
            self.action_add()

    async def on_screen_resume(self) -> None:
        if self.formation is not None:
            await self.reload()

    async def reload(self) -> None:
        assert self.formation is not None
        participants = await self.ctx.store.sessions.participants(self.ctx.scope, self.session.id)  # type: ignore[arg-type]
        self.participants = {str(p.id): p for p in participants}
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for p in participants:
            table.add_row(
                p.number, plain(person(p), 22),
                "" if p.score is None else f"{p.score}/{self.formation.questions_per_qcm}",
                p.practical.label, OUTCOME_SHORT[outcome(p, self.formation.pass_mark)],
                "Verrouillé" if p.locked else "", key=str(p.id))
        if participants:
            table.move_cursor(row=min(keep, len(participants) - 1), animate=False)
        else:
            self.query_one("#detail", Static).update(
                "Aucun participant : « a » pour en ajouter un.")

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        p = self.current()
        if p is None or self.formation is None:
            return
        lines = [f"{p.number} · {p.identity.full_name} · {p.identity.company}"]
        if p.retake_of:
            lines[0] += f" · second passage de {p.retake_of}"
        lines.append(outcome(p, self.formation.pass_mark).label
                     + (" · verrouillé (documents créés)" if p.locked else ""))
        self.query_one("#detail", Static).update(Text("\n").join(plain(line) for line in lines))

    def current(self) -> Participant | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.participants.get(key.value)  # type: ignore[arg-type]

    def say(self, message: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(message)
        status.set_class(error, "error")

    def editable(self) -> Participant | None:
        p = self.current()
        if p is not None and p.locked:
            self.say(f"{p.number} est verrouillé : ses documents sont créés, ses données "
                     "ne changent plus.", error=True)
            return None
        return p

    def action_add(self) -> None:
        assert self.formation is not None
        self.app.push_screen(ParticipantFormScreen(self.ctx, self.session, self.formation))

    @on(DataTable.RowSelected)
    def action_modify(self) -> None:
        if (p := self.editable()) is not None and self.formation is not None:
            self.app.push_screen(ParticipantFormScreen(self.ctx, self.session,
                                                       self.formation, p))

    @work(exclusive=True, group="participants")
    async def action_delete(self) -> None:
        p = self.editable()
        if p is None:
            return
        if not await self.app.push_screen_wait(ConfirmModal(
                f"Supprimer le participant {p.number} ({safe_text(p.identity.full_name)}) ?",
                confirm="Supprimer")):
            return
        try:
            await self.ctx.store.sessions.delete_participant(self.ctx.scope, p.id)  # type: ignore[arg-type]
        except StoreError as exc:
            self.say(str(exc), error=True)
            return
        self.say(f"Participant {p.number} supprimé.")
        await self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "attest" and self.ctx.documents is None:
            return None  # shown disabled; the status line says why
        return True

    @on(Button.Pressed, "#attest")
    @work(exclusive=True, group="participants")
    async def action_attest(self) -> None:
        if self.ctx.documents is None:
            self.say(UNAVAILABLE, error=True)
            return
        summary = await publish(self, self.ctx, self.session, self.query_one(WorkProgress))
        self.say(summary)
        await self.reload()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()
