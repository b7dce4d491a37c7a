"""Which keys the driver hands over without waiting for the previous one's
consequences (sshserver/inputs.py, `typed_ahead`): characters typed ahead into
a text field whose typing is local. Their effect on a slow loop, through the
real server and client, is tested in tests/e2e/test_input_bursts.py."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Input

from sshserver.inputs import typed_ahead
from tui.widgets.text_field import TextField


class BoundField(TextField):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "noop")]

    def action_noop(self) -> None:
        pass


class Fields(Screen[None]):
    # Textual gives no ancestor's binding a key the focused field takes as text.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "noop", priority=True)]

    def compose(self) -> ComposeResult:
        yield TextField(id="quiet")
        yield BoundField(id="bound")
        yield TextField(id="suggested", suggester=SuggestFromList(["Lyon"]))
        yield Input(id="plain")

    def action_noop(self) -> None:
        pass


class Listening(Screen[None]):
    def compose(self) -> ComposeResult:
        yield TextField(id="quiet")

    @on(Input.Changed)
    def changed(self) -> None:
        pass


class Host(App[None]):
    def __init__(self, screen: Screen[None]) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)


def key(character: str) -> events.Key:
    return events.Key(character, character)


async def test_only_plain_characters_into_a_quiet_text_field_go_in_together() -> None:
    app = Host(Fields())
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#quiet").focus()
        await pilot.pause()
        assert typed_ahead(app, key("a"), key("b"))
        assert typed_ahead(app, key("é"), key(" "))
        assert not typed_ahead(app, key("a"), events.Key("tab", None))
        assert not typed_ahead(app, events.Key("enter", "\r"), key("a"))
        assert not typed_ahead(app, key("a"), events.Paste("b"))
        assert typed_ahead(app, key("x"), key("y"))
        await pilot.press("y")
        assert screen.query_one("#quiet", TextField).value == "y"
        screen.query_one("#bound").focus()
        await pilot.pause()
        assert typed_ahead(app, key("a"), key("b"))
        assert not typed_ahead(app, key("a"), key("x"))  # the field's own binding
        for other in ("#suggested", "#plain"):
            screen.query_one(other).focus()
            await pilot.pause()
            assert not typed_ahead(app, key("a"), key("b")), other


async def test_a_field_whose_changes_are_listened_to_waits_for_each_character() -> None:
    app = Host(Listening())
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.query_one("#quiet").focus()
        await pilot.pause()
        assert not typed_ahead(app, key("a"), key("b"))
