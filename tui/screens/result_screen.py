"""The score, right after the submission (by the candidate or at the end time)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Static

from domain.exam import ExamTicket
from domain.rules import Outcome, decide, qcm_passed
from tui.layout_first import LayoutFirst
from tui.quiet import QuietFocus, QuietFooter


def result_lines(ticket: ExamTicket, score: int | None) -> list[str]:
    """The score and what it means under the decision table."""
    participant = ticket.participant
    formation = ticket.formation
    total = len(ticket.questions)
    if score is None:
        return ["Votre QCM est enregistré ; votre centre vous communiquera la note."]
    passed = qcm_passed(score, formation.pass_mark)
    lines = [
        f"Votre note : {score}/{total}",
        f"QCM {'réussi' if passed else 'non réussi'} (seuil de réussite : "
        f"{formation.pass_mark}/{total}).",
    ]
    outcome = decide(score, participant.practical, formation.pass_mark,
                     participant.is_retake)
    if outcome is Outcome.PENDING:
        lines.append("Résultat final : votre centre le complétera avec le résultat de "
                     "l'évaluation pratique, puis vous recevrez un courrier.")
    else:
        lines.append(f"Résultat final : {outcome.label}.")
    return lines


class ResultScreen(QuietFocus, LayoutFirst):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.request_quit", "Quitter", show=False, id="result.quit"),
    ]
    AUTO_FOCUS = None  # a stray Enter must not close the score

    def __init__(self, ticket: ExamTicket, score: int | None, *, automatic: bool) -> None:
        super().__init__()
        self.ticket = ticket
        self.score = score
        self.automatic = automatic

    def compose(self) -> ComposeResult:
        with Vertical(id="result-box"):
            yield Static("QCM terminé", classes="title")
            if self.automatic:
                yield Static("L'heure de fin est passée : le QCM a été validé automatiquement "
                             "avec les réponses enregistrées.", classes="hint")
            else:
                yield Static("Vos réponses sont enregistrées et ne peuvent plus être modifiées.",
                             classes="hint")
            for n, line in enumerate(result_lines(self.ticket, self.score)):
                yield Static(line, classes="result-score" if n == 0 else "result-line",
                             markup=False)
            yield Static(f"N° de participant : {self.ticket.participant.number}",
                         markup=False)
            yield Button("Quitter", id="result-quit", compact=True)
        yield QuietFooter()

    @on(Button.Pressed, "#result-quit")
    def _quit(self) -> None:
        self.app.exit()
