"""Two `qcm serve` nodes sharing one PostgreSQL, and candidates that move from
one to the other: shared by tests/e2e/test_failover.py and bench/failover.py.

A node is a real `qcm serve` process (its workers included) in a process
group of its own, so that killing it with SIGKILL takes the whole node down
at once, as a machine that stops would. Candidates are real SSH clients
whose terminal is a pyte screen (`tests.e2e_helpers.ScreenClient`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import asyncssh

from domain.clock import SystemClock
from domain.models import Role
from services import accounts, centres, qcms, sessions
from services.demo import load_demo
from store import Scope, Store
from tests.e2e_helpers import ScreenClient

ROOT = Path(__file__).resolve().parents[2]
CENTRE_LOGIN, CENTRE_PASSWORD = "salle", "salle-secret"
PROGRESS = re.compile(r"Question (\d+)/(\d+) · Réponses (\d+)/")
CHOSEN = re.compile(r"^\s*\(x\) ([a-d])\) ")
IN_USE = "déjà ouverte sur un autre poste"
IDENTITY = ("Durand", "Alice", "Soleil SARL", "3 place Bellecour", "69002", "Lyon",
            "alice.durand@soleil.fr")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """One `qcm serve` on its own port and data_dir, in its own process group."""

    def __init__(self, root: Path, name: str, database_url: str = "", workers: int = 2) -> None:
        """`database_url` empty: the SQLite file under the node's data_dir."""
        self.name = name
        self.port = free_port()
        self.data = root / name
        self.data.mkdir(parents=True, exist_ok=True)
        self.config = root / f"{name}.toml"
        self.config.write_text(
            f'data_dir = "{self.data}"\n[ssh]\nhost = "127.0.0.1"\nport = {self.port}\n'
            f'workers = {workers}\n[database]\nurl = "{database_url}"\n', encoding="utf-8")
        self.database = database_url or str(self.data / "qcm.sqlite3")
        self.log = root / f"{name}.stderr"
        self.process: subprocess.Popen[str] | None = None
        self.first_line = ""

    def start(self) -> None:
        with self.log.open("w") as log:  # a pipe nobody reads could block the server
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sshserver.cli", "--config", str(self.config), "serve"],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True,
                start_new_session=True)

    async def ready(self, timeout: float = 120.0) -> str:
        """The first line printed (with the host key's fingerprint), once a
        worker answers an SSH handshake."""
        assert self.process is not None and self.process.stdout is not None
        self.first_line = await asyncio.to_thread(self.process.stdout.readline)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                async with asyncssh.connect("127.0.0.1", self.port, username="candidat",
                                            known_hosts=None, config=[], agent_path=None):
                    return self.first_line
            except (OSError, asyncssh.Error):
                if loop.time() > deadline or self.process.poll() is not None:
                    raise AssertionError(f"node {self.name} not ready: {self.first_line}\n"
                                         f"{self.log.read_text()}") from None
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL to the whole node: the supervisor and its workers."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def close(self) -> None:
        self.stop()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()


@dataclass
class Room:
    session_id: int
    keys: list[str]


async def seed(database_url: str | Path, candidates: int) -> Room:
    """Demo banks, a centre with its account (CENTRE_LOGIN) and one online
    session open now with `candidates` keys, made by the services."""
    store = await Store.open(database_url, SystemClock())
    try:
        await load_demo(store)
        admin = Scope.admin("test")
        centre = await centres.add_centre(store, admin, "Centre Salle", "1 rue Haute", "69001",
                                          "Lyon")
        trainer = await centres.add_trainer(store, admin, centre.id, "Paul Martin")
        await accounts.add_account(store, admin, CENTRE_LOGIN, Role.CENTRE, centre.id,
                                   CENTRE_PASSWORD)
        scope = Scope.centre(centre.id, "test")
        qcm = await qcms.create_qcm(store, scope, "PV-RES", "SALLE_PV-RES")
        now = store.clock.now().replace(second=0, microsecond=0)
        session, keys = await sessions.create_online_session(
            store, scope, qcm.id, candidates, trainer.id, "Salle 2", now - timedelta(hours=1),
            now + timedelta(hours=5))
        return Room(session.id, [k.code for k in keys])
    finally:
        await store.close()


