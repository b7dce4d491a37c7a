"""How long the certification body's heavy reads take on a busy year.

    /work/venv/bin/python bench/admin_bench.py [candidates]

Builds a database with one formation of 300 questions (30 per QCM), 20
centres, one QCM and one online session per 50 candidates, every candidate
answering all 30 questions (written directly in SQL: the exam flow is not
what is measured). Then times: GIFT and Moodle XML export and parse of the
bank, oversight lists, a period export, the formation summary and the
question statistics.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.bank import parse_bank  # noqa: E402
from domain.clock import FixedClock  # noqa: E402
from domain.gift import dump_gift, parse_gift  # noqa: E402
from domain.models import SessionKind  # noqa: E402
from domain.moodle_xml import dump_moodle_xml, parse_moodle_xml  # noqa: E402
from domain.oversight import Filters  # noqa: E402
from services.export import RESULT_HEADERS, to_csv  # noqa: E402
from services.results_export import period_rows  # noqa: E402
from store import Scope, Store  # noqa: E402
from store.admin import Admin  # noqa: E402

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
ADMIN = Scope.admin("bench")
THEMES = [f"Thème {i}" for i in range(10)]


def bank_source(questions: int = 300) -> str:
    head = ('[formation]\ncode = "BENCH"\nname = "Banc de mesure"\nquestions_per_qcm = 30\n'
            f"pass_mark = 24\nthemes = {THEMES!r}\n".replace("'", '"'))
    body = "".join(
        f'\n[[questions]]\ntheme = "{THEMES[i % 10]}"\ntext = "Question {i} : ~ = # {{ }} ?"\n'
        f'choices = ["A{i}", "B{i}", "C{i}", "D{i}"]\ncorrect = "{"ABCD"[i % 4]}"\n'
        for i in range(questions))
    return head + body


def timed(label: str, started: float) -> None:
    print(f"{label:<44} {1000 * (time.perf_counter() - started):8.1f} ms")


async def build(store: Store, candidates: int) -> None:
    rng = random.Random(7)
    await store.banks.import_bank(parse_bank(bank_source()), ADMIN)
    centres = [await store.centres.add_centre(ADMIN, f"Centre {i}") for i in range(20)]
    trainers = [await store.centres.add_trainer(ADMIN, c.id, "Formateur") for c in centres]
    now = store.clock.now()
    ability: dict[int, float] = {}
    for n in range(0, candidates, 50):
        k = (n // 50) % 20
        qcm = await store.qcms.create_qcm(ADMIN, "BENCH", f"Q{n}", centres[k].id, rng)
        day = now - timedelta(days=(n // 50) % 300)
        session = await store.sessions.create_session(
            ADMIN, qcm.id, SessionKind.ONLINE, trainers[k].id, "Salle", day.date(),
            day - timedelta(hours=1), day + timedelta(hours=1))
        keys = await store.exam.create_keys(ADMIN, session.id, min(50, candidates - n))
        questions = await store.banks.questions_by_ids(list(qcm.question_ids))
        async with store.db.transaction() as tx:
            for key in keys:
                level = ability.setdefault(key.participant_id, rng.random())
                rows, score = [], 0
                for qid in qcm.question_ids:
                    right = rng.random() < 0.3 + 0.65 * level
                    correct = questions[qid].correct
                    rows.append((key.participant_id, qid, correct if right else (correct + 1) % 4,
                                 "2026-01-01T00:00:00.000000Z"))
                    score += right
                await tx.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)", rows)
                await tx.execute("UPDATE participants SET score = ?, submitted = 1 WHERE id = ?",
                                 (score, key.participant_id))


async def main(candidates: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(Path(folder) / "bench.sqlite3", FixedClock(NOW))
        started = time.perf_counter()
        await build(store, candidates)
        timed(f"build ({candidates} candidates x 30 answers)", started)
        admin = Admin(store)
        bank = await store.banks.export_bank("BENCH")
        for name, dump, parse in (("GIFT", dump_gift, parse_gift),
                                  ("Moodle XML", dump_moodle_xml, parse_moodle_xml)):
            started = time.perf_counter()
            text = dump(bank)
            timed(f"{name}: write 300 questions ({len(text) // 1024} KiB)", started)
            started = time.perf_counter()
            back = parse(text, bank.formation)
            assert [(q.theme, q.text, q.choices, q.correct) for q in back.questions] == [
                (q.theme, q.text, q.choices, q.correct) for q in bank.questions]
            timed(f"{name}: read 300 questions", started)
        for label, call in (
                ("oversight sessions (all)", admin.oversight.sessions(ADMIN)),
                ("oversight participants (all)", admin.oversight.participants(ADMIN)),
                ("oversight participants (one centre)",
                 admin.oversight.participants(ADMIN, Filters(centre_id=1))),
                ("formation summary", admin.stats.formation_summary(ADMIN, "BENCH")),
                ("question statistics (300 questions)",
                 admin.stats.question_stats(ADMIN, "BENCH"))):
            started = time.perf_counter()
            result = await call
            timed(label, started)
        started = time.perf_counter()
        rows = period_rows(await admin.oversight.results(
            ADMIN, Filters(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))))
        csv_text = to_csv(RESULT_HEADERS, rows)
        timed(f"period export CSV ({len(rows)} rows, {len(csv_text) // 1024} KiB)", started)
        flagged = sum(1 for s in result if s.stats.reasons)  # type: ignore[union-attr]
        print(f"questions flagged for review: {flagged} of {len(result)}")  # type: ignore[arg-type]
        print(f"longest wait of the main connection (candidates' answers) while the question "
              f"statistics run: {await main_connection_wait(store, admin):.1f} ms")
        await store.close()


async def main_connection_wait(store: Store, admin: Admin) -> float:
    """Run the question statistics while another task reads through the main
    connection every 2 ms, as candidates' answers would; the longest wait."""
    stats = asyncio.ensure_future(admin.stats.question_stats(ADMIN, "BENCH"))
    longest = 0.0
    while not stats.done():
        started = time.perf_counter()
        await store.db.one("SELECT 1")
        longest = max(longest, time.perf_counter() - started)
        await asyncio.sleep(0.002)
    await stats
    return longest * 1000


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
