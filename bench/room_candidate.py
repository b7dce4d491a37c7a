"""One simulated candidate of `bench/exam_room.py`: an SSH client with a
`pyte` screen that does the whole flow at a person's pace and notes, for each
keystroke, when its effect showed (not a test)."""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncssh

from domain.validation import IDENTITY_LABELS
from tests.e2e_helpers import ScreenClient

PROMPT = "Votre identifiant"
PLACEHOLDER = "XXXXX-XXXXX-XXXXX"  # the key field, empty
DOOR = "Place dans la file"  # waiting at the door (sshserver/admission.py)
OPENING = "Ouverture de la clé"
FORM = "Vos informations"
CHOSEN = re.compile(r"^\s*\(x\) ([a-d])\) ")
QUESTION_LINE = re.compile(r"^\s*(\d+)\. ")
PHASES = ("arrival", "identity", "steady", "ends")
KINDS = ("key_char", "key_enter", "form_move", "form_char", "form_submit", "answer", "next",
         "list_open", "list_close", "finish", "confirm_move", "confirm")
IDENTITY = (  # (field, text typed): about 90 characters, as a person fills the form
    ("last_name", "Lefebvre"), ("first_name", "Jean-Baptiste"),
    ("company", "Solaire Rhône SARL"), ("company_address", "12 avenue Jean Jaurès"),
    ("postal_code", "69007"), ("city", "Lyon"), ("country", None),
    ("email", "jb.lefebvre@solaire.fr"),
)


@dataclass
class Sample:
    kind: str
    sent: float
    latency: float | None = None


@dataclass
class Failure:
    candidate: int
    step: str
    error: str
    screen: str


@dataclass
class Room:
    """Everything measured, in loop time (seconds since the room's start)."""

    start: float
    samples: list[Sample] = field(default_factory=list)
    prompt: list[float] = field(default_factory=list)  # connect → key prompt
    told: list[float] = field(default_factory=list)  # connect → the door or the prompt
    door: list[float] = field(default_factory=list)  # time waited at the door
    ack: list[float] = field(default_factory=list)  # Enter on the key → told it opens
    to_form: list[float] = field(default_factory=list)  # Enter on the key → identity form
    failures: list[Failure] = field(default_factory=list)
    exam_bytes: list[int] = field(default_factory=list)
    kind_bytes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    prompted: list[float] = field(default_factory=list)  # when each saw the prompt
    on_question_1: list[float] = field(default_factory=list)
    confirmed: list[float] = field(default_factory=list)
    done: list[float] = field(default_factory=list)
    live: int = 0
    peak_live: int = 0
    node_done: Counter[int] = field(default_factory=Counter)  # completed per node
    node_failed: Counter[int] = field(default_factory=Counter)

    def now(self) -> float:
        return time.monotonic() - self.start