def position(client: ScreenClient) -> tuple[int, int, str | None]:
    """(question shown, answers counted, chosen letter) on the candidate's screen."""
    number = answered = 0
    chosen = None
    for line in client.display:
        if m := PROGRESS.search(line):
            number, answered = int(m.group(1)), int(m.group(3))
        elif m := CHOSEN.match(line):
            chosen = m.group(1)
    return number, answered, chosen


@dataclass
class Candidate:
    """One candidate's connection and what their screen acknowledged."""

    key: str
    client: ScreenClient | None = None
    acknowledged: dict[int, str] = field(default_factory=dict)  # question -> letter shown
    retries: int = 0  # « already open elsewhere » answers on reconnecting

    async def connect(self, port: int) -> None:
        self.client = await ScreenClient.connect(port, username="candidat", password=None,
                                                 term_type="xterm")

    @property
    def screen(self) -> ScreenClient:
        assert self.client is not None
        return self.client

    async def open_key(self, timeout: float = 30.0, retry_every: float = 0.5) -> None:
        """Type the key and Enter until the key opens (an identity form or a
        question); on « already open elsewhere » the candidate presses Enter
        again every `retry_every` seconds (the key stays in the field)."""
        client = self.screen
        await client.wait_for("Votre identifiant", timeout)
        client.type(self.key.lower())
        client.press("enter")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout

        def opened() -> bool:
            return "Vos informations" in client.text or position(client)[0] > 0

        while True:
            await client.wait_until(lambda: opened() or IN_USE in client.text,
                                    max(0.1, deadline - loop.time()), "key opened")
            if opened():
                return
            self.retries += 1
            with contextlib.suppress(AssertionError):  # not opened meanwhile: try again
                await client.wait_until(opened, min(retry_every, deadline - loop.time()))
            if opened():
                return
            if loop.time() > deadline:
                raise AssertionError(f"key {self.key} not opened in {timeout} s:\n"
                                     f"{client.text}")
            client.press("enter")

    async def fill_identity(self, timeout: float = 30.0) -> None:
        client = self.screen
        await client.wait_for("Vos informations", timeout)
        await client.wait_quiet(0.1, timeout)
        client.press("enter")  # « M. »
        last, first, company, address, postal, city, email = IDENTITY
        for index, text in enumerate((last, first, company, address, postal, city)):
            if index:
                client.press("tab")
            client.type(text)
        client.press("tab", "tab")  # the country is already « France »
        client.type(email)
        client.press("tab", "tab", "enter")
        await client.wait_until(lambda: position(client)[0] == 1, timeout, "question 1")

    async def answer(self, letter: str, timeout: float = 30.0) -> None:
        """Choose `letter` on the question shown; noted once the screen shows it chosen."""
        client = self.screen
        number = position(client)[0]
        client.press(letter)
        await client.wait_until(lambda: position(client)[0] == number
                                and position(client)[2] == letter, timeout,
                                f"({letter}) chosen on question {number}")
        self.acknowledged[number] = letter

    async def go_to(self, number: int, timeout: float = 30.0) -> None:
        client = self.screen
        while position(client)[0] != number:
            client.press("n" if position(client)[0] < number else "p")
            here = position(client)[0]
            await client.wait_until(lambda: position(client)[0] != here, timeout,
                                    f"moving to question {number}")

    async def finish(self, timeout: float = 30.0) -> int:
        """« Terminer », confirmed; the score shown."""
        client = self.screen
        client.press("t")
        await client.wait_for("Terminer le QCM maintenant ?", timeout)
        client.press("tab", "enter")
        await client.wait_for("Votre note", timeout)
        found = re.search(r"Votre note : (\d+)/", client.text)
        assert found, client.text
        return int(found.group(1))
