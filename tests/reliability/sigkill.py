"""`qcm serve` as a real process group, killed with SIGKILL mid-exam and
restarted: acknowledged answers survive and every candidate resumes with the
same key. Shared by the CI test and `bench/soak.py`."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.e2e.test_candidate_e2e import shown
from tests.e2e_helpers import ScreenClient
from tests.reliability.faults import answer_some, fill_identity_partly, open_screen
from tests.tui.conftest import build_world

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0  # seconds for a screen to change with dozens of sessions at once


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServeProcess:
    data_dir: Path
    port: int
    process: subprocess.Popen | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.data_dir / "serve.log"
        (self.data_dir / "qcm.toml").write_text(
            f'data_dir = "{self.data_dir}"\n[ssh]\nhost = "127.0.0.1"\nport = {self.port}\n'
            "workers = 2\n[security]\nfailed_keys_per_hour = 100000\n")

    async def start(self) -> None:
        env = {**os.environ, "QCM_CONFIG": str(self.data_dir / "qcm.toml"),
               "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sshserver.cli", "serve"], cwd=ROOT, env=env,
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(300):  # until a worker answers SSH
            try:
                client = await ScreenClient.connect(self.port, username="candidat",
                                                    password=None, term_type="xterm")
            except OSError:
                await asyncio.sleep(0.1)
                continue
            await client.wait_for("Votre identifiant", timeout=20)
            await client.close()
            await asyncio.sleep(1.0)  # the second worker
            return
        raise AssertionError("qcm serve did not start:\n" + self.log.read_text())

    def kill(self) -> None:
        """SIGKILL the whole process group (supervisor and workers)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@dataclass
class KillFigures:
    candidates: int = 0
    acknowledged: int = 0
    lost: int = 0
    resumed_same_key: int = 0


async def candidate(port: int, key: str, rng: random.Random, acknowledged: dict[int, str],
                    started: asyncio.Event, logins: asyncio.Semaphore,
                    clients: dict[str, ScreenClient]) -> None:
    """Answer questions, a few a second, until the server dies (generous timeouts)."""
    async with logins:  # a classroom logs in over a few seconds, not all in one instant
        client = await asyncio.wait_for(ScreenClient.connect(
            port, username="candidat", password=None, term_type="xterm"), WAIT)
        clients[key] = client
        try:
            assert await open_screen(client, key, WAIT) == "identity"
            await fill_identity_partly(client, 8, WAIT)
            await client.wait_for("Question 1/30", WAIT)
        except BaseException:
            client.abort()
            raise
    try:
        while True:  # on question 30 the candidate keeps changing its mind
            await answer_some(client, 1, rng, acknowledged, WAIT)
            if len(acknowledged) >= 2:
                started.set()
            await asyncio.sleep(rng.uniform(0.2, 1.0))  # reading the next question
    except (AssertionError, OSError) as error:  # OSError: writing to a dropped channel
        if isinstance(error, AssertionError) and not client.closed:
            raise
        if not started.is_set():
            raise AssertionError(f"{key}: the server ended the session:\n{client.text}") from None
    finally:
        client.abort()


async def all_started(events: list[asyncio.Event], tasks: list[asyncio.Future],
                      clients: dict[str, ScreenClient], keys: list[str]) -> None:
    """Until every candidate has answered twice; a candidate's failure is raised."""
    waiting = asyncio.ensure_future(asyncio.gather(*(e.wait() for e in events)))
    pending: set[asyncio.Future] = {waiting, *tasks}
    deadline = asyncio.get_running_loop().time() + 180
    while not waiting.done():
        remaining = deadline - asyncio.get_running_loop().time()
        done, pending = await asyncio.wait(pending, timeout=max(remaining, 0),
                                           return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not waiting:
                task.result()  # a candidate that failed says why
        if not done:
            break
    if not waiting.done():
        waiting.cancel()
        late = [k for k, e in zip(keys, events) if not e.is_set()]
        screens = "\n---\n".join(f"{k}: " + (clients[k].text if k in clients else "not connected")
                                  for k in late[:3])
        raise AssertionError(f"{len(late)} candidates did not start answering:\n{screens}")


async def kill_and_restart(tmp_path: Path, candidates: int, seed: int = 7) -> KillFigures:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    world = await build_world(tmp_path / "qcm.sqlite3", starts=now - timedelta(hours=1),
                              ends=now + timedelta(hours=3), keys=candidates)
    await world.store.close()
    serve = ServeProcess(tmp_path, free_port())
    figures = KillFigures(candidates=candidates)
    rng = random.Random(seed)
    acknowledged: dict[str, dict[int, str]] = {k: {} for k in world.keys}
    await serve.start()
    try:
        events = [asyncio.Event() for _ in world.keys]
        logins = asyncio.Semaphore(10)
        clients: dict[str, ScreenClient] = {}
        tasks = [asyncio.ensure_future(candidate(serve.port, key, random.Random(rng.random()),
                                                 acknowledged[key], ev, logins, clients))
                 for key, ev in zip(world.keys, events)]
        await all_started(events, tasks, clients, world.keys)
        serve.kill()  # mid-exam: every candidate is still answering
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
        figures.acknowledged = sum(len(a) for a in acknowledged.values())
        await serve.start()  # leases are released at start
        for key in world.keys:
            client = await ScreenClient.connect(serve.port, username="candidat",
                                                password=None, term_type="xterm")
            try:
                if await open_screen(client, key, WAIT) == "qcm":
                    figures.resumed_same_key += 1
            finally:
                await client.close()
        from domain.clock import SystemClock
        from store import Store
        store = await Store.open(tmp_path / "qcm.sqlite3", SystemClock())
        try:
            for key in world.keys:
                row = await store.db.one("SELECT id FROM online_keys WHERE code = ?", (key,))
                ticket = await store.exam.ticket(row[0])
                for number, text in acknowledged[key].items():
                    question = ticket.questions[number - 1]
                    stored = ticket.answers.get(question.id)  # type: ignore[arg-type]
                    if stored is None or question.choices[stored] != text:
                        figures.lost += 1
        finally:
            await store.close()
    except BaseException:
        log = [line for line in serve.log.read_text(errors="replace").splitlines()
               if " INFO asyncssh" not in line]
        print("\n".join(log[-60:]), file=sys.stderr)
        raise
    finally:
        serve.stop()
    return figures
