"""Steady-state load tool (prints figures; not a test): N concurrent candidate
sessions already on question 1, against a real `qcm serve` subprocess on loopback.

It measures the cheapest moment of an exam only: identities pre-filled, every
session opened before timing starts, one answer letter pressed again and again.
The start and the end of a real exam room (arrivals, key and identity typed,
« next », the list, submissions) are measured by `bench/exam_room.py`.

    /work/venv/bin/python bench/load.py --sessions 500 --workers 2 \
        --pace 5 --duration 60 --sequential 1000

Setup: a temporary data dir, `qcm demo`, then one online session with N keys
in an open window whose identities are PRE-FILLED through the store (so a
candidate goes from the key screen straight to question 1; the identity form
is covered by the e2e tests). Each client is an asyncssh session with a pty
whose output feeds a `pyte` screen; it types its key, waits for
« Question 1/30 », then presses « a » / « b » alternately every `pace`
seconds (random phase) for `duration` seconds. Latency is the time from
sending the key until the screen shows that letter chosen. Bytes per
keystroke are the bytes received in the measured phase divided by the
keystrokes sent (includes any clock/timer updates). RSS is the sum of VmRSS
of the server processes (supervisor + workers) from /proc.

Loopback only, bounded in count and time; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncssh  # noqa: E402

from bench.server_proc import (  # noqa: E402
    exam_keys,
    running_server,
    server_cpu_s,
    server_rss_mb,
    write_config,
)
from domain.clock import SystemClock  # noqa: E402
from domain.validation import validate_identity  # noqa: E402
from store import Store  # noqa: E402
from tests.e2e_helpers import ScreenClient  # noqa: E402

CHOSEN = re.compile(r"^\s*\(x\) ([a-d])\) ")
IDENTITY = dict(civility="M.", last_name="Charge", first_name="Test", company="Bench SARL",
                company_address="1 rue du Test", postal_code="69002", city="Lyon",
                country="France", email="bench@example.fr")


async def paper_batches(port: int, copies: int, done: list[int]) -> None:
    """A centre generating paper QCMs over SSH exec, one after another, while
    the candidates answer (PDFs are drawn in the workers' process pools)."""
    async with asyncssh.connect("127.0.0.1", port, username="demo", password="demo-demo",
                                known_hosts=None) as conn:
        while True:
            result = await conn.run(f"qcm paper generate 1 {copies}", check=False)
            if result.exit_status != 0:
                print(f"paper generate failed: {result.stderr!r}", flush=True)
                return
            done[0] += 1


async def seed(config: Path, data: Path, count: int) -> list[str]:
    """`count` keys whose identity is already filled in: sessions skip the form."""
    codes = await exam_keys(config, data, count, "BENCH_PV-RES")
    store = await Store.open(data / "qcm.sqlite3", SystemClock())
    try:
        identity = validate_identity(IDENTITY)
        token = uuid.uuid4().hex
        for code in codes:  # leases are released by `qcm serve` at start
            ticket = await store.exam.open_key(code, token)
            await store.exam.save_identity(ticket.key.id, token, identity, None)
        return codes
    finally:
        await store.close()


def time_delta(**kw: float):
    from datetime import timedelta
    return timedelta(**kw)


def chosen(client: ScreenClient) -> str | None:
    for line in client.display:
        if m := CHOSEN.match(line):
            return m.group(1)
    return None


async def open_exam(port: int, key: str, timeout: float = 60.0) -> ScreenClient:
    client = await ScreenClient.connect(port, username="candidat", password=None,
                                        term_type="xterm", login_timeout=timeout)
    await client.wait_for("Votre identifiant", timeout)
    client.type(key)
    client.press("enter")
    await client.wait_for("Question 1/", timeout)
    await client.wait_quiet(0.2, timeout)
    return client


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.keystrokes = 0
        self.bytes = 0
        self.failed_keys = 0


async def drive(client: ScreenClient, pace: float, until: float, stats: Stats) -> None:
    loop = asyncio.get_running_loop()
    await asyncio.sleep(random.uniform(0, pace))
    letter = "b" if chosen(client) == "a" else "a"
    while loop.time() < until and not client.closed:
        before = client.bytes_received
        started = loop.time()
        client.type(letter)
        try:
            await client.wait_until(lambda: chosen(client) == letter, 10.0, letter)
        except AssertionError:
            stats.failed_keys += 1
        else:
            stats.latencies.append(loop.time() - started)
        stats.keystrokes += 1
        await asyncio.sleep(pace - (loop.time() - started) % pace)
        stats.bytes += client.bytes_received - before
        letter = "b" if letter == "a" else "a"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def concurrent(port: int, keys: list[str], pace: float, duration: float,
                     root: int, connect_parallel: int) -> None:
    rss_before = server_rss_mb(root)
    gate = asyncio.Semaphore(connect_parallel)
    started = time.monotonic()

    async def one(key: str) -> ScreenClient | None:
        async with gate:
            try:
                return await open_exam(port, key)
            except (OSError, asyncssh.Error, AssertionError, TimeoutError) as exc:
                print(f"  session failed: {type(exc).__name__}: {str(exc)[:100]}", flush=True)
                return None

    clients = await asyncio.gather(*(one(k) for k in keys))
    opened = [c for c in clients if c is not None]
    print(f"{len(opened)}/{len(keys)} sessions on question 1 after "
          f"{time.monotonic() - started:.1f} s", flush=True)
    # This tool's own full garbage collections (500 pyte screens) would stall
    # every client and be counted as server latency: keep what is open out of them.
    gc.collect()
    gc.freeze()
    await asyncio.sleep(2.0)
    rss_idle = server_rss_mb(root)
    cpu = server_cpu_s(root)
    await asyncio.sleep(10.0)
    idle_cpu = server_cpu_s(root) - cpu
    print(f"server CPU with {len(opened)} idle sessions: {idle_cpu / 10 * 100:.1f} % of one core",
          flush=True)
    rss_settled = server_rss_mb(root)
    count = max(1, len(opened))
    print(f"server RSS {rss_before:.1f} MB before, {rss_idle:.1f} MB with {len(opened)} idle "
          f"sessions: {(rss_idle - rss_before) / count:.2f} MB per session just after they "
          f"opened, {(rss_settled - rss_before) / count:.2f} MB 10 s later", flush=True)
    stats = Stats()
    loop = asyncio.get_running_loop()
    until = loop.time() + duration
    cpu = server_cpu_s(root)
    own = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(drive(c, pace, until, stats) for c in opened))
    busy_cpu = server_cpu_s(root) - cpu
    after = resource.getrusage(resource.RUSAGE_SELF)
    own_cpu = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime
    held = sum(1 for c in opened if not c.closed)
    lat = stats.latencies
    print(f"sessions held {held}/{len(keys)}, failed {len(keys) - held}; "
          f"keystrokes {stats.keystrokes}, unanswered {stats.failed_keys}", flush=True)
    print(f"latency p50 {percentile(lat, 0.5) * 1000:.0f} ms, p99 "
          f"{percentile(lat, 0.99) * 1000:.0f} ms, max {max(lat, default=0) * 1000:.0f} ms, "
          f"mean {statistics.fmean(lat) * 1000 if lat else 0:.0f} ms", flush=True)
    extra = busy_cpu - idle_cpu / 10 * duration
    print(f"server CPU during the keys {busy_cpu / duration * 100:.1f} % of one core, "
          f"~{extra / max(1, stats.keystrokes) * 1000:.1f} ms per keystroke above idle; "
          f"this load tool {own_cpu / duration * 100:.1f} % of one core", flush=True)
    print(f"bytes received per keystroke {stats.bytes / max(1, stats.keystrokes):.0f}",
          flush=True)
    print(f"server RSS after the run {server_rss_mb(root):.1f} MB", flush=True)
    for client in opened:
        client.abort()
    await asyncio.sleep(3.0)


