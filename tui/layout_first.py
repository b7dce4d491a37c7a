"""Screens never paint a widget's new content into its old size.

A widget whose content changes size (`Static.update`, a label, a list) takes
its new content at once but asks the screen for a layout later, when the
widget's own message queue is idle. Meanwhile the screen's update timer may
fire for another change of the same handler (a focus move, a selection) and
paint: the new text is then drawn clipped to the old region, and a moment
later the right frame follows. On a busy server the two frames leave seconds
apart, so a candidate read « elle ouvre le 13/05/2026 à » without the time,
and the slow link carried both frames.

`LayoutFirst` settles the screen before each paint: while messages are
still queued for the screen (a widget's Layout right behind its Update), the
paint waits for them (the screen's idle resumes it; at most a few timer
periods); a widget that changed size but has not told the screen yet is told
now, so its ancestors' cached arrangements are dropped and the layout that
follows sees its new size. Every frame sent shows a settled screen.

It also lays a screen out once where Textual did it two to three times: a
layout no longer asks for another one for the sizes it has just computed, and
a Resize to the size already laid out (which every screen's first layout sends
it) no longer lays out the screen and those under it again, unless a layout
is pending.

It overrides private methods of Textual's `Screen` (`_on_timer_update`,
`_refresh_layout`, `_screen_resized`) and uses the private `_message_queue`,
`_update_timer`, `_layout_required`, `_compositor` and `_check_refresh`;
tests/tui/test_layout_first.py fails if they change shape (pyproject pins
Textual to a minor range).
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.widget import Widget

from tui.form_focus import FormFocus
from tui.visible_renders import VisibleRendersCompositor

MAX_DEFERRALS = 3
"""Timer periods a paint may wait for queued messages (a flood never starves it)."""


class LayoutFirst(FormFocus):
    """Base for every screen of the three applications (modals included).

    Its compositor renders, for a partial repaint, only the widgets whose
    visible part it touches (tui/visible_renders.py).

    When a screen becomes active, Textual applies the stylesheet again to
    every one of its nodes, for what may have changed while it was suspended.
    A screen that has just been mounted had its styles applied as each node
    was mounted, a moment before: that second pass was about a tenth of a
    worker's CPU while a room's candidates arrived (py-spy, `bench/exam_room.py
    --profile`), so the first activation skips it."""

    _deferrals = 0
    _activated = False

    def __init__(self, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        self._compositor = VisibleRendersCompositor()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own `_on_screen_resume` (Textual calls one per
        # class, the subclass's first).
        if not self._activated:
            self._activated = True
            event.refresh_styles = False

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        # A full layout gives each widget its size and virtual size, and
        # Textual sets `virtual_size` as a layout reactive: every widget whose
        # size the layout has just computed asked for another layout, so each
        # new screen was laid out twice (a Layout message per widget, ~30
        # when the identity form is shown). Only those requests are dropped;
        # a widget that asked before this layout still gets its own.
        waiting = {widget for widget in self.walk_children(Widget) if widget._layout_required}
        super()._refresh_layout(size, scroll)
        for widget in self._compositor.widgets:
            if widget._layout_required and widget not in waiting:
                widget._layout_required = False

    def _screen_resized(self, size: Size) -> None:
        # The first layout of a screen sends the screen itself a Resize (it is
        # one of the widgets that layout showed), and on any Resize Textual
        # lays out the screen and the screens under it again. A Resize to the
        # size already laid out, with no layout asked for since, changes
        # nothing (one asked for is done now: sooner than by the timer).
        if size != self._compositor.size or self._layout_required:
            super()._screen_resized(size)

    def _on_timer_update(self) -> None:
        if not self._message_queue.empty() and self._deferrals < MAX_DEFERRALS:
            self._deferrals += 1
            self._update_timer.pause()  # the screen's idle resumes it
            return
        self._deferrals = 0
        pending = [widget for widget in self.walk_children(Widget) if widget._layout_required]
        for widget in pending:
            widget._check_refresh()  # what its idle would do: drop cached arrangements
        if pending:
            self._layout_required = True
        super()._on_timer_update()
