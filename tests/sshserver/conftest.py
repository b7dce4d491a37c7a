"""A real server running TinyApp, with a record of every app it built."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from tests.e2e_helpers import RunningServer, ScreenClient, StaticAuthenticator, start_test_server
from tests.sshserver.tiny_app import TinyApp


@dataclass
class AppRecord:
    """Weak references to the apps the server built, and their SSH processes."""

    apps: list[weakref.ref[TinyApp]] = field(default_factory=list)
    processes: list[asyncssh.SSHServerProcess[bytes]] = field(default_factory=list)
    keep_processes: bool = False

    def factory(self, principal: str, process: asyncssh.SSHServerProcess[bytes]) -> TinyApp:
        app = TinyApp(principal)
        self.apps.append(weakref.ref(app))
        if self.keep_processes:
            self.processes.append(process)
        return app


@dataclass
class Harness:
    server: RunningServer
    record: AppRecord
    authenticator: StaticAuthenticator

    async def connect(self, **options: Any) -> ScreenClient:
        return await ScreenClient.connect(self.server.port, **options)


@pytest.fixture
def authenticator() -> StaticAuthenticator:
    return StaticAuthenticator(passwords={"alice": "secret", "bob": "secret", "cand": "K-123"},
                               candidates={"cand"})


@asynccontextmanager
async def serve_tiny_app(
    tmp_path: Path, authenticator: StaticAuthenticator | None = None, **options: Any
) -> AsyncIterator[Harness]:
    """A server running TinyApp; `options` go to `start_server`."""
    authenticator = authenticator or StaticAuthenticator()
    record = AppRecord()
    server = await start_test_server(tmp_path, record.factory, authenticator, **options)
    try:
        yield Harness(server, record, authenticator)
    finally:
        await server.stop()


@pytest.fixture
async def harness(tmp_path: Path, authenticator: StaticAuthenticator) -> AsyncIterator[Harness]:
    async with serve_tiny_app(tmp_path, authenticator) as running:
        yield running


