"""A real store (SQLite here; the e2e exam server also on PostgreSQL) with an
online exam ready for candidate keys."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App

from domain.clock import FixedClock
from domain.models import ExamSession, Formation, Question, QuestionBank, SessionKind
from store import Scope, Store

NOW = datetime(2026, 5, 12, 8, 0, tzinfo=timezone.utc)  # 10:00 in Paris
THEMES = ("Réglementation", "Sécurité électrique", "Modules", "Onduleurs", "Raccordement")
ADMIN = Scope.admin("test")


def make_bank(per_theme: int = 7) -> QuestionBank:
    """35 questions over 5 themes; question texts are unique and easy to find."""
    questions = []
    for t, theme in enumerate(THEMES):
        for n in range(per_theme):
            questions.append(Question(
                None, theme, f"Question T{t + 1}-{n + 1} sur {theme.lower()} ?",
                (f"Proposition alpha {t + 1}.{n + 1}", f"Proposition bravo {t + 1}.{n + 1}",
                 f"Proposition charlie {t + 1}.{n + 1}", f"Proposition delta {t + 1}.{n + 1}"),
                (t + n) % 4))
    return QuestionBank(Formation("TEST-PV", "Formation de test", 30, 24, THEMES),
                        tuple(questions))


@dataclass
class ExamWorld:
    store: Store
    clock: FixedClock
    session: ExamSession
    keys: list[str]
    centre_id: int

    async def correct(self) -> dict[int, int]:
        """question id -> correct bank index, read from the database itself."""
        rows = await self.store.db.all(
            "SELECT q.id, q.correct FROM qcm_questions qq JOIN questions q "
            "ON q.id = qq.question_id WHERE qq.qcm_id = ?", (self.session.qcm_id,))
        return {r[0]: r[1] for r in rows}

    async def stored_answers(self, key: str) -> dict[int, int]:
        rows = await self.store.db.all(
            "SELECT a.question_id, a.choice FROM answers a JOIN online_keys k "
            "ON k.participant_id = a.participant_id WHERE k.code = ?", (key,))
        return {r[0]: r[1] for r in rows}

    async def key_row(self, key: str):
        return await self.store.db.one("SELECT * FROM online_keys WHERE code = ?", (key,))

    async def new_session(self, starts: datetime, ends: datetime, keys: int = 1) -> list[str]:
        session = await self.store.sessions.create_session(
            ADMIN, self.session.qcm_id, SessionKind.ONLINE, self.session.trainer_id,  # type: ignore[arg-type]
            "Salle 2", starts.date(), starts, ends)
        created = await self.store.exam.create_keys(ADMIN, session.id, keys)  # type: ignore[arg-type]
        return [k.code for k in created]


async def build_world(target: Path | str, *, starts: datetime | None = None,
                      ends: datetime | None = None, keys: int = 3) -> ExamWorld:
    """`target`: a SQLite file or a PostgreSQL URL (what `Store.open` takes)."""
    clock = FixedClock(NOW)
    store = await Store.open(target, clock)
    await store.banks.import_bank(make_bank(), ADMIN)
    centre = await store.centres.add_centre(ADMIN, "Centre Test", "1 rue du Test", "69007",
                                            "Lyon", "Europe/Paris")
    trainer = await store.centres.add_trainer(ADMIN, centre.id, "Claire Martin")  # type: ignore[arg-type]
    qcm = await store.qcms.create_qcm(ADMIN, "TEST-PV", "QCM de test", centre.id,
                                      rng=random.Random(7))
    session = await store.sessions.create_session(
        ADMIN, qcm.id, SessionKind.ONLINE, trainer.id, "Lyon, salle 1", NOW.date(),  # type: ignore[arg-type]
        starts or NOW - timedelta(hours=1), ends or NOW + timedelta(hours=2))
    created = await store.exam.create_keys(ADMIN, session.id, keys)  # type: ignore[arg-type]
    return ExamWorld(store, clock, session, [k.code for k in created], centre.id)  # type: ignore[arg-type]


@pytest.fixture
async def world(tmp_path: Path):
    w = await build_world(tmp_path / "db.sqlite3")
    yield w
    await w.store.close()


@pytest.fixture
async def world_factory(tmp_path: Path):
    made: list[ExamWorld] = []

    async def make(**kwargs) -> ExamWorld:
        w = await build_world(tmp_path / f"db{len(made)}.sqlite3", **kwargs)
        made.append(w)
        return w

    yield make
    for w in made:
        await w.store.close()


def screen_text(app: App) -> str:
    """What the terminal shows now, as plain text (modals over their background)."""
    width, height = app.size
    console = Console(width=width, height=height, file=StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


_FRAME = re.compile("[\u2500-\u259f]")


def flat(text: str) -> str:
    """Screen text without frames, line breaks folded: for phrase searches."""
    return " ".join(_FRAME.sub(" ", text).split())


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `condition` holds (no fixed sleeps)."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await pilot.pause(0.01)
    assert condition(), (f"condition not reached; screen {pilot.app.screen!r}, focus "
                         f"{pilot.app.focused!r}:\n{screen_text(pilot.app)}")


IDENTITY = dict(last_name="Dupont", first_name="Jeanne", company="Soleil SARL",
                company_address="3 place Bellecour", postal_code="69002", city="Lyon",
                country="France", email="jeanne.dupont@soleil.fr")


def make_app(world: ExamWorld, **kwargs):
    from tui.candidate_app import CandidateApp
    kwargs.setdefault("source", "192.0.2.10")
    return CandidateApp(world.store, world.clock, **kwargs)


async def enter_key(pilot, key: str, typed: bool = False) -> None:
    """Put a key in the key field (typed key by key if `typed`), and press Enter."""
    field = pilot.app.screen.query_one("#key")
    field.value = ""
    field.focus()
    if typed:
        await pilot.press(*key)
    else:
        field.value = key
    await pilot.press("enter")
    await pilot.pause()


async def fill_identity(pilot, civility: int = 1, **fields: str) -> None:
    """Fill the identity form (field values set directly) and press « Valider »."""
    from textual.widgets import Checkbox, Input, RadioButton
    screen = pilot.app.screen
    values = {**IDENTITY, **fields}
    retake = values.pop("retake_of", None)
    for name, value in values.items():
        screen.query_one(f"#{name}", Input).value = value
    if civility is not None:
        screen.query(RadioButton)[civility].value = True
    if retake is not None:
        screen.query_one("#is-retake", Checkbox).value = True
        await pilot.pause()
        screen.query_one("#retake_of", Input).value = retake
    await pilot.pause()
    save = screen.query_one("#save")
    save.focus()
    # A button ignores Enter for 0.2 s after a press (its "active" effect).
    await wait_for(pilot, lambda: app_focused(pilot) is save and not save.has_class("-active"))
    await pilot.press("enter")
    await pilot.pause()


def app_focused(pilot):
    return pilot.app.focused


async def start_exam(pilot, world: ExamWorld, key: str, **fields: str):
    """From the key screen to the first question; returns the exam screen."""
    from tui.screens.exam_screen import ExamScreen
    await enter_key(pilot, key)
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "IdentityScreen")
    await fill_identity(pilot, **fields)
    await wait_screen(pilot, ExamScreen)
    return pilot.app.screen


async def wait_screen(pilot, cls: type) -> None:
    """Wait until a screen of type `cls` is on top and has been drawn."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, cls)
                   and bool(screen_text(pilot.app).strip()))
