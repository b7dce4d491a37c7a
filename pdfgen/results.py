"""What a result letter and a certificate say about one participant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from reportlab.pdfgen.canvas import Canvas

from domain.models import Centre, ExamSession, Formation, Participant, Practical
from domain.rules import Outcome, decide, qcm_passed
from pdfgen.fonts import fonts
from pdfgen.styles import PAGE_H, PAGE_W
from pdfgen.text import Span, clean


@dataclass(frozen=True)
class Issuer:
    """Who signs the letters and certificates (the certification body)."""

    name: str = "Organisme certificateur"
    address: tuple[str, ...] = ()
    city: str = ""  # "Fait à ..."; the centre's city when empty
    signatory: str = "Le service formation"


@dataclass(frozen=True)
class ResultData:
    """Everything one participant's letter and certificate print. Plain data:
    it crosses processes."""

    participant: Participant
    session: ExamSession
    formation: Formation
    centre: Centre
    issued_on: date
    issuer: Issuer = field(default_factory=Issuer)
    verify_code: str | None = None  # certificates only

    @property
    def outcome(self) -> Outcome:
        p = self.participant
        return decide(p.score, p.practical, self.formation.pass_mark, p.is_retake)

    @property
    def out_of(self) -> int:
        return self.formation.questions_per_qcm

    @property
    def place_of_issue(self) -> str:
        return clean(self.issuer.city or self.centre.city)


class NotPublishable(ValueError):
    """The participant's result is not complete (score or practical unknown)."""


def require_outcome(data: ResultData) -> Outcome:
    outcome = data.outcome
    if outcome is Outcome.PENDING:
        raise NotPublishable(
            f"Résultat incomplet pour le participant {data.participant.number} : "
            "note ou évaluation pratique manquante.")
    return outcome


def salutation(civility: str) -> str:
    """'Madame', 'Monsieur' or 'Madame, Monsieur' from what was typed."""
    value = civility.strip().lower().rstrip(".")
    if value in ("m", "mr", "monsieur"):
        return "Monsieur"
    if value in ("mme", "madame", "mlle", "mademoiselle"):
        return "Madame"
    return "Madame, Monsieur"


def qcm_verdict(data: ResultData) -> str:
    p = data.participant
    ok = qcm_passed(p.score or 0, data.formation.pass_mark)
    return (f"{p.score}/{data.out_of} — {'réussie' if ok else 'non réussie'} "
            f"(seuil : {data.formation.pass_mark}/{data.out_of})")


def outcome_paragraph(data: ResultData) -> list[Span]:
    """The paragraph that tells the candidate what follows, per the decision
    table of the manual (§3.3.2)."""
    p = data.participant
    outcome = require_outcome(data)
    mark = f"{data.formation.pass_mark}/{data.out_of}"
    if outcome is Outcome.PASSED:
        return [("Nous avons le plaisir de vous informer que vous avez réussi l'évaluation "
                 "théorique et l'évaluation pratique. ", False),
                ("Votre attestation de réussite est jointe à ce courrier ; ", True),
                ("son code de vérification permet à tout employeur d'en contrôler "
                 "l'authenticité.", False)]
    if outcome is Outcome.RETAKE_ALLOWED:
        return [(f"Votre évaluation pratique est favorable, mais votre note au QCM est "
                 f"inférieure à {mark}. ", False),
                ("Vous pouvez repasser uniquement l'évaluation théorique (QCM), une seule fois, "
                 "lors d'une session de rattrapage. ", True),
                ("Pour vous y inscrire, communiquez au centre de formation votre numéro de "
                 "participant : ", False), (f"{p.number}", True),
                (". Attention : un nouvel échec vous obligerait à refaire la formation dans sa "
                 "totalité.", False)]
    if p.practical is Practical.UNFAVOURABLE:
        qcm_ok = qcm_passed(p.score or 0, data.formation.pass_mark)
        first = ("Votre note au QCM est suffisante, mais votre évaluation pratique est "
                 "défavorable. " if qcm_ok else
                 f"Votre note au QCM est inférieure à {mark} et votre évaluation pratique est "
                 "défavorable. ")
        return [(first, False),
                ("Vous devez refaire la formation dans sa totalité", True),
                (" : tout échec à l'évaluation pratique l'impose, quelle que soit la note "
                 "au QCM.", False)]
    return [(f"Lors de ce second passage, votre note au QCM est restée inférieure à {mark}. ",
             False),
            ("Vous devez désormais refaire la formation dans sa totalité.", True)]


def one_page(title: str, data: ResultData, draw: Callable[[Canvas, ResultData], None]) -> bytes:
    """A one-page PDF for one participant, drawn by `draw(canvas, data)`."""
    fonts()
    buffer = BytesIO()
    c = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=True)
    c.setTitle(title)
    c.setAuthor(data.issuer.name)
    c.setCreator("qcm-ssh")
    draw(c, data)
    c.showPage()
    c.save()
    return buffer.getvalue()
