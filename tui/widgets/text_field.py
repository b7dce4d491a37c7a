"""A text field whose typing costs the field only.

Textual's `Input` sets its `virtual_size` (the text's width, for horizontal
scrolling) on every change of its value, and `virtual_size` is a reactive that
asks for a layout: every character typed re-arranged the whole screen. In an
exam room's first minutes, hundreds of candidates type their key and ~90
characters of identity at once, and that layout was most of each keystroke's
cost (measured with `bench/candidate_cpu.py`). The width of a field does not
depend on its text (unless it is `auto`, which `Input` still lays out), so the
virtual size is kept up to date without a layout pass.

Each character also posted `Input.Changed`, which bubbles from the field to
the app, one message pump (one turn of the server's event loop) per
container. Nothing on the candidate's screens reads it, and the driver hands
a session's next key over only once the previous one's messages are all
handled (`sshserver/inputs.py`): on a loaded server each of those turns was
waited for, per character. A field whose ancestors have no handler for
`Input.Changed` when it is mounted does not post it.

Such a field's typing is local: a printable key changes the field's text and
nothing else (no message leaves it, no focus moves), so the driver may hand it
the next typed character without waiting for the previous one's paint
(`sshserver/inputs.py`, `typed_ahead`)."""

from __future__ import annotations

from textual import events
from textual.dom import DOMNode
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input


def listened(node: DOMNode, message: type[Message]) -> bool:
    """Whether `node` or an ancestor (screen and app included) handles
    `message`, by a method named after it or an `@on` handler (Textual's two
    ways, looked up as Textual's dispatch does: per class of each MRO)."""
    kinds = [kind for kind in message.__mro__
             if issubclass(kind, Message) and kind is not Message]
    names = (message.handler_name, f"_{message.handler_name}")
    for each in node.ancestors_with_self:
        for cls in type(each).__mro__:
            decorated = cls.__dict__.get("_decorated_handlers") or {}
            if any(kind in decorated for kind in kinds):
                return True
            if any(name in cls.__dict__ for name in names):
                return True
    return False


class TextField(Input):
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    typing_is_local = False
    """Whether a printable key only changes this field's text (set on mount)."""

    def _on_mount(self, event: events.Mount) -> None:
        # Runs beside Input's own `_on_mount` (Textual calls one per class).
        if not listened(self, Input.Changed):
            self.disable_messages(Input.Changed)
            # A suggester looks its suggestion up in a worker.
            self.typing_is_local = self.suggester is None
