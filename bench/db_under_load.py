"""Database operations a worker completes while its event loop is busy
(prints figures; not a test).

A worker's database work runs in a thread of its own (aiosqlite's), which
needs the GIL back after each statement. Here the event loop is kept busy
with 20 tasks of 2 ms of pure Python each (as hundreds of sessions keep it)
while 100 key openings' reads (`store.exam.ticket`, several statements
each) are asked for at once; printed for CPython's default switch interval
and for the one `qcm serve` workers use (`sshserver/serve.py`).

    .venv/bin/python bench/db_under_load.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sshserver.serve import SWITCH_INTERVAL  # noqa: E402
from tests.tui.conftest import build_world  # noqa: E402

READS = 100


async def busy(stop: asyncio.Event) -> None:
    while not stop.is_set():
        began = time.perf_counter()
        while time.perf_counter() - began < 0.002:
            sum(range(100))
        await asyncio.sleep(0)


async def run(interval: float) -> float:
    sys.setswitchinterval(interval)
    with tempfile.TemporaryDirectory() as tmp:
        world = await build_world(Path(tmp) / "db.sqlite3", keys=3)
        stop = asyncio.Event()
        loop_work = [asyncio.create_task(busy(stop)) for _ in range(20)]
        began = time.perf_counter()
        await asyncio.gather(*(world.store.exam.ticket(1) for _ in range(READS)))
        elapsed = time.perf_counter() - began
        stop.set()
        await asyncio.gather(*loop_work)
        await world.store.close()
    return elapsed


def main() -> None:
    for label, interval in (("CPython default", 0.005), ("qcm serve workers", SWITCH_INTERVAL)):
        elapsed = min(asyncio.run(run(interval)) for _ in range(3))
        print(f"{label:<18} switch interval {interval * 1000:.1f} ms: {READS} key openings' "
              f"reads in {elapsed:.2f} s ({READS / elapsed:.0f}/s), best of 3")


if __name__ == "__main__":
    main()
