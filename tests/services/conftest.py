"""A real store on each backend (a SQLite file in tmp_path, then a PostgreSQL
database: the shared `backend` fixture), a real process pool, a small bank."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timezone

import pytest

from domain.clock import FixedClock
from domain.models import Identity, Practical, QuestionBank, Role, SessionKind
from pdfgen.results import Issuer
from services import render_jobs
from services.documents import DocumentService
from store.scope import Scope
from store.store import Store
from tests.backends import Backend
from tests.pdfgen.fixtures import FORMATION, questions

NOW = datetime(2026, 7, 6, 9, 0, tzinfo=timezone.utc)
ADMIN = Scope.admin("test-admin")


@pytest.fixture(scope="session")
def pool():
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"),
                             initializer=render_jobs.init_worker) as executor:
        yield executor


@pytest.fixture
async def store(backend: Backend):
    store = await backend.open(FixedClock(NOW))
    yield store
    await store.close()


@pytest.fixture
def documents_dir(tmp_path):
    path = tmp_path / "documents"
    path.mkdir()
    return path


@pytest.fixture
def service(store, documents_dir, pool):
    return DocumentService(store, documents_dir, pool,
                           issuer=Issuer("Qualité Formation ENR", ("10 rue de la Paix",),
                                         "Paris"), workers=2, results_per_job=3)


class World:
    """A centre with a QCM drawn from a 30-question bank."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def build(self) -> World:
        store = self.store
        await store.banks.import_bank(QuestionBank(FORMATION, questions(30)), ADMIN)
        self.centre = await store.centres.add_centre(ADMIN, "Centre Sud-Énergie & Co",
                                                     "12 rue des Lilas", "69003", "Lyon")
        await store.centres.add_account(ADMIN, "sud", Role.CENTRE, self.centre.id, None)
        self.scope = Scope.centre(self.centre.id, "sud")  # type: ignore[arg-type]
        self.trainer = await store.centres.add_trainer(self.scope, self.centre.id,  # type: ignore[arg-type]
                                                       "Jeanne Martin")
        self.qcm = await store.qcms.create_qcm(self.scope, FORMATION.code, "PV_2026-07-04")
        return self

    async def offline_session(self):
        return await self.store.sessions.create_session(
            self.scope, self.qcm.id, SessionKind.OFFLINE, self.trainer.id,  # type: ignore[arg-type]
            "Lyon, salle 2", date(2026, 7, 4))

    async def add(self, session_id: int, name: str, score: int | None,
                  practical: Practical, retake_of: str | None = None, first: str = "Gérard"):
        identity = Identity("M.", name, first, "Soleil & Fils", "5 avenue du Général Leclerc",
                            "13001", "Marseille", "France", "g@example.org")
        return await self.store.sessions.add_participant(self.scope, session_id, identity, score,
                                                         practical, retake_of)


@pytest.fixture
async def world(store):
    return await World(store).build()
