"""A small world for the centre screens: two formations, two centres, FixedClock.

Import the fixtures into a test module: ``from tests.tui.centre_fixtures import world``."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
import pytest_asyncio
from textual.app import App
from textual.pilot import Pilot

from domain.clock import FixedClock
from domain.models import (
    Account,
    Centre,
    Formation,
    Identity,
    Question,
    QuestionBank,
    Role,
    Trainer,
)
from services import render_jobs
from services.documents import DocumentService
from store import Scope, Store

THEMES = ("Réglementation", "Sécurité", "Conception", "Installation", "Maintenance")
NOW = datetime(2026, 7, 4, 8, 0, tzinfo=timezone.utc)  # 10:00 in Paris


def bank(code: str, name: str, per_theme: int = 7) -> QuestionBank:
    questions = tuple(
        Question(None, theme, f"{code} · {theme} · question {n}",
                 (f"Bonne réponse {n}", f"Leurre A{n}", f"Leurre B{n}", f"Leurre C{n}"), 0)
        for theme in THEMES for n in range(1, per_theme + 1))
    return QuestionBank(Formation(code, name, 30, 24, THEMES), questions)


@dataclass
class World:
    store: Store
    clock: FixedClock
    tmp: Path
    centre_a: Centre
    centre_b: Centre
    trainer_a: Trainer
    trainer_b: Trainer
    account_a: Account
    account_b: Account
    extra: dict = field(default_factory=dict)

    @property
    def scope_a(self) -> Scope:
        return Scope.of(self.account_a)

    @property
    def scope_b(self) -> Scope:
        return Scope.of(self.account_b)


async def build_world(tmp_path: Path) -> World:
    clock = FixedClock(NOW)
    store = await Store.open(tmp_path / "db.sqlite3", clock)
    admin = Scope.admin("test")
    await store.banks.import_bank(bank("PV-RES", "Photovoltaïque raccordé au réseau"), admin)
    await store.banks.import_bank(bank("CESI", "Chauffe-eau solaire individuel"), admin)
    centre_a = await store.centres.add_centre(admin, "Centre Alpha", "1 rue A", "69007", "Lyon")
    centre_b = await store.centres.add_centre(admin, "Centre Bêta", "2 rue B", "97300",
                                              "Cayenne", "America/Cayenne")
    trainer_a = await store.centres.add_trainer(admin, centre_a.id, "Claire Martin")  # type: ignore[arg-type]
    trainer_b = await store.centres.add_trainer(admin, centre_b.id, "Paul Durand")  # type: ignore[arg-type]
    account_a = await store.centres.add_account(admin, "alpha", Role.CENTRE, centre_a.id, None)
    account_b = await store.centres.add_account(admin, "beta", Role.CENTRE, centre_b.id, None)
    return World(store, clock, tmp_path, centre_a, centre_b, trainer_a, trainer_b,
                 account_a, account_b)


@pytest_asyncio.fixture
async def world(tmp_path: Path):
    w = await build_world(tmp_path)
    yield w
    await w.store.close()


IDENTITY = {
    "last_name": "Dupont", "first_name": "Gérard", "company": "Soleil SARL",
    "company_address": "3 avenue du Midi", "postal_code": "69003", "city": "Lyon",
    "country": "France", "email": "gerard.dupont@soleil.fr",
}


def identity(**changes: str) -> Identity:
    return Identity(**{"civility": "M.", **IDENTITY, **changes})


@pytest.fixture(scope="session")
def render_pool():
    """The process pool the document service renders in, as in the server."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                             initializer=render_jobs.init_worker) as executor:
        yield executor


@pytest.fixture
def documents(world: World, render_pool) -> DocumentService:
    return DocumentService(world.store, world.tmp / "documents", render_pool, workers=2)


def screen_text(app: App) -> str:
    """What a person sees: the current screen rendered as plain lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot: Pilot, condition, timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds (no fixed sleeps)."""
    loop_time = 0.0
    while not condition():
        await pilot.pause(0.02)
        loop_time += 0.02
        if loop_time > timeout:
            raise AssertionError("condition not reached")


def error_of(app: App, field: str) -> str:
    """The French message shown next to a form field ('' when none)."""
    from textual.widgets import Static
    widget = app.screen.query_one(f"#error-{field}", Static)
    return str(widget.content) if widget.has_class("-visible") else ""


def fill_form(app: App, values: dict[str, object]) -> None:
    """Set form controls by id (Input text, Select value, Checkbox state), as
    typing would; key-by-key typing is covered by dedicated tests."""
    from textual.widgets import Checkbox, Input, Select
    for name, value in values.items():
        widget = app.screen.query_one(f"#{name}")
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, (Select, Checkbox)):
            widget.value = value
        else:
            raise TypeError(name)


def flat_text(app: App) -> str:
    """The screen's words on one line, so wrapped messages can be searched."""
    return " ".join(screen_text(app).split())


async def open_participants(pilot: Pilot, session, add: bool = False) -> None:
    """From the home screen to a session's participants (and, with `add`, the
    form of a new participant)."""
    from tui.screens.centre_home import CentreHomeScreen
    from tui.screens.centre_participant_form import ParticipantFormScreen
    from tui.screens.centre_participants import ParticipantsScreen
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, CentreHomeScreen))
    await pilot.pause()
    app.push_screen(ParticipantsScreen(app.context, session))
    await wait_for(pilot, lambda: isinstance(app.screen, ParticipantsScreen))
    await pilot.pause()
    if add:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ParticipantFormScreen))
