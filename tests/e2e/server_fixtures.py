"""The REAL server (`start_worker`: Router, StoreAuthenticator, ExecRunner,
DocumentsSFTP) on a free loopback port, over a store seeded with the demo
data and a second centre."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from domain.clock import SystemClock
from domain.models import Role, SessionKind
from domain.passwords import hash_password
from services.config import Config, SecuritySettings, SshSettings
from services.demo import load_demo
from sshserver.serve import Worker, start_worker
from store import Scope, Store
from tests.e2e_helpers import ScreenClient

OTHER_CENTRE = "Centre Bretagne"
OTHER_LOGIN, OTHER_PASSWORD = "ouest", "ouest-secret"


@dataclass
class Served:
    config: Config
    worker: Worker
    store: Store  # the worker's own store
    demo_keys: list[str]
    demo_session: int
    other_session: int
    other_centre: int

    @property
    def port(self) -> int:
        return self.worker.port

    async def screen(self, username: str, password: str | None = None,
                     **options: Any) -> ScreenClient:
        options.setdefault("term_type", "xterm")
        return await ScreenClient.connect(self.port, username=username, password=password,
                                          **options)

    async def connect(self, username: str, password: str | None = None,
                      **options: Any) -> asyncssh.SSHClientConnection:
        return await asyncssh.connect("127.0.0.1", self.port, username=username,
                                      password=password, known_hosts=None, agent_path=None,
                                      config=[], client_keys=options.pop("client_keys", None),
                                      **options)

    async def run(self, username: str, password: str, command: str,
                  input: str | None = None) -> asyncssh.SSHCompletedProcess:
        async with await self.connect(username, password) as conn:
            return await conn.run(command, input=input, check=False)


def make_config(tmp_path: Path, **ssh: Any) -> Config:
    security = ssh.pop("security", {})
    return Config(data_dir=tmp_path / "data",
                  ssh=SshSettings(host="127.0.0.1", port=0, workers=1, **ssh),
                  security=SecuritySettings(**security))


async def seed(config: Config) -> tuple[list[str], int, int, int]:
    """Demo data plus a second centre, its account, QCM and online session."""
    config.documents_dir.mkdir(parents=True, exist_ok=True)
    store = await Store.open(config.database, SystemClock())
    try:
        report = await load_demo(store)
        admin = Scope.admin("test")
        [demo_session] = await store.sessions.sessions(
            Scope.centre((await store.centres.centre_by_name(admin, "Centre de formation Démo")).id,
                         "test"))
        centre = await store.centres.add_centre(admin, OTHER_CENTRE, "1 quai Ouest", "35000",
                                                "Rennes")
        trainer = await store.centres.add_trainer(admin, centre.id, "Yann Le Goff")
        digest = await asyncio.get_running_loop().run_in_executor(None, hash_password,
                                                                  OTHER_PASSWORD)
        await store.centres.add_account(admin, OTHER_LOGIN, Role.CENTRE, centre.id, digest)
        scope = Scope.centre(centre.id, "test")
        qcm = await store.qcms.create_qcm(scope, "PV-RES", "OUEST_PV-RES")
        now = store.clock.now().replace(second=0, microsecond=0)
        session = await store.sessions.create_session(
            scope, qcm.id, SessionKind.ONLINE, trainer.id, "Rennes, salle 1", now.date(),
            now - timedelta(hours=1), now + timedelta(days=1))
        await store.exam.create_keys(scope, session.id, 2)
        return report.keys, demo_session.id, session.id, centre.id
    finally:
        await store.close()


ServeFactory = Callable[..., Awaitable[Served]]


@pytest.fixture
async def serve(tmp_path: Path) -> AsyncIterator[ServeFactory]:
    """`await serve(**ssh_settings, security={...}, guard_interval=...)` starts
    the real worker once per test; it is stopped at the end."""
    workers: list[Worker] = []

    async def start(guard_interval: float = 10.0, **settings: Any) -> Served:
        config = make_config(tmp_path, **settings)
        keys, demo_session, other_session, other_centre = await seed(config)
        worker = await start_worker(config, clock=SystemClock(), render_workers=1,
                                    guard_interval=guard_interval)
        workers.append(worker)
        return Served(config, worker, worker.store, keys, demo_session, other_session,
                      other_centre)

    yield start
    for worker in workers:
        await worker.stop()


@pytest.fixture
async def served(serve: ServeFactory) -> Served:
    return await serve()
