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
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

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


class CountsLayouts(Screen):
    """Rows of a label and a field, as the identity form has; counts layouts."""

    DEFAULT_CSS = "CountsLayouts Horizontal { height: auto; }"
    layouts = resizes = 0

    def on_resize(self) -> None:
        self.resizes += 1

    def compose(self) -> ComposeResult:
        for n in range(6):
            with Horizontal():
                yield Label(f"Champ {n}")
                yield Label(f"Valeur {n}", id=f"field{n}")
        yield Static("", id="message")

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        self.layouts += 1
        super()._refresh_layout(size, scroll)


class FormScreen(CountsLayouts, LayoutFirst):
    pass


def text(screen: Screen) -> str:
    rows = screen._compositor.render_full_update(simplify=True).strips
    return "".join(row[0].text for row in rows)  # type: ignore[index]


async def test_a_layout_does_not_ask_for_another_one():
    # A label grows: Textual alone lays the screen out again for each widget
    # whose size that layout changed.
    for screen, expected in ((CountsLayouts(), 2), (FormScreen(), 1)):
        app = Host(screen)
        async with app.run_test(size=(40, 24)) as pilot:
            await pilot.pause()
            layouts = screen.layouts
            screen.query_one("#field5", Label).update("Valeur 5 plus longue")
            await pilot.pause()
            await pilot.pause()
            assert screen.layouts - layouts == expected
            assert "Champ 5Valeur 5 plus longue" in text(screen)


async def test_a_resized_screen_is_laid_out_once():
    # Textual alone lays a screen out twice on each Resize it gets, and it
    # gets two for one resize of the terminal (the app's, then its own, sent
    # by its first layout at the new size).
    for screen, ours in ((CountsLayouts(), False), (FormScreen(), True)):
        app = Host(screen)
        async with app.run_test(size=(40, 24)) as pilot:
            await pilot.pause()
            layouts, resizes = screen.layouts, screen.resizes
            await pilot.resize_terminal(60, 30)
            await pilot.pause()
            assert screen.resizes - resizes == 2
            assert screen.layouts - layouts == (1 if ours else 4)
            assert screen._compositor.size == Size(60, 30)
            assert "Champ 5Valeur 5" in text(screen)
            assert screen.query_one("#field5", Label).region.y == 5


async def test_a_layout_asked_for_before_a_layout_is_kept():
    app = Host(FormScreen())
    async with app.run_test(size=(40, 24)) as pilot:
        message = await settled(app, pilot)
        screen = app.screen
        message.update(LONG)  # asks for a layout, at its idle
        assert message._layout_required
        screen._refresh_layout(Size(40, 20))  # a resize lays out first
        assert message._layout_required  # its own request is still to come
        await pilot.pause()
        assert message.region.height >= 4
