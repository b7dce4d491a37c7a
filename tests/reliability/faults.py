"""Randomised connection cuts against a real SSH server serving the candidate
app over a real SQLite store. Shared by the CI tests and `bench/soak.py`.

A cut is an abrupt TCP drop (`ScreenClient.abort()`) at one of three points:
while the identity form is being filled, while answering the QCM, and while
the « Terminer » confirmation is on screen (possibly right after confirming).
An answer counts as acknowledged once the terminal shows it chosen."""

from __future__ import annotations

import asyncio
import random
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from domain.exam import KeyRefused
from services.throttle import KeyThrottle
from store.exam import LEASE
from tests.e2e.test_candidate_e2e import shown
from tests.e2e_helpers import RunningServer, ScreenClient, StaticAuthenticator, start_test_server
from tests.tui.conftest import IDENTITY, ExamWorld, build_world
from tui.candidate_app import CandidateApp

LOGIN = "candidat"
PHASES = ("identity", "qcm", "confirm", "confirmed")


@dataclass
class Figures:
    cuts: int = 0
    by_phase: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PHASES, 0))
    acknowledged: int = 0
    lost: int = 0
    duplicate_submissions: int = 0
    submitted_keys: int = 0
    lease_released: int = 0
    lease_expired: int = 0
    stuck_keys: int = 0
    rss_kb: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class FaultServer:
    world: ExamWorld
    server: RunningServer
    apps: weakref.WeakSet[CandidateApp]  # weak: the soak measures the server's memory

    async def connect(self) -> ScreenClient:
        return await ScreenClient.connect(self.server.port, username=LOGIN, password=None,
                                          term_type="xterm")

    async def stop(self) -> None:
        await self.server.stop()
        for _ in range(500):
            if not any(app.is_running for app in list(self.apps)):
                break
            await asyncio.sleep(0.01)
        await self.world.store.close()


async def start_fault_server(tmp_path: Path, keys: int) -> FaultServer:
    world = await build_world(tmp_path / "db.sqlite3", keys=keys)
    apps: weakref.WeakSet[CandidateApp] = weakref.WeakSet()

    def factory(principal: str, process: asyncssh.SSHServerProcess[bytes]) -> CandidateApp:
        app = CandidateApp(world.store, world.clock, source="127.0.0.1",
                           key_failures=KeyThrottle(per_address=1000, first_delay=0.0), check_interval=0.05,
                           renew_interval=0.2)
        apps.add(app)
        return app

    server = await start_test_server(tmp_path, factory,
                                     StaticAuthenticator(passwords={}, candidates={LOGIN}))
    return FaultServer(world, server, apps)


async def fill_identity_partly(client: ScreenClient, fields: int, timeout: float = 5.0) -> None:
    """Civility, then the first `fields` text fields (8 fills the form and submits)."""
    await client.wait_for("Vos informations", timeout)
    await client.wait_quiet(0.1)
    client.press("enter")  # chooses « M. » and goes to « Nom »
    names = ("last_name", "first_name", "company", "company_address", "postal_code", "city")
    for index, name in enumerate(names[:fields]):
        if index:
            client.press("tab")
        client.type(IDENTITY[name])
    if fields >= len(names):
        client.press("tab", "tab")
        client.type(IDENTITY["email"])
        client.press("tab", "tab", "enter")


async def answer(client: ScreenClient, letter: str, timeout: float = 5.0) -> str:
    """Press a letter, wait until the terminal shows it chosen; return the choice text."""
    number, _, choices, _ = shown(client)
    client.press(letter)
    await client.wait_until(lambda: shown(client)[3] == letter and shown(client)[0] == number,
                            timeout, f"({letter}) chosen on question {number}")
    return choices[letter]


async def next_question(client: ScreenClient, number: int, timeout: float = 5.0) -> None:
    client.press("n")
    await client.wait_until(lambda: shown(client)[0] == number, timeout, f"question {number}")


async def open_screen(client: ScreenClient, key: str, timeout: float = 5.0) -> str:
    """Type the key; return which screen it led to."""
    await client.wait_for("Votre identifiant", timeout)
    client.type(key.lower())
    client.press("enter")
    outcomes = {"identity": "Vos informations", "qcm": "Réponses ", "in_use": "déjà ouverte",
                "submitted": "déjà terminé"}
    await client.wait_until(lambda: any(t in client.text for t in outcomes.values()),
                            timeout, "a screen after the key")
    await client.wait_quiet(0.05)
    return next(name for name, t in outcomes.items() if t in client.text)


async def answer_some(client: ScreenClient, count: int, rng: random.Random,
                      acknowledged: dict[int, str], timeout: float = 5.0) -> None:
    """Answer `count` questions from the one shown; record what the screen acknowledged."""
    for _ in range(count):
        number, _, _, _ = shown(client)
        letter = rng.choice("abcd")
        acknowledged[number] = await answer(client, letter, timeout)
        if number < 30:
            await next_question(client, number + 1, timeout)


