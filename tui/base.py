"""What every qcm-ssh application shares: one stylesheet, no eye candy."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import App
from textual.await_remove import AwaitRemove
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from domain.clock import Clock
from tui.layout_first import LayoutFirst
from tui.release import ReleasingWorkers, released_on_exit
from tui.shared_styles import SharedStyles

BACKGROUND = "background"
"""Worker group of work no input asked for (a lease renewal): the SSH driver
does not hold a session's next key until it ends (sshserver/inputs.py)."""
KEY_NAMES = {
    "escape": "Échap", "enter": "Entrée", "delete": "Suppr", "space": "Espace",
    "backspace": "Effacement", "tab": "Tab", "shift+tab": "Maj+Tab", "home": "Début",
    "end": "Fin", "pageup": "Pg préc.", "pagedown": "Pg suiv.",
}
"""How footers name the keys Textual would show in English (« esc »)."""

IDLE_MESSAGE = "Session fermée après une longue inactivité."
DISABLED_MESSAGE = "Votre compte a été désactivé : la session est fermée."


@dataclass(frozen=True)
class SessionGuard:
    """Ends a staff session that sits idle, or whose account was disabled."""

    idle_timeout: float | None = None  # seconds without a key or click
    still_allowed: Callable[[], Awaitable[bool]] | None = None
    interval: float = 10.0


class QcmApp(App):
    """Base of the three applications (centre, candidate, administration).

    Collaborators come through the constructor: many apps share one process,
    so nothing is global. Subclasses stay thin: routing and modes only.

    `styles` is the worker's cache of parsed CSS, shared by its apps; without
    it the app parses into a cache of its own."""

    CSS_PATH = "qcm.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "qcm-ssh"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quitter", priority=True, id="quit"),
    ]

    def __init__(self, clock: Clock, guard: SessionGuard | None = None, *,
                 styles: SharedStyles | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._workers = ReleasingWorkers(self)
        # App.__init__ made an empty Stylesheet (sources come at startup): swap it.
        self.shared_styles = SharedStyles() if styles is None else styles
        self.stylesheet = self.shared_styles.stylesheet(self.get_css_variables())
        self.clock = clock
        self.guard = guard
        self.animation_level = "none"
        self.last_activity = time.monotonic()
        self.past_start: Callable[[], None] = lambda: None
        """Called when the user is past what costs the server most (a candidate
        reaching the questions): the server's door lets the next one in."""

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """A node not in the DOM yet is styled when it is mounted (Textual's
        `App._register` applies the stylesheet to it), not before.

        Textual restyles a node, and the nodes under it, whenever one of its
        classes changes, mounted or not: a text field built `compact` took
        its class, and a pass of the stylesheet, in its constructor; nine of
        them made that ~3 % of a worker's CPU while a room arrives."""
        if node is self or node.is_attached:
            super().update_styles(node, animate)

    def _prune(self, *nodes: Widget, parent: DOMNode | None = None) -> AwaitRemove:
        # Every removal comes here (a screen popped, a widget removed, the
        # screens at exit): their cycles are cut once they have exited.
        released_on_exit(nodes)
        return super()._prune(*nodes, parent=parent)

    async def _close_all(self) -> None:
        # At exit Textual prunes the screens of its stacks, and only closes the
        # other nodes it registered: a screen prepared off the stack
        # (tui/prepared_screen.py) is pruned too, so that it is released.
        stacked = [screen for stack in self._screen_stacks.values() for screen in stack]
        for node in list(self._registry):
            if isinstance(node, Screen) and node._running and node not in stacked:
                await self._prune(node)
        await super()._close_all()

    def get_default_screen(self) -> Screen:
        """The screen under all others, with the compositor every screen has."""
        return LayoutFirst(id="_default")

    def get_key_display(self, binding: Binding) -> str:
        """Footers name keys in French (Textual's public hook for it)."""
        if not binding.key_display:
            name = KEY_NAMES.get(binding.key.split(",")[0])
            if name is not None:
                return name
        return super().get_key_display(binding)

    def on_mount(self) -> None:
        if self.guard is not None:
            self.set_interval(self.guard.interval, self._check_guard, name="session-guard")

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's own reminder of how to quit, in French."""
        self.notify("Pour quitter, appuyez sur Ctrl+Q.", title="Quitter ?")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_activity = time.monotonic()
        await super().on_event(event)

    async def _check_guard(self) -> None:
        guard = self.guard
        assert guard is not None
        if guard.still_allowed is not None and not await guard.still_allowed():
            self.exit(message=DISABLED_MESSAGE)
        elif (guard.idle_timeout is not None
              and time.monotonic() - self.last_activity > guard.idle_timeout):
            self.exit(message=IDLE_MESSAGE)
