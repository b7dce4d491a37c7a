"""A progress bar with a status line, for long work run in a worker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from tui.widgets.plain import Plain


class WorkProgress(Vertical):
    DEFAULT_CLASSES = "work-progress"

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=None, show_eta=False, id="progress-bar")
        yield Plain("", id="progress-status")

    def start(self, message: str, total: float | None = None) -> None:
        self.add_class("-running")
        self.query_one(ProgressBar).update(total=total, progress=0)
        self.say(message)

    def advance_to(self, done: float, total: float | None = None) -> None:
        if not self.is_attached:
            return
        bar = self.query_one(ProgressBar)
        bar.update(total=total if total is not None else bar.total, progress=done)

    def finish(self, message: str) -> None:
        bar = self.query_one(ProgressBar)
        total = 1.0 if bar.total is None else bar.total
        bar.update(total=total, progress=total)
        self.say(message)

    def fail(self, message: str) -> None:
        self.remove_class("-running")
        self.say(message)

    def say(self, message: str) -> None:
        self.query_one("#progress-status", Static).update(message)

    def callback(self) -> Callable[..., None]:
        """A progress callback safe to call from the event loop or any thread:
        ``progress(done, total)`` or ``progress(fraction)``."""
        loop = asyncio.get_running_loop()

        def progress(done: float, total: float | None = None) -> None:
            if total is None:
                done, total = done * 100, 100
            loop.call_soon_threadsafe(self.advance_to, done, total)

        return progress
