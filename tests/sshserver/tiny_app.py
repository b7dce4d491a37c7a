"""A tiny Textual app for transport tests and byte measurements."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Label, Static


class SizeLine(Static):
    """Shows the terminal size, so tests can see a resize was laid out."""

    def on_resize(self) -> None:
        self.update(f"bas de l'écran {self.app.size.width}x{self.app.size.height}")


class GreetLink(Static):
    """A clickable line: mouse clicks reach the app."""

    def on_click(self) -> None:
        self.app.call_later(self.app.run_action, "greet")


class TinyApp(App[None]):
    """A greeting, a text field and a footer line pinned to the bottom."""

    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #greeting { height: 1; }
    #name { width: 40; }
    #greet-link { width: auto; }
    #bottom { dock: bottom; height: 1; }
    """
    BINDINGS = [
        Binding("f5", "greet", "Saluer", id="greet"),
        Binding("f8", "hang", "Bloquer", id="hang"),
        Binding("f9", "crash", "Planter", id="crash"),
        Binding("f10", "leave", "Quitter", id="leave"),
    ]

    def __init__(self, principal: str = "alice") -> None:
        super().__init__()
        self.principal = principal

    def compose(self) -> ComposeResult:
        yield Label(f"Bonjour {self.principal}", id="greeting")
        field = Input(placeholder="Votre nom", id="name")
        field.cursor_blink = False
        yield field
        yield GreetLink("[Saluer]", markup=False, id="greet-link")
        yield SizeLine("bas de l'écran", id="bottom")

    def action_greet(self) -> None:
        name = self.query_one("#name", Input).value
        # User text is never markup: "[" in a name must not break the app.
        self.query_one("#greeting", Label).update(Content(f"Salut {name} !"))

    async def action_hang(self) -> None:
        """Block the app's message loop, as a handler awaiting forever would."""
        self.query_one("#greeting", Label).update("Bloqué")
        self.refresh()
        await asyncio.sleep(0.05)  # let the screen show it before blocking
        await asyncio.Event().wait()

    def action_crash(self) -> None:
        raise RuntimeError("boom (volontaire)")

    def action_leave(self) -> None:
        self.exit(message="Au revoir !")
