"""The certificate of success (attestation de réussite), with its
verification code, printed and as a QR code."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from domain.rules import Outcome
from pdfgen.qr import draw_qr
from pdfgen.results import ResultData, one_page, require_outcome
from pdfgen.styles import ACCENT, INK, MUTED, PAGE_H, PAGE_W, TINT, french_date
from pdfgen.text import clean, draw_text, organised_by

FRAME = 12 * mm
LEFT = 28 * mm
WIDTH = PAGE_W - 2 * LEFT
VERIFY_COMMAND = "qcm verify"


def certificate_payload(code: str) -> str:
    return f"ATTESTATION:{code}"


def _y(from_top_mm: float) -> float:
    return PAGE_H - from_top_mm * mm


def _frame(c: Canvas) -> None:
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2.2)
    c.rect(FRAME, FRAME, PAGE_W - 2 * FRAME, PAGE_H - 2 * FRAME)
    c.setLineWidth(0.6)
    inset = FRAME + 2.2 * mm
    c.rect(inset, inset, PAGE_W - 2 * inset, PAGE_H - 2 * inset)


def _centred(c: Canvas, content, top: float, size: float, bold: bool = False,
             leading: float | None = None) -> float:
    return draw_text(c, content, LEFT, top, size, WIDTH, leading, bold=bold, align="center")


def draw_certificate(c: Canvas, data: ResultData) -> None:
    if require_outcome(data) is not Outcome.PASSED:
        raise ValueError(f"Pas d'attestation : le participant {data.participant.number} "
                         "n'a pas réussi.")
    if not data.verify_code:
        raise ValueError("Une attestation doit porter un code de vérification.")
    p, s, f = data.participant, data.session, data.formation
    identity = p.identity
    _frame(c)
    c.setFillColor(ACCENT)
    top = _y(26)
    top -= _centred(c, clean(data.issuer.name), top, 12, bold=True)
    top = _y(62)
    top -= _centred(c, "ATTESTATION DE RÉUSSITE", top, 26, bold=True, leading=32)
    c.setFillColor(INK)
    top -= 4 * mm
    top -= _centred(c, f"Formation « {clean(f.name)} » ({clean(f.code)})", top, 13,
                    leading=17)
    top = min(top, _y(112))
    c.setFillColor(MUTED)
    top -= _centred(c, f"{clean(data.issuer.name)} atteste que", top, 11) + 4 * mm
    c.setFillColor(INK)
    name = " ".join(clean(x) for x in (identity.first_name, identity.last_name) if clean(x))
    top -= _centred(c, name or "—", top, 22, bold=True, leading=27) + 1 * mm
    c.setFillColor(MUTED)
    top -= _centred(c, f"participant n° {p.number}", top, 11) + 6 * mm
    c.setFillColor(INK)
    body = [("a réussi l'évaluation théorique ", False),
            (f"(QCM : {p.score}/{data.out_of})", True),
            (" et l'évaluation pratique de cette formation, lors de la session du ", False),
            (french_date(s.day), True),
            (f" à {clean(s.place)}, {organised_by(s.centre_name)} "
             f"(formateur : {clean(s.trainer_name)}).", False)]
    if p.retake_of:
        body.append((f" Réussite obtenue en second passage (premier passage : n° "
                     f"{clean(p.retake_of)}).", False))
    top -= _centred(c, body, top, 11.5, leading=16) + 12 * mm
    top = min(top, _y(205))
    place = data.place_of_issue
    dated = f"Fait {'à ' + place + ', ' if place else ''}le {french_date(data.issued_on)}"
    draw_text(c, dated, PAGE_W / 2, top, 11, WIDTH / 2)
    draw_text(c, clean(data.issuer.signatory), PAGE_W / 2, top - 8 * mm, 11, WIDTH / 2,
              bold=True)
    _verification(c, data.verify_code)


def _verification(c: Canvas, code: str) -> None:
    box_h, qr = 30 * mm, 26 * mm
    bottom = FRAME + 8 * mm
    c.setFillColor(TINT)
    c.setStrokeColor(TINT)
    c.roundRect(LEFT - 4 * mm, bottom, WIDTH + 8 * mm, box_h, 2 * mm, stroke=0, fill=1)
    draw_qr(c, certificate_payload(code), LEFT - 2 * mm, bottom + 2 * mm, qr)
    x = LEFT + qr + 2 * mm
    top = bottom + box_h - 4 * mm
    c.setFillColor(MUTED)
    top -= draw_text(c, "Code de vérification", x, top, 9, WIDTH - qr)
    c.setFillColor(ACCENT)
    top -= draw_text(c, code, x, top, 16, WIDTH - qr, bold=True) + 1 * mm
    c.setFillColor(MUTED)
    draw_text(c, "L'authenticité de cette attestation se vérifie auprès de l'organisme "
                 f"certificateur avec ce code (commande « {VERIFY_COMMAND} {code} »).",
              x, top, 8.5, WIDTH - qr - 4 * mm)
    c.setFillColor(INK)


def render_certificate(data: ResultData) -> bytes:
    """One participant's certificate of success, as a one-page PDF."""
    return one_page(f"Attestation de réussite — participant n° {data.participant.number}", data, draw_certificate)

