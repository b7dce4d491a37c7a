"""Per-question statistics of a formation: facility, discrimination, and the
retirement of the questions that do not work."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from domain.oversight import Filters
from domain.stats import percent
from domain.text import safe_text
from store import StoreError
from store.stats import QuestionStat
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.modals.confirm import ConfirmModal
from tui.screens.admin_questions import question_detail
from tui.widgets.admin_table import AdminTable

LEGEND = ("D : réussite des 27 % meilleurs moins celle des 27 % plus faibles (sous 0,20 : "
          "sépare mal). r : corrélation avec le reste de la note.")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


class QuestionStatsScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Statistiques par question"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "sort", "Trier", id="admin.qstats.sort"),
        Binding("d", "retire", "Retirer la question", id="admin.qstats.retire"),
        Binding("escape", "app.pop_screen", "Retour", id="admin.qstats.back"),
    ]

    def __init__(self, context: AdminContext, code: str, centre_id: int | None = None) -> None:
        super().__init__()
        self.context = context
        self.code = code
        self.centre_id = centre_id
        self.by_discrimination = False
        self.stats: dict[str, QuestionStat] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Questions de {safe_text(self.code)} — ordre de la banque"),
                     classes="title", id="qstats-title")
        yield AdminTable(id="qstats")
        yield Static("", id="question-detail", classes="detail")
        yield Static(LEGEND, classes="hint")
        yield Footer()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        found = await self.context.admin.stats.question_stats(
            self.context.scope, self.code, Filters(centre_id=self.centre_id))
        if self.by_discrimination:
            found.sort(key=lambda s: (s.stats.discrimination is None,
                                      s.stats.discrimination or 0.0))
        self.stats = {str(s.question.id): s for s in found}
        self.query_one(AdminTable).fill(
            ["Id", "Question", "N", "Facilité", "D", "r", "À revoir"],
            [(s.question.id, (s.question.id, s.question.text[:30], s.stats.presented,
                              percent(s.stats.facility), _number(s.stats.discrimination),
                              _number(s.stats.item_rest),
                              ("retirée ; " if not s.question.active else "")
                              + ", ".join(s.stats.reasons)))
             for s in found])
        order = "D croissant" if self.by_discrimination else "ordre de la banque"
        self.query_one("#qstats-title", Static).update(Text(
            f"Questions de {safe_text(self.code)} — {len(found)} posées, {order}"))
        self._show_detail()

    def _show_detail(self) -> None:
        key = self.query_one(AdminTable).selected_key
        item = self.stats.get(key) if key else None
        self.query_one("#question-detail", Static).update(
            question_detail(item.question) if item else
            "Aucune réponse enregistrée pour l'instant.")

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    async def action_sort(self) -> None:
        self.by_discrimination = not self.by_discrimination
        await self.reload()

    def action_retire(self) -> None:
        key = self.query_one(AdminTable).selected_key
        item = self.stats.get(key) if key else None
        if item is None or not item.question.active:
            return
        qid = item.question.id

        async def done(ok: bool | None) -> None:
            if ok:
                try:
                    await self.context.admin.banks.set_question_active(self.context.scope,
                                                                       qid, False)  # type: ignore[arg-type]
                except StoreError as exc:
                    self.notify(str(exc), severity="error", markup=False)
                await self.reload()
        self.app.push_screen(ConfirmModal(
            f"Retirer la question {qid} des prochains tirages ? Les QCM déjà tirés la "
            "gardent.", "Retirer"), done)
