"""CSV exports that open correctly in a French Excel, with formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from domain.models import ExamSession, Participant
from domain.rules import decide

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: object) -> str:
    """A value as CSV text; text a spreadsheet would run as a formula is quoted."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """UTF-8 text with a BOM and ';' separators (what French Excel expects)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(h) for h in headers])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


RESULT_HEADERS = ("Numéro", "Civilité", "Nom", "Prénom", "Entreprise", "Adresse", "Code postal",
                  "Ville", "Pays", "Email", "Formation", "Session", "Date", "Lieu", "Centre",
                  "Formateur", "Note QCM", "Temps supplémentaire (min)",
                  "Évaluation pratique", "Second passage", "Décision")


def result_rows(session: ExamSession, participants: Sequence[Participant],
                pass_mark: int, extra_minutes: Mapping[int, int] | None = None,
                ) -> list[list[object]]:
    """`extra_minutes`: extra time granted to a participant's key (by
    participant id); an empty cell when none was granted."""
    extra = extra_minutes or {}
    rows: list[list[object]] = []
    for p in participants:
        i = p.identity
        outcome = decide(p.score, p.practical, pass_mark, p.is_retake)
        rows.append([p.number, i.civility, i.last_name, i.first_name, i.company,
                     i.company_address, i.postal_code, i.city, i.country, i.email,
                     session.formation_code, session.id, session.day.strftime("%d/%m/%Y"), session.place,
                     session.centre_name, session.trainer_name,
                     "" if p.score is None else p.score, extra.get(p.id or 0) or "",
                     p.practical.label,
                     p.retake_of or "", outcome.label])
    return rows
