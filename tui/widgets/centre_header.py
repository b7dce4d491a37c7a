"""Top line of every centre screen: who is connected and the server's time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from domain.text import safe_text
from domain.window import local_text
from tui.centre_context import CentreContext
from tui.widgets.plain import Plain


class CentreHeader(Horizontal):
    """Shows the server's current time in the centre's time zone, so nobody
    has to guess the clock the exam windows are judged against."""

    def __init__(self, ctx: CentreContext) -> None:
        super().__init__(id="centre-header")
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        # At 80 columns the clock takes 44: the centre and login get the rest.
        who = f"{self.ctx.centre.name} · {self.ctx.account.login}"
        yield Plain(safe_text(who, 34), id="header-who")
        yield Plain(self.clock_text(), id="header-clock")

    def on_mount(self) -> None:
        self.set_interval(5, self.tick)

    def clock_text(self) -> str:
        now = local_text(self.ctx.clock.now(), self.ctx.timezone)
        return f"Serveur : {now} ({self.ctx.timezone})"

    def tick(self) -> None:
        text = self.clock_text()
        clock = self.query_one("#header-clock", Static)
        if str(clock.content) != text:  # repaint once a minute, not every tick
            clock.update(text)
