"""`settle` (sshserver/inputs.py) waits for an input event's consequences
without adding work of its own: waiting for a screen's paint is one message,
not a poll of the screen's queue (which also held the paint back: a screen
defers its paint while messages are queued to it, tui/layout_first.py)."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Button, Static

from sshserver.inputs import Pumps, settle
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
            assert await settle(app, set(app.workers), Pumps())
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
        assert await settle(app, set(app.workers), Pumps())
        assert len(hooked) - before <= 2


async def test_the_pumps_follow_mounts_and_removals_deep_in_the_screen():
    """Pumps keeps its walk of the active screen while the screen's private
    `_nodes._updates` (changes anywhere below it) stays the same."""
    app = Tiny()
    pumps = Pumps()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        first = list(pumps(app))
        assert first[0] is app and screen in first
        assert list(pumps(app)) == first  # unchanged tree: the same walk
        button = screen.query_one("#no", Button)
        deep = Static("ajouté")
        version = screen._nodes._updates
        await button.mount(deep)  # two levels below the screen
        assert screen._nodes._updates != version
        assert deep in list(pumps(app))
        await deep.remove()
        assert deep not in list(pumps(app))
        modal = TwoButtons()
        await app.push_screen(modal)
        now = list(pumps(app))
        assert screen in now and modal in now and button not in now
