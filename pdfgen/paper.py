"""The paper QCM: a presentation page, N numbered copies, N corrections.

What is the same on every copy (question texts, choice texts, the answer
grid, headers) is drawn once per PDF as a form XObject; a copy only places
those forms in its own choice order and adds its number and QR code. That is
what makes 500 copies cheap to draw and the file small.

The batch is drawn by one process on purpose: 500 copies take about 2 s,
while joining parts drawn in parallel cost more than it saved (pypdf took
3 s to merge 2,500 pages).
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import xObjectName
from reportlab.pdfgen.canvas import Canvas

from domain.models import CHOICE_LETTERS
from domain.shuffle import choice_order
from pdfgen import paper_forms as forms
from pdfgen.fonts import fonts
from pdfgen.paper_layout import (
    CONTENT_W,
    GRID_BOX,
    HEADER_H,
    NUM_W,
    QR_SIZE,
    TEXT_DX,
    TOP,
    PaperLayout,
    PaperSpec,
    grid_box,
    layout,
)
from pdfgen.presentation import draw_presentation
from pdfgen.qr import draw_qr, paper_payload
from pdfgen.styles import ACCENT, FOOTER_Y, INK, MARGIN_X, PAGE_W
from pdfgen.text import draw_text, text_width

Progress = Callable[[int, int], None]


def _place(canvas: Canvas, name: str, x: float, y: float) -> None:
    """Draw a form with its origin at (x, y).

    The same as saveState/translate/doForm/restoreState, written as one
    operator line: copies place ~300 forms each, and reportlab's state
    bookkeeping was most of the drawing time."""
    canvas._code.append(  # noqa: SLF001
        f"q 1 0 0 1 {x:.2f} {y:.2f} cm /{xObjectName(name)} Do Q")
    canvas._formsinuse.append(name)  # noqa: SLF001


class _Painter:
    def __init__(self, canvas: Canvas, spec: PaperSpec, plan: PaperLayout) -> None:
        self.c = canvas
        self.spec = spec
        self.plan = plan
        self.count = len(spec.questions)
        self.key_x = text_width(forms.KEY_LABEL, 10, bold=True) + 3 * mm
        forms.define_all(canvas, spec, plan)

    # Copies -------------------------------------------------------------

    def copy(self, number: int) -> None:
        c, spec, plan = self.c, self.spec, self.plan
        seed = spec.batch.seed
        for page_no, placed in enumerate(plan.pages):
            if page_no == 0:
                self._copy_header(number)
            for item in placed:
                if item.kind == "theme":
                    _place(c, forms.theme(item.index), MARGIN_X, item.top)
                    continue
                box = plan.boxes[item.index]
                x = MARGIN_X
                _place(c, forms.stem(item.index), x, item.top)
                order = choice_order(seed, number, box.question.id)  # type: ignore[arg-type]
                for slot, ((dx, dy), bank_index) in enumerate(zip(box.slots(order), order)):
                    sx, sy = x + NUM_W + dx, item.top - dy
                    _place(c, forms.slot(slot), sx, sy)
                    _place(c, forms.choice(item.index, bank_index), sx + TEXT_DX, sy)
            self._copy_footer(number, page_no)
            c.showPage()
        for page_no in range(len(plan.pages), plan.copy_pages):
            _place(c, forms.BLANK, 0, 0)
            self._copy_footer(number, page_no)
            c.showPage()

    def _copy_header(self, number: int) -> None:
        c, spec = self.c, self.spec
        _place(c, forms.HEADER, MARGIN_X, TOP)
        _place(c, forms.FIELDS, MARGIN_X, TOP - HEADER_H)
        _place(c, forms.GRID_TITLE, MARGIN_X, self.plan.grid_top)
        _place(c, forms.GRID, MARGIN_X, self.plan.grid_top)
        qr_x = PAGE_W - MARGIN_X - QR_SIZE + 2.5 * mm  # the quiet zone overhangs the margin
        draw_qr(c, paper_payload(spec.qcm.id, spec.batch.id, number),  # type: ignore[arg-type]
                qr_x, TOP - QR_SIZE + 2.5 * mm, QR_SIZE)
        c.setFillColor(ACCENT)
        c.setFont(fonts().bold, 22)
        c.drawRightString(qr_x - 1 * mm, TOP - 15 * mm, str(number))
        c.setFillColor(INK)

    def _copy_footer(self, number: int, page_no: int) -> None:
        _place(self.c, forms.footer(page_no), MARGIN_X, FOOTER_Y)
        self.c.setFont(fonts().bold, 8)
        self.c.drawCentredString(PAGE_W / 2, FOOTER_Y, f"Copie n° {number}")

    # Corrections --------------------------------------------------------

    def correction(self, number: int) -> None:
        c, spec, plan = self.c, self.spec, self.plan
        letters = [CHOICE_LETTERS[choice_order(spec.batch.seed, number, q.id).index(q.correct)]  # type: ignore[arg-type]
                   for q in spec.questions]
        for page_no, rows in enumerate(plan.correction_pages):
            _place(c, forms.correction_page(page_no), MARGIN_X, 0)
            if page_no == 0:
                draw_text(c, f"Corrigé de la copie n° {number}", MARGIN_X, TOP, 15,
                          CONTENT_W, bold=True)
                key = " ".join("".join(letters[i:i + 5]) for i in range(0, len(letters), 5))
                c.setFont(fonts().bold, 10)
                c.drawString(MARGIN_X + self.key_x, TOP - forms.CORR_KEY_BASELINE, key)
                self._fill_grid(letters)
            for row in rows:
                _place(c, forms.letter(CHOICE_LETTERS.index(letters[row.position])),
                       MARGIN_X + forms.CORR_LETTER_X, row.top)
            _place(c, forms.correction_footer(page_no), MARGIN_X, FOOTER_Y)
            c.setFont(fonts().bold, 8)
            c.drawCentredString(PAGE_W / 2, FOOTER_Y, f"Corrigé de la copie n° {number}")
            c.showPage()

    def _fill_grid(self, letters: list[str]) -> None:
        path = self.c.beginPath()
        top = self.plan.correction_grid_top
        for position, letter in enumerate(letters):
            x, y = grid_box(position, CHOICE_LETTERS.index(letter), self.count)
            path.rect(MARGIN_X + x, top + y, GRID_BOX, GRID_BOX)
        self.c.saveState()
        self.c.setFillColor(INK)
        self.c.drawPath(path, stroke=0, fill=1)
        self.c.restoreState()


def _canvas(buffer: BytesIO, spec: PaperSpec) -> Canvas:
    c = Canvas(buffer, pagesize=(PAGE_W, forms.PAGE_H), invariant=True)
    c.setTitle(f"QCM n° {spec.qcm.id} — lot n° {spec.batch.id}")
    c.setAuthor(spec.centre.name)
    c.setSubject(f"{spec.formation.code} — {spec.formation.name}")
    c.setCreator("qcm-ssh")
    return c


def render_paper(spec: PaperSpec, progress: Progress | None = None) -> bytes:
    """The whole batch as one PDF: presentation, N copies, N corrections.

    Top-level and fed plain data, so it can run in a worker process.
    `progress(done, total)` is called after each copy and each correction
    (total = 2 N)."""
    fonts()
    plan = layout(spec)
    copies = spec.batch.copies
    buffer = BytesIO()
    c = _canvas(buffer, spec)
    painter = _Painter(c, spec, plan)
    c.bookmarkPage("presentation", fit="Fit")
    c.addOutlineEntry("Présentation", "presentation", level=0)
    draw_presentation(c, spec, plan)
    c.showPage()
    if spec.duplex:
        _place(c, forms.BLANK, 0, 0)
        c.showPage()
    for number in range(1, copies + 1):
        c.bookmarkPage(f"copy{number}", fit="Fit")
        c.addOutlineEntry(f"Copie n° {number}", f"copy{number}", level=0)
        painter.copy(number)
        if progress:
            progress(number, 2 * copies)
    for number in range(1, copies + 1):
        c.bookmarkPage(f"key{number}", fit="Fit")
        c.addOutlineEntry(f"Corrigé n° {number}", f"key{number}", level=0)
        painter.correction(number)
        if progress:
            progress(copies + number, 2 * copies)
    c.save()
    return buffer.getvalue()


def page_counts(spec: PaperSpec) -> tuple[int, int, int]:
    """(presentation pages, pages per copy, pages per correction)."""
    plan = layout(spec)
    return (2 if spec.duplex else 1), plan.copy_pages, plan.correction_page_count
