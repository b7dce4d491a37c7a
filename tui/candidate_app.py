"""The candidate's application: one per SSH connection of `candidat@...`.

Thin on purpose: it owns the connection's lease on a key (token, heartbeat,
release), watches the clock for the end of the window, and routes between the
screens. Quitting is only possible through « Quitter » with a confirmation."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from functools import partial
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.worker import Worker

from domain.clock import Clock
from domain.exam import KeyRefusal, KeyRefused
from domain.models import KeyState
from services.attempt import Attempt
from services.throttle import KeyThrottle
from store import Store
from tui.base import BACKGROUND, QcmApp
from tui.formatting import clock_text
from tui.modals.confirm import ConfirmModal
from tui.prepared_screen import PreparedScreen
from tui.screens.exam_messages import KeyLost
from tui.screens.exam_screen import ExamScreen, tick_lead
from tui.screens.identity_screen import IdentityScreen
from tui.screens.key_screen import KeyScreen
from tui.screens.result_screen import ResultScreen
from tui.shared_styles import SharedStyles

logger = logging.getLogger(__name__)

LOST_TEXT = ("Cette clé a été ouverte sur un autre poste : cette connexion ne peut plus "
             "enregistrer de réponses. Vos réponses déjà enregistrées sont conservées.")


class CandidateApp(QcmApp, inherit_bindings=False):
    """Key, identity, QCM and score for one candidate connection."""

    TITLE = "qcm-ssh — évaluation en ligne"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", "Quitter", priority=True, id="candidate.quit"),
        # Reflexes from a shell must not end or freeze the exam.
        Binding("ctrl+c,ctrl+z,ctrl+backslash", "ignored_key", show=False,
                priority=True, system=True, id="candidate.ignored"),
    ]

    def __init__(self, store: Store, clock: Clock, *, source: str,
                 key_failures: KeyThrottle | None = None, timezone: str = "Europe/Paris",
                 check_interval: float = 10.0, renew_interval: float = 10.0,
                 warn_before: timedelta = timedelta(minutes=5), tick_spread: float = 10.0,
                 token: str | None = None, styles: SharedStyles | None = None) -> None:
        super().__init__(clock, styles=styles)
        self.store = store
        self.source = source
        self.throttle = key_failures or KeyThrottle()
        self.timezone = timezone
        self.check_interval = check_interval
        self.renew_interval = renew_interval
        self.warn_before = warn_before
        self.tick_spread = tick_spread
        self.token = token or secrets.token_hex(16)
        self.attempt: Attempt | None = None
        # The next screen, built while the candidate is busy with this one.
        self._identity: PreparedScreen[IdentityScreen] | None = None
        self._exam: PreparedScreen[ExamScreen] | None = None
        self._watch_timers: list[Timer] = []
        self._check: Timer | None = None
        self._beating: Worker[None] | None = None
        self._warned = False
        self._busy = False  # a submission or a loss is being handled

    def on_mount(self) -> None:
        super().on_mount()
        self.push_screen(self._key_screen())
        self.call_after_refresh(self._prepare_identity)  # once the prompt is painted

    def _prepare_identity(self) -> None:
        """The identity form comes after the key: built while it is typed."""
        if self._identity is None and not self._leaving:
            self._identity = PreparedScreen(self, IdentityScreen(None, first=True))

    def _key_screen(self, message: str = "") -> KeyScreen:
        return KeyScreen(self.store, self.clock, source=self.source, throttle=self.throttle,
                         token=self.token, timezone=self.timezone, message=message)

    # Routing ------------------------------------------------------------

    async def on_key_screen_opened(self, event: KeyScreen.Opened) -> None:
        self.attempt = Attempt(self.store, event.ticket, self.token)
        self._warned = False
        # Timer callbacks run in the timer's own task; screen changes are
        # queued on the app's message loop, so they never race each other.
        self._watch_timers = [self.set_interval(self.renew_interval, self._beat)]
        self._schedule_check()
        identity, self._identity = self._identity, None
        if self.attempt.has_identity:
            if identity is not None:
                identity.discard()
            await self.switch_screen(ExamScreen(self.attempt, self.clock, self.tick_spread))
            self.past_start()
        else:
            if identity is None:
                identity = PreparedScreen(self, IdentityScreen(None, first=True))
            (await identity.mounted()).show_attempt(self.attempt)
            await identity.show()
            # The questions come next: built while the identity is typed, they
            # show a few loop turns after « Valider » instead of a mount later.
            self._exam = PreparedScreen(
                self, ExamScreen(self.attempt, self.clock, self.tick_spread))
        await self.check_time()

    async def on_identity_screen_saved(self, event: IdentityScreen.Saved) -> None:
        if self.attempt is None:
            return
        if not event.first:
            await self.pop_screen()
        elif self._exam is not None:
            exam, self._exam = self._exam, None
            await exam.show()
            self.past_start()
        else:
            await self.switch_screen(ExamScreen(self.attempt, self.clock, self.tick_spread))
            self.past_start()

    async def on_exam_screen_finish(self, event: ExamScreen.Finish) -> None:
        await self.submit(automatic=False)

    async def on_key_lost(self, event: KeyLost) -> None:
        reason = event.refusal.reason
        if reason is KeyRefusal.CLOSED:
            await self.submit(automatic=True)
        elif reason is KeyRefusal.SUBMITTED:
            await self._show_result(None, automatic=True)
        else:
            await self._lost()

    @property
    def _leaving(self) -> bool:
        return self._exit or not self.is_running

    async def _replace_all(self, screen: Screen) -> None:
        """Show `screen` alone above the default screen (modals closed), in one
        frame: the screens closed on the way are not painted."""
        if self._leaving:
            return
        with self.batch_update():
            while len(self.screen_stack) > 2:
                await self.pop_screen()
            await self.switch_screen(screen)

    async def _close_modals(self) -> None:
        while len(self.screen_stack) > 2 and isinstance(self.screen, ModalScreen):
            await self.pop_screen()

    # Clock and lease ------------------------------------------------------

    def _schedule_check(self) -> None:
        """Run `check_time` when something it does may be due: the minute
        shown changes, the warning, the end (`next_check`); at the latest
        after `check_interval` seconds (a window extended meanwhile)."""
        attempt = self.attempt
        if attempt is None:
            return
        remaining = (attempt.ends_at - self.clock.now()).total_seconds()
        delay = next_check(remaining, tick_lead(attempt.key_id, self.tick_spread).total_seconds(),
                           self.warn_before.total_seconds(), self.check_interval)
        self._watch_timers = [timer for timer in self._watch_timers if timer is not self._check]
        self._check = self.set_timer(delay, partial(self.call_later, self._checked))
        self._watch_timers.append(self._check)

    async def _checked(self) -> None:
        await self.check_time()
        if self._watch_timers and not (self._busy or self._leaving):
            self._schedule_check()

    async def check_time(self) -> None:
        """Warn before the end of the window; submit automatically at the end."""
        attempt = self.attempt
        if attempt is None or self._busy or self._leaving:
            return
        now = self.clock.now()
        remaining = attempt.ends_at - now
        if remaining <= timedelta(0):
            await self.submit(automatic=True)
            return
        if remaining <= self.warn_before and not self._warned:
            self._warned = True
            end = clock_text(attempt.ends_at, attempt.ticket.timezone)
            self.notify(f"Il reste moins de {_minutes(self.warn_before)} : le QCM sera validé "
                        f"automatiquement à {end} avec les réponses enregistrées.",
                        title="Fin de l'évaluation", severity="warning", timeout=30)
        for screen in self.screen_stack:
            if isinstance(screen, ExamScreen):
                screen.show_time(ending=remaining <= self.warn_before)

    def _beat(self) -> None:
        """Renew the lease in a background worker, not on the app's message
        loop: every key goes through that loop, and a renewal waiting for a
        busy database (up to its busy timeout) held the candidate's keys.
        The worker calls `heartbeat` itself: a coroutine made here would be
        left unawaited by a worker cancelled before it starts."""
        if self._beating is None or self._beating.is_finished:
            self._beating = self.run_worker(self.heartbeat, group=BACKGROUND,
                                            exit_on_error=False)

    async def heartbeat(self) -> None:
        attempt = self.attempt
        if attempt is None or self._busy or self._leaving:
            return
        try:
            if await attempt.heartbeat():
                return
        except Exception:  # a busy or failing database: try again next beat
            logger.exception("heartbeat failed for key %s", attempt.key_id)
            return
        self.call_later(self._lease_refused, attempt)

    async def _lease_refused(self, attempt: Attempt) -> None:
        if attempt is not self.attempt or self._busy or self._leaving:
            return
        try:
            ticket = await attempt.reload()
        except Exception:
            logger.exception("reloading key %s failed", attempt.key_id)
            return
        if ticket.key.state is KeyState.SUBMITTED:  # by the server's sweeper
            await self._show_result(None, automatic=True)
        else:
            await self._lost()

    def _drop_attempt_state(self) -> None:
        """The attempt is over on this connection: its timers stop and the
        screens prepared are freed."""
        for timer in self._watch_timers:
            timer.stop()
        self._watch_timers = []
        for prepared in (self._identity, self._exam):
            if prepared is not None:
                prepared.discard()
        self._identity = self._exam = None

    async def _lost(self) -> None:
        if self._busy:
            return
        self._busy = True
        self._drop_attempt_state()
        self.attempt = None
        await self._replace_all(self._key_screen(LOST_TEXT))
        self._prepare_identity()
        self._busy = False

    # Submission -----------------------------------------------------------

    async def submit(self, *, automatic: bool) -> None:
        attempt = self.attempt
        if attempt is None or self._busy:
            return
        self._busy = True
        try:
            score: int | None = await attempt.submit()
        except KeyRefused as exc:
            if exc.reason is not KeyRefusal.SUBMITTED:
                self._busy = False
                await self._lost()
                return
            score, automatic = None, True  # the server's sweeper was first
        except Exception:
            logger.exception("submission failed for key %s", attempt.key_id)
            self._busy = False
            await self._close_modals()  # « Validation en cours… » is over
            self.notify("La validation n'a pas pu être enregistrée : réessayez. "
                        "Vos réponses sont conservées.", severity="error", timeout=15)
            return
        self._busy = False
        await self._show_result(score, automatic=automatic)

    async def _show_result(self, score: int | None, *, automatic: bool) -> None:
        attempt = self.attempt
        if attempt is None:
            return
        self._drop_attempt_state()
        self.attempt = None
        try:
            ticket = await attempt.reload()
        except Exception:
            logger.exception("reloading key %s after submission failed", attempt.key_id)
            ticket = attempt.ticket
        if score is None:
            score = ticket.participant.score
        await self._replace_all(ResultScreen(ticket, score, automatic=automatic))

    # Leaving ----------------------------------------------------------------

    def action_ignored_key(self) -> None:
        self.notify("Pour quitter, utilisez Ctrl+Q « Quitter ».", timeout=4)

    def action_request_quit(self) -> None:
        if isinstance(self.screen, ResultScreen):
            self.exit()
            return
        if isinstance(self.screen, ConfirmModal):
            return
        if self.attempt is None:
            text = "Quitter l'évaluation ?"
        else:
            end = clock_text(self.attempt.ends_at, self.attempt.ticket.timezone,
                             self.clock.now())
            text = ("Quitter maintenant ? Vos réponses sont enregistrées et le QCM n'est pas "
                    "validé : vous pourrez reprendre avec la même clé jusqu'à la fin "
                    f"({end}). Sans validation, il le sera automatiquement à cette heure-là.")
        self.push_screen(ConfirmModal(text, confirm="Quitter", cancel="Continuer"),
                         self._quit_confirmed)

    async def _quit_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            await self._release()
            self.exit()

    async def _release(self) -> None:
        attempt, self.attempt = self.attempt, None
        self._drop_attempt_state()
        if attempt is not None:
            try:
                await attempt.release()
            except Exception:  # the lease expires by itself after 30 s
                logger.exception("release failed for key %s", attempt.key_id)

    async def on_unmount(self) -> None:
        await self._release()


def next_check(remaining: float, lead: float, warn_before: float, longest: float) -> float:
    """Seconds until the candidate's clock next needs looking at: when the
    minute shown changes (« Temps restant » shows whole minutes of
    `remaining - lead`), when the end's warning is due, at the end; at most
    `longest`. A few milliseconds late rather than early, so the change has
    happened when it runs.

    Each session used to check every second: with 1,000 idle sessions the
    server used 30 % of a core, 22–24 % since (`bench/load.py`)."""
    shown = remaining - lead
    moments = [remaining, remaining - warn_before, shown % 60.0 if shown > 0 else remaining]
    due = min((moment for moment in moments if moment >= 0), default=0.0)
    return max(0.01, min(longest, due + 0.005))


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"
