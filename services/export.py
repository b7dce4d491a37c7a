"""CSV exports that open correctly in a French Excel, with formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

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
                  "Formateur", "Note QCM", "Évaluation pratique", "Second passage", "Décision")


def result_rows(session: ExamSession, participants: Sequence[Participant],
                pass_mark: int) -> list[list[object]]:
    rows: list[list[object]] = []
    for p in participants:
        i = p.identity
        outcome = decide(p.score, p.practical, pass_mark, p.is_retake)
        rows.append([p.number, i.civility, i.last_name, i.first_name, i.company,
                     i.company_address, i.postal_code, i.city, i.country, i.email,
                     session.formation_code, session.id, session.day.strftime("%d/%m/%Y"), session.place,
                     session.centre_name, session.trainer_name,
                     "" if p.score is None else p.score, p.practical.label,
                     p.retake_of or "", outcome.label])
    return rows
