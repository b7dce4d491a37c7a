"""A real SSH server serving the candidate app over a real store: a SQLite
file, then a PostgreSQL database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import asyncssh
import pytest

from services.throttle import KeyThrottle
from tests.backends import Backend
from tests.e2e_helpers import RunningServer, ScreenClient, StaticAuthenticator, start_test_server
from tests.tui.conftest import ExamWorld, build_world
from tui.candidate_app import CandidateApp

CANDIDATE_LOGIN = "candidat"


@dataclass
class ExamServer:
    world: ExamWorld
    server: RunningServer
    apps: list[CandidateApp]
    backend: Backend

    async def connect(self, **options) -> ScreenClient:
        """`ssh candidat@host` from a plain 16-colour terminal, 80x24."""
        options.setdefault("term_type", "xterm")
        return await ScreenClient.connect(self.server.port, username=CANDIDATE_LOGIN,
                                          password=None, **options)


@pytest.fixture
async def exam_server(backend: Backend, tmp_path: Path) -> AsyncIterator[ExamServer]:
    """Run once on SQLite, once on PostgreSQL (the shared `backend` fixture)."""
    world = await build_world(backend.target)
    apps: list[CandidateApp] = []

    def factory(principal: str, process: asyncssh.SSHServerProcess[bytes]) -> CandidateApp:
        peer = process.get_extra_info("peername")
        app = CandidateApp(world.store, world.clock, source=str(peer[0]),
                           key_failures=KeyThrottle(per_address=3, window=timedelta(minutes=1),
                                                     first_delay=0.0), check_interval=0.05,
                           renew_interval=0.2)
        apps.append(app)
        return app

    authenticator = StaticAuthenticator(passwords={}, candidates={CANDIDATE_LOGIN})
    server = await start_test_server(tmp_path, factory, authenticator)
    try:
        yield ExamServer(world, server, apps, backend)
    finally:
        await server.stop()
        # Apps end once their client has gone; let them give their key back.
        for _ in range(500):
            if not any(app.is_running for app in apps):
                break
            await asyncio.sleep(0.01)
        await world.store.close()


@pytest.fixture
async def admin_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """The administration app on a real server: login « admin », password « secret »."""
    from tests.admin_seed import seed
    from tui.admin_app import AdminApp

    seeded = await seed(tmp_path / "data")
    account = await seeded.store.centres.account("admin")
    server = await start_test_server(
        tmp_path, lambda principal, process: AdminApp(seeded.store, account, seeded.clock),
        StaticAuthenticator(passwords={"admin": "secret"}))
    try:
        yield server
    finally:
        await server.stop()
        await seeded.store.close()
