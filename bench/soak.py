"""Soak run, by hand: randomised connection cuts against a real SSH server,
then SIGKILL of `qcm serve` with many candidates answering.

    /work/venv/bin/python bench/soak.py --cuts 200 --candidates 50

Prints cuts injected (by phase), answers acknowledged, answers lost (target 0),
duplicate submissions (target 0), leases released/expired, the process's RSS
over time, and the SIGKILL figures."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.faults import Figures, run_cuts, start_fault_server  # noqa: E402
from tests.reliability.sigkill import kill_and_restart  # noqa: E402


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def main(cuts: int, candidates: int, seed: int) -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        fs = await start_fault_server(Path(tmp), keys=cuts // 2 + 10)
        samples: list[tuple[int, int, float, int]] = [(0, rss_kb(), 0.0, 0)]

        def sample(figures: Figures) -> None:
            if figures.cuts % 25 == 0 and figures.cuts != samples[-1][0]:
                gc.collect()
                samples.append((figures.cuts, rss_kb(), time.monotonic() - started,
                                len(fs.apps)))

        try:
            figures = await run_cuts(fs, cuts, seed, sample)
        finally:
            await fs.stop()
    print(f"cuts injected: {figures.cuts} {figures.by_phase}")
    print(f"answers acknowledged: {figures.acknowledged}")
    print(f"answers lost: {figures.lost}")
    print(f"duplicate submissions: {figures.duplicate_submissions}")
    print(f"keys submitted: {figures.submitted_keys}; keys stuck: {figures.stuck_keys}")
    print(f"leases released on disconnect: {figures.lease_released}; "
          f"left to expire: {figures.lease_expired}")
    print("RSS (cuts, kB, s, candidate apps still in memory): "
          + ", ".join(f"({c}, {r}, {t:.0f}, {a})" for c, r, t, a in samples))
    ok = figures.lost == 0 and figures.duplicate_submissions == 0 and figures.stuck_keys == 0
    if candidates:
        with tempfile.TemporaryDirectory() as tmp:
            killed = await kill_and_restart(Path(tmp), candidates, seed)
        print(f"SIGKILL: {killed.candidates} candidates, {killed.acknowledged} answers "
              f"acknowledged before the kill, {killed.lost} lost, "
              f"{killed.resumed_same_key} resumed with the same key")
        ok = ok and killed.lost == 0 and killed.resumed_same_key == candidates
    print(f"total {time.monotonic() - started:.0f} s: {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cuts", type=int, default=200)
    parser.add_argument("--candidates", type=int, default=50, help="0: no SIGKILL run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.cuts, args.candidates, args.seed)))