class Pending:
    def __init__(self, sample: Sample, check: Callable[[], bool]) -> None:
        self.sample = sample
        self.check = check
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class Candidate(ScreenClient):
    """A screen client that resolves expected effects as its screen changes.

    Effects are expected in the order the keys were sent: when a later one is
    on screen, the earlier ones were shown too (they are resolved with it)."""

    room: Room

    def __init__(self, cols: int, rows: int) -> None:
        super().__init__(cols, rows)
        self.pending: list[Pending] = []
        self.last_kind: str | None = None
        self.last_bytes = 0

    def setup(self, room: Room) -> None:
        self.room = room

    def _on_data(self, data: bytes) -> None:
        super()._on_data(data)
        if self.pending:
            self._resolve()

    def _on_closed(self) -> None:
        super()._on_closed()
        for item in self.pending:
            if not item.future.done():
                item.future.set_exception(ConnectionError("session closed"))
                item.future.exception()  # read by `wait` if anyone waits; else no warning
        self.pending = []

    def _resolve(self) -> None:
        for index in range(len(self.pending) - 1, -1, -1):
            if self.pending[index].check():
                now = self.room.now()
                for item in self.pending[:index + 1]:
                    item.sample.latency = now - item.sample.sent
                    if not item.future.done():
                        item.future.set_result(None)
                del self.pending[:index + 1]
                return

    def tally(self, kind: str | None = None) -> None:
        """Count the bytes received since the last keystroke as its reply."""
        if self.last_kind is not None:
            self.room.kind_bytes[self.last_kind].append(self.bytes_received - self.last_bytes)
        self.last_kind, self.last_bytes = kind, self.bytes_received

    def key(self, kind: str, data: str, check: Callable[[], bool]) -> Pending:
        """Send one keystroke and expect `check` to hold on screen after it."""
        self.tally(kind)
        sample = Sample(kind, self.room.now())
        self.room.samples.append(sample)
        before = self.bytes_received
        item = Pending(sample, check if check is not ANY_REPLY else
                       (lambda: self.bytes_received > before))
        self.pending.append(item)
        self.send(data)
        return item

    def row_after(self, label: str) -> str | None:
        """The text right of `label` on the line that starts with it."""
        for line in self.display:
            stripped = line.strip()
            if stripped.startswith(label):
                return stripped[len(label):].strip()
        return None

    def row_of(self, y: int) -> str:
        return self.display[y].strip().strip("│").strip()

    def question(self) -> int:
        for line in self.display:
            if m := QUESTION_LINE.match(line):
                return int(m.group(1))
        return 0

    def chosen(self) -> str | None:
        for line in self.display:
            if m := CHOSEN.match(line):
                return m.group(1)
        return None


def ANY_REPLY() -> bool:  # a marker: the first byte of the reply
    return True


class Step(Exception):
    def __init__(self, step: str, error: str) -> None:
        super().__init__(f"{step}: {error}")
        self.step = step
        self.error = error


async def wait(client: Candidate, item: Pending, timeout: float, step: str) -> None:
    try:
        await asyncio.wait_for(asyncio.shield(item.future), timeout)
    except TimeoutError:
        raise Step(step, f"no effect within {timeout:.0f} s") from None
    except ConnectionError:
        raise Step(step, "session closed") from None


async def until(client: Candidate, check: Callable[[], bool], timeout: float, step: str) -> None:
    try:
        await client.wait_until(check, timeout, step)
    except AssertionError as exc:
        raise Step(step, str(exc).split(";")[0]) from None


@dataclass
class Plan:
    arrival: float  # seconds after the room's start
    finish: float | None  # a late finisher's target time for « Terminer », or None


