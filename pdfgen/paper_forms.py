"""The parts of a paper batch that every copy shares, drawn once as forms.

Each form is drawn with its origin at its top-left corner (y grows upward,
so the content lies at negative y), except the full-page ones (BLANK and
the correction pages), whose y is the page's.
"""

from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from domain.models import CHOICE_LETTERS
from pdfgen.fonts import fonts
from pdfgen.paper_layout import (
    BOX,
    C_LEAD,
    C_SIZE,
    CORR_HEADER_H,
    FIELDS_H,
    GRID_BOX,
    GRID_COLS,
    GRID_NUM_W,
    GRID_ROW,
    GRID_TITLE_H,
    HEADER_H,
    INSTR_LEAD,
    INSTR_SIZE,
    LETTER_DX,
    NUM_W,
    Q_LEAD,
    Q_SIZE,
    QR_SIZE,
    ROW_H,
    ROW_SIZE,
    TABLE_HEAD_H,
    THEME_LEAD,
    THEME_SIZE,
    TOP,
    PaperLayout,
    PaperSpec,
    grid_box,
    grid_height,
    grid_rows,
)
from pdfgen.styles import (
    ACCENT,
    CONTENT_W,
    FAINT,
    INK,
    MARGIN_X,
    MUTED,
    PAGE_H,
    PAGE_W,
    RULE,
    TINT,
    local_day,
    short_date,
)
from pdfgen.text import clean, draw_lines, draw_text, ellipsize

HEADER, FIELDS, GRID_TITLE, GRID, BLANK = "Head", "Fields", "GridT", "Grid", "Blank"
WARNING = HexColor("#8B1A1A")
CORR_KEY_BASELINE = CORR_HEADER_H + 5.5 * mm
CORR_LETTER_X = 11 * mm
KEY_LABEL = "Réponses attendues :"
_STEM_X = 22 * mm
_ANSWER_X = CONTENT_W * 0.5


def theme(k: int) -> str:
    return f"T{k}"


def stem(position: int) -> str:
    return f"S{position}"


def choice(position: int, bank_index: int) -> str:
    return f"C{position}_{bank_index}"


def slot(k: int) -> str:
    return f"L{k}"


def letter(k: int) -> str:
    return f"K{k}"


def footer(page_no: int) -> str:
    return f"F{page_no}"


def correction_page(page_no: int) -> str:
    return f"R{page_no}"


def correction_footer(page_no: int) -> str:
    return f"RF{page_no}"


def _begin(c: Canvas, name: str, width: float, height: float) -> None:
    c.beginForm(name, -3 * mm, -height - 3 * mm, width + 3 * mm, 3 * mm)


def _string(c: Canvas, x: float, y: float, text: str, size: float, bold: bool = False,
            colour=INK, align: str = "left") -> None:
    """ASCII-only strings (numbers, letters): one font, no runs needed."""
    c.setFillColor(colour)
    c.setFont(fonts().bold if bold else fonts().regular, size)
    {"left": c.drawString, "right": c.drawRightString,
     "center": c.drawCentredString}[align](x, y, text)


def _titles(spec: PaperSpec) -> tuple[str, str, str]:
    qcm_line = f"QCM n° {spec.qcm.id} — {clean(spec.qcm.title)}"
    formation = f"Formation : {clean(spec.formation.name)} ({clean(spec.formation.code)})"
    day = short_date(local_day(spec.batch.created_at, spec.centre.timezone))
    n = len(spec.questions)
    batch = (f"Lot n° {spec.batch.id} du {day} · {n} questions · "
             f"réussite à partir de {spec.formation.pass_mark}/{n}")
    return qcm_line, formation, batch


def _header(c: Canvas, spec: PaperSpec) -> None:
    _begin(c, HEADER, CONTENT_W, HEADER_H)
    width = CONTENT_W - QR_SIZE - 30 * mm
    qcm_line, formation, batch = _titles(spec)
    y = 0.0
    for text, size, bold, colour in ((clean(spec.centre.name), 12, True, ACCENT),
                                     (qcm_line, 10.5, True, INK),
                                     (formation, 9.2, False, INK),
                                     (batch, 8.3, False, MUTED)):
        c.setFillColor(colour)
        y -= draw_text(c, ellipsize(text, size, width, bold), 0, y, size, width, bold=bold)
        y -= 1.2
    _string(c, CONTENT_W - QR_SIZE + 1.5 * mm, -5.5 * mm, "Copie n°", 8.5, colour=MUTED,
            align="right")
    c.setStrokeColor(RULE)
    c.setLineWidth(0.7)
    c.line(0, -HEADER_H + 2 * mm, CONTENT_W, -HEADER_H + 2 * mm)
    c.endForm()


