"""When a worker runs Python's full garbage collection.

A full collection walks every live object: about 15,000 per Textual session,
so a second or more for a worker holding 150 sessions, during which none of
them gets a screen update. CPython starts one whenever enough objects have
survived into the oldest generation, which under steady typing happens every
minute or so even though little of it is garbage (measured: p99 keystroke
latency 2.9 s at 500 sessions). What leaves most cyclic garbage behind is
known: a session ending (its whole app), and to a lesser extent a session
starting (the screens it went through); typing leaves a little, which the
memory check catches. So a worker

- freezes what exists once it is ready (modules, classes: never garbage);
- keeps short-lived objects in the young generations longer (`YOUNG`);
- turns off CPython's automatic full collections and runs its own when
  - sessions have ended: four times as many as are still live since the
    last collection (`ENDED_PER_LIVE`), or the last one,
  - memory grew: resident size a quarter above what it was after the last
    collection plus what the sessions arrived since then may use
    (`session_bytes` each, counted at the most sessions live since then:
    memory a session held stays with the process after it ends, which the
    ended sessions' collection looks after); checked on each arrival and
    every `check` seconds.

Each full collection costs time in proportion to the live sessions, and it
stops every session of the worker meanwhile (measured with
`bench/exam_room.py --probe`, 500 candidates: 0.4 to 4.8 s per collection
with 100 to 250 sessions per worker). Arrivals grow memory by what the new
sessions hold, not by garbage: counting that growth started a collection
every 15 to 20 s while candidates were arriving and typing. A collection once
arrivals paused stopped each worker for 2.3 to 5.3 s right when its candidates
typed their identity, and freed about 3 % of the objects it walked (the
screens sessions left behind: ~500 objects each, measured with 40 sessions);
that garbage is left to the memory check.

An ended session left cyclic garbage that only a full collection frees:
7,500 to 8,500 objects each (`bench/load.py --sessions 1000` with the probe:
4.2 and 3.7 million objects freed in 6 and 7 s when each worker's 500
sessions had ended), while a live session holds about 15,000. Most of it is
now freed by reference counting as each screen, and then the app, ends
(tui/release.py): a whole exam leaves about 5,000 objects of cyclic garbage
instead of 109,000 (`bench/garbage.py`), 3,300 of them at its end. A collection
when half of a worker's sessions had ended stopped the other half of the room
(4 to 10 s per collection in the 500-candidate room's last minutes, the
phase's p99). Waiting until four times as many have ended as are still live
stops a fifth of them instead of half, for a walk about a fifth shorter: about
a third of the harm (sessions stopped times the pause). The garbage held
meanwhile is less than those sessions held when they were live (RSS stays
under the room's peak), and the memory check still bounds it when sessions
come and go without the live count falling.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import resource
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)
NEVER = 2**31 - 1
"""A threshold the oldest generation's counter never reaches."""
ENDED_PER_LIVE = 4
"""Sessions ended since the last collection, per session still live, that
start a full collection (see the module docstring)."""
SESSION_BYTES = 3 * 1024 * 1024
"""Resident memory a new session may add before the memory check takes it for
garbage: a connected candidate holds 2.4 to 2.8 MB (`bench/exam_room.py`,
500 and 250 candidates); with 2 MB, arrivals alone started collections of 2 to
7 s each while candidates typed their identity."""
YOUNG = 10_000
"""Youngest generation's threshold (CPython: 700). A keystroke's short-lived
cycles then die young instead of reaching the oldest generation, which only a
full collection clears: measured at 300 sessions typing for 4 minutes, RSS grew
11 MB instead of 69 MB, p99 28 ms instead of 24 ms."""


def resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


class Collector:
    """Runs full collections in one worker process (see the module docstring)."""

    def __init__(self, *, check: float = 30.0, growth: float = 1.25,
                 session_bytes: int = SESSION_BYTES,
                 collect: Callable[[], int] = gc.collect,
                 memory: Callable[[], int] = resident_bytes) -> None:
        self.check = check
        self.growth = growth
        self.session_bytes = session_bytes
        self._collect = collect
        self._memory = memory
        self.live = 0
        self.started = 0  # since the last collection
        self.ended = 0
        self.collections = 0
        self._baseline = memory()  # resident size after the last collection
        self._baseline_live = 0  # live sessions then
        self._peak_live = 0  # the most live sessions since then
        self._check_timer: asyncio.TimerHandle | None = None
        self._pending: asyncio.Handle | None = None

    def install(self, young: int = YOUNG) -> None:
        """Take over from CPython's full collections; call once the worker is ready."""
        gc.collect()
        gc.freeze()
        gc.set_threshold(young, 10, NEVER)
        self._baseline = self._memory()
        self._baseline_live = self._peak_live = self.live
        self.start()

    def start(self) -> None:
        """Start the periodic memory check (part of install())."""
        self._check_timer = asyncio.get_running_loop().call_later(self.check, self._periodic)

    def close(self) -> None:
        for handle in (self._check_timer, self._pending):
            if handle is not None:
                handle.cancel()

    def session_started(self) -> None:
        self.live += 1
        self.started += 1
        self._peak_live = max(self._peak_live, self.live)
        if self._grown():
            self._soon("memory grew")

    def session_ended(self) -> None:
        self.live = max(0, self.live - 1)
        self.ended += 1
        if self.ended >= max(1, ENDED_PER_LIVE * self.live):
            self._soon("sessions ended")

    def _grown(self) -> bool:
        arrived = max(0, self._peak_live - self._baseline_live) * self.session_bytes
        return self._memory() > (self._baseline + arrived) * self.growth

    def _periodic(self) -> None:
        self._check_timer = asyncio.get_running_loop().call_later(self.check, self._periodic)
        if self._grown():
            self._soon("memory grew")

    def _soon(self, reason: str) -> None:
        """Collect on the next loop turn (not inside a connection's own callback)."""
        if self._pending is None:
            self._pending = asyncio.get_running_loop().call_soon(self._run, reason)

    def _run(self, reason: str) -> None:
        self._pending = None
        began = time.perf_counter()
        freed = self._collect()
        self._baseline = self._memory()
        self._baseline_live = self._peak_live = self.live
        self.collections += 1
        logger.debug("full collection (%s): %d objects freed in %.0f ms, %d live sessions, "
                     "%d started and %d ended since the last one", reason, freed,
                     (time.perf_counter() - began) * 1000, self.live, self.started, self.ended)
        self.started = self.ended = 0
