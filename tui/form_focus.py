"""Focus on every screen: Tab moves it at once, and the focused field's label
is marked.

Tab and Maj+Tab are priority bindings here: Textual checks an ordinary
binding only once the key has been offered to the focused widget and each of
its ancestors, a turn of the event loop each, and the SSH driver holds the
next key until the focus has moved (sshserver/inputs.py); no widget of ours
takes Tab for itself.

The focused field's label is drawn in reverse video (tui/qcm.tcss,
`.field-label.-focus`), which needs no colour. A class set when the screen's
focus changes, rather than `:focus-within` in the stylesheet: the label is
not the focused widget, so a focus move restyled it but nothing repainted it
(screens skip their repaint on focus moves). The screen shown marks its own
labels as its focus changes, without waiting for Textual's focus events to
bubble up to the app, and again when it is shown (a screen prepared off the
stack, tui/prepared_screen.py, or one a modal covered)."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

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


class FormFocus(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", show=False, priority=True, id="focus.next"),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True,
                id="focus.previous"),
    ]

    _marked_labels: tuple[Widget, ...] = ()

    def watch_focused(self, focused: Widget | None) -> None:
        # Idle means no bytes: a blinking cursor (Input, TextArea) would send
        # about 43 B/s to an idle terminal. A steady cursor shows the same.
        if getattr(focused, "cursor_blink", False):
            focused.cursor_blink = False  # type: ignore[union-attr]
        if self.is_current:
            self._mark(focused)

    # One marker on the terminal: a screen under a modal shows none.

    def _on_screen_suspend(self) -> None:
        self._mark(None)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual runs each class's own handler: this one, then Screen's.
        self._mark(self.focused)

    def _mark(self, focused: Widget | None) -> None:
        labels = focus_labels(focused)
        for label in self._marked_labels:
            if label not in labels:
                label.remove_class(FOCUS_CLASS)
        for label in labels:
            label.add_class(FOCUS_CLASS)
        self._marked_labels = tuple(labels)
