"""A small, fully known world for the administration tests.

- formation ESSAI: themes « Normes » and « Sécurité », 8 questions, 4 per
  QCM, pass mark 3;
- centre « Centre Alpha » (trainer Alice) with an online session (window
  open at NOW) whose 3 candidates answered and submitted: scores 4, 2, 0;
- centre « Centre Bêta » (trainer Bruno) with a paper session on 2026-03-10:
  two participants scored 3 (favourable) and 1 (favourable), then a retake
  of the second scoring 3; letters and a certificate published for the
  first two, the letter of the first already sent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from domain.bank import parse_bank
from domain.clock import FixedClock
from domain.models import DocumentKind, Identity, Practical, Role, SessionKind
from store import Scope, Store
from store.admin import Admin
from store.documents import NewDocument

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=timezone.utc)
ADMIN = Scope.admin("admin")

BANK = """
[formation]
code = "ESSAI"
name = "Formation d'essai"
questions_per_qcm = 4
pass_mark = 3
themes = ["Normes", "Sécurité"]
""" + "".join(f"""
[[questions]]
theme = "{'Normes' if i < 4 else 'Sécurité'}"
text = "Question {i} sur les {'normes' if i < 4 else 'règles de sécurité'} ?"
choices = ["Réponse {i}A", "Réponse {i}B", "Réponse {i}C", "Réponse {i}D"]
correct = "{'ABCD'[i % 4]}"
""" for i in range(8))


def identity(last: str, first: str = "Jean") -> Identity:
    return Identity("M.", last, first, "Soleil SARL", "1 rue du Four", "69001", "Lyon",
                    "France", f"{first.lower()}.{last.lower()}@example.fr")


@dataclass
class Seed:
    store: Store
    admin: Admin
    clock: FixedClock
    alpha: int = 0
    beta: int = 0
    qcm_alpha: int = 0
    qcm_beta: int = 0
    online_session: int = 0
    paper_session: int = 0
    question_ids: tuple[int, ...] = ()  # the online QCM's questions, in order
    participants: dict[str, int] = field(default_factory=dict)  # name -> id
    documents: dict[str, int] = field(default_factory=dict)


async def seed(path: Path, filename: str = "db.sqlite3", *,
               target: Path | str | None = None) -> Seed:
    """The seeded world in `path / filename`, or in `target` (a SQLite file
    or a PostgreSQL URL: the store tests run on both)."""
    clock = FixedClock(NOW)
    path.mkdir(parents=True, exist_ok=True)
    store = await Store.open(target or path / filename, clock)
    s = Seed(store, Admin(store), clock)
    await store.banks.import_bank(parse_bank(BANK), ADMIN)
    alpha = await store.centres.add_centre(ADMIN, "Centre Alpha", city="Lyon")
    beta = await store.centres.add_centre(ADMIN, "Centre Bêta", city="Nantes")
    s.alpha, s.beta = alpha.id, beta.id  # type: ignore[assignment]
    alice = await store.centres.add_trainer(ADMIN, s.alpha, "Alice")
    bruno = await store.centres.add_trainer(ADMIN, s.beta, "Bruno")
    await store.centres.add_account(ADMIN, "admin", Role.ADMIN, None, "x")
    await store.centres.add_account(ADMIN, "alpha", Role.CENTRE, s.alpha, "x")

    # Online session in Alpha, answered and submitted.
    qcm = await store.qcms.create_qcm(ADMIN, "ESSAI", "ALPHA_2026-03-12", s.alpha,
                                      random.Random(1))
    s.qcm_alpha, s.question_ids = qcm.id, qcm.question_ids  # type: ignore[assignment]
    session = await store.sessions.create_session(
        ADMIN, qcm.id, SessionKind.ONLINE, alice.id, "Lyon", NOW.date(),  # type: ignore[arg-type]
        NOW - timedelta(hours=1), NOW + timedelta(hours=2))
    s.online_session = session.id  # type: ignore[assignment]
    keys = await store.exam.create_keys(ADMIN, session.id, 3)  # type: ignore[arg-type]
    questions = await store.qcms.questions(ADMIN, qcm.id)  # type: ignore[arg-type]
    for key, right, name in zip(keys, (4, 2, 0), ("fort", "moyen", "faible")):
        ticket = await store.exam.open_key(key.code, f"token-{name}")
        await store.exam.save_identity(key.id, f"token-{name}", identity(name.title()), None)  # type: ignore[arg-type]
        for n, q in enumerate(questions):
            choice = q.correct if n < right else (q.correct + 1) % 4
            await store.exam.save_answer(key.id, f"token-{name}", q.id, choice)  # type: ignore[arg-type]
        await store.exam.submit(key.id, f"token-{name}")  # type: ignore[arg-type]
        s.participants[name] = ticket.participant.id  # type: ignore[assignment]

    # Paper session in Bêta, scores typed by the centre, then a retake.
    qcm_b = await store.qcms.create_qcm(ADMIN, "ESSAI", "BETA_2026-03-10", s.beta,
                                        random.Random(2))
    s.qcm_beta = qcm_b.id  # type: ignore[assignment]
    paper = await store.sessions.create_session(ADMIN, qcm_b.id, SessionKind.OFFLINE,  # type: ignore[arg-type]
                                                bruno.id, "Nantes", date(2026, 3, 10))  # type: ignore[arg-type]
    s.paper_session = paper.id  # type: ignore[assignment]
    fav = Practical.FAVOURABLE
    reussi = await store.sessions.add_participant(ADMIN, paper.id, identity("Reussi"), 3, fav)  # type: ignore[arg-type]
    rate = await store.sessions.add_participant(ADMIN, paper.id, identity("Rate"), 1, fav)  # type: ignore[arg-type]
    docs = await store.documents.publish(ADMIN, s.beta, paper.id, [
        NewDocument(DocumentKind.LETTER, "beta/lettre-reussi.pdf", "0" * 64, reussi.id),
        NewDocument(DocumentKind.CERTIFICATE, "beta/attestation-reussi.pdf", "1" * 64,
                    reussi.id, "VERIF-0001"),
        NewDocument(DocumentKind.LETTER, "beta/lettre-rate.pdf", "2" * 64, rate.id),
        NewDocument(DocumentKind.PAPER, "beta/copies.pdf", "3" * 64),
    ], lock=[reussi.id, rate.id])  # type: ignore[list-item]
    # The retake quotes the first attempt once its result letter exists.
    retake = await store.sessions.add_participant(ADMIN, paper.id, identity("Rate"), 3, fav,  # type: ignore[arg-type]
                                                  retake_of=rate.number)
    s.participants.update(reussi=reussi.id, rate=rate.id, retake=retake.id)  # type: ignore[arg-type]
    s.documents = {"letter_reussi": docs[0].id, "certificate_reussi": docs[1].id,  # type: ignore[dict-item]
                   "letter_rate": docs[2].id, "paper": docs[3].id}
    await store.documents.mark_sent(ADMIN, [docs[0].id])  # type: ignore[list-item]
    return s
