"""« Modifier les notes pratiques » of an online session: f, d or i per row."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Static

from domain.models import ExamSession, Participant
from domain.validation import parse_practical
from store import StoreError
from tui.centre_context import CentreContext
from tui.centre_text import person, plain
from tui.layout_first import LayoutFirst
from tui.widgets.centre_header import CentreHeader
from tui.widgets.plain import Plain


class PracticalScreen(LayoutFirst):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "set('f')", "Favorable", id="practical.favourable"),
        Binding("d", "set('d')", "Défavorable", id="practical.unfavourable"),
        Binding("i", "set('inconnu')", "Non connue", id="practical.unknown"),
        Binding("escape", "back", "Retour aux clés", id="practical.back"),
    ]

    def __init__(self, ctx: CentreContext, session: ExamSession) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.participants: dict[str, Participant] = {}

    def compose(self) -> ComposeResult:
        yield CentreHeader(self.ctx)
        yield Static(f"Notes pratiques — session en ligne {self.session.id} — "
                     "f : favorable · d : défavorable · i : non connue", classes="title")
        yield DataTable(id="practical-table", cursor_type="row", zebra_stripes=True)
        yield Plain("", id="status")
        with Horizontal(classes="buttons"):
            yield Button("Retour aux clés", id="back", compact=True)
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("N° participant", key="number")
        table.add_column("Candidat", key="name")
        table.add_column("Note", key="score")
        table.add_column("Pratique", key="practical")
        await self.reload()
        table.focus()

    async def reload(self) -> None:
        pairs = await self.ctx.store.exam.keys(self.ctx.scope, self.session.id)  # type: ignore[arg-type]
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        self.participants = {}
        for _, p in pairs:
            self.participants[str(p.id)] = p
            suffix = " (verrouillé)" if p.locked else (" (2e passage)" if p.is_retake else "")
            table.add_row(p.number, plain(person(p) or "—", 28),
                          "" if p.score is None else str(p.score),
                          p.practical.label + suffix, key=str(p.id))
        if pairs:
            table.move_cursor(row=min(keep, len(pairs) - 1), animate=False)

    def say(self, message: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(message)
        status.set_class(error, "error")

    async def action_set(self, typed: str) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        participant = self.participants[row_key.value]  # type: ignore[index]
        practical = parse_practical(typed)
        try:
            await self.ctx.store.sessions.set_practical(self.ctx.scope, participant.id,  # type: ignore[arg-type]
                                                        practical)
        except StoreError as exc:
            self.say(f"{participant.number} : {exc}", error=True)
            return
        self.say(f"{participant.number} : évaluation pratique {practical.label.lower()}.")
        await self.reload()
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)  # ready for the next candidate

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()
