"""An exam room under load (prints figures; not a test): N candidates, each over
real SSH with a `pyte` screen, doing the whole flow against a `qcm serve`
subprocess (2 workers) on loopback.

    .venv/bin/python bench/exam_room.py --candidates 500 --arrival 60
    .venv/bin/python bench/exam_room.py --smoke          # 20 candidates, about a minute
    .venv/bin/python bench/exam_room.py --smoke --backend postgresql --nodes 2
    .venv/bin/python bench/exam_room.py --smoke --compare   # SQLite, then 2 nodes + PostgreSQL

The database is the server's own SQLite file (`--backend sqlite`, the default),
or (`--backend postgresql`) a PostgreSQL server this tool starts in a temporary
directory (devtools/pg_server.py; fsync and synchronous commits on, as in
production), shared by `--nodes` `qcm serve` processes on different ports and
data dirs, `--workers` each; candidates go to the nodes round robin (this tool
plays the load balancer). `--compare` runs the same room (same seed, same
arrival times) on SQLite with one node, then on PostgreSQL with `--nodes`
nodes (default 2), and prints both side by side.

Each candidate arrives at a time drawn from the arrival curve (all within
`--arrival` seconds), connects, reads the key screen for `--read` seconds,
types the key at `--cps` characters per second and Enter, then fills the
identity form at that pace (Enter on « M. », each field then Tab... Enter on
« Valider »), answers the 30 questions with `--pace` seconds between
keystrokes (a letter, then « n »), opens the question list once and closes it,
presses « t » (Terminer), Tab and Enter to confirm, and reads the score.
A share `--late-share` of the candidates thinks longer so that they finish
within the last `--ends-window` seconds of the room.

Latency of a keystroke: from sending it until the client's screen shows its
effect (the typed characters in the field, the answer marked, the next
question, the list, the confirmation, the score; for Tab/Enter between form
fields: the first byte of the reply). A person types at their own pace: key
and identity characters are sent on time whether or not the previous one is
shown yet; answers and « next » wait for the previous effect.

Phases, by the time a keystroke was sent: arrival (until every candidate is
connected and sees the key prompt), identity (until every candidate has
question 1), steady (until the first candidate confirms « Terminer »), ends
(until the last one has the score). Reported per phase and overall: p50/p99/max
per kind of keystroke, server CPU (per worker of every node), PostgreSQL's CPU
(all its processes), this tool's CPU; then connect → first words (the door's
or the key prompt), the time waited at the door (`ssh.max_starting`,
`--max-starting`), connect → key prompt and Enter on the key → identity form,
failures with the screen they stopped on, server RSS, bytes per whole exam and
per keystroke kind.

`bench/load.py` measures the steady state only (identities pre-filled,
arrivals done before timing, one answer letter pressed again and again).

The simulated candidate lives in `bench/room_candidate.py`; the sampling of
CPU, memory and profiles, and the percentiles, in `bench/room_measures.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.room_candidate import KINDS, PHASES, Plan, Room, candidate, nominal_duration
from bench.room_measures import Profiles, Sampler, loop_lag, ms, pct
from bench.server_proc import (
    exam_keys,
    running_server,
    server_rss_mb,
    wait_workers,
    write_config,
)
from devtools.pg_server import PgServer


def door_settings(args: argparse.Namespace) -> dict[str, float]:
    """The [ssh] settings of the door given on the command line."""
    chosen = {"max_starting": args.max_starting, "start_max_lag": args.max_lag}
    return {name: value for name, value in chosen.items() if value is not None}


def arrival_times(count: int, window: float, curve: str, rng: random.Random) -> list[float]:
    if curve == "uniform":
        return sorted(rng.uniform(0, window) for _ in range(count))
    if curve == "even":
        return [window * i / max(1, count - 1) for i in range(count)]
    # "peak": most arrive in the middle of the window (a bus, a bell)
    return sorted(rng.triangular(0, window, window / 3) for _ in range(count))


def report(args: argparse.Namespace, setup: Setup, room: Room, sampler: Sampler,
           total: float, rss_before: float, lags: list[float]) -> dict:
    n = args.candidates
    end = max(room.done, default=total)
    bounds = [0.0,
              max(room.prompted, default=0.0),
              max(room.on_question_1, default=0.0),
              min(room.confirmed, default=end),
              end]
    for i in range(1, len(bounds)):  # phases never overlap
        bounds[i] = max(bounds[i], bounds[i - 1])
    phases = {name: (bounds[i], bounds[i + 1]) for i, name in enumerate(PHASES)}
    measured = [s for s in room.samples if s.latency is not None]
    unanswered = Counter(s.kind for s in room.samples if s.latency is None)
    print(f"\n== {n} candidates, arrivals over {args.arrival:.0f} s ({args.curve}), "
          f"{args.cps:g} chars/s, {args.pace:g} s between answer keys, "
          f"{args.late_share:.0%} finishing in the last {args.ends_window:.0f} s; "
          f"{setup}, TERM={args.term}", flush=True)
    done = len(room.done)
    print(f"completed {done}/{n}, failed {len(room.failures)}; room lasted {total:.0f} s; "
          f"peak {room.peak_live} connected", flush=True)
    if setup.nodes > 1:
        print("per node, completed / failed: " + ", ".join(
            f"node {i + 1} {room.node_done[i]} / {room.node_failed[i]}"
            for i in range(setup.nodes)), flush=True)
    result: dict = {"backend": setup.backend, "nodes": setup.nodes, "workers": args.workers,
                    "completed": done, "failed": len(room.failures),
                    "node_completed": [room.node_done[i] for i in range(setup.nodes)],
                    "node_failed": [room.node_failed[i] for i in range(setup.nodes)],
                    "phases": {}}
    header = f"  {'kind':<13}{'count':>6}   p50    p99    max  (ms)"
    for name in (*PHASES, "overall"):
        start, stop = phases.get(name, (0.0, end + 1))
        in_phase = [s for s in measured if start <= s.sent < stop or
                    (name == "ends" and s.sent >= stop)]
        cpu = sampler.cpu(start, stop)
        postgres = f"PostgreSQL {cpu.postgres:.0f} %, " if setup.backend == "postgresql" else ""
        print(f"-- {name}: {start:.0f} → {stop:.0f} s; server CPU "
              f"{sampler.per_worker(cpu.workers)} % (per worker"
              f"{'; nodes apart by |' if setup.nodes > 1 else ''}; waiting for a CPU "
              f"{sampler.per_worker(cpu.waits)} %), {postgres}this tool {cpu.tool:.0f} %",
              flush=True)
        print(header)
        kinds: dict = {}
        for kind in KINDS:
            values = [s.latency for s in in_phase if s.kind == kind]  # type: ignore[misc]
            if values:
                print(f"  {kind:<13}{len(values):6} {ms(values)}")  # type: ignore[arg-type]
                kinds[kind] = {"count": len(values), "p50": pct(values, .5),  # type: ignore
                               "p99": pct(values, .99), "max": max(values)}  # type: ignore
        result["phases"][name] = {"start": start, "end": stop, "kinds": kinds,
                                  "server_cpu": cpu.workers, "cpu_wait": cpu.waits,
                                  "postgres_cpu": cpu.postgres, "tool_cpu": cpu.tool}
    print(f"connect → door or prompt (ms)   p50/p99/max {ms(room.told)}")
    print(f"waited at the door: {len(room.door)} candidates, (ms) p50/p99/max {ms(room.door)}")
    print(f"connect → key prompt (ms)       p50/p99/max {ms(room.prompt)}")
    print(f"Enter on key → told it opens    p50/p99/max {ms(room.ack)}")
    print(f"Enter on key → identity form    p50/p99/max {ms(room.to_form)}")
    if unanswered:
        print(f"keys with no effect seen: {dict(unanswered)}")
    peak = max(sampler.rss, key=lambda p: p[2], default=(0, 0.0, 0))
    print(f"server RSS: {rss_before:.0f} MB before, {peak[1]:.0f} MB with {peak[2]} connected "
          f"({(peak[1] - rss_before) / max(1, peak[2]):.2f} MB per candidate), "
          f"max {max((p[1] for p in sampler.rss), default=0):.0f} MB", flush=True)
    if room.exam_bytes:
        print(f"bytes per whole exam (TERM={args.term}): p50 {pct(room.exam_bytes, .5):.0f}, "
              f"min {min(room.exam_bytes)}, max {max(room.exam_bytes)}")
    per_kind = ", ".join(f"{kind} {sum(v) / len(v):.0f}" for kind, v in room.kind_bytes.items()
                         if v)
    print(f"mean bytes per keystroke kind: {per_kind}")
    print(f"this tool's loop lag p99 {pct(lags, .99) * 1000:.0f} ms, "
          f"max {max(lags, default=0) * 1000:.0f} ms")
    stuck = Counter(f.step.split(" ")[0] if f.step.startswith(("answer", "next")) else f.step
                    for f in room.failures)
    if room.failures:
        print(f"failures by step: {dict(stuck)}")
        for failure in room.failures[:args.show_failures]:
            print(f"-- candidate {failure.candidate} stopped at « {failure.step} »: "
                  f"{failure.error}\n{failure.screen}")
    result.update(prompt=room.prompt, told=room.told, door=room.door, to_form=room.to_form,
                  ack=room.ack,
                  exam_bytes=room.exam_bytes, failures=[f.step for f in room.failures])
    return result


@dataclass
class Setup:
    """What the room runs against."""

    backend: str  # "sqlite" or "postgresql"
    nodes: int
    workers: int  # per node

    def __str__(self) -> str:
        nodes = f"{self.nodes} nodes" if self.nodes > 1 else "1 node"
        return f"{self.backend}, {nodes} × {self.workers} workers"


@dataclass
class Node:
    port: int
    server: subprocess.Popen[str]
    workers: list[int]
    log: Path


async def run_room(args: argparse.Namespace, setup: Setup) -> dict:
    """One room against `setup`; the same seed gives the same arrivals and plans."""
    rng = random.Random(args.seed)
    random.seed(args.seed)
    load_before = os.getloadavg()[0]  # other processes on the machine, before this room
    env = {}
    if args.probe:  # bench/probe/sitecustomize.py measures inside the workers
        env = {"QCM_PROBE": "1", "PYTHONPATH": str(ROOT / "bench" / "probe")}
    with tempfile.TemporaryDirectory(prefix="qcm-room-") as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        postgres: PgServer | None = None
        url = None
        if setup.backend == "postgresql":
            # Durable commits (fsync on), as a real server; a pool of up to
            # 10 connections per worker process.
            postgres = PgServer(durable=True,
                                max_connections=setup.nodes * setup.workers * 12 + 20).start()
            stack.callback(postgres.stop)
            url = await postgres.create_database("qcm")
        configs = [write_config(tmp / (f"node{i + 1}" if setup.nodes > 1 else ""),
                                args.workers, url, **door_settings(args))
                   for i in range(setup.nodes)]
        config, data, _ = configs[0]
        keys = await exam_keys(config, url or data, args.candidates, "SALLE_PV-RES")
        nodes: list[Node] = []
        with ExitStack() as servers:
            # Every node starts before any candidate connects, so that each
            # phase is measured with all of them serving.
            for i, (node_config, _, port) in enumerate(configs):
                log = tmp / f"server{i + 1}.log"
                server = servers.enter_context(running_server(node_config, port, log, env))
                nodes.append(Node(port, server, await wait_workers(server.pid, args.workers),
                                  log))
            await asyncio.sleep(1.0)
            roots = [node.server.pid for node in nodes]
            rss_before = sum(server_rss_mb(root) for root in roots)
            room = Room(time.monotonic())
            arrivals = arrival_times(args.candidates, args.arrival, args.curve, rng)
            late = set(rng.sample(range(args.candidates),
                                  round(args.late_share * args.candidates)))
            room_end = args.arrival + nominal_duration(args) + args.ends_window
            plans = [Plan(arrival, rng.uniform(room_end - args.ends_window, room_end)
                          if i in late else None) for i, arrival in enumerate(arrivals)]
            sampler = Sampler(roots, [node.workers for node in nodes], room,
                              postgres.postmaster_pid() if postgres else None)
            lags: list[float] = []
            helpers = [asyncio.ensure_future(sampler.run()),
                       asyncio.ensure_future(loop_lag(room, lags))]
            profiles = None
            if args.profile:
                named = {(f"node{n + 1}-" if setup.nodes > 1 else "") + f"worker{i}": pid
                         for n, node in enumerate(nodes) for i, pid in enumerate(node.workers)}
                profiles = Profiles(Path(args.profile), named, args.profile_rate)
                helpers.append(asyncio.ensure_future(profiles.follow(room, args.candidates)))
            # This tool's own full collections (hundreds of pyte screens) would
            # stall every client and be counted as server latency.
            gc.collect()
            gc.freeze()
            gc.set_threshold(10_000, 50, 1000)
            # Round robin over the nodes: this tool is the load balancer.
            await asyncio.gather(*(
                candidate(i, key, plan, args, nodes[i % setup.nodes].port, i % setup.nodes, room)
                for i, (key, plan) in enumerate(zip(keys, plans, strict=True))))
            sampler.sample()
            total = room.now()
            for helper in helpers:
                helper.cancel()
            if profiles is not None:
                profiles.stop()
            gc.unfreeze()
            result = report(args, setup, room, sampler, total, rss_before, lags)
            result["load_average"] = [load_before, os.getloadavg()[0]]
            print(f"load average (1 min): {load_before:.2f} before the servers started, "
                  f"{result['load_average'][1]:.2f} at the end", flush=True)
        texts = [node.log.read_text() for node in nodes]
        result["node_tracebacks"] = [text.count("Traceback") for text in texts]
        result["tracebacks"] = sum(result["node_tracebacks"])
        exits = ", ".join(str(node.server.returncode) for node in nodes)
        print(f"server{'s' if setup.nodes > 1 else ''} stopped (exit {exits}), tracebacks in "
              f"the log{'s' if setup.nodes > 1 else ''}: {result['tracebacks']}", flush=True)
        if args.server_log:
            Path(args.server_log).write_text("".join(
                f"== node {i + 1}\n{text}" if setup.nodes > 1 else text
                for i, text in enumerate(texts)))
        return result


def side_by_side(args: argparse.Namespace, setups: list[Setup], results: list[dict]) -> None:
    """The compact table of a comparison: each run's figures, and the ratio of
    the second run's to the first's (p99, CPU)."""
    width = 21
    titles = [str(setup).split(" × ")[0] for setup in setups]
    print(f"\n== side by side: {args.candidates} candidates, arrivals over {args.arrival:.0f} s, "
          f"seed {args.seed} (same arrival times), {args.workers} workers per node; "
          f"latencies p50 / p99 ms, CPU % of one core; ratio: the second's p99 (CPU) "
          f"over the first's")
    print(f"{'':<27}" + "".join(f"{t:>{width}}" for t in titles) + f"{'ratio':>8}")

    def row(label: str, cells: list[str], ratio: float | None = None) -> None:
        text = f"{ratio:8.2f}" if ratio is not None and ratio == ratio else ""
        print(f"{label:<27}" + "".join(f"{c:>{width}}" for c in cells) + text)

    def ratio(a: float | None, b: float | None) -> float | None:
        return b / a if a and b is not None and a == a and b == b else None

    row("completed / failed", [f"{r['completed']} / {r['failed']}" for r in results])
    for phase in (*PHASES, "overall"):
        first = [r["phases"][phase] for r in results]
        row(f"-- {phase}", [f"{p['start']:.0f}–{p['end']:.0f} s" if phase != "overall" else ""
                            for p in first])
        for kind in KINDS:
            cells = [p["kinds"].get(kind) for p in first]
            if not any(cells):
                continue
            row(f"  {kind}", [f"{c['p50'] * 1000:.0f} / {c['p99'] * 1000:.0f}" if c else "-"
                              for c in cells],
                ratio(*(c["p99"] if c else None for c in cells)))
        qcm = [sum(p["server_cpu"]) for p in first]
        row("  CPU qcm + PostgreSQL", [f"{q:.0f} + {p['postgres_cpu']:.0f}"
                                       for q, p in zip(qcm, first, strict=True)],
            ratio(*(q + p["postgres_cpu"] for q, p in zip(qcm, first, strict=True))))
        row("  CPU wait (worker mean)", [f"{sum(p['cpu_wait']) / len(p['cpu_wait']):.0f}"
                                         for p in first])
        row("  CPU this tool", [f"{p['tool_cpu']:.0f}" for p in first])
    for label, key in (("connect → key prompt", "prompt"), ("Enter on key → form", "to_form")):
        row(label, [f"{pct(r[key], .5) * 1000:.0f} / {pct(r[key], .99) * 1000:.0f}"
                    if r[key] else "-" for r in results],
            ratio(*(pct(r[key], .99) if r[key] else None for r in results)))
    if any(r["nodes"] > 1 for r in results):
        row("completed per node", [" / ".join(map(str, r["node_completed"])) for r in results])
    row("tracebacks in server logs", [str(r["tracebacks"]) for r in results])
    row("load average before / end", [" / ".join(f"{v:.1f}" for v in r["load_average"])
                                      for r in results])


async def main(args: argparse.Namespace) -> dict:
    """One room, or with `--compare` the same room on SQLite (1 node) then on
    PostgreSQL (`--nodes` nodes): {"sqlite": …, "postgresql": …}."""
    if not args.compare:
        return await run_room(args, Setup(args.backend, args.nodes, args.workers))
    setups = [Setup("sqlite", 1, args.workers), Setup("postgresql", args.nodes, args.workers)]
    results = [await run_room(args, setup) for setup in setups]
    side_by_side(args, setups, results)
    return {setup.backend: result for setup, result in zip(setups, results, strict=True)}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--arrival", type=float, default=60.0,
                        help="every candidate connects within this many seconds")
    parser.add_argument("--curve", choices=("uniform", "even", "peak"), default="uniform")
    parser.add_argument("--cps", type=float, default=5.0, help="typing pace, characters/s")
    parser.add_argument("--pace", type=float, default=5.0,
                        help="seconds between keystrokes while answering (mean)")
    parser.add_argument("--read", type=float, default=2.0,
                        help="seconds a candidate reads a new screen before typing")
    parser.add_argument("--late-share", type=float, default=0.5)
    parser.add_argument("--ends-window", type=float, default=120.0)
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds to wait for a keystroke's effect before failing")
    parser.add_argument("--door-timeout", type=float, default=600.0,
                        help="seconds a candidate may wait at the door before failing")
    parser.add_argument("--max-starting", type=int,
                        help="the server's ssh.max_starting (candidates of a worker "
                             "starting at once; 0: no door; default: the server's)")
    parser.add_argument("--max-lag", type=float,
                        help="the server's ssh.start_max_lag (default: the server's)")
    parser.add_argument("--term", default="xterm-256color")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show-failures", type=int, default=3)
    parser.add_argument("--server-log", help="keep the server's log in this file")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--profile", metavar="DIR",
                        help="py-spy profiles of each worker per phase, in this folder")
    parser.add_argument("--probe", action="store_true",
                        help="log loop lag, database waits, full collections and message "
                             "times from inside the workers (see bench/probe/sitecustomize.py)")
    parser.add_argument("--profile-rate", type=int, default=200, help="py-spy samples/s")
    parser.add_argument("--smoke", action="store_true",
                        help="20 candidates, compressed times: about a minute")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"),
                        help="sqlite (default): the server's own file; postgresql: a "
                             "PostgreSQL server this tool starts in a temporary directory")
    parser.add_argument("--nodes", type=int,
                        help="qcm serve processes sharing the PostgreSQL database, candidates "
                             "spread over them round robin (PostgreSQL only; default 1, "
                             "2 with --compare)")
    parser.add_argument("--compare", action="store_true",
                        help="the same room on SQLite (1 node), then on PostgreSQL (--nodes), "
                             "side by side")
    args = parser.parse_args(argv)
    if args.compare and args.backend:
        parser.error("--compare runs both backends: no --backend with it")
    args.backend = args.backend or "sqlite"
    if args.nodes is not None and args.nodes < 1:
        parser.error("--nodes: at least 1")
    if args.backend == "sqlite" and not args.compare and (args.nodes or 1) > 1:
        parser.error("--nodes needs --backend postgresql (or --compare): "
                     "a SQLite file belongs to one machine")
    args.nodes = args.nodes or (2 if args.compare else 1)
    if args.smoke:
        args.candidates, args.arrival, args.cps, args.pace = 20, 5.0, 40.0, 0.3
        args.read, args.ends_window = 0.3, 5.0
    return args


if __name__ == "__main__":
    arguments = parse()
    figures = asyncio.run(main(arguments))
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(figures, indent=1))
