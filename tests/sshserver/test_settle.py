"""`settle` (sshserver/inputs.py) waits for an input event's consequences
without adding work of its own: waiting for a screen's paint is one message,
not a poll of the screen's queue (which also held the paint back: a screen
defers its paint while messages are queued to it, tui/layout_first.py)."""

from __future__ import annotations

from textual import events, messages
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Button, Static

from sshserver.inputs import Pumps, _waits_for_paint, settle
from tui.layout_first import LayoutFirst


class TwoButtons(LayoutFirst):
    def compose(self) -> ComposeResult:
        yield Button("Oui", id="yes")
        yield Button("Non", id="no")


class Recording(Button):
    """A button that notes the keys offered to it."""

    def __init__(self, label: str, id: str) -> None:
        super().__init__(label, id=id)
        self.keys: list[str] = []

    def on_key(self, event: events.Key) -> None:
        self.keys.append(event.key)


class TwoRecording(LayoutFirst):
    def compose(self) -> ComposeResult:
        yield Recording("Oui", id="yes")
        yield Recording("Non", id="no")


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


async def test_tab_moves_the_focus_before_any_widget_is_offered_it():
    """Tab is a priority binding of every screen (tui/form_focus.py): Textual
    acts on it as the app receives it, instead of offering it to the focused
    widget and each ancestor first, a turn of the event loop each."""
    app = Tiny()
    async with app.run_test() as pilot:
        await app.push_screen(TwoRecording())
        yes, no = app.screen.query_one("#yes", Recording), app.screen.query_one("#no", Recording)
        yes.focus()
        await pilot.pause()
        for key, expected in (("tab", no), ("shift+tab", yes), ("x", yes)):
            app.post_message(events.Key(key, None))
            assert await settle(app, set(app.workers), Pumps())
            assert app.focused is expected
        assert yes.keys == ["x"] and no.keys == []


async def test_a_focus_move_waits_for_no_paint():
    """The footer's update that Textual schedules after a focus move's paint
    is nothing a key waits for; any other after-paint callback is."""
    app = Tiny()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        screen.set_focus(screen.query_one("#no", Button))
        # Textual asks for it by a message to the screen (private queue).
        queued = [message.callback for message in screen._message_queue.values
                  if isinstance(message, messages.InvokeLater)]
        assert [getattr(callback, "func", None) for callback in queued] == [
            screen.refresh_bindings]
        screen._invoke_later(queued[0], screen)  # as handling the message does
        assert not _waits_for_paint(screen)
        screen._invoke_later(lambda: None, screen)
        assert _waits_for_paint(screen)


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


async def test_a_callback_after_the_next_paint_is_waited_for():
    """A screen holding a callback for after its next paint is not settled
    until that paint and the callback have run: settle posts one callback of
    its own behind it (Textual's `InvokeLater`, posted as `call_after_refresh`
    posts it, without the partial Textual would count the parameters of each
    time)."""
    ran: list[str] = []
    app = Tiny()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        screen._invoke_later(lambda: ran.append("after paint"), screen)
        screen.refresh()
        assert _waits_for_paint(screen)
        assert await settle(app, set(app.workers), Pumps(), limit=5.0)
        assert ran == ["after paint"]
        assert not _waits_for_paint(screen)
