"""« Votre identifiant »: the candidate types the key given by the trainer."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from domain.clock import Clock
from domain.exam import ExamTicket, KeyRefusal, KeyRefused
from domain.keys import key_problem
from domain.window import local_text
from services.attempt import open_key
from services.throttle import KeyThrottle
from store import Store
from tui.formatting import clock_text
from tui.layout_first import LayoutFirst
from tui.quiet import QuietFocus, QuietFooter
from tui.widgets.text_field import TextField

logger = logging.getLogger(__name__)

OPENING_TEXT = "Ouverture de la clé en cours…"
FAILED_TEXT = ("La clé n'a pas pu être ouverte (serveur occupé). Appuyez de nouveau sur "
               "Entrée ; si cela persiste, prévenez votre formateur.")
FORMAT_TEXT = ("Une clé compte 15 caractères, lettres et chiffres, par exemple "
               "7KQ4M-2XD9P-TAB3C. Majuscules, minuscules et tirets sont indifférents.")


def refusal_text(refusal: KeyRefused, now: datetime) -> str:
    """What the candidate reads when a key is refused."""
    reason = refusal.reason
    if reason is KeyRefusal.UNKNOWN:
        return "Clé inconnue : vérifiez la clé remise par votre formateur."
    if reason is KeyRefusal.SUBMITTED:
        return ("Le QCM de cette clé est déjà terminé : elle ne peut plus servir. "
                "Votre note est enregistrée.")
    if reason is KeyRefusal.IN_USE:
        return ("Cette clé est déjà ouverte sur un autre poste. Si vous venez d'être "
                "déconnecté, réessayez dans une minute ; sinon, prévenez votre formateur.")
    tz = refusal.timezone
    server = f"Heure actuelle du serveur : {local_text(now, tz)} (heure de {tz})."
    if reason is KeyRefusal.NOT_YET_OPEN and refusal.starts_at is not None:
        return (f"L'évaluation n'est pas encore ouverte : elle ouvre le "
                f"{local_text(refusal.starts_at, tz)} (heure de {tz}). {server}")
    if refusal.ends_at is not None:
        return (f"L'évaluation est close depuis le {local_text(refusal.ends_at, tz)} "
                f"(heure de {tz}). {server}")
    return "L'évaluation n'est pas ouverte."


class KeyScreen(QuietFocus, LayoutFirst):
    """Opens a key for this connection: the attempt after a wrong key waits a
    little longer each time; an address past a full room's mistakes is refused."""

    AUTO_FOCUS = "#key"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the app runs it as soon as it gets the key, rather than
        # after the field's own Enter and its Submitted message bubbling up
        # (« Ouverture de la clé » 3 turns of the event loop after Enter, not 9).
        Binding("enter", "open", "Identification", show=True, priority=True,
                id="key.open"),
    ]

    @dataclass
    class Opened(Message):
        """The key is open for this connection."""

        ticket: ExamTicket

    def __init__(self, store: Store, clock: Clock, *, source: str, throttle: KeyThrottle,
                 token: str, timezone: str = "Europe/Paris", message: str = "") -> None:
        super().__init__()
        self.store = store
        self.clock = clock
        self.source = source
        self.throttle = throttle
        self.token = token
        self.timezone = timezone
        self.initial_message = message
        self._opening = False  # a key is being opened: Enter again does nothing
        self._wrong = 0  # wrong keys typed on this connection
        self._next_try = 0.0  # monotonic time before which the next attempt waits

    def compose(self) -> ComposeResult:
        with Vertical(id="key-box"):
            yield Static("Évaluation QCM en ligne", classes="title")
            yield Static("Votre identifiant (la clé remise par votre formateur) :")
            yield TextField(placeholder="XXXXX-XXXXX-XXXXX", max_length=40, id="key",
                            compact=True)
            yield Static(self.initial_message, id="key-error", classes="error", markup=False)
            yield Static(FORMAT_TEXT, classes="hint")
        yield QuietFooter()

    async def action_open(self) -> None:
        await self.open_key(self.query_one("#key", Input).value)

    async def open_key(self, typed: str) -> None:
        """Say at once that the key is being opened, then open it.

        The opening (database work, which waits when the server is busy) runs
        outside this screen's message handling, so that the screen shows
        « Ouverture de la clé » right away instead of nothing until it is done."""
        if self._opening or not typed.strip():
            return
        problem = key_problem(typed)
        if problem is not None:  # not a key at all: a typo, not a guess
            self._error(problem)
            return
        self._opening = True
        self._say(OPENING_TEXT, error=False)
        self.run_worker(self._open(typed), group="open-key", exit_on_error=False)

    async def _open(self, typed: str) -> None:
        try:
            wait = self._next_try - time.monotonic()
            if wait > 0:  # this connection's last keys were wrong: answer later, never refuse
                self._say(f"Vérification de la clé dans {math.ceil(wait)} s…", error=False)
                await asyncio.sleep(wait)
            retry_at = await self.throttle.blocked_until(self.store, self.source)
            if retry_at is not None:
                self._error(f"Trop de clés erronées ont été saisies depuis votre réseau. "
                            f"Réessayez à partir de {clock_text(retry_at, self.timezone)}:"
                            f"{retry_at.second:02d} (heure du serveur) ou prévenez votre "
                            f"formateur.")
                return
            try:
                ticket = await open_key(self.store, typed, self.token)
            except KeyRefused as refusal:
                if refusal.reason is KeyRefusal.UNKNOWN:
                    self._wrong += 1
                    self._next_try = time.monotonic() + self.throttle.delay(self._wrong)
                    await self.throttle.record(self.store, self.source)
                self._error(refusal_text(refusal, self.clock.now()))
                return
        except Exception:  # a busy or failing database: the candidate tries again
            logger.exception("opening a key failed")
            self._error(FAILED_TEXT)
            return
        finally:
            self._opening = False
        self.query_one("#key", Input).value = ""
        self.post_message(self.Opened(ticket))

    def _say(self, text: str, *, error: bool) -> None:
        message = self.query_one("#key-error", Static)
        message.update(text)
        message.set_class(error, "error")

    def _error(self, text: str) -> None:
        self._say(text, error=True)
        field = self.query_one("#key", Input)
        field.focus()
        field.select_all()  # typing replaces it; an arrow key keeps it for a correction
