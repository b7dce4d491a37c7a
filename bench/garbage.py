"""Cyclic garbage a candidate leaves, phase by phase (prints figures).

Reference counting frees an object as soon as nothing refers to it, except
objects in a reference cycle: those wait for Python's collector, and on a
loaded worker they reach the oldest generation, which only a full collection
walks (seconds for a worker of 250 sessions, every session stopped
meanwhile; see sshserver/collector.py and tui/release.py). This counts what
a full collection would have to find after each phase of a real exam:
candidates connect over SSH to a server in this process (a real SQLite
file), with the collector off, and at the end of each phase one collection
saves what it found (`gc.DEBUG_SAVEALL`):

- key: the key typed, Enter, until the identity form shows;
- identity: the form typed field by field, « Valider », until question 1;
- answers: 30 answers each followed by « next », the question list opened
  and closed;
- end: « Terminer », the confirmation, the score, « q », the session closed.

    .venv/bin/python bench/garbage.py [--candidates 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.throttle import KeyThrottle  # noqa: E402
from tests.e2e_helpers import ScreenClient, StaticAuthenticator, start_test_server  # noqa: E402
from tests.tui.conftest import IDENTITY, build_world  # noqa: E402
from tui.candidate_app import CandidateApp  # noqa: E402
from tui.shared_styles import SharedStyles  # noqa: E402

PHASES = ("key", "identity", "answers", "end")
FIELDS = ("last_name", "first_name", "company", "company_address", "postal_code", "city",
          "country", "email")


async def phase(clients: list[ScreenClient], step) -> None:  # type: ignore[no-untyped-def]
    await asyncio.gather(*(step(index, client) for index, client in enumerate(clients)))


def collected() -> Counter[str]:
    """What one full collection finds now, by type."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return Counter(type(thing).__name__ for thing in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


async def main(args: argparse.Namespace) -> None:
    count = args.candidates
    with tempfile.TemporaryDirectory() as folder:
        world = await build_world(Path(folder) / "qcm.sqlite3", keys=count)
        styles = SharedStyles()

        def factory(principal, process):  # type: ignore[no-untyped-def]
            return CandidateApp(world.store, world.clock, source="127.0.0.1", styles=styles,
                                key_failures=KeyThrottle(per_address=1000, first_delay=0.0))

        server = await start_test_server(
            Path(folder), factory, StaticAuthenticator(passwords={}, candidates={"candidat"}))
        clients = [await ScreenClient.connect(server.port, username="candidat", password=None,
                                              term_type="xterm-256color") for _ in range(count)]
        for client in clients:
            await client.wait_for("XXXXX-XXXXX-XXXXX", 30)
        gc.collect()
        gc.disable()
        found: dict[str, Counter[str]] = {}

        async def key(index: int, client: ScreenClient) -> None:
            client.type(world.keys[index])
            await client.wait_for(world.keys[index], 30)
            client.press("enter")
            await client.wait_for("Vos informations", 30)

        async def identity(index: int, client: ScreenClient) -> None:
            client.press("enter")  # « M. », then « Nom »
            for name in FIELDS:
                for character in IDENTITY[name]:
                    client.type(character)
                    await asyncio.sleep(0.01)
                await client.wait_for(IDENTITY[name], 30)
                client.press("tab")
            client.press("tab")  # from « Second passage » to « Valider »
            await asyncio.sleep(0.1)
            client.press("enter")
            await client.wait_for("Question 1/", 30)

        async def answers(index: int, client: ScreenClient) -> None:
            for number in range(1, 31):
                client.type("abcd"[(index + number) % 4])
                await asyncio.sleep(0.02)
                if number < 30:
                    client.type("n")
                    await client.wait_for(f"Question {number + 1}/", 30)
            client.type("v")
            await client.wait_for("Liste des questions", 30)
            client.type("v")
            await client.wait_gone("Liste des questions", 30)

        async def end(index: int, client: ScreenClient) -> None:
            client.type("t")
            await client.wait_for("Terminer le QCM maintenant ?", 30)
            client.press("tab")
            await asyncio.sleep(0.1)
            client.press("enter")
            await client.wait_for("Votre note", 30)
            client.type("q")
            await client.wait_closed(30)

        try:
            for name, step in zip(PHASES, (key, identity, answers, end), strict=True):
                await phase(clients, step)
                if name == "end":
                    await asyncio.sleep(0.5)  # the sessions' apps end
                found[name] = collected()
        finally:
            gc.enable()
            for client in clients:
                client.abort()
            await server.stop()
            await world.store.close()
    print(f"cyclic garbage per candidate ({count} candidates over SSH, collector off)")
    total = 0
    for name in PHASES:
        objects = sum(found[name].values())
        total += objects
        top = ", ".join(f"{kind} {n // count}" for kind, n in found[name].most_common(5))
        print(f"  {name:9} {objects // count:7}  ({top})")
    print(f"  {'exam':9} {total // count:7}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
