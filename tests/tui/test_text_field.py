"""TextField posts `Input.Changed` only where something handles it.

Each character typed used to post a Changed message that bubbled from the
field to the app, one message pump per container, with nobody reading it on
the candidate's screens (tui/widgets/text_field.py)."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from tui.widgets.text_field import TextField, listened


class Plain(Screen):
    def compose(self) -> ComposeResult:
        with Vertical(), Horizontal():
            yield TextField(id="field")


class Decorated(Plain):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    @on(Input.Changed, "#field")
    def changed(self, event: Input.Changed) -> None:
        self.seen.append(event.value)


class Quiet(App[None]):
    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)


class Named(Quiet):
    """Handles Changed by naming convention, two levels above the field's screen."""

    def __init__(self, screen: Screen) -> None:
        super().__init__(screen)
        self.seen: list[str] = []

    def on_input_changed(self, event: Input.Changed) -> None:
        self.seen.append(event.value)


async def _type(app: App[None], text: str) -> tuple[str, list[Message]]:
    hooked: list[Message] = []
    async with app.run_test(message_hook=hooked.append) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#field", TextField)
        field.focus()
        await pilot.press(*text)
        await pilot.pause()
        return field.value, [m for m in hooked if isinstance(m, Input.Changed)]


async def test_no_changed_messages_where_nobody_handles_them():
    value, changed = await _type(Quiet(Plain()), "dupont")
    assert value == "dupont"
    assert changed == []


async def test_a_decorated_handler_on_the_screen_still_gets_every_change():
    screen = Decorated()
    value, changed = await _type(Quiet(screen), "abc")
    assert value == "abc"
    assert screen.seen == ["a", "ab", "abc"]
    assert changed


async def test_a_handler_named_on_the_app_still_gets_every_change():
    app = Named(Plain())
    value, _ = await _type(app, "xy")
    assert value == "xy"
    assert app.seen == ["x", "xy"]


async def test_listened_looks_through_every_ancestor_and_both_ways():
    async with Quiet(Decorated()).run_test() as pilot:
        await pilot.pause()
        field = pilot.app.screen.query_one("#field")
        assert listened(field, Input.Changed)
        assert not listened(field, Input.Submitted)
    async with Quiet(Plain()).run_test() as pilot:
        await pilot.pause()
        assert not listened(pilot.app.screen.query_one("#field"), Input.Changed)
