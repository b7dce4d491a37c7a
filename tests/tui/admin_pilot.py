"""Running AdminApp on the seeded world with the Pilot, at 80x24."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget

from tests.admin_seed import Seed, seed
from tui.admin_app import AdminApp
from tui.widgets.admin_table import AdminTable

SIZE = (80, 24)


@asynccontextmanager
async def running(tmp_path: Path) -> AsyncIterator[tuple[AdminApp, Pilot, Seed]]:
    world = await seed(tmp_path)
    account = await world.store.centres.account("admin")
    app = AdminApp(world.store, account, world.clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            yield app, pilot, world
    finally:
        await world.store.close()


async def until(pilot: Pilot, condition: Callable[[], bool], what: str = "",
                tries: int = 200) -> None:
    """Let the app work until `condition` holds (no fixed sleeps)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"never became true: {what}")


def text_of(widget: Widget) -> str:
    return str(widget.content)  # type: ignore[attr-defined]


def table_rows(app: AdminApp) -> list[list[str]]:
    table = app.screen.query_one(AdminTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def screen_text(app: AdminApp) -> str:
    """What the terminal shows, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def fits(app: AdminApp) -> bool:
    """Nothing of the current screen is outside 80x24."""
    return all(w.region.right <= SIZE[0] and w.region.bottom <= SIZE[1]
               for w in app.screen.query("*") if w.display and w.region.area)
