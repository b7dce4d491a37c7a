"""A partial repaint renders only the widgets it touches (tui/visible_renders.py).

The same form, in a scrolling container, is driven on a plain Textual screen
and on our screen base: every frame both send is played into a terminal
emulator (pyte), and the two terminals must show the same cells, colours and
attributes after each step, while ours renders far fewer widgets. These tests
also guard the private Textual API the compositor relies on."""

from __future__ import annotations

import inspect

import pyte
from rich.console import Console
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from tui.layout_first import LayoutFirst
from tui.visible_renders import VisibleRendersCompositor

WIDTH, HEIGHT = 60, 16


class FormScreen(LayoutFirst):
    CSS = """
    .row { height: auto; }
    Label { width: 12; }
    Input { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("Vos informations")
            yield Static("Une ligne d'aide, assez longue pour occuper une ligne entière " * 2)
            for n in range(12):  # taller than the screen: the container scrolls
                with Horizontal(classes="row"):
                    yield Label(f"Champ {n}")
                    yield Input(id=f"f{n}", compact=True)
                yield Static(f"note {n}")


class PlainFormScreen(Screen):
    CSS = FormScreen.CSS
    compose = FormScreen.compose


class Terminal(App):
    """Plays every frame into a pyte screen; counts widget renders."""

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.first = screen
        self.pyte = pyte.Screen(WIDTH, HEIGHT)
        self.stream = pyte.Stream(self.pyte)
        self.console = Console(width=WIDTH, height=HEIGHT, force_terminal=True,
                               color_system="truecolor", legacy_windows=False)
        self.renders = 0

    def on_mount(self) -> None:
        self.push_screen(self.first)

    def _display(self, screen, update) -> None:  # type: ignore[no-untyped-def]
        if update is not None and screen is self.first:
            self.stream.feed(update.render_segments(self.console))
        super()._display(screen, update)

    def cells(self) -> list[list[tuple]]:
        return [[(cell.data, cell.fg, cell.bg, cell.bold, cell.reverse)
                 for cell in (self.pyte.buffer[y][x] for x in range(WIDTH))]
                for y in range(HEIGHT)]


def test_textual_still_has_the_shape_we_override():
    assert list(inspect.signature(Compositor._get_renders).parameters) == ["self", "crop"]
    assert "self._compositor = Compositor()" in inspect.getsource(Screen.__init__)
    assert "self._get_renders(crop)" in inspect.getsource(Compositor._render_chops)
    assert isinstance(FormScreen()._compositor, VisibleRendersCompositor)
    assert type(PlainFormScreen()._compositor) is Compositor


async def test_same_frames_far_fewer_renders(monkeypatch):
    plain, ours = Terminal(PlainFormScreen()), Terminal(FormScreen())
    render_lines = Widget.render_lines

    def counted(self, crop):  # type: ignore[no-untyped-def]
        for app in (plain, ours):
            if self.screen is app.first:
                app.renders += 1
        return render_lines(self, crop)

    monkeypatch.setattr(Widget, "render_lines", counted)

    async def step(keys: list[str]) -> None:
        for app, pilot in ((plain, plain_pilot), (ours, our_pilot)):
            app.renders = 0
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause()
        assert ours.cells() == plain.cells(), keys

    async with plain.run_test(size=(WIDTH, HEIGHT)) as plain_pilot, \
            ours.run_test(size=(WIDTH, HEIGHT)) as our_pilot:
        for app, pilot in ((plain, plain_pilot), (ours, our_pilot)):
            await pilot.pause()
            app.screen.query_one("#f0", Input).focus()
            await pilot.pause()
        assert ours.cells() == plain.cells()
        assert "Champ 0" in "".join(ours.pyte.display)
        await step(["D"])
        assert ours.renders == 1 and plain.renders >= 4  # the field only, not the whole form
        for keys in (["u"], ["p", "o", "n", "t"], ["tab"], ["x", "y"], ["backspace"]):
            await step(keys)
        for _ in range(9):  # down the form: the container scrolls
            await step(["tab"])
            await step(["z"])
        assert "Champ 9" in "".join(ours.pyte.display)
        await step(["shift+tab", "a"])