def _fields(c: Canvas) -> None:
    _begin(c, FIELDS, CONTENT_W, FIELDS_H + 3 * INSTR_LEAD)
    c.setStrokeColor(FAINT)
    c.setLineWidth(0.6)
    c.setDash(1, 2)
    rows = ((-5.5 * mm, (("Nom :", 0, 13 * mm, 88 * mm), ("Prénom :", 92 * mm, 108 * mm,
                                                         CONTENT_W))),
            (-12.5 * mm, (("N° de participant (second passage uniquement) :", 0, 82 * mm,
                           140 * mm),)))
    for baseline, fields_ in rows:
        for label, x, start, end in fields_:
            c.setFillColor(INK)
            draw_text(c, label, x, baseline + 0.95 * 9, 9, 90 * mm, bold=True)
            c.line(start, baseline - 1, end, baseline - 1)
    c.setDash()
    c.setFillColor(INK)
    draw_text(c, [("Une seule réponse est correcte par question. ", True),
                  ("Cochez la case de la réponse choisie, puis reportez-la dans la grille "
                   "ci-dessous : en cas de différence, la grille fait foi. Pour annuler une "
                   "case, noircissez-la entièrement.", False)],
              0, -FIELDS_H, INSTR_SIZE, CONTENT_W, INSTR_LEAD)
    c.endForm()


def _grid_boxes(c: Canvas, count: int, x0: float, y0: float) -> None:
    rows = grid_rows(count)
    col_w = CONTENT_W / GRID_COLS
    c.setFillColor(TINT)
    for col in range(GRID_COLS):
        for row in range(0, rows, 2):
            if col * rows + row < count:
                c.rect(x0 + col * col_w, y0 - GRID_TITLE_H - (row + 1) * GRID_ROW,
                       col_w - 5 * mm, GRID_ROW, stroke=0, fill=1)
    c.setStrokeColor(INK)
    c.setLineWidth(0.7)
    for position in range(count):
        col, row = divmod(position, rows)
        centre = y0 - GRID_TITLE_H - row * GRID_ROW - GRID_ROW / 2
        _string(c, x0 + col * col_w + GRID_NUM_W - 2.4 * mm, centre - 3, str(position + 1), 8.5,
                bold=True, align="right")
        for k, name in enumerate(CHOICE_LETTERS):
            x, y = grid_box(position, k, count)
            c.setFillColor(HexColor("#FFFFFF"))
            c.rect(x0 + x, y0 + y, GRID_BOX, GRID_BOX, stroke=1, fill=1)
            _string(c, x0 + x + GRID_BOX / 2, y0 + y + GRID_BOX / 2 - 2.3, name, 6.5,
                    bold=True, colour=FAINT, align="center")


def _grid(c: Canvas, count: int) -> None:
    _begin(c, GRID_TITLE, CONTENT_W, GRID_TITLE_H)
    c.setFillColor(ACCENT)
    draw_text(c, [("Grille de réponses", True),
                  ("  — une croix par ligne ; c'est cette grille qui est corrigée", False)],
              0, 0, 9.5, CONTENT_W)
    c.endForm()
    _begin(c, GRID, CONTENT_W, grid_height(count))
    _grid_boxes(c, count, 0, 0)
    c.endForm()


def _questions(c: Canvas, plan: PaperLayout) -> None:
    for k, (_, lines) in enumerate(plan.themes):
        height = len(lines) * THEME_LEAD
        _begin(c, theme(k), CONTENT_W, height + 2 * mm)
        c.setFillColor(ACCENT)
        draw_lines(c, lines, 0, 0, THEME_SIZE, THEME_LEAD)
        c.setStrokeColor(ACCENT)
        c.setLineWidth(0.8)
        c.line(0, -height - 0.6 * mm, CONTENT_W, -height - 0.6 * mm)
        c.endForm()
    for box in plan.boxes:
        _begin(c, stem(box.position), CONTENT_W, box.stem_h)
        _string(c, 0, -0.95 * Q_SIZE, f"{box.position + 1}.", Q_SIZE, bold=True)
        c.setFillColor(INK)
        draw_lines(c, box.stem, NUM_W, 0, Q_SIZE, Q_LEAD)
        c.endForm()
        for bank_index, lines in enumerate(box.choices):
            _begin(c, choice(box.position, bank_index), CONTENT_W, len(lines) * C_LEAD)
            c.setFillColor(INK)
            draw_lines(c, lines, 0, 0, C_SIZE, C_LEAD)
            c.endForm()
    for k, name in enumerate(CHOICE_LETTERS):
        _begin(c, slot(k), 12 * mm, C_LEAD)
        c.setStrokeColor(INK)
        c.setLineWidth(0.8)
        c.rect(0, -0.9 - BOX, BOX, BOX, stroke=1, fill=0)
        _string(c, LETTER_DX, -0.95 * C_SIZE, name, C_SIZE, bold=True)
        c.endForm()
        _begin(c, letter(k), 6 * mm, ROW_H)
        _string(c, 0, -3.4 * mm, name, 9.5, bold=True, colour=ACCENT)
        c.endForm()


