"""`settle` (sshserver/inputs.py) waits for an input event's consequences
without adding work of its own: waiting for a screen's paint is one message,
not a poll of the screen's queue (which also held the paint back: a screen
defers its paint while messages are queued to it, tui/layout_first.py)."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Button

from sshserver.inputs import settle
from tui.layout_first import LayoutFirst


class TwoButtons(LayoutFirst):
    def compose(self) -> ComposeResult:
        yield Button("Oui", id="yes")
        yield Button("Non", id="no")


class Tiny(App[None]):
    def on_mount(self) -> None:
        self.push_screen(TwoButtons())


async def test_a_focus_move_settles_in_a_few_messages():
    """Tab between two buttons: the focus moves, both repaint, and callbacks
    wait for the paint. Polling the screen meanwhile cost 80–90 messages per
    Tab (and on a loaded server as many turns of the event loop); now ~18."""
    hooked: list[Message] = []
    app = Tiny()
    async with app.run_test(message_hook=hooked.append) as pilot:
        await pilot.pause()
        app.screen.query_one("#yes", Button).focus()
        await pilot.pause()
        await pilot.pause()
        for expected in ("no", "yes", "no", "yes"):
            before = len(hooked)
            app.post_message(events.Key("tab", None))
            assert await settle(app, set(app.workers))
            assert app.focused is not None and app.focused.id == expected
            handled = [type(message).__name__ for message in hooked[before:]]
            assert len(handled) <= 30, handled


async def test_a_settled_app_settles_at_once():
    hooked: list[Message] = []
    app = Tiny()
    async with app.run_test(message_hook=hooked.append) as pilot:
        await pilot.pause()
        await pilot.pause()
        before = len(hooked)
        assert await settle(app, set(app.workers))
        assert len(hooked) - before <= 2
