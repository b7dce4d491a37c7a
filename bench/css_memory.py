"""Memory per candidate app, in process (prints figures; not a test): N
CandidateApps run at once (headless `run_test`) on the key screen, each with
a private CSS cache or all with one SharedStyles, measured with tracemalloc.

    /work/venv/bin/python bench/css_memory.py --apps 20

One app runs first in each mode (module caches warm, shared cache filled);
the figures are the growth for the N next apps, divided by N, in total and
for allocations made in textual/css."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import tracemalloc
from contextlib import AsyncExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.tui.conftest import build_world, make_app  # noqa: E402
from tui.shared_styles import SharedStyles  # noqa: E402


def css_bytes(snapshot: tracemalloc.Snapshot) -> int:
    return sum(stat.size for stat in snapshot.statistics("filename")
               if "/textual/css/" in stat.traceback[0].filename)


async def measure(world, apps: int, shared: bool) -> tuple[float, float]:
    styles = SharedStyles() if shared else None
    async with AsyncExitStack() as stack:
        first = make_app(world, styles=styles)
        await stack.enter_async_context(first.run_test(size=(80, 24)))
        gc.collect()
        before = tracemalloc.take_snapshot()
        for _ in range(apps):
            app = make_app(world, styles=styles)
            pilot = await stack.enter_async_context(app.run_test(size=(80, 24)))
            await pilot.pause()
        gc.collect()
        after = tracemalloc.take_snapshot()
        total = sum(s.size_diff for s in after.compare_to(before, "filename"))
        css = css_bytes(after) - css_bytes(before)
    return total / apps / 1024, css / apps / 1024


async def main(apps: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = await build_world(Path(tmp) / "db.sqlite3", keys=1)
        tracemalloc.start(1)
        try:
            for shared in (False, True, False, True):
                total, css = await measure(world, apps, shared)
                print(f"{'shared ' if shared else 'private'} CSS cache: {total:6.0f} kB per app "
                      f"traced, of which textual/css {css:5.0f} kB", flush=True)
        finally:
            tracemalloc.stop()
            await world.store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=20)
    asyncio.run(main(parser.parse_args().apps))
