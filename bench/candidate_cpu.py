"""CPU per keystroke kind of one candidate's whole exam (prints figures; not a test).

Server and client in this process, over real SSH on loopback: a candidate app
per connection (as a worker builds it, with the worker's shared CSS), driven
through key, identity form, 30 answers with « next », the list, finish. For each
kind of step: the process's CPU time (less the client's pyte screen), how many
layout passes Textual ran, how many widget renders (`render_lines` calls) and
the bytes sent. With
`--profile KIND`, a cProfile of that kind of step (top functions, cumulative).

    .venv/bin/python bench/candidate_cpu.py --candidates 5 [--profile next]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncssh
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

from services.throttle import KeyThrottle
from tests.e2e_helpers import ScreenClient, StaticAuthenticator, start_test_server
from tests.tui.conftest import IDENTITY, build_world
from tui.candidate_app import CandidateApp
from tui.shared_styles import SharedStyles

COUNTS: dict[str, int] = defaultdict(int)


def count(name: str, method):
    def counted(self, *args, **kwargs):
        COUNTS[name] += 1
        return method(self, *args, **kwargs)
    return counted


Screen._refresh_layout = count("layout", Screen._refresh_layout)  # type: ignore[method-assign]
Widget.render_lines = count("render", Widget.render_lines)  # type: ignore[method-assign]
MessagePump._dispatch_message = count(  # type: ignore[method-assign]
    "message", MessagePump._dispatch_message)
CLIENT = [0.0]
"""CPU spent by the client side (pyte, waiting predicates): subtracted."""


def client_side(function):
    def timed(*args, **kwargs):
        began = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            CLIENT[0] += time.process_time() - began
    return timed


ScreenClient._on_data = client_side(ScreenClient._on_data)  # type: ignore[method-assign]


class Steps:
    def __init__(self, profile: str | None) -> None:
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.layouts: dict[str, list[int]] = defaultdict(list)
        self.renders: dict[str, list[int]] = defaultdict(list)
        self.messages: dict[str, list[int]] = defaultdict(list)
        self.bytes: dict[str, list[int]] = defaultdict(list)
        self.profile_kind = profile
        self.profiler = cProfile.Profile() if profile else None

    async def step(self, client: ScreenClient, kind: str, keys: str, done) -> None:
        await client.wait_quiet(0.05, 10)
        layouts, renders, messages = COUNTS["layout"], COUNTS["render"], COUNTS["message"]
        sent, began = client.bytes_received, time.process_time()
        client_began = CLIENT[0]
        if self.profiler and kind == self.profile_kind:
            self.profiler.enable()
        client.send(keys)
        await client.wait_until(client_side(done), 10, kind)
        await client.wait_quiet(0.05, 10)
        if self.profiler and kind == self.profile_kind:
            self.profiler.disable()
        # The quiet wait itself costs little CPU; it is included for every kind alike.
        self.cpu[kind].append(time.process_time() - began - (CLIENT[0] - client_began))
        self.layouts[kind].append(COUNTS["layout"] - layouts)
        self.renders[kind].append(COUNTS["render"] - renders)
        self.messages[kind].append(COUNTS["message"] - messages)
        self.bytes[kind].append(client.bytes_received - sent)


async def one(port: int, key: str, steps: Steps) -> None:
    began = time.process_time()
    layouts, renders = COUNTS["layout"], COUNTS["render"]
    client = await ScreenClient.connect(port, username="candidat", password=None,
                                        term_type="xterm-256color")
    await client.wait_for("XXXXX-XXXXX-XXXXX", 10)
    await client.wait_quiet(0.05, 10)
    steps.cpu["connect+first screen"].append(time.process_time() - began)
    steps.layouts["connect+first screen"].append(COUNTS["layout"] - layouts)
    steps.renders["connect+first screen"].append(COUNTS["render"] - renders)
    steps.bytes["connect+first screen"].append(client.bytes_received)
    for n, char in enumerate(key[:5]):
        await steps.step(client, "key char", char, lambda n=n: key[:n + 1] in client.text)
    client.send(key[5:])
    await steps.step(client, "Enter on key", "\r", lambda: "Vos informations" in client.text)
    # Enter chooses « M. » and goes on to « Nom », as the form's hint says.
    await steps.step(client, "form Enter (civility)", "\r", lambda: True)
    for n, char in enumerate(IDENTITY["last_name"]):
        await steps.step(client, "form char", char,
                         lambda n=n: IDENTITY["last_name"][:n + 1] in client.text)
    await steps.step(client, "form Tab", "\t", lambda: True)
    client.send(IDENTITY["first_name"])
    for name in ("company", "company_address", "postal_code", "city"):
        client.send("\t" + IDENTITY[name])
    client.send("\t\t" + IDENTITY["email"] + "\t\t")
    await client.wait_until(lambda: IDENTITY["email"] in client.text, 10, "email")
    await steps.step(client, "Valider", "\r", lambda: "Question 1/" in client.text)
    for number in range(1, 31):
        await steps.step(client, "answer", "abcd"[number % 4],
                         lambda n=number: f"Réponses {n}/" in client.text)
        if number < 30:
            await steps.step(client, "next", "n",
                             lambda n=number + 1: f"Question {n}/" in client.text)
    await steps.step(client, "list open", "v", lambda: "Liste des questions" in client.text)
    await steps.step(client, "list close", "v", lambda: "Liste des questions" not in client.text)
    await steps.step(client, "finish", "t", lambda: "Terminer le QCM maintenant" in client.text)
    await steps.step(client, "confirm Tab", "\t", lambda: True)
    await steps.step(client, "confirm", "\r", lambda: "Votre note" in client.text)
    steps.bytes["whole exam"].append(client.bytes_received)
    client.send("q")
    await client.wait_closed(10)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = await build_world(Path(tmp) / "db.sqlite3", keys=args.candidates + 1)
        styles = SharedStyles()

        def factory(principal: str, process: asyncssh.SSHServerProcess[bytes]) -> CandidateApp:
            return CandidateApp(world.store, world.clock, source="127.0.0.1",
                                key_failures=KeyThrottle(per_address=1000, first_delay=0.0), styles=styles)

        server = await start_test_server(
            Path(tmp), factory, StaticAuthenticator(passwords={}, candidates={"candidat"}))
        steps = Steps(args.profile)
        try:
            await one(server.port, world.keys[-1], Steps(None))  # warm-up
            for key in world.keys[:args.candidates]:
                await one(server.port, key, steps)
        finally:
            await server.stop()
            await world.store.close()
    print(f"{'step':<24}{'n':>4}{'CPU ms (median)':>17}{'layouts':>9}{'renders':>9}"
          f"{'messages':>9}{'bytes':>8}")
    for kind, values in steps.cpu.items():
        ordered = sorted(values)
        layouts = sorted(steps.layouts[kind])
        renders = sorted(steps.renders[kind])
        messages = sorted(steps.messages[kind]) or [0]
        sent = sorted(steps.bytes[kind])
        print(f"{kind:<24}{len(values):4}{ordered[len(ordered) // 2] * 1000:17.1f}"
              f"{layouts[len(layouts) // 2]:9}{renders[len(renders) // 2]:9}"
              f"{messages[len(messages) // 2]:9}{sent[len(sent) // 2]:8}")
    whole = sorted(steps.bytes["whole exam"])
    print(f"whole exam, bytes (xterm-256color): {whole[len(whole) // 2]}")
    if steps.profiler:
        stats = pstats.Stats(steps.profiler)
        stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=5)
    parser.add_argument("--profile", help="cProfile this kind of step (e.g. next)")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime…")
    asyncio.run(main(parser.parse_args()))
