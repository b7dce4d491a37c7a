"""Failover between two nodes (prints figures; not a test): N candidates on
node A over PostgreSQL, node A killed with SIGKILL (supervisor and workers),
every candidate reconnecting to node B with the same key.

    .venv/bin/python bench/failover.py                  # 20 candidates
    .venv/bin/python bench/failover.py --candidates 60 --workers 1

A PostgreSQL server is started in a temporary directory (tests/pg_server.py,
fsync on), then two `qcm serve` processes (different ports and data_dirs)
sharing it. Candidates arrive on A over `--arrival` seconds; each connects,
opens their key, fills the identity form and answers `--answers` questions
(each noted once the screen shows it chosen). Then A is killed. Each
candidate reconnects to B as soon as their connection drops (a person takes
longer: what is measured is the system's part), types the key and Enter,
again if B answers « already open elsewhere ».

Failover time of a candidate: from the kill until their screen on B shows
the question they were at with their answer count. Reported: p50/p99/max,
split into kill → connection seen dropped, dropped → key prompt on B (SSH
login and the app started), key prompt → back at the question (the key
typed, Enter, the lease taken over, the question shown); « already open »
answers; answers lost (an acknowledged answer not shown chosen on B, or not
in the database: must be 0); then every
candidate finishes on B and the submissions per key are counted (must be
exactly 1 each)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.two_nodes import Candidate, Node, position, seed  # noqa: E402
from tests.pg_server import PgDatabases, PgServer  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def line(label: str, values: list[float]) -> str:
    return (f"{label:<34} p50 {pct(values, 0.5) * 1000:7.0f} ms   p99 "
            f"{pct(values, 0.99) * 1000:7.0f} ms   max {max(values) * 1000:7.0f} ms")


async def run(args: argparse.Namespace) -> int:
    server = PgServer(durable=True).start()
    root = Path(tempfile.mkdtemp(prefix="qcm-failover-"))
    a = b = None
    try:
        url = await PgDatabases(server).create(migrated=False)
        room = await seed(url, args.candidates)
        a = Node(root, "a", url, args.workers)
        b = Node(root, "b", url, args.workers)
        a.start()
        b.start()
        await asyncio.gather(a.ready(), b.ready())
        print(f"PostgreSQL {server.bin.parent.name}, 2 nodes × {args.workers} workers, "
              f"{args.candidates} candidates, {args.answers} answers each on A", flush=True)
        candidates = [Candidate(code) for code in room.keys]

        async def on_a(index: int, candidate: Candidate) -> None:
            await asyncio.sleep(index * args.arrival / len(candidates))  # arrivals spread
            await candidate.connect(a.port)  # type: ignore[union-attr]
            await candidate.open_key(timeout=args.timeout)
            await candidate.fill_identity(args.timeout)
            for number in range(1, args.answers + 1):
                await candidate.answer("abcd"[(number + index) % 4], args.timeout)
                if number < args.answers:
                    await candidate.go_to(number + 1, args.timeout)

        started = time.monotonic()
        await asyncio.gather(*(on_a(i, c) for i, c in enumerate(candidates)))
        print(f"all on A with their answers in {time.monotonic() - started:.1f} s", flush=True)

        dropped: dict[str, float] = {}
        prompt: dict[str, float] = {}
        back: dict[str, float] = {}
        killed = time.monotonic()
        a.kill()

        async def to_b(candidate: Candidate) -> None:
            await candidate.screen.wait_closed(args.timeout)
            dropped[candidate.key] = time.monotonic() - killed
            last = max(candidate.acknowledged)
            await candidate.connect(b.port)  # type: ignore[union-attr]
            await candidate.screen.wait_for("Votre identifiant", args.timeout)
            prompt[candidate.key] = time.monotonic() - killed
            await candidate.open_key(timeout=args.timeout)
            client = candidate.screen
            await client.wait_until(lambda: position(client)[:2] == (
                last, len(candidate.acknowledged)), args.timeout, f"back at question {last}")
            back[candidate.key] = time.monotonic() - killed

        await asyncio.gather(*(to_b(c) for c in candidates))

        lost_on_screen = 0
        for candidate in candidates:  # not timed: every acknowledged answer, as shown on B
            for number, letter in sorted(candidate.acknowledged.items(), reverse=True):
                await candidate.go_to(number, args.timeout)
                lost_on_screen += position(candidate.screen)[2] != letter
        scores = await asyncio.gather(*(c.finish(args.timeout) for c in candidates))

        conn = await asyncpg.connect(url)
        try:
            lost_in_db = 0
            submissions: list[int] = []
            for candidate in candidates:
                row = await conn.fetchrow(
                    "SELECT k.id, (SELECT COUNT(*) FROM answers a "
                    "WHERE a.participant_id = k.participant_id) AS answers "
                    "FROM online_keys k WHERE k.code = $1", candidate.key)
                lost_in_db += max(0, len(candidate.acknowledged) - row["answers"])
                submissions.append(await conn.fetchval(
                    "SELECT COUNT(*) FROM audit WHERE object_type = 'key' AND object_id = $1 "
                    "AND action IN ('submit', 'auto_submit')", str(row["id"])))
        finally:
            await conn.close()

        times = list(back.values())
        print(line("failover (kill → back at question)", times))
        print(line("  kill → connection dropped", list(dropped.values())))
        print(line("  dropped → key prompt on B (SSH)", [prompt[k] - dropped[k] for k in back]))
        print(line("  key prompt → back at question", [back[k] - prompt[k] for k in back]))
        print(f"« already open elsewhere » answers: {sum(c.retries for c in candidates)}")
        print(f"answers acknowledged on A: {sum(len(c.acknowledged) for c in candidates)}, "
              f"lost: {lost_on_screen} on B's screens, {lost_in_db} in the database")
        print(f"submissions per key: min {min(submissions)}, max {max(submissions)} "
              f"({len(scores)} scores shown)")
        ok = (lost_on_screen == 0 and lost_in_db == 0 and set(submissions) == {1})
        print("OK" if ok else "FAILED", flush=True)
        return 0 if ok else 1
    finally:
        for node in (a, b):
            if node is not None:
                node.close()
        server.stop()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--answers", type=int, default=5, help="answers on A before the kill")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per node")
    parser.add_argument("--arrival", type=float, default=10.0,
                        help="candidates arrive on A over this many seconds (not measured)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds to wait for any one step before failing")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(run(parse())))
