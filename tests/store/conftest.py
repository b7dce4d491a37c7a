"""A real SQLite file per test, a fixed clock, and a small world of two centres."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain.clock import FixedClock
from domain.models import (Account, Centre, Document, DocumentKind, ExamSession, Formation,
                           Identity, OnlineKey, PaperBatch, Participant, Practical, Qcm,
                           Question, QuestionBank, Role, SessionKind, Trainer)
from store import Scope, Store
from store.documents import NewDocument

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


def sql(path: Path) -> sqlite3.Connection:
    """A second, plain connection to the same file: what a person with the
    sqlite3 shell could do behind the application's back."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite3"


@pytest.fixture
async def store(db_path: Path, clock: FixedClock):
    opened = await Store.open(db_path, clock)
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
