"""The candidates' path through the store, SQLite and PostgreSQL side by side.

    .venv/bin/python bench/store_backends.py [candidates] [answers_each]

Starts a throwaway PostgreSQL server (initdb + pg_ctl in a temporary
directory, as for the tests; fsync on, the server's defaults otherwise),
builds the same exam on both backends (one online session, `candidates`
keys), then times, on each backend, in one run:

- opening every key at once (lease taken, ticket read),
- one candidate saving 200 answers alone (one transaction's latency),
- saving answers: every candidate answering at once (one task each), each
  answer one transaction, as the exam screen does, latency per answer,
- submitting every key at once.

Figures are medians and p99 in milliseconds, from this process's point of
view (client and server share the machine's two cores)."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devtools.pg_server import PgServer  # noqa: E402
from domain.bank import parse_bank  # noqa: E402
from domain.clock import FixedClock  # noqa: E402
from domain.models import Role, SessionKind  # noqa: E402
from store import Scope, Store  # noqa: E402

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
ADMIN = Scope.admin("bench")


def bank_source(questions: int = 60) -> str:
    head = ('[formation]\ncode = "BENCH"\nname = "Banc"\nquestions_per_qcm = 30\n'
            'pass_mark = 24\nthemes = ["T"]\n')
    return head + "".join(
        f'\n[[questions]]\ntheme = "T"\ntext = "Question {i} ?"\n'
        f'choices = ["A{i}", "B{i}", "C{i}", "D{i}"]\ncorrect = "A"\n' for i in range(questions))


def quantiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return f"median {statistics.median(ordered):6.2f}  p99 {p99:7.2f}  (n={len(ordered)})"


async def run(target: Path | str, candidates: int, answers_each: int) -> dict[str, str]:
    store = await Store.open(target, FixedClock(NOW))
    try:
        await store.banks.import_bank(parse_bank(bank_source()), ADMIN)
        centre = await store.centres.add_centre(ADMIN, "Centre")
        trainer = await store.centres.add_trainer(ADMIN, centre.id, "Formateur")
        account = await store.centres.add_account(ADMIN, "c", Role.CENTRE, centre.id, None)
        scope = Scope.of(account)
        qcm = await store.qcms.create_qcm(scope, "BENCH", "Banc")
        session = await store.sessions.create_session(
            scope, qcm.id, SessionKind.ONLINE, trainer.id, "Salle", date(2026, 12, 1),
            NOW - timedelta(hours=1), NOW + timedelta(hours=2))
        keys = await store.exam.create_keys(scope, session.id, candidates)

        async def timed(coroutine, into: list[float]):
            started = time.perf_counter()
            result = await coroutine
            into.append(1000 * (time.perf_counter() - started))
            return result

        opens: list[float] = []
        tickets = await asyncio.gather(*(timed(store.exam.open_key(k.code, f"t{k.id}"), opens)
                                         for k in keys))
        saves: list[float] = []

        async def candidate(ticket) -> None:
            for i in range(answers_each):
                question = ticket.questions[i % len(ticket.questions)]
                await timed(store.exam.save_answer(ticket.key.id, f"t{ticket.key.id}",
                                                   question.id, i % 4), saves)

        alone: list[float] = []
        first = tickets[0]
        for i in range(200):  # one candidate alone: the latency of one transaction
            question = first.questions[i % len(first.questions)]
            await timed(store.exam.save_answer(first.key.id, f"t{first.key.id}", question.id,
                                               i % 4), alone)
        started = time.perf_counter()
        await asyncio.gather(*(candidate(t) for t in tickets))
        elapsed = time.perf_counter() - started
        submits: list[float] = []
        await asyncio.gather(*(timed(store.exam.submit(t.key.id, f"t{t.key.id}"), submits)
                               for t in tickets))
        return {"open key": quantiles(opens), "save answer, alone": quantiles(alone),
                "save answer, all": quantiles(saves),
                "answers per second": f"{len(saves) / elapsed:8.0f}",
                "submit": quantiles(submits)}
    finally:
        await store.close()


async def main(candidates: int, answers_each: int) -> None:
    server = PgServer(durable=True).start()  # durable commits, like a real server
    try:
        conn = await asyncpg.connect(server.url())
        await conn.execute("CREATE DATABASE bench")
        await conn.close()
        with tempfile.TemporaryDirectory() as folder:
            results = {
                "SQLite": await run(Path(folder) / "bench.sqlite3", candidates, answers_each),
                "PostgreSQL": await run(server.url("bench"), candidates, answers_each),
            }
    finally:
        server.stop()
    print(f"{candidates} candidates, {answers_each} answers each, all at once (ms)")
    for backend, figures in results.items():
        print(backend)
        for name, value in figures.items():
            print(f"  {name:<20} {value}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100,
                     int(sys.argv[2]) if len(sys.argv) > 2 else 30))
