"""A screen composed and mounted ahead of time, off the screen stack.

Textual composes and mounts a screen when it is pushed, level by level,
several turns of the event loop per level; on a loaded worker each turn
lasts as long as the ready work of all its sessions, tenths of a second in
a room's first minutes (`bench/mount_turns.py`). A screen the candidate will
certainly see next (the identity form while they type their key, the
questions while they fill in their identity) can be built while they are
still busy with the current one: switching to it is then a few turns, not a
mount.

It uses Textual's private `App._register` (what `push_screen` does for a
screen that is not running yet); tests/tui/test_prepared_screen.py fails if
that changes shape (pyproject pins Textual to a minor range)."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.app import App
from textual.screen import Screen
from textual.widget import AwaitMount

S = TypeVar("S", bound=Screen)


class PreparedScreen(Generic[S]):
    """`screen`, starting to compose and mount as this is made.

    `mounted` waits for the mount to end (to fill the screen in), `show`
    switches to it; a screen that will not be shown must be `discard`ed (its
    widgets freed now, not when the app ends)."""

    def __init__(self, app: App[object], screen: S) -> None:
        self.app = app
        self.screen = screen
        self._mounted = AwaitMount(screen, app._register(app, screen))

    async def mounted(self) -> S:
        # Awaiting Textual's `AwaitMount` once the mount is over still costs
        # three turns of the loop (a task per widget, then `asyncio.wait`) and
        # asks for a layout of the screen; a switch awaited it twice.
        if not self.screen.is_mounted:
            await self._mounted
        return self.screen

    async def show(self) -> S:
        """Replaces the top of the stack with the screen, once mounted."""
        await self.app.switch_screen(await self.mounted())
        return self.screen

    def discard(self) -> None:
        """Frees the screen's widgets, unless it is being shown."""
        if self.screen.is_attached and self.screen not in self.app.screen_stack:
            self.screen.remove()
