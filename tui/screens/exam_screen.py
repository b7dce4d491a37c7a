"""The QCM itself: one question at a time, entirely by keyboard.

A keystroke repaints little: choosing changes two 3-character marks and the
progress line; moving changes the question and its four propositions."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from domain.clock import Clock
from domain.exam import KeyRefused
from domain.text import safe_text
from services.attempt import Attempt
from store import StoreError
from tui.formatting import clock_text, time_left_text
from tui.layout_first import LayoutFirst
from tui.modals.confirm import ConfirmModal
from tui.modals.overview import OverviewModal
from tui.quiet import QuietFocus, QuietFooter
from tui.screens.exam_messages import KeyLost
from tui.screens.identity_screen import IdentityScreen
from tui.widgets.choice_line import LETTERS, ChoiceLine

logger = logging.getLogger(__name__)

NOT_SAVED = "Réponse NON enregistrée"
SAVING = "enregistrement de la réponse en cours…"
SAVING_AFTER = 0.3
"""Seconds a save may take before the candidate is told it is under way."""


def finish_text(unanswered: list[int]) -> str:
    """The final confirmation: what is missing, and that it is final."""
    lines = []
    if unanswered:
        count = len(unanswered)
        which = ", ".join(str(n) for n in unanswered)
        lines.append(f"{count} question{'s' if count > 1 else ''} sans réponse : {which}.")
        lines.append("Vous pouvez revenir aux questions pour y répondre.")
    else:
        lines.append("Vous avez répondu à toutes les questions.")
    lines.append("")
    lines.append("Après validation, vos réponses ne pourront plus être modifiées.")
    lines.append("Terminer le QCM maintenant ?")
    return "\n".join(lines)


def tick_lead(key_id: int, spread: float) -> timedelta:
    """How early this session shows each new minute of « Temps restant ».

    Every candidate of a session has the same end time, so without a lead
    hundreds of screens would repaint in the same second, once a minute, and
    delay everyone's keys. Each key gets its own lead in [0, spread): the
    time shown is never more than what is left (whole minutes, rounded down)
    and at most `spread` seconds less."""
    return timedelta(seconds=spread * ((key_id * 0.6180339887) % 1.0))


class ExamScreen(QuietFocus, LayoutFirst):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "choose(0)", "Répondre", key_display="a-d", id="exam.choose_a"),
        Binding("b", "choose(1)", show=False, id="exam.choose_b"),
        Binding("c", "choose(2)", show=False, id="exam.choose_c"),
        Binding("d", "choose(3)", show=False, id="exam.choose_d"),
        Binding("1", "choose(0)", show=False, id="exam.choose_1"),
        Binding("2", "choose(1)", show=False, id="exam.choose_2"),
        Binding("3", "choose(2)", show=False, id="exam.choose_3"),
        Binding("4", "choose(3)", show=False, id="exam.choose_4"),
        Binding("n,right", "move(1)", "Suivante", key_display="n", id="exam.next"),
        Binding("p,left", "move(-1)", "Précédente", key_display="p", id="exam.previous"),
        Binding("v", "overview", "Liste", id="exam.overview"),
        Binding("t", "finish", "Terminer", id="exam.finish"),
        Binding("i", "identity", "Identité", id="exam.identity"),
        Binding("q", "app.request_quit", "Quitter", show=False, id="exam.quit"),
        Binding("up", "scroll(-1)", show=False, id="exam.scroll_up"),
        Binding("down", "scroll(1)", show=False, id="exam.scroll_down"),
    ]

    class Finish(Message):
        """The candidate confirmed « Terminer le QCM »."""

    def __init__(self, attempt: Attempt, clock: Clock, tick_spread: float = 0.0) -> None:
        """`tick_spread`: seconds over which the sessions' « Temps restant »
        changes are spread (see `tick_lead`)."""
        super().__init__()
        self.attempt = attempt
        self.clock = clock
        self.lead = tick_lead(attempt.key_id, tick_spread)
        self.index = attempt.position
        self._texts: dict[str, str] = {}
        self._ready = False  # widgets mounted: the app's clock may tick before

    def compose(self) -> ComposeResult:
        yield Static("", id="progress", markup=False)
        yield Static("", id="theme", markup=False)
        with VerticalScroll(id="question-body", can_focus=False):
            yield Static("", id="question", markup=False)
            for position in range(4):
                yield ChoiceLine(position)
        yield Static("", id="status", markup=False)
        yield QuietFooter()

    def on_mount(self) -> None:
        self.body = self.query_one("#question-body", VerticalScroll)
        self.choices = list(self.query(ChoiceLine))
        self.lines = {name: self.query_one(f"#{name}", Static)
                      for name in ("progress", "theme", "question", "status")}
        self.show_question(self.index)
        self._ready = True

    def on_unmount(self) -> None:
        self._ready = False

    def on_screen_resume(self) -> None:
        if self._ready:
            self._refresh_progress()

    # Display --------------------------------------------------------------

    def _set(self, widget_id: str, text: str, *, layout: bool = False) -> None:
        """Update a line only if its text changed (bytes cost on slow links)."""
        if self._texts.get(widget_id) != text:
            self._texts[widget_id] = text
            self.lines[widget_id].update(text, layout=layout)

    def show_question(self, index: int) -> None:
        attempt = self.attempt
        self.index = attempt.position = index
        question = attempt.questions[index]
        themes = attempt.ticket.formation.themes
        number = themes.index(question.theme) + 1 if question.theme in themes else 0
        self._set("theme", f"Thème {number}/{len(themes)} : {safe_text(question.theme)}")
        self._set("question", f"{index + 1}. {safe_text(question.text)}", layout=True)
        chosen = attempt.shown_choice(question)
        for position, bank in enumerate(attempt.display_order(question)):
            self.choices[position].show(safe_text(question.choices[bank]), chosen == position)
        self.body.scroll_home(animate=False)
        self._refresh_progress()

    def _refresh_progress(self) -> None:
        attempt = self.attempt
        total = len(attempt.questions)
        answered = total - len(attempt.unanswered())
        now = self.clock.now()
        end = clock_text(attempt.ends_at, attempt.ticket.timezone, now)
        self._set("progress", f"Question {self.index + 1}/{total} · Réponses {answered}/{total}"
                              f" · Temps restant {time_left_text(attempt.ends_at - now - self.lead)}"
                              f" (fin {end})")

    def show_time(self, ending: bool) -> None:
        """Called by the app's clock tick: repaints only when the minute changes."""
        if not self._ready:
            return
        self._refresh_progress()
        self.lines["progress"].set_class(ending, "-ending")

    def _status(self, text: str, error: bool = False) -> None:
        self._set("status", text, layout=True)  # a message may take two lines
        self.lines["status"].set_class(error, "error")

    # Actions --------------------------------------------------------------

    async def action_choose(self, position: int) -> None:
        question = self.attempt.questions[self.index]
        before = self.attempt.shown_choice(question)
        not_saved = f"Question {self.index + 1} : {NOT_SAVED}"
        # Written before shown. A busy database can hold the save for seconds:
        # past SAVING_AFTER the candidate reads that it is under way.
        save = asyncio.ensure_future(self.attempt.choose(question, position))
        done, _ = await asyncio.wait({save}, timeout=SAVING_AFTER)
        if not done:
            self._status(f"Question {self.index + 1} ({LETTERS[position]}) : {SAVING}")
        try:
            await save
        except KeyRefused as refusal:
            self._status(f"{not_saved}, la clé n'est plus active sur ce poste.", error=True)
            self.post_message(KeyLost(refusal))
            return
        except Exception as exc:  # noqa: BLE001 - the candidate must be told, whatever it is
            logger.exception("answer not saved (key %s)", self.attempt.key_id)
            detail = str(exc) if isinstance(exc, StoreError) else "erreur du serveur"
            self._status(f"{not_saved} ({detail}). Appuyez de nouveau sur la lettre ; "
                         "si cela persiste, prévenez votre formateur.", error=True)
            return
        if before is not None and before != position:
            self.choices[before].mark(False)
        self.choices[position].mark(True)
        self._status("")
        self._refresh_progress()

    @on(ChoiceLine.Clicked)
    async def _clicked(self, event: ChoiceLine.Clicked) -> None:
        await self.action_choose(event.position)

    def action_move(self, step: int) -> None:
        target = self.index + step
        if 0 <= target < len(self.attempt.questions):
            self.show_question(target)

    def action_scroll(self, step: int) -> None:
        self.body.scroll_relative(y=step, animate=False)

    def action_overview(self) -> None:
        self.app.push_screen(OverviewModal(self.attempt, self.index), self._jump)

    def _jump(self, index: int | None) -> None:
        if index is not None and index != self.index:
            self.show_question(index)

    def action_identity(self) -> None:
        self.app.push_screen(IdentityScreen(self.attempt, first=False))

    def action_finish(self) -> None:
        modal = ConfirmModal(finish_text(self.attempt.unanswered()),
                             confirm="Terminer le QCM", cancel="Revenir aux questions",
                             pending="Validation de vos réponses en cours…",
                             on_confirm=lambda: self.post_message(self.Finish()))
        self.app.push_screen(modal)
