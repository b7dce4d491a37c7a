"""The first page of a paper batch: how the evaluation runs."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from pdfgen.paper_layout import TOP, PaperLayout, PaperSpec
from pdfgen.styles import (
    ACCENT,
    CONTENT_W,
    FOOTER_Y,
    INK,
    MARGIN_X,
    MUTED,
    RULE,
    french_date,
    hrule,
    local_day,
)
from pdfgen.text import Span, clean, draw_text

BODY, LEAD = 10.0, 13.4


def _sections(spec: PaperSpec, plan: PaperLayout) -> list[tuple[str, list[list[Span]]]]:
    n = len(spec.questions)
    pass_mark = spec.formation.pass_mark
    duration = (f"{spec.duration_minutes} minutes" if spec.duration_minutes
                else "celle annoncée par le formateur au début de l'épreuve")
    trainer = [
        [("Les corrigés suivent les copies, dans l'ordre des numéros : ", False),
         ("ne les distribuez pas. ", True),
         ("Chaque corrigé ne vaut que pour la copie de même numéro.", False)],
        [("Le QR code de chaque copie identifie le QCM, le lot et le numéro de copie.", False)],
        [("Pour enregistrer les résultats, saisissez pour chaque candidat son numéro de copie "
          "et les lettres cochées dans sa grille : la note est calculée automatiquement.",
          False)],
    ]
    if spec.duplex:
        trainer.append([(f"Imprimez ce document en recto verso : chaque copie compte "
                         f"{plan.copy_pages} pages et commence sur un recto.", False)])
    return [
        ("Déroulement de l'épreuve", [
            [("Chaque candidat reçoit une copie numérotée. Toutes les copies comportent les "
              f"mêmes {n} questions, regroupées par thème ; seul l'ordre des propositions de "
              "réponse change d'une copie à l'autre.", False)],
            [("Inscrivez votre nom et votre prénom en haut de la première page. Pour un "
              "second passage (rattrapage), indiquez aussi le numéro de participant figurant "
              "sur le courrier de résultats de votre premier passage.", False)],
            [("Durée de l'épreuve : ", True), (f"{duration}.", False)],
        ]),
        ("Comment répondre", [
            [("Chaque question propose quatre réponses, A, B, C et D ; ", False),
             ("une seule est correcte.", True)],
            [("Cochez d'une croix la case de la réponse choisie, puis reportez-la dans la "
              "grille de réponses de la première page. ", False),
             ("En cas de différence, c'est la grille qui fait foi.", True)],
            [("Pour annuler une case, noircissez-la entièrement, puis cochez la bonne case. "
              "Une question sans réponse, ou avec plusieurs cases cochées, ne rapporte aucun "
              "point.", False)],
        ]),
        ("Notation", [
            [("Chaque bonne réponse vaut 1 point ; une mauvaise réponse ne retire rien. "
              f"La note est sur {n}.", False)],
            [("L'évaluation théorique est réussie avec une note ", False),
             (f"supérieure ou égale à {pass_mark}/{n}.", True)],
            [("Le résultat final tient aussi compte de l'évaluation pratique : le courrier de "
              "résultats indique la suite (attestation de réussite, rattrapage du QCM seul, "
              "ou nouvelle formation).", False)],
        ]),
        ("Pour le formateur", trainer),
    ]


def _examples(c: Canvas, top: float) -> float:
    """Three boxes: empty, ticked, cancelled."""
    size = 3.6 * mm
    x = MARGIN_X + 8 * mm
    c.setStrokeColor(INK)
    c.setLineWidth(0.8)
    for label, mark in (("case vide", None), ("réponse choisie", "cross"),
                        ("case annulée", "fill")):
        y = top - size - 1
        c.rect(x, y, size, size, stroke=1, fill=1 if mark == "fill" else 0)
        if mark == "cross":
            c.line(x + 0.6, y + 0.6, x + size - 0.6, y + size - 0.6)
            c.line(x + 0.6, y + size - 0.6, x + size - 0.6, y + 0.6)
        c.setFillColor(INK)
        draw_text(c, label, x + size + 2 * mm, top, 9, 40 * mm)
        x += 48 * mm
    return size + 3 * mm


def draw_presentation(c: Canvas, spec: PaperSpec, plan: PaperLayout) -> None:
    y = TOP
    c.setFillColor(ACCENT)
    y -= draw_text(c, "Évaluation théorique — QCM « papier »", MARGIN_X, y, 18, CONTENT_W,
                   leading=22, bold=True)
    y -= 2 * mm
    c.setFillColor(INK)
    y -= draw_text(c, f"QCM n° {spec.qcm.id} — {clean(spec.qcm.title)}", MARGIN_X, y, 12,
                   CONTENT_W, bold=True)
    day = french_date(local_day(spec.batch.created_at, spec.centre.timezone))
    copies = spec.batch.copies
    for text in (f"Formation : {clean(spec.formation.name)} ({clean(spec.formation.code)})",
                 f"Centre de formation : {clean(spec.centre.name)}",
                 f"Lot n° {spec.batch.id} édité le {day} : {copies} copie"
                 f"{'s' if copies > 1 else ''} numérotée{'s' if copies > 1 else ''} de 1 à "
                 f"{copies}, suivie{'s' if copies > 1 else ''} de leur corrigé."):
        y -= draw_text(c, text, MARGIN_X, y, BODY, CONTENT_W, LEAD)
    y -= 3 * mm
    hrule(c, MARGIN_X, y, CONTENT_W, RULE, 0.8)
    y -= 5 * mm
    for title, items in _sections(spec, plan):
        c.setFillColor(ACCENT)
        y -= draw_text(c, title, MARGIN_X, y, 12, CONTENT_W, bold=True) + 1.5 * mm
        for spans in items:
            c.setFillColor(INK)
            draw_text(c, "•", MARGIN_X + 2 * mm, y, BODY, 5 * mm, LEAD)
            y -= draw_text(c, spans, MARGIN_X + 7 * mm, y, BODY, CONTENT_W - 7 * mm, LEAD)
            y -= 1.6 * mm
            if title == "Comment répondre" and spans is items[2]:
                y -= _examples(c, y)
        y -= 3.5 * mm
    c.setFillColor(MUTED)
    draw_text(c, f"QCM n° {spec.qcm.id} · Lot n° {spec.batch.id} · Présentation", MARGIN_X,
              FOOTER_Y + 0.95 * 7.5, 7.5, CONTENT_W)
