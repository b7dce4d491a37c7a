"""Documents benchmark: wall time of a 500-copy paper QCM (with its 500
corrections) and of 500 result letters plus their certificates, through
DocumentService with a process pool, as the server runs them.

    python bench/pdf_bench.py [--copies 500] [--participants 500] [--runs 3]

Prints the median of the runs (and each run), the event loop's longest
stall while the documents were produced, and what was produced. Targets on
the 2-core reference machine: <= 5 s each.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.clock import FixedClock  # noqa: E402
from domain.models import Formation, Identity, Practical, Question, QuestionBank, SessionKind  # noqa: E402
from pdfgen.results import Issuer  # noqa: E402
from services import render_jobs  # noqa: E402
from services.documents import DocumentService  # noqa: E402
from store.scope import Scope  # noqa: E402
from store.store import Store  # noqa: E402

THEMES = ("Réglementation", "Sécurité électrique", "Dimensionnement", "Mise en œuvre",
          "Maintenance")
FORMATION = Formation("PV-RES", "Installation photovoltaïque raccordée au réseau", 30, 24,
                      THEMES)
ADMIN = Scope.admin("bench")


def bank() -> QuestionBank:
    questions = []
    for n in range(45):
        theme = THEMES[n % len(THEMES)]
        text = (f"Question {n + 1} : quelle est la valeur correcte pour l'élément n° {n + 1} "
                "d'une installation photovoltaïque de 9 kWc raccordée au réseau ?")
        choices = tuple(f"Proposition {k + 1} pour la question {n + 1}, valeur {k * 7 + n}"
                        + (" avec une précision qui allonge la ligne au-delà d'une demi-page"
                           if n % 6 == 0 else "") for k in range(4))
        questions.append(Question(None, theme, text, choices, n % 4))  # type: ignore[arg-type]
    return QuestionBank(FORMATION, tuple(questions))


class LoopLag:
    """Longest delay of a 10 ms ticker: how long the event loop was blocked."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.perf_counter() - start - 0.01)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc) -> None:
        assert self._task is not None
        self._task.cancel()


async def setup(store: Store):
    await store.banks.import_bank(bank(), ADMIN)
    centre = await store.centres.add_centre(ADMIN, "Centre de benchmark", "1 rue du Soleil",
                                            "69003", "Lyon")
    scope = Scope.centre(centre.id, "bench")  # type: ignore[arg-type]
    trainer = await store.centres.add_trainer(scope, centre.id, "Claire Martin")  # type: ignore[arg-type]
    qcm = await store.qcms.create_qcm(scope, FORMATION.code, "BENCH_2026-07-04")
    return scope, trainer, qcm


async def fill_session(store: Store, scope: Scope, trainer, qcm, participants: int) -> int:
    session = await store.sessions.create_session(scope, qcm.id, SessionKind.OFFLINE,
                                                  trainer.id, "Lyon, salle 2", date(2026, 7, 4))
    for i in range(participants):
        # About 60 % pass; the rest covers the other rows of the decision table.
        score, practical = [(27, Practical.FAVOURABLE), (25, Practical.FAVOURABLE),
                            (24, Practical.FAVOURABLE), (20, Practical.FAVOURABLE),
                            (26, Practical.UNFAVOURABLE)][i % 5]
        identity = Identity("Mme" if i % 2 else "M.", f"Nom{i:03d}", "Camille",
                            f"Entreprise {i % 40}", f"{i + 1} avenue de la République",
                            "13001", "Marseille", "France", f"c{i}@example.org")
        await store.sessions.add_participant(scope, session.id, identity, score, practical)
    return session.id  # type: ignore[return-value]


async def main(copies: int, participants: int, runs: int, workers: int) -> None:
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp, \
            ProcessPoolExecutor(workers, mp_context=context,
                                initializer=render_jobs.init_worker, initargs=(10,)) as pool:
        list(pool.map(render_jobs.init_worker, [0] * workers))  # start the workers
        store = await Store.open(Path(tmp) / "bench.db",
                                 FixedClock(datetime(2026, 7, 6, 9, tzinfo=timezone.utc)))
        documents = Path(tmp) / "documents"
        service = DocumentService(store, documents, pool, workers=workers,
                                  issuer=Issuer("Organisme certificateur", (), "Paris"))
        scope, trainer, qcm = await setup(store)
        print(f"machine: {os.cpu_count()} cores, {workers} worker processes, {runs} runs")

        paper_times, paper_lag = [], 0.0
        for _ in range(runs):
            with LoopLag() as lag:
                start = time.perf_counter()
                batch, document = await service.generate_paper(scope, qcm.id, copies,
                                                               lambda d, t: None)
                paper_times.append(time.perf_counter() - start)
            paper_lag = max(paper_lag, lag.worst)
        size = (documents / document.path).stat().st_size
        print(f"paper QCM, {copies} copies + {copies} corrections: "
              f"median {statistics.median(paper_times):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in paper_times)}), "
              f"{size / 1e6:.1f} MB, event loop stalled {paper_lag * 1000:.0f} ms at most")

        letter_times, letter_lag, made = [], 0.0, 0
        for _ in range(runs):
            session_id = await fill_session(store, scope, trainer, qcm, participants)
            with LoopLag() as lag:
                start = time.perf_counter()
                docs = await service.publish_session(scope, session_id)
                letter_times.append(time.perf_counter() - start)
            letter_lag = max(letter_lag, lag.worst)
            made = len(docs)
        print(f"{participants} letters + {made - participants} certificates "
              f"({made} PDF files, recorded and locked): "
              f"median {statistics.median(letter_times):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in letter_times)}), "
              f"event loop stalled {letter_lag * 1000:.0f} ms at most")
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    asyncio.run(main(args.copies, args.participants, args.runs, args.workers))