async def sequential(port: int, keys: list[str], count: int, warmup: int, root: int) -> None:
    """One session at a time: open a key, reach question 1, answer, leave
    (alternately closing politely and dropping the TCP connection)."""
    base = None
    for index in range(1, warmup + count + 1):
        key = keys[index % len(keys)]
        client = await open_exam(port, key)
        client.type("a")
        await client.wait_until(lambda: chosen(client) == "a", 10.0, "a")
        if index % 2:
            await client.close()
        else:
            client.abort()
        if index == warmup:
            await asyncio.sleep(1.0)
            base = server_rss_mb(root)
            print(f"after {warmup} warm-up sessions: server RSS {base:.1f} MB", flush=True)
        elif base is not None and (index - warmup) % 250 == 0:
            await asyncio.sleep(1.0)
            now = server_rss_mb(root)
            print(f"  +{index - warmup:5} sessions: RSS {now:.1f} MB ({now - base:+.1f} MB)",
                  flush=True)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="qcm-load-") as tmp:
        config, data, port = write_config(Path(tmp), args.workers)
        keys = await seed(config, data, max(args.sessions, 50 if args.sequential else 1))
        with running_server(config, port, Path(tmp) / "server.log") as server:
            await asyncio.sleep(1.0)
            if args.sessions:
                print(f"== {args.sessions} concurrent sessions, {args.workers} workers, "
                      f"one key every {args.pace} s for {args.duration} s", flush=True)
                papers_done = [0]
                papers = (asyncio.ensure_future(paper_batches(port, args.pdf_copies, papers_done))
                          if args.pdf_copies else None)
                try:
                    await concurrent(port, keys, args.pace, args.duration, server.pid,
                                     args.connect_parallel)
                finally:
                    if papers is not None:
                        papers.cancel()
                        await asyncio.gather(papers, return_exceptions=True)
                        print(f"paper QCMs of {args.pdf_copies} copies generated meanwhile: "
                              f"{papers_done[0]}", flush=True)
            if args.sequential:
                print(f"== {args.sequential} sequential sessions after {args.warmup} warm-up",
                      flush=True)
                await sequential(port, keys[:50], args.sequential, args.warmup, server.pid)
        log = (Path(tmp) / "server.log").read_text()
        if args.server_log:
            Path(args.server_log).write_text(log)
        print(f"server stopped (exit {server.returncode}), tracebacks in its log: "
              f"{log.count('Traceback')}")

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pace", type=float, default=5.0, help="seconds between keys")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of keys")
    parser.add_argument("--sequential", type=int, default=0)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--connect-parallel", type=int, default=20)
    parser.add_argument("--server-log", help="keep the server's log in this file")
    parser.add_argument("--pdf-copies", type=int, default=0,
                        help="meanwhile, a centre generates paper QCMs of this many copies")
    asyncio.run(main(parser.parse_args()))
