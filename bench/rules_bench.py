"""Cost of the certification rules (domain/invariants.py, STEP_3 triggers) on
the transactions they guard, in a database already holding a year's results.

    python bench/rules_bench.py [--existing 20000] [--participants 500] [--runs 5]

Prefills `--existing` locked participants (half with a letter only, half with
a letter and a certificate, one in ten a retake), then, per run, on a fresh
paper session of `--participants` (60 % passing):
- records and locks their documents in one transaction (`DocumentRepo.publish`,
  500 letters + 300 certificates by default: what the PDF benchmark records);
- edits 200 participants through `services.participants.edit_participant`;
- reads the publication's chains (`SessionRepo.chain_facts`).
Prints the median and worst of the runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.clock import FixedClock  # noqa: E402
from domain.models import (  # noqa: E402
    DocumentKind,
    Formation,
    Identity,
    Practical,
    Question,
    QuestionBank,
    Role,
    SessionKind,
)
from services.participants import edit_participant  # noqa: E402
from store.documents import NewDocument  # noqa: E402
from store.scope import Scope  # noqa: E402
from store.store import Store  # noqa: E402

ADMIN = Scope.admin("bench")
NOW = datetime(2026, 7, 6, 9, 0, tzinfo=timezone.utc)
FORMATION = Formation("PV-RES", "Photovoltaïque", 30, 24, ("Thème",))
PERSON = Identity("M.", "Dupont", "Jean", "Soleil SARL", "3 rue du Four", "69007", "Lyon",
                  "France", "jean.dupont@soleil.fr")


def prefill(path: Path, session_id: int, centre_id: int, count: int) -> None:
    """A year's locked results, written in bulk (with the rules' triggers on)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for n in range(count):
        number = f"2025-{n + 1:06d}"
        retake = n % 10 == 9
        score = 26 if n % 2 else 12
        conn.execute(
            "INSERT INTO participants (session_id, centre_id, number, last_name, score, "
            "practical, retake_of, created_at) VALUES (?, ?, ?, 'X', ?, 'favourable', ?, 'x')",
            (session_id, centre_id, number, score,
             f"2025-{n:06d}" if retake else None))  # retakes the eligible n - 1
        pid = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        conn.execute("INSERT INTO documents (centre_id, session_id, participant_id, kind, path, "
                     "sha256, created_at) VALUES (?, ?, ?, 'letter', ?, 'x', 'x')",
                     (centre_id, session_id, pid, f"old/l-{n}.pdf"))
        if score >= 24:
            conn.execute("INSERT INTO documents (centre_id, session_id, participant_id, kind, "
                         "path, sha256, created_at, verify_code) VALUES (?, ?, ?, 'certificate', "
                         "?, 'x', 'x', ?)", (centre_id, session_id, pid, f"old/c-{n}.pdf",
                                             f"OLD-{n}"))
        conn.execute("UPDATE participants SET locked_at = 'x' WHERE id = ?", (pid,))
    conn.execute("COMMIT")
    conn.close()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "qcm.sqlite3"
        store = await Store.open(path, FixedClock(NOW))
        questions = tuple(Question(None, "Thème", f"Question {i} ?", ("a", "b", "c", "d"), 0)
                          for i in range(30))
        await store.banks.import_bank(QuestionBank(FORMATION, questions), ADMIN)
        centre = await store.centres.add_centre(ADMIN, "Centre", "1 rue", "69001", "Lyon")
        trainer = await store.centres.add_trainer(ADMIN, centre.id, "Claire")  # type: ignore[arg-type]
        account = await store.centres.add_account(ADMIN, "c", Role.CENTRE, centre.id, "x")
        scope = Scope.of(account)
        qcm = await store.qcms.create_qcm(scope, "PV-RES", "QCM")
        old = await store.sessions.create_session(scope, qcm.id, SessionKind.OFFLINE,  # type: ignore[arg-type]
                                                  trainer.id, "Lyon", date(2025, 6, 1))  # type: ignore[arg-type]
        await store.close()
        started = time.perf_counter()
        prefill(path, old.id, centre.id, args.existing)  # type: ignore[arg-type]
        print(f"prefilled {args.existing} locked participants in "
              f"{time.perf_counter() - started:.1f} s")
        store = await Store.open(path, FixedClock(NOW))
        publish, edits, chains = [], [], []
        for _ in range(args.runs):
            session = await store.sessions.create_session(
                scope, qcm.id, SessionKind.OFFLINE, trainer.id, "Lyon", date(2026, 7, 4))  # type: ignore[arg-type]
            people = []
            for n in range(args.participants):
                score = 26 if n % 5 < 3 else 12
                people.append(await store.sessions.add_participant(
                    scope, session.id, PERSON, score, Practical.FAVOURABLE))  # type: ignore[arg-type]
            for p in people[:200]:
                started = time.perf_counter()
                await edit_participant(store, scope, p.id, PERSON, p.score, Practical.FAVOURABLE)  # type: ignore[arg-type]
                edits.append(time.perf_counter() - started)
            started = time.perf_counter()
            await store.sessions.chain_facts(scope, session.id)  # type: ignore[arg-type]
            chains.append(time.perf_counter() - started)
            documents = []
            for p in people:
                documents.append(NewDocument(DocumentKind.LETTER, f"s{session.id}/l-{p.number}",
                                             "x", p.id))
                if p.score == 26:
                    documents.append(NewDocument(DocumentKind.CERTIFICATE,
                                                 f"s{session.id}/c-{p.number}", "x", p.id,
                                                 f"C{session.id}-{p.number}"))
            started = time.perf_counter()
            await store.documents.publish(scope, centre.id, session.id, documents,  # type: ignore[arg-type]
                                          [p.id for p in people])  # type: ignore[misc]
            publish.append(time.perf_counter() - started)
        await store.close()

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.1f} ms, worst {max(values) * 1000:.1f} ms"
    certificates = sum(1 for n in range(args.participants) if n % 5 < 3)
    print(f"record + lock {args.participants} letters and {certificates} certificates: "
          f"{ms(publish)} ({args.runs} runs)")
    print(f"edit one participant (edit_participant): {ms(edits)} ({len(edits)} edits)")
    print(f"chains of a {args.participants}-participant session: {ms(chains)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--existing", type=int, default=20000)
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
