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
FOCUS_CLASS = "-focus"
LABEL_CLASS = "field-label"


def focus_labels(widget: Widget | None) -> list[Widget]:
    """The label of the form line holding `widget`: the `.field-label` right
    before it, or before the nearest of its ancestors that has one right
    before it (a line is a row of its own, or a label and its field side by
    side in a grid)."""
    node: DOMNode | None = widget
    while node is not None and not isinstance(node, Screen):
        parent = node.parent
        if parent is None:
            break
        siblings = parent.children
        index = siblings.index(node)
        before = siblings[index - 1] if index > 0 else None
        if isinstance(before, Widget) and before.has_class(LABEL_CLASS):
            return [before]
        node = parent
    return []


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
        self._marked_labels: list[Widget] = []

    def _prune(self, *nodes: Widget, parent: DOMNode | None = None) -> AwaitRemove:
        # Every removal comes here (a screen popped, a widget removed, the
        # screens at exit): their cycles are cut once they have exited.
        released_on_exit(nodes)
        return super()._prune(*nodes, parent=parent)

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

    # One focus marker on every form: the focused field's label is drawn in
    # reverse video (tui/qcm.tcss, `.field-label.-focus`), which needs no
    # colour. A class set here, rather than `:focus-within` in the stylesheet:
    # the label is not the focused widget, so a focus move restyled it but
    # nothing repainted it (screens skip their repaint on focus moves).

    def _on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Idle means no bytes: a blinking cursor (Input, TextArea) would send
        # about 43 B/s to an idle terminal. A steady cursor shows the same.
        if getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False  # type: ignore[attr-defined]
        self._mark_focused_label()

    def _on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._mark_focused_label()

    def _mark_focused_label(self) -> None:
        # No screen any more while the app shuts down: nothing to mark.
        labels = focus_labels(self.focused) if self.screen_stack else []
        for label in self._marked_labels:
            if label not in labels:
                label.remove_class(FOCUS_CLASS)
        for label in labels:
            label.add_class(FOCUS_CLASS)
        self._marked_labels = labels

    async def _check_guard(self) -> None:
        guard = self.guard
        assert guard is not None
        if guard.still_allowed is not None and not await guard.still_allowed():
            self.exit(message=DISABLED_MESSAGE)
        elif (guard.idle_timeout is not None
              and time.monotonic() - self.last_activity > guard.idle_timeout):
            self.exit(message=IDLE_MESSAGE)
