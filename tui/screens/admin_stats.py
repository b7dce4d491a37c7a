"""Statistics of a formation, for all centres or one: candidates, pass and
retake rates, and the score distribution as a text histogram."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static

from domain.oversight import Filters
from domain.stats import Summary, histogram_lines, percent
from domain.text import safe_text
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.screens.admin_question_stats import QuestionStatsScreen
from tui.widgets.select import Select


def summary_text(s: Summary) -> Text:
    def number(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}".replace(".", ",")
    text = Text()
    text.append(f"Candidats notés : {s.candidates}", style="bold")
    text.append(f" (inscrits {s.registered})\n")
    text.append(f"Réussite au QCM : {percent(s.pass_rate)} ({s.passed})   "
                f"Seconds passages : {percent(s.retake_rate)} ({s.retakes})\n")
    text.append(f"Moyenne : {number(s.mean)}   Médiane : {number(s.median)}   "
                f"Reçus (QCM et pratique) : {s.outcomes.get('passed', 0)}")
    return text


class StatsScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Statistiques"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "questions", "Questions", id="admin.stats.questions"),
        Binding("escape", "app.pop_screen", "Retour", id="admin.stats.back"),
    ]

    def __init__(self, context: AdminContext) -> None:
        super().__init__()
        self.context = context
        self.pass_marks: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="filters gap"):
            yield Select([], prompt="Formation", id="formation", compact=True)
            yield Select([], prompt="Tous les centres", id="centre", compact=True)
        yield Static("", id="summary", classes="summary")
        with VerticalScroll(id="histogram-box"):
            yield Static("", id="histogram")
        yield Footer()

    async def on_mount(self) -> None:
        formations = await self.context.store.banks.formations(include_inactive=True)
        self.pass_marks = {f.code: f.pass_mark for f in formations}
        choose = self.query_one("#formation", Select)
        choose.set_options([(f.code, f.code) for f in formations])
        centres = await self.context.store.centres.centres(self.context.scope)
        self.query_one("#centre", Select).set_options(
            [(Text(safe_text(c.name)), c.id) for c in centres])
        if formations:
            choose.value = formations[0].code
        await self.reload()

    @property
    def code(self) -> str | None:
        value = self.query_one("#formation", Select).value
        return None if value is Select.NULL else str(value)

    @property
    def centre(self) -> int | None:
        value = self.query_one("#centre", Select).value
        return None if value is Select.NULL else int(value)  # type: ignore[arg-type]

    @on(Select.Changed)
    async def _changed(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        code = self.code
        if code is None:
            self.query_one("#summary", Static).update("Choisissez une formation.")
            self.query_one("#histogram", Static).update("")
            return
        s = await self.context.admin.stats.formation_summary(self.context.scope, code,
                                                             Filters(centre_id=self.centre))
        self.query_one("#summary", Static).update(summary_text(s))
        lines = (["Répartition des notes (▶ seuil de réussite) :",
                  *histogram_lines(s.distribution or (), 50, self.pass_marks.get(code))]
                 if s.candidates else ["Aucun candidat noté."])
        self.query_one("#histogram", Static).update(Text("\n".join(lines)))

    def action_questions(self) -> None:
        if self.code:
            self.app.push_screen(QuestionStatsScreen(self.context, self.code, self.centre))
