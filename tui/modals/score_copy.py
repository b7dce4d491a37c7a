"""Score a paper copy from the letters the candidate ticked, instead of
typing a score corrected by hand."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from domain.models import PaperBatch
from services.participants import PaperCopy, score_copy
from services.scoring import ScoringError
from store import StoreError
from tui.centre_context import CentreContext
from tui.centre_text import day_text
from tui.layout_first import LayoutFirst
from tui.widgets.form_row import FormRow, show_errors
from tui.widgets.plain import Plain
from tui.widgets.select import Select


class ScoreCopyModal(LayoutFirst, ModalScreen[tuple[int, int] | None]):
    """Dismisses with (score, copy number) once a score has been computed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Annuler", id="score_copy.cancel"),
    ]

    def __init__(self, ctx: CentreContext, session_id: int, batches: list[PaperBatch],
                 questions: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.session_id = session_id
        self.batches = batches
        self.questions = questions
        self.result: tuple[int, int, int, str] | None = None  # score, copy, batch, letters

    def compose(self) -> ComposeResult:
        options = [(f"Lot n°{b.id} — {b.copies} copies — {day_text(b.created_at.date())}", b.id)
                   for b in reversed(self.batches)]
        with Vertical():
            yield Static("Noter une copie papier", classes="title")
            yield FormRow("Lot de copies", Select(options, id="batch", allow_blank=False,
                                                  compact=True), "batch")
            yield FormRow("Copie n°", Input(id="copy", restrict=r"\d*", max_length=4,
                                            compact=True), "copy")
            yield FormRow(f"Cases cochées ({self.questions})", Input(
                id="letters", placeholder="ABDC… ; « - » si aucune", compact=True,
                max_length=self.questions * 2), "letters")
            yield Plain("", id="score-result", classes="title")
            with Horizontal(classes="buttons"):
                yield Button("Annuler", id="cancel", compact=True)
                yield Button("Calculer", id="compute", compact=True)
                yield Button("Utiliser cette note", id="use", variant="primary",
                             compact=True, disabled=True)

    def on_mount(self) -> None:
        self.query_one("#copy", Input).focus()

    @on(Input.Changed)
    def forget(self) -> None:
        self.result = None
        self.query_one("#use", Button).disabled = True
        self.query_one("#score-result", Static).update("")

    @on(Input.Submitted)
    @on(Button.Pressed, "#compute")
    async def compute(self) -> None:
        if self.result is not None:
            self.dismiss(self.result)
            return
        copy_text = self.query_one("#copy", Input).value.strip()
        if not copy_text.isdigit():
            show_errors(self, {"copy": "Copie n° : numéro imprimé en tête de la copie."})
            return
        copy = int(copy_text)
        letters = self.query_one("#letters", Input).value
        batch_id = self.query_one("#batch", Select).value
        try:
            score = await score_copy(self.ctx.store, self.ctx.scope, self.session_id,
                                     PaperCopy(batch_id, copy, letters))  # type: ignore[arg-type]
        except ScoringError as exc:
            field = "copy" if "Copie" in str(exc) else "letters"
            show_errors(self, {field: str(exc)})
            return
        except StoreError as exc:
            show_errors(self, {"batch": str(exc)})
            return
        show_errors(self, {})
        self.result = (score, copy, batch_id, letters)  # type: ignore[assignment]
        self.query_one("#score-result", Static).update(
            f"Note de la copie n°{copy} : {score}/{self.questions}")
        use = self.query_one("#use", Button)
        use.disabled = False
        use.focus()

    @on(Button.Pressed, "#use")
    def use(self) -> None:
        if self.result is not None:
            self.dismiss(self.result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
