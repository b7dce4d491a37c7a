"""Every store test runs on both backends: a real SQLite file, and a real
PostgreSQL database (one server per test session, started by the tests, one
fresh database per test; the `backend` fixture, tests/backends.py). A fixed
clock, and a small world of two centres.

PostgreSQL missing makes the `pg` tests fail, unless QCM_TEST_POSTGRES=0
says to run SQLite only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain.clock import FixedClock
from domain.models import (
    Account,
    Centre,
    Document,
    DocumentKind,
    ExamSession,
    Formation,
    Identity,
    OnlineKey,
    PaperBatch,
    Participant,
    Practical,
    Qcm,
    Question,
    QuestionBank,
    Role,
    SessionKind,
    Trainer,
)
from store import Scope, Store
from store.documents import NewDocument
from tests.backends import Backend

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)
ADMIN = Scope.admin("admin-test")
THEMES = ("Réglementation", "Sécurité", "Câblage")


def small_bank(code: str = "TST", per_qcm: int = 6, pass_mark: int = 4,
               themes: tuple[str, ...] = THEMES, per_theme: int = 4) -> QuestionBank:
    questions = tuple(
        Question(None, theme, f"{code} — {theme}, question {i} ?",
                 (f"{theme} {i} réponse a", f"{theme} {i} réponse b",
                  f"{theme} {i} réponse c", f"{theme} {i} réponse d"), (i + len(theme)) % 4)
        for theme in themes for i in range(per_theme))
    return QuestionBank(Formation(code, f"Formation {code}", per_qcm, pass_mark, themes), questions)


def identity(last_name: str = "Dupont", first_name: str = "Gérard") -> Identity:
    return Identity("M.", last_name, first_name, "Solaire SARL", "3 rue du Soleil", "69007",
                    "Lyon", "France", f"{first_name.lower()}.{last_name.lower()}@solaire.fr")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def store(backend: Backend, clock: FixedClock):
    opened = await backend.open(clock)
    try:
        yield opened
    finally:
        await opened.close()


@dataclass
class CentreWorld:
    centre: Centre
    scope: Scope
    trainer: Trainer
    account: Account
    qcm: Qcm
    batch: PaperBatch
    offline: ExamSession
    online: ExamSession
    participant: Participant  # offline, QCM 2/6 with practical favourable (retake once final)
    key: OnlineKey
    document: Document


@dataclass
class World:
    a: CentreWorld
    b: CentreWorld


async def make_centre(store: Store, name: str, login: str, city: str) -> CentreWorld:
    centre = await store.centres.add_centre(ADMIN, name, "1 rue de la Gare", "69001", city)
    trainer = await store.centres.add_trainer(ADMIN, centre.id, f"Formateur {city}")
    account = await store.centres.add_account(ADMIN, login, Role.CENTRE, centre.id, "x")
    scope = Scope.of(account)
    qcm = await store.qcms.create_qcm(scope, "TST", f"TST_{city}")
    batch = await store.qcms.create_paper_batch(scope, qcm.id, 3)
    offline = await store.sessions.create_session(scope, qcm.id, SessionKind.OFFLINE, trainer.id,
                                                  city, date(2026, 3, 10))
    online = await store.sessions.create_session(
        scope, qcm.id, SessionKind.ONLINE, trainer.id, f"{city} en ligne", date(2026, 3, 10),
        T0 - timedelta(hours=1), T0 + timedelta(hours=2))
    participant = await store.sessions.add_participant(
        scope, offline.id, identity(f"Candidat{city}"), 2, Practical.FAVOURABLE)
    [key] = await store.exam.create_keys(scope, online.id, 1)
    [document] = await store.documents.publish(
        scope, centre.id, offline.id,
        [NewDocument(DocumentKind.LETTER, f"{city}/lettre.pdf", "0" * 64, participant.id)])
    return CentreWorld(centre, scope, trainer, account, qcm, batch, offline, online, participant,
                       key, document)


@pytest.fixture
async def world(store: Store) -> World:
    await store.banks.import_bank(small_bank(), ADMIN)
    return World(await make_centre(store, "Centre A", "centre-a", "Lyon"),
                 await make_centre(store, "Centre B", "centre-b", "Nantes"))


async def make_final(store: Store, cw: CentreWorld) -> Participant:
    """Lock `cw.participant` (its result letter was produced): only then may it be retaken."""
    await store.documents.publish(cw.scope, cw.centre.id, cw.offline.id, [],
                                  lock=[cw.participant.id])  # type: ignore[list-item]
    return await store.sessions.participant(cw.scope, cw.participant.id)  # type: ignore[arg-type]
