"""What `bench/exam_room.py` measures besides the candidates' screens: the
servers' CPU, CPU waits and memory once a second, py-spy profiles per phase,
this tool's own loop lag, and percentiles (not a test)."""

from __future__ import annotations

import asyncio
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.room_candidate import Room
from bench.server_proc import (
    cpu_s,
    runqueue_wait_s,
    server_rss_mb,
    tree_cpu_s,
)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(values: list[float]) -> str:
    if not values:
        return "-"
    return (f"{pct(values, 0.5) * 1000:6.0f} {pct(values, 0.99) * 1000:6.0f} "
            f"{max(values) * 1000:6.0f}")


@dataclass
class Point:
    at: float
    workers: list[float]  # CPU seconds so far, per worker
    tool: float
    waits: list[float]  # seconds waiting for a CPU so far, per worker
    postgres: float  # CPU seconds of PostgreSQL's processes so far


@dataclass
class Cpu:
    """% of one core between two times."""

    workers: list[float]
    tool: float
    waits: list[float]
    postgres: float


class Sampler:
    """CPU of every worker of every node, of PostgreSQL (when it runs) and of
    this tool, and the servers' RSS, once a second."""

    def __init__(self, roots: list[int], workers: list[list[int]], room: Room,
                 postgres: int | None = None) -> None:
        """`workers`: each node's worker processes."""
        self.roots, self.room, self.postgres = roots, room, postgres
        self.workers = [pid for node in workers for pid in node]
        self.sizes = [len(node) for node in workers]
        self.points: list[Point] = []
        self.rss: list[tuple[float, float, int]] = []

    def sample(self) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.points.append(Point(
            self.room.now(), [cpu_s(pid) for pid in self.workers],
            usage.ru_utime + usage.ru_stime, [runqueue_wait_s(pid) for pid in self.workers],
            tree_cpu_s(self.postgres) if self.postgres else 0.0))
        self.rss.append((self.room.now(), sum(server_rss_mb(root) for root in self.roots),
                         self.room.live))

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(1.0)

    def per_worker(self, values: list[float]) -> str:
        """One figure per worker, `+` within a node, `|` between nodes."""
        groups, at = [], 0
        for size in self.sizes:
            groups.append(" + ".join(f"{v:.0f}" for v in values[at:at + size]))
            at += size
        return " | ".join(groups)

    def cpu(self, start: float, end: float) -> Cpu:
        """% of one core per worker, this tool's and PostgreSQL's, and % of the
        time each worker's main thread waited for a CPU (other processes on the
        machine), between two times."""
        inside = [p for p in self.points if start <= p.at <= end]
        if len(inside) < 2:
            nan = [float("nan")] * len(self.workers)
            return Cpu(nan, float("nan"), nan, float("nan"))
        first, last = inside[0], inside[-1]
        span = (last.at - first.at) / 100
        return Cpu([(b - a) / span for a, b in zip(first.workers, last.workers, strict=True)],
                   (last.tool - first.tool) / span,
                   [(b - a) / span for a, b in zip(first.waits, last.waits, strict=True)],
                   (last.postgres - first.postgres) / span)


class Profiles:
    """`py-spy record` on every worker, one profile per phase (collapsed stacks:
    `worker<i>-<phase>.txt` in `folder`, `node<n>-worker<i>-<phase>.txt` with
    several nodes; flamegraph.pl or speedscope read them)."""

    def __init__(self, folder: Path, workers: dict[str, int], rate: int) -> None:
        self.folder, self.workers, self.rate = folder, workers, rate
        self.running: list[subprocess.Popen[bytes]] = []
        self.phase: str | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def start(self, phase: str) -> None:
        self.stop()
        self.phase = phase
        spy = Path(sys.executable).with_name("py-spy")
        self.running = [subprocess.Popen(
            [str(spy), "record", "--pid", str(pid), "--rate", str(self.rate), "--format", "raw",
             "--nonblocking", "--output", str(self.folder / f"{name}-{phase}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, pid in self.workers.items()]

    def stop(self) -> None:
        for process in self.running:
            process.send_signal(signal.SIGINT)
        for process in self.running:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running = []

    async def follow(self, room: Room, count: int) -> None:
        """Start a new profile each time the room enters a new phase."""
        self.start("arrival")
        while True:
            await asyncio.sleep(0.2)
            if len(room.done) == count:
                phase = "after"
            elif room.confirmed:
                phase = "ends"
            elif len(room.on_question_1) == count:
                phase = "steady"
            elif len(room.prompted) == count:
                phase = "identity"
            else:
                continue
            if phase != self.phase:
                self.start(phase)


async def loop_lag(room: Room, lags: list[float]) -> None:
    """This tool's own event-loop lag (a saturated client inflates latencies)."""
    while True:
        before = time.monotonic()
        await asyncio.sleep(0.1)
        lags.append(time.monotonic() - before - 0.1)


