"""Small banks and records built in code for the document tests."""

from __future__ import annotations

from datetime import date, datetime, timezone

from domain.models import (
    Centre,
    ExamSession,
    Formation,
    Identity,
    PaperBatch,
    Participant,
    Practical,
    Qcm,
    Question,
    SessionKind,
)

THEMES = ("Réglementation", "Sécurité électrique", "Dimensionnement", "Mise en œuvre",
          "Maintenance & contrôle")
CREATED = datetime(2026, 7, 4, 8, 30, tzinfo=timezone.utc)


def question(n: int, theme: str) -> Question:
    """Question n: its choices are unique strings naming the question and the
    bank index; the correct one varies with n."""
    long = " Précisez la valeur retenue pour une installation de 9 kWc raccordée au réseau " \
           "basse tension, onduleur compris." if n % 4 == 0 else ""
    choices = tuple(
        (f"Réponse {n}-{k} : valeur « {k * 10 + n} » <réf> & co"
         + (" avec une précision supplémentaire qui oblige la ligne à se replier sur deux"
            if n % 5 == 0 and k == 1 else ""))
        for k in range(4))
    return Question(1000 + n, theme, f"Question {n} : que vaut l'élément n° {n} ?{long}",
                    choices, n % 4)  # type: ignore[arg-type]


def questions(count: int = 30) -> tuple[Question, ...]:
    per = count // len(THEMES)
    return tuple(question(i + 1, THEMES[min(i // per, len(THEMES) - 1)]) for i in range(count))


FORMATION = Formation("PV-RES", "Installation photovoltaïque raccordée au réseau", 30, 24,
                      THEMES)
CENTRE = Centre(7, "Centre Sud-Énergie & Co", "12 rue des Lilas", "69003", "Lyon")


def paper_spec(copies: int = 4, duplex: bool = True, count: int = 30):
    from pdfgen.paper import PaperSpec
    qs = questions(count)
    qcm = Qcm(12, CENTRE.id, FORMATION.code, "PV_2026-07-04", CREATED,  # type: ignore[arg-type]
              tuple(q.id for q in qs))  # type: ignore[misc]
    batch = PaperBatch(3, 12, copies, "5eed" * 8, CREATED)
    return PaperSpec(CENTRE, FORMATION, qcm, batch, qs, 45, duplex)


SESSION = ExamSession(21, 12, 7, SessionKind.OFFLINE, "PV-RES", "Centre Sud-Énergie & Co",
                      "Jeanne Martin", "Lyon, salle 2", date(2026, 7, 4))


def participant(n: int, score: int | None, practical: Practical, retake_of: str | None = None,
                name: str = "Dupont") -> Participant:
    identity = Identity("M.", name, "Gérard", "Soleil & Fils SARL", "5 avenue du Général Leclerc",
                        "13001", "Marseille", "France", "g@example.org")
    return Participant(100 + n, SESSION.id, f"2026-{n:06d}", identity, score,  # type: ignore[arg-type]
                       practical, retake_of)
