"""The result letter sent to each participant.

Layout of a French administrative letter for a DL envelope (110 × 220 mm)
with a right-hand window of 100 × 45 mm, 20 mm from the right edge and
15 mm from the bottom: folded in three, the address block below sits in
the window even if the sheet slides 5 mm either way.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from domain.models import Identity
from domain.rules import Outcome
from pdfgen.results import (
    ResultData,
    one_page,
    outcome_paragraph,
    qcm_verdict,
    require_outcome,
    salutation,
)
from pdfgen.styles import ACCENT, FAINT, INK, MUTED, PAGE_H, PAGE_W, RULE, TINT, french_date, hrule
from pdfgen.text import Line, clean, draw_lines, draw_text, organised_by, wrap

LEFT = 20 * mm
RIGHT = PAGE_W - 20 * mm
WIDTH = RIGHT - LEFT
ADDRESS_X = 110 * mm
ADDRESS_TOP = 55  # mm from the top of the sheet
ADDRESS_W = 82 * mm
ADDRESS_LINES = 6
BODY, LEAD = 10.0, 13.6


def _y(from_top_mm: float) -> float:
    return PAGE_H - from_top_mm * mm


def address_lines(identity: Identity) -> list[Line]:
    """The recipient block, AFNOR order: company, person, street, town, country."""
    size = 10.0
    person = " ".join(clean(p) for p in (identity.civility, identity.first_name,
                                         identity.last_name) if clean(p))
    town = " ".join(p for p in (clean(identity.postal_code), clean(identity.city).upper()) if p)
    country = clean(identity.country)
    rows = [clean(identity.company), person, clean(identity.company_address), town,
            country.upper() if country and country.lower() != "france" else ""]
    lines: list[Line] = []
    for row in rows:
        if row:
            lines.extend(wrap(row, size, ADDRESS_W))
    return lines[:ADDRESS_LINES]


def _sender(c: Canvas, data: ResultData) -> None:
    issuer = data.issuer
    c.setFillColor(ACCENT)
    top = _y(15)
    top -= draw_text(c, clean(issuer.name), LEFT, top, 12, 80 * mm, bold=True)
    c.setFillColor(MUTED)
    for line in issuer.address:
        top -= draw_text(c, clean(line), LEFT, top, 8.5, 80 * mm)
    c.setFillColor(INK)
    top = _y(45)
    p, s = data.participant, data.session
    for label, value in (("Participant n° ", p.number), ("Session n° ", str(s.id)),
                         ("QCM n° ", str(s.qcm_id))):
        top -= draw_text(c, [(label, False), (value, True)], LEFT, top, 8.5, 80 * mm)


def _address(c: Canvas, data: ResultData) -> None:
    c.setFillColor(INK)
    draw_lines(c, address_lines(data.participant.identity), ADDRESS_X, _y(ADDRESS_TOP), 10.0,
               12.5)


def _fold_marks(c: Canvas) -> None:
    c.setStrokeColor(FAINT)
    c.setLineWidth(0.4)
    for from_top in (99, 198):
        c.line(4 * mm, _y(from_top), 8 * mm, _y(from_top))


def _results_table(c: Canvas, data: ResultData, top: float) -> float:
    p = data.participant
    rows: list[tuple[str, str, bool]] = [
        ("Numéro de participant", p.number, True),
        ("Évaluation théorique (QCM)", qcm_verdict(data), False),
        ("Évaluation pratique", p.practical.label, False),
    ]
    if p.retake_of:
        rows.insert(1, ("Passage", f"second passage (rattrapage du n° {clean(p.retake_of)})",
                        False))
    rows.append(("Décision", data.outcome.label, True))
    label_w, pad = 52 * mm, 2.2 * mm
    value_w = WIDTH - label_w - 2 * pad
    heights = [max(1, len(wrap(value, BODY, value_w, bold))) * LEAD for _, value, bold in rows]
    total = sum(heights) + pad * (len(rows) + 1)
    c.setFillColor(TINT)
    c.setStrokeColor(RULE)
    c.roundRect(LEFT, top - total, WIDTH, total, 2 * mm, stroke=1, fill=1)
    y = top - pad
    for (label, value, bold), h in zip(rows, heights):
        c.setFillColor(MUTED)
        draw_text(c, label, LEFT + pad, y, 9, label_w)
        c.setFillColor(ACCENT if label == "Décision" else INK)
        draw_text(c, value, LEFT + pad + label_w, y, BODY, value_w, LEAD, bold=bold)
        y -= h + pad
    return total


def draw_letter(c: Canvas, data: ResultData) -> None:
    """One letter, on the canvas's current page (the caller shows the page)."""
    outcome = require_outcome(data)
    p, s, f = data.participant, data.session, data.formation
    _sender(c, data)
    _address(c, data)
    _fold_marks(c)
    c.setFillColor(INK)
    place = data.place_of_issue
    dated = f"{place + ', le' if place else 'Le'} {french_date(data.issued_on)}"
    draw_text(c, dated, ADDRESS_X, _y(103), BODY, ADDRESS_W)
    top = _y(115)
    top -= draw_text(c, [("Objet : ", True),
                         (f"résultats de votre évaluation — {clean(f.name)}", False)],
                     LEFT, top, BODY, WIDTH, LEAD)
    top -= 5 * mm
    hello = salutation(p.identity.civility)
    top -= draw_text(c, f"{hello},", LEFT, top, BODY, WIDTH, LEAD) + 2.5 * mm
    intro = (f"Vous avez participé le {french_date(s.day)} à l'évaluation de la formation "
             f"« {clean(f.name)} » ({clean(f.code)}), {organised_by(s.centre_name)} "
             f"à {clean(s.place)} (formateur : {clean(s.trainer_name)}). "
             "Voici vos résultats :")
    top -= draw_text(c, intro, LEFT, top, BODY, WIDTH, LEAD) + 3 * mm
    top -= _results_table(c, data, top) + 4 * mm
    c.setFillColor(INK)
    top -= draw_text(c, outcome_paragraph(data), LEFT, top, BODY, WIDTH, LEAD) + 3 * mm
    closing = (f"Nous vous prions d'agréer, {hello}, l'expression de nos salutations "
               "distinguées.")
    top -= draw_text(c, closing, LEFT, top, BODY, WIDTH, LEAD) + 8 * mm
    draw_text(c, clean(data.issuer.signatory), ADDRESS_X, top, BODY, ADDRESS_W, bold=True)
    draw_text(c, clean(data.issuer.name), ADDRESS_X, top - LEAD, BODY, ADDRESS_W)
    if outcome is Outcome.PASSED:
        draw_text(c, "P. J. : attestation de réussite", LEFT, _y(262), 9, WIDTH)
    hrule(c, LEFT, _y(280), WIDTH)
    c.setFillColor(MUTED)
    draw_text(c, f"{clean(data.issuer.name)} · participant n° {p.number} · "
                 f"{clean(f.code)} · session du {french_date(s.day)}", LEFT, _y(282), 7.5, WIDTH)
    c.setFillColor(INK)


def render_letter(data: ResultData) -> bytes:
    """One participant's result letter, as a one-page PDF."""
    return one_page(f"Résultats — participant n° {data.participant.number}", data, draw_letter)
