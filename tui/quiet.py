"""Screens and a footer that send fewer bytes (a candidate may be on a slow link).

Measured at 80x24, 16 colours (tests/tui/test_candidate_bytes.py):
- Textual's `Screen.focused` is a repainting reactive: every focus move (a Tab
  between two fields) re-sends the whole screen, 3-5 KB. The focused and
  blurred widgets restyle themselves anyway, so the screen repaint is dropped.
- `Footer` rebuilds itself whenever bindings *may* have changed (every focus
  move), 2-3 times in a row; `QuietFooter` rebuilds only if what it shows changed.
"""

from __future__ import annotations

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer


class QuietFocus:
    """Mixin for screens: moving the focus repaints only the widgets concerned."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


class QuietFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)
        self._shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple(
            (key, binding.description, self.app.get_key_display(binding), enabled)
            for key, (_, binding, enabled, _) in screen.active_bindings.items()
            if binding.show
        )
        if shown == self._shown and self._bindings_ready:
            return
        self._shown = shown
        super().bindings_changed(screen)