def _footers(c: Canvas, spec: PaperSpec, plan: PaperLayout) -> None:
    left = f"QCM n° {spec.qcm.id} · Lot n° {spec.batch.id}"
    pages = [(footer(p), f"Page {p + 1} / {plan.copy_pages}") for p in range(plan.copy_pages)]
    pages += [(correction_footer(p), f"Corrigé · page {p + 1} / {plan.correction_page_count}")
              for p in range(plan.correction_page_count)]
    for name, right in pages:
        _begin(c, name, CONTENT_W, 6 * mm)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.5)
        c.line(0, 4 * mm, CONTENT_W, 4 * mm)
        _string(c, 0, 0, left, 7.5, colour=MUTED)
        _string(c, CONTENT_W, 0, right, 7.5, colour=MUTED, align="right")
        c.endForm()
    c.beginForm(BLANK, 0, 0, PAGE_W, PAGE_H)
    _string(c, PAGE_W / 2, PAGE_H / 2, "Page laissée blanche intentionnellement.", 9,
            colour=FAINT, align="center")
    c.endForm()


def _table_head(c: Canvas, top: float) -> None:
    c.setFillColor(TINT)
    c.rect(0, top - TABLE_HEAD_H, CONTENT_W, TABLE_HEAD_H, stroke=0, fill=1)
    baseline = top - TABLE_HEAD_H / 2 - 2.8
    for x, text in ((0, "N°"), (CORR_LETTER_X - 1 * mm, "Rép."), (_STEM_X, "Question"),
                    (_ANSWER_X, "Bonne réponse")):
        _string(c, x + 1 * mm, baseline, text, 8, bold=True, colour=ACCENT)


def _corrections(c: Canvas, spec: PaperSpec, plan: PaperLayout) -> None:
    count = len(spec.questions)
    qcm_line, formation, _ = _titles(spec)
    for page_no, rows in enumerate(plan.correction_pages):
        c.beginForm(correction_page(page_no), -MARGIN_X, 0, PAGE_W, PAGE_H)
        if page_no == 0:
            y = TOP - 8 * mm
            for text, size, bold, colour in (
                    (qcm_line, 9.5, True, INK),
                    (f"{formation} · Lot n° {spec.batch.id}", 8.5, False, INK),
                    ("À l'usage du formateur : ne pas distribuer aux candidats.", 8.5, True,
                     WARNING)):
                c.setFillColor(colour)
                y -= draw_text(c, ellipsize(text, size, CONTENT_W, bold), 0, y, size,
                               CONTENT_W, bold=bold)
            c.setStrokeColor(RULE)
            c.setLineWidth(0.7)
            c.line(0, TOP - CORR_HEADER_H + 2 * mm, CONTENT_W, TOP - CORR_HEADER_H + 2 * mm)
            _string(c, 0, TOP - CORR_KEY_BASELINE, KEY_LABEL, 10, bold=True)
            grid_top = plan.correction_grid_top
            c.setFillColor(ACCENT)
            draw_text(c, [("Grille de correction", True),
                          ("  — à comparer avec la grille de réponses de la copie", False)],
                      0, grid_top, 9.5, CONTENT_W)
            _grid_boxes(c, count, 0, grid_top)
            head_top = grid_top - grid_height(count) - 5 * mm
        else:
            head_top = TOP
        _table_head(c, head_top)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.4)
        for row in rows:
            baseline = row.top - 3.4 * mm
            _string(c, 1 * mm, baseline, str(row.position + 1), ROW_SIZE, bold=True)
            c.setFillColor(MUTED)
            draw_text(c, row.stem, _STEM_X + 1 * mm, baseline + 0.95 * ROW_SIZE, ROW_SIZE,
                      CONTENT_W)
            c.setFillColor(INK)
            draw_text(c, row.answer, _ANSWER_X + 1 * mm, baseline + 0.95 * ROW_SIZE, ROW_SIZE,
                      CONTENT_W)
            c.line(0, row.top - ROW_H, CONTENT_W, row.top - ROW_H)
        c.endForm()


def define_all(c: Canvas, spec: PaperSpec, plan: PaperLayout) -> None:
    """Draw every shared form into this PDF (once per PDF)."""
    _header(c, spec)
    _fields(c)
    _grid(c, len(spec.questions))
    _questions(c, plan)
    _footers(c, spec, plan)
    _corrections(c, spec, plan)