class FaultRun:
    """Drives cuts against one server; keeps per-key acknowledged answers."""

    def __init__(self, fs: FaultServer, rng: random.Random) -> None:
        self.fs = fs
        self.rng = rng
        self.figures = Figures()
        # key -> question number -> acknowledged choice text
        self.acknowledged: dict[str, dict[int, str]] = {k: {} for k in fs.world.keys}
        self.texts: dict[int, str] = {}  # question number -> question id, filled lazily

    async def key_row(self, key: str):
        return await self.fs.world.key_row(key)

    async def wait_free(self, key: str) -> None:
        """After a cut the server gives the key back; if not, let the lease expire."""
        for _ in range(300):
            row = await self.key_row(key)
            if row["lease_token"] is None or row["state"] == "submitted":
                self.figures.lease_released += 1
                return
            await asyncio.sleep(0.01)
        self.fs.world.clock.advance(seconds=LEASE.total_seconds() + 1)
        self.figures.lease_expired += 1

    async def one_cut(self) -> None:
        keys = [k for k in self.fs.world.keys
                if (await self.key_row(k))["state"] != "submitted"]
        if not keys:
            raise RuntimeError("every key is submitted: give the run more keys")
        key = self.rng.choice(keys)
        client = await self.fs.connect()
        try:
            screen = await open_screen(client, key)
            if screen == "in_use":
                self.figures.stuck_keys += 1
                raise AssertionError(f"key {key} still in use after the previous cut")
            assert screen in ("identity", "qcm"), screen
            await self.check_resume(client, key, screen)
            phase = self.rng.choice(PHASES if screen == "qcm" else ("identity",) + PHASES[1:])
            if screen == "identity":
                if phase == "identity":
                    await fill_identity_partly(client, self.rng.randint(0, 5))
                    await client.wait_quiet(self.rng.choice((0.0, 0.05)))
                    self.cut(client, "identity")
                    return
                await fill_identity_partly(client, 8)
                await client.wait_for("Question 1/30")
            await answer_some(client, self.rng.randint(0 if phase != "qcm" else 1, 4), self.rng,
                              self.acknowledged[key])
            if phase == "qcm":
                if self.rng.random() < 0.5:
                    client.press(self.rng.choice("abcd"))  # in flight: not acknowledged
                self.cut(client, "qcm")
                return
            client.press("t")
            await client.wait_for("Terminer le QCM maintenant ?")
            if phase == "confirmed":
                client.press("tab", "enter")  # confirm, and cut soon after
                await asyncio.sleep(self.rng.choice((0.0, 0.02, 0.1)))
            self.cut(client, phase)
        finally:
            client.abort()
            await self.after_cut(key)

    def cut(self, client: ScreenClient, phase: str) -> None:
        client.abort()
        self.figures.cuts += 1
        self.figures.by_phase[phase] += 1

    async def check_resume(self, client: ScreenClient, key: str, screen: str) -> None:
        """On reconnection the screen shows the acknowledged answers as chosen."""
        if screen != "qcm" or not self.acknowledged[key]:
            return
        number = max(self.acknowledged[key])
        client.press(*["p"] * 30)
        await client.wait_until(lambda: shown(client)[0] == 1, what="question 1")
        for n in range(1, 31):
            if n in self.acknowledged[key]:
                _, _, choices, letter = shown(client)
                assert letter is not None and choices[letter] == self.acknowledged[key][n], (
                    f"question {n} of {key} lost its acknowledged answer:\n{client.text}")
            if n == number:
                break
            await next_question(client, n + 1)

    async def after_cut(self, key: str) -> None:
        await self.wait_free(key)
        await self.check_store(key)

    async def check_store(self, key: str) -> None:
        """Every acknowledged answer is stored; at most one submission per key."""
        world = self.fs.world
        stored = await world.stored_answers(key)
        texts = await self.choice_texts(key)
        for number, chosen in self.acknowledged[key].items():
            qid, by_text = texts[number]
            if stored.get(qid) is None or by_text.get(chosen) != stored[qid]:
                self.figures.lost += 1
        row = await self.key_row(key)
        submissions = await world.store.db.one(
            "SELECT COUNT(*) FROM audit WHERE action IN ('submit', 'auto_submit') "
            "AND object_type = 'key' AND object_id = ?", (str(row["id"]),))
        if submissions[0] > 1:
            self.figures.duplicate_submissions += submissions[0] - 1

    async def choice_texts(self, key: str) -> dict[int, tuple[int, dict[str, int]]]:
        """question number (from 1) -> (question id, choice text -> bank index)."""
        ticket = await self.fs.world.store.exam.ticket((await self.key_row(key))["id"])
        return {n: (q.id, {text: i for i, text in enumerate(q.choices)})  # type: ignore[misc]
                for n, q in enumerate(ticket.questions, start=1)}

    async def finish(self) -> None:
        """Totals: acknowledged answers, submitted keys, duplicates over all keys."""
        world = self.fs.world
        self.figures.acknowledged = sum(len(a) for a in self.acknowledged.values())
        self.figures.lost = 0
        self.figures.duplicate_submissions = 0
        for key in world.keys:
            await self.check_store(key)
        self.figures.submitted_keys = (await world.store.db.one(
            "SELECT COUNT(*) FROM online_keys WHERE state = 'submitted'"))[0]
        for key in world.keys:  # no key is left unusable: each opens (or is submitted)
            if (await self.key_row(key))["state"] == "submitted":
                continue
            try:
                ticket = await world.store.exam.open_key(key, "final-check")
            except KeyRefused:
                self.figures.stuck_keys += 1
                continue
            await world.store.exam.release(ticket.key.id, "final-check")  # type: ignore[arg-type]


async def run_cuts(fs: FaultServer, cuts: int, seed: int,
                   sample: Callable[[Figures], None] | None = None) -> Figures:
    run = FaultRun(fs, random.Random(seed))
    while run.figures.cuts < cuts:
        await run.one_cut()
        if sample:
            sample(run.figures)
    await run.finish()
    return run.figures
