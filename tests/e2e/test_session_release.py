"""A session that ends leaves nothing for Python's collector: over a real SSH
connection, the candidate goes from the key screen to the identity form and
leaves; with the collector off, their app, every node they saw and the
questions prepared for them are freed (tui/release.py, sshserver/session.py)."""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path

import asyncssh

from services.throttle import KeyThrottle
from tests.e2e_helpers import ScreenClient, StaticAuthenticator, start_test_server
from tests.tui.conftest import build_world
from tests.tui.test_release import alive, collector_off, every_node
from tui.candidate_app import CandidateApp


async def test_an_ended_session_is_freed_without_a_collection(tmp_path: Path):
    world = await build_world(tmp_path / "exam.sqlite3", keys=1)
    apps: list[weakref.ref[CandidateApp]] = []

    def factory(principal: str, process: asyncssh.SSHServerProcess[bytes]) -> CandidateApp:
        app = CandidateApp(world.store, world.clock, source="127.0.0.1",
                           key_failures=KeyThrottle(per_address=100, first_delay=0.0))
        apps.append(weakref.ref(app))
        return app

    server = await start_test_server(tmp_path, factory,
                                     StaticAuthenticator(passwords={}, candidates={"candidat"}))
    try:
        with collector_off():
            client = await ScreenClient.connect(server.port, username="candidat", password=None)
            await client.wait_for("XXXXX-XXXXX-XXXXX")
            app = apps[0]()
            assert app is not None
            seen = every_node(app.screen)
            client.type(world.keys[0])
            client.press("enter")
            await client.wait_for("Vos informations")
            client.press("tab")
            client.type("Dupont")
            await client.wait_for("Dupont")
            seen += every_node(app.screen)
            assert app._exam is not None  # the questions, prepared off the stack
            seen += every_node(app._exam.screen)
            del app
            await client.close()
            for _ in range(200):
                if apps[0]() is None:
                    break
                await asyncio.sleep(0.02)
            assert apps[0]() is None
            assert len(seen) > 50
            assert alive(seen) == []
    finally:
        await server.stop()
        await world.store.close()