async def candidate(index: int, key: str, plan: Plan, args: argparse.Namespace, port: int,
                    node: int, room: Room) -> None:
    await asyncio.sleep(max(0.0, plan.arrival - room.now()))
    client: Candidate | None = None
    step = "connect"
    typing = 1.0 / args.cps
    try:
        began = room.now()
        client = await Candidate.connect(port, username="candidat", password=None,
                                         term_type=args.term, login_timeout=args.timeout)
        client.setup(room)
        room.live += 1
        room.peak_live = max(room.peak_live, room.live)
        step = "key prompt"

        def prompted() -> bool:
            return PROMPT in client.text and PLACEHOLDER in client.text

        await until(client, lambda: prompted() or DOOR in client.text, args.timeout, step)
        room.told.append(room.now() - began)
        if not prompted():  # at the door: the wait is the server's to choose
            step = "waiting at the door"
            door = room.now()
            await until(client, prompted, args.door_timeout, step)
            room.door.append(room.now() - door)
        room.prompt.append(room.now() - began)
        room.prompted.append(room.now())
        await asyncio.sleep(args.read)
        _, row = client.find(PLACEHOLDER)

        # The key, one character at a time at the typing pace.
        step = "typing the key"
        last: Pending | None = None
        for n in range(1, len(key) + 1):
            typed = key[:n]
            last = client.key("key_char", key[n - 1],
                              lambda typed=typed: client.row_of(row) == typed)
            await asyncio.sleep(typing)
        assert last is not None
        await wait(client, last, args.timeout, step)
        step = "Enter on the key"
        enter = room.now()
        item = client.key("key_enter", "\r", lambda: FORM in client.text or OPENING in client.text)
        await wait(client, item, args.timeout, step)
        room.ack.append(room.now() - enter)
        await until(client, lambda: FORM in client.text, args.timeout, "identity form")
        room.to_form.append(room.now() - enter)

        # The identity form: Enter on « M. », then Tab and each field.
        step = "identity form"
        await asyncio.sleep(args.read)
        client.key("form_move", "\r", ANY_REPLY)  # chooses « M. », goes to « Nom »
        await asyncio.sleep(typing)
        for name, text in IDENTITY:
            label = IDENTITY_LABELS[name]
            for n in range(1, len(text or "") + 1):
                typed = text[:n]  # type: ignore[index]
                last = client.key("form_char", typed[-1],
                                  lambda typed=typed, label=label:
                                  client.row_after(label) == typed)
                await asyncio.sleep(typing)
            client.key("form_move", "\t", ANY_REPLY)  # to the next field
            await asyncio.sleep(typing)
        await wait(client, last, args.timeout, step)
        client.key("form_move", "\t", ANY_REPLY)  # from « Second passage » to « Valider »
        await asyncio.sleep(typing)
        step = "Valider"
        item = client.key("form_submit", "\r", lambda: "Question 1/" in client.text)
        await wait(client, item, args.timeout, step)
        room.on_question_1.append(room.now())

        # Thirty answers, each followed by « next » (the last one by the list).
        pace = args.pace
        if plan.finish is not None:  # a late finisher thinks longer
            pace = max(pace, (plan.finish - room.now()) / 63)
        for number in range(1, 31):
            await asyncio.sleep(pace * random.uniform(0.5, 1.5))
            letter = "abcd"[(index + number) % 4]
            step = f"answer {number}"
            item = client.key("answer", letter,
                              lambda n=number, x=letter: client.question() == n
                              and client.chosen() == x)
            await wait(client, item, args.timeout, step)
            await asyncio.sleep(pace * random.uniform(0.5, 1.5))
            if number < 30:
                step = f"next to {number + 1}"
                item = client.key("next", "n", lambda n=number + 1:
                                  client.question() == n and f"Question {n}/" in client.text)
                await wait(client, item, args.timeout, step)
        step = "question list"
        item = client.key("list_open", "v", lambda: "Liste des questions" in client.text)
        await wait(client, item, args.timeout, step)
        await asyncio.sleep(pace)
        item = client.key("list_close", "v", lambda: "Liste des questions" not in client.text
                          and "Question 30/" in client.text)
        await wait(client, item, args.timeout, step)
        if plan.finish is not None:
            await asyncio.sleep(max(0.0, plan.finish - room.now()))
        else:
            await asyncio.sleep(pace)
        step = "Terminer"
        item = client.key("finish", "t", lambda: "Terminer le QCM maintenant ?" in client.text)
        await wait(client, item, args.timeout, step)
        await asyncio.sleep(pace / 2)
        client.key("confirm_move", "\t", ANY_REPLY)
        await asyncio.sleep(typing * 3)
        room.confirmed.append(room.now())
        step = "confirmation"
        item = client.key("confirm", "\r", lambda: "Votre note" in client.text)
        await wait(client, item, args.timeout, step)
        await client.wait_quiet(0.2, args.timeout)
        client.tally()
        room.exam_bytes.append(client.bytes_received)
        room.done.append(room.now())
        room.node_done[node] += 1
        client.send("q")
        await client.wait_closed(args.timeout)
    except Step as exc:
        room.failures.append(Failure(index, exc.step, exc.error, client.text if client else ""))
        room.node_failed[node] += 1
    except (OSError, asyncssh.Error, TimeoutError, AssertionError) as exc:
        room.failures.append(Failure(index, step, f"{type(exc).__name__}: {exc}"[:200],
                                     client.text if client else ""))
        room.node_failed[node] += 1
    finally:
        if client is not None:
            room.live -= 1
            client.abort()


def nominal_duration(args: argparse.Namespace) -> float:
    """How long one candidate takes from arrival to « Terminer » at the base pace."""
    chars = 17 + sum(len(text or "") + 1 for _, text in IDENTITY) + 4
    return 2 * args.read + chars / args.cps + 62 * args.pace + 2


