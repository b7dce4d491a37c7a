"""Admission at the door: how many candidates one worker lets start at once.

A candidate's start (first screen, key, about 90 identity characters, two
screen changes) is what costs the server most: about 0.4 s of CPU, spread over
the half-minute the candidate types. When a room arrives faster than the
worker can serve, letting everyone in makes everyone's keystrokes queue behind
everyone else's (500 arrivals in a minute on 2 cores: characters p99 6–9 s, and
« Ouverture de la clé » 5 s after Enter). So the gate lets a candidate in while
fewer than `limit` of this worker's candidates are starting and its event loop
keeps up; the others read at once that their screen is coming and their place
in line. Those inside and those already answering share the worker with fewer
newcomers (measured in the README, « The door »).

A start ends when the app says so (the candidate reaches the questions), when
the session ends, or after `lease` seconds (so that someone who connects and
waits at the key prompt does not hold a place for long). Staff are never held:
the launcher brings candidates only to the gate.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

P = TypeVar("P")


class LoopLag:
    """How late the event loop runs: a timer every `interval` seconds notes
    how much later than asked it fired; `recent` is the largest of the last
    `window` readings."""

    def __init__(self, interval: float = 0.1, window: int = 5) -> None:
        self.interval = interval
        self._readings: deque[float] = deque([0.0], maxlen=window)
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0
        self.listeners: list[Callable[[], None]] = []
        """Called after each reading."""

    @property
    def recent(self) -> float:
        return max(self._readings)

    def start(self) -> None:
        if self._handle is None:
            self._schedule(asyncio.get_running_loop())

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._readings.clear()
        self._readings.append(0.0)

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        self._due = loop.time() + self.interval
        self._handle = loop.call_at(self._due, self._tick, loop)

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        self._readings.append(max(0.0, loop.time() - self._due))
        self._schedule(loop)
        for listener in self.listeners:
            listener()


class Ticket:
    """A place among the starting candidates; `release` gives it back (once)."""

    def __init__(self, gate: StartGate) -> None:
        self._gate = gate
        self.lease: asyncio.TimerHandle | None = None
        self.released = False

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        if self.lease is not None:
            self.lease.cancel()
        self._gate._left()


class StartGate:
    """At most `limit` starting candidates, and none let in while the loop is
    more than `max_lag` seconds late; the others wait in arrival order.

    While candidates wait, one is let in per reading of the loop's lag (ten a
    second at most), so that the lag newcomers cause is seen before more come
    in; a place given back is passed on at once."""

    def __init__(self, limit: int, *, lease: float = 90.0, max_lag: float = 0.1,
                 lag: LoopLag | None = None) -> None:
        if limit < 1:
            raise ValueError("limit: at least 1")
        self.limit = limit
        self.lease = lease
        self.max_lag = max_lag
        self.lag = lag or LoopLag()
        self.lag.listeners.append(self._call_next)
        self.inside = 0
        self._queue: deque[asyncio.Future[None]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._queue)

    async def enter(self, told: Callable[[int], None], gone: Callable[[], bool],
                    report_every: float = 2.0) -> Ticket | None:
        """A place, once there is one; `None` if `gone()` turns true first.

        Someone who has to wait is `told` their place in line (1: next) at
        once, then whenever it changes, at most every `report_every` seconds."""
        self.lag.start()
        if not self._queue and self._room():
            self.inside += 1
            return self._ticket()
        turn = asyncio.get_running_loop().create_future()
        self._queue.append(turn)
        shown = 0
        try:
            while not turn.done():
                place = self._queue.index(turn) + 1
                if place != shown:
                    told(place)
                    shown = place
                await asyncio.wait({turn}, timeout=report_every)
                if gone() and not turn.done():
                    turn.cancel()
        except BaseException:
            if turn.done() and not turn.cancelled():
                self._left()  # let in as this task was being cancelled
            raise
        finally:
            if not turn.done():
                turn.cancel()
            if turn.cancelled():
                self._forget(turn)
        if turn.cancelled():
            return None
        ticket = self._ticket()
        if gone():
            ticket.release()
            return None
        return ticket

    def _room(self) -> bool:
        return self.inside < self.limit and self.lag.recent <= self.max_lag

    def _ticket(self) -> Ticket:
        """The ticket of a place already counted in `inside`."""
        ticket = Ticket(self)
        if self.lease > 0:
            ticket.lease = asyncio.get_running_loop().call_later(self.lease, ticket.release)
        return ticket

    def _forget(self, turn: asyncio.Future[None]) -> None:
        try:
            self._queue.remove(turn)
        except ValueError:
            pass
        self._idle_check()

    def _left(self) -> None:
        self.inside -= 1
        self._call_next()
        self._idle_check()

    def _idle_check(self) -> None:
        """Nobody inside or waiting: the lag is not watched (a newcomer then
        comes straight in)."""
        if not self.inside and not self._queue:
            self.lag.stop()

    def _call_next(self) -> None:
        """Let the first in line in, if there is room."""
        while self._queue and self._queue[0].done():
            self._queue.popleft()
        if self._queue and self._room():
            self.inside += 1
            self._queue.popleft().set_result(None)


@dataclass(frozen=True)
class Door(Generic[P]):
    """A gate and who waits at it (candidates; staff go straight in)."""

    gate: StartGate
    holds: Callable[[P], bool]
