"""Screens paint only settled layouts (tui/layout_first.py).

On a loaded server the screen's update timer used to fire between a widget's
new content and its new size: the candidate's key screen showed the first
line of « L'évaluation n'est pas encore ouverte : elle ouvre le 13/05/2026 à »
and the time came in a later frame (tests/e2e/test_candidate_e2e.py failed
3 runs in 4 on a loaded machine). These tests fire the timer at exactly those
two moments instead of hoping a loaded machine does; they also guard the
private Textual API the fix relies on."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.layout_first import MAX_DEFERRALS, LayoutFirst

LONG = " ".join(["L'évaluation n'est pas encore ouverte : elle ouvre le 13/05/2026 à 10:00"] * 2)


class Noise(Message):
    """A message nobody handles."""


class MessageScreen(LayoutFirst):
    def compose(self) -> ComposeResult:
        yield Input(id="field")
        yield Static("", id="message")


class PlainScreen(Screen):
    compose = MessageScreen.compose


class Host(App):
    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.first = screen
        self.frames = 0

    def on_mount(self) -> None:
        self.push_screen(self.first)

    def _display(self, screen, update) -> None:  # type: ignore[no-untyped-def]
        self.frames += 1
        super()._display(screen, update)


async def settled(app: Host, pilot) -> Static:  # type: ignore[no-untyped-def]
    await pilot.pause()
    message = app.screen.query_one("#message", Static)
    assert message.region.height == 1  # empty: one blank line
    return message


async def test_a_widget_that_has_not_yet_told_the_screen_is_laid_out_before_the_paint():
    for screen, fixed in ((PlainScreen(), False), (MessageScreen(), True)):
        app = Host(screen)
        async with app.run_test(size=(40, 24)) as pilot:
            message = await settled(app, pilot)
            message.update(LONG)  # new content; its Layout is posted at its idle
            app.screen.query_one("#field", Input).focus()
            app.screen._dirty_widgets.add(message)
            app.screen._on_timer_update()  # the timer fires first
            # Textual alone paints the new text into the old (empty) region.
            assert (message.region.height >= 4) is fixed
            await pilot.pause()
            assert message.region.height >= 4


async def test_the_paint_waits_for_messages_queued_for_the_screen():
    app = Host(MessageScreen())
    async with app.run_test(size=(40, 24)) as pilot:
        message = await settled(app, pilot)
        screen = app.screen
        message.update(LONG)
        message._check_refresh()  # Update then Layout, queued for the screen
        screen._dirty_widgets.add(message)  # as if the Update were handled, not the Layout
        assert not screen._message_queue.empty()
        frames = app.frames
        screen._on_timer_update()
        assert app.frames == frames  # nothing painted while the Layout waits
        await pilot.pause()
        assert message.region.height >= 4 and app.frames > frames


async def test_a_flood_of_messages_does_not_starve_the_paint():
    app = Host(MessageScreen())
    async with app.run_test(size=(40, 24)) as pilot:
        message = await settled(app, pilot)
        screen = app.screen
        message.update(LONG)
        frames = app.frames
        for _ in range(MAX_DEFERRALS + 1):
            screen.post_message(Noise())
            screen._on_timer_update()
        assert app.frames > frames  # the last call paints although messages wait
        assert message.region.height >= 4
