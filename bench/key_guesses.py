"""How many wrong candidate keys can an attacker try, and how long to hit one?

Starts the real worker in-process (router, throttle, candidate app) on a temporary
data dir and runs guessing clients over SSH for a while:

- `--mode address`: the default settings, every client from 127.0.0.1: what one
  address gets (the per-address limit, then refusals);
- `--mode many`: per-address limit lifted and no per-connection delay, i.e. an
  attacker with as many addresses as it likes and fresh connections: the
  ceiling is then what the server can answer.

Prints guesses per hour and the expected time to hit one of `--live` keys.

    python bench/key_guesses.py --mode address --clients 5 --duration 20
    python bench/key_guesses.py --mode many --clients 20 --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.keys import KEY_ALPHABET, KEY_LENGTH, new_key
from services.config import Config, SecuritySettings, SshSettings
from sshserver.serve import start_worker
from tests.e2e_helpers import ScreenClient
from tests.tui.conftest import build_world

HOURS_PER_YEAR = 24 * 365.25


async def guesser(port: int, stop: float, counts: dict[str, int]) -> None:
    while time.monotonic() < stop:
        client = await ScreenClient.connect(port, username="candidat", password=None,
                                            term_type="xterm", login_timeout=60)
        try:
            await client.wait_for("Votre identifiant", timeout=60)
            while time.monotonic() < stop:
                key = new_key()
                client.type(key)
                await client.wait_for(key, timeout=60)  # echoed: now only the answer moves
                client.raw.clear()
                client.press("enter")
                # The answer selects the typed key (or says the address is refused).
                await client.wait_until(
                    lambda c=client: bool(c.raw) and ("inconnue" in c.text or "erron" in c.text),
                    timeout=max(1.0, stop - time.monotonic() + 60), what="an answer")
                if "erronées" in client.text:
                    counts["refused"] += 1
                    break  # the address is refused: reconnect, as an attacker would
                counts["answered"] += 1
        finally:
            await client.close()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        security = (SecuritySettings() if args.mode == "address" else
                    SecuritySettings(failed_keys_per_hour=10**9, key_retry_delay=0.0))
        config = Config(data_dir=Path(tmp), ssh=SshSettings(host="127.0.0.1", port=0,
                                                            workers=1), security=security)
        world = await build_world(config.database, keys=1)
        from domain.clock import SystemClock
        running = await start_worker(config, clock=SystemClock(), port=0, render_workers=1)
        counts = {"answered": 0, "refused": 0}
        started, cpu = time.monotonic(), time.process_time()
        try:
            await asyncio.gather(*(guesser(running.port, started + args.duration, counts)
                                   for _ in range(args.clients)))
        finally:
            elapsed = time.monotonic() - started
            cpu = time.process_time() - cpu
            await running.stop()
            await world.store.close()
    per_hour = counts["answered"] / elapsed * 3600
    if args.mode == "address":  # the limit is per hour: what an hour allows at most
        per_hour = min(per_hour, security.failed_keys_per_hour)
    space = len(KEY_ALPHABET) ** KEY_LENGTH
    hours = space / args.live / per_hour if per_hour else math.inf
    print(f"mode {args.mode}, {args.clients} clients, {elapsed:.1f} s: "
          f"{counts['answered']} wrong keys answered, {counts['refused']} refused; "
          f"CPU (server and clients, one process) {cpu / elapsed:.0%} of a core")
    print(f"guesses per hour: {per_hour:,.0f}; key space 31^15 = {space:.3g} "
          f"({math.log2(space):.1f} bits); expected time to hit one of {args.live:,} live keys: "
          f"{hours:.3g} h = {hours / HOURS_PER_YEAR:.3g} years")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("address", "many"), default="address")
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--live", type=int, default=10_000)
    asyncio.run(main(parser.parse_args()))
