"""Where everything goes on a paper copy and on its correction.

Every copy holds the same questions; only the order of the four choices
changes. Each question's block has the same height whatever that order (the
choices are stacked, or on a 2×2 grid when all fit on one line), so the
pages are laid out once for the whole batch and every copy reuses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.lib.units import mm

from domain.models import Centre, Formation, PaperBatch, Qcm, Question
from pdfgen.styles import CONTENT_W, MARGIN_BOTTOM, MARGIN_TOP, PAGE_H
from pdfgen.text import Line, clean, ellipsize, wrap


@dataclass(frozen=True)
class PaperSpec:
    """Everything a paper batch prints. Plain data: it crosses processes."""

    centre: Centre
    formation: Formation
    qcm: Qcm
    batch: PaperBatch
    questions: tuple[Question, ...]  # in the QCM's order
    duration_minutes: int | None = None
    duplex: bool = True  # each copy starts on a recto: pad to an even page count


class PaperLayoutError(ValueError):
    """The questions cannot be laid out (a single question taller than a page)."""


# Question blocks
Q_SIZE, Q_LEAD = 10.0, 12.6
C_SIZE, C_LEAD = 9.5, 11.8
NUM_W = 8 * mm  # question number column
BOX = 3.4 * mm  # tick box beside each choice
LETTER_DX = 5.0 * mm  # letter after the box
TEXT_DX = 9.5 * mm  # choice text after the box
STEM_GAP = 1.8 * mm
CHOICE_GAP = 1.1 * mm
Q_GAP = 4.6 * mm
COL_W = (CONTENT_W - NUM_W) / 2
TEXT_W_1 = CONTENT_W - NUM_W - TEXT_DX
TEXT_W_2 = COL_W - TEXT_DX - 3 * mm
THEME_SIZE, THEME_LEAD = 10.5, 13.0
THEME_GAP = 2.6 * mm

# First page of a copy
HEADER_H = 30 * mm
QR_SIZE = 27 * mm
FIELDS_H = 17 * mm
INSTR_SIZE, INSTR_LEAD = 8.3, 10.4
GRID_COLS = 3
GRID_ROW = 6.0 * mm
GRID_BOX = 4.4 * mm
GRID_PITCH = 6.6 * mm
GRID_NUM_W = 9 * mm
GRID_TITLE_H = 6.5 * mm

# Corrections
CORR_HEADER_H = 24 * mm
CORR_KEY_H = 9 * mm
ROW_SIZE, ROW_H = 8.3, 4.9 * mm
TABLE_HEAD_H = 6 * mm

TOP = PAGE_H - MARGIN_TOP
BODY_H = TOP - MARGIN_BOTTOM


@dataclass
class QuestionBox:
    position: int  # 0-based, in the QCM's order
    question: Question
    stem: list[Line]
    choices: list[list[Line]]  # in bank order
    two_columns: bool
    height: float

    @property
    def stem_h(self) -> float:
        return len(self.stem) * Q_LEAD

    def slots(self, order: tuple[int, ...]) -> list[tuple[float, float]]:
        """(dx, dy below the block top) of display slots A-D for one order."""
        top = self.stem_h + STEM_GAP
        if self.two_columns:
            return [((k % 2) * COL_W, top + (k // 2) * (C_LEAD + CHOICE_GAP)) for k in range(4)]
        out, y = [], top
        for bank_index in order:
            out.append((0.0, y))
            y += len(self.choices[bank_index]) * C_LEAD + CHOICE_GAP
        return out


@dataclass
class Placed:
    kind: str  # "theme" or "question"
    index: int  # theme number or question position
    top: float  # absolute y of the block top


@dataclass
class CorrectionRow:
    position: int
    stem: str  # one line, maybe cut
    answer: str  # one line, maybe cut
    top: float


@dataclass
class PaperLayout:
    boxes: list[QuestionBox]
    themes: list[tuple[str, list[Line]]]
    pages: list[list[Placed]]  # content pages of one copy
    copy_pages: int  # pages per copy, padding included
    grid_top: float  # absolute y of the answer grid on a copy's first page
    correction_pages: list[list[CorrectionRow]]
    correction_grid_top: float

    @property
    def correction_page_count(self) -> int:
        return len(self.correction_pages)


def grid_rows(count: int) -> int:
    return math.ceil(count / GRID_COLS)


def grid_height(count: int) -> float:
    return GRID_TITLE_H + grid_rows(count) * GRID_ROW


def grid_box(position: int, letter: int, count: int) -> tuple[float, float]:
    """Bottom-left corner of a grid box, relative to the grid's top-left."""
    rows = grid_rows(count)
    col, row = divmod(position, rows)
    x = col * (CONTENT_W / GRID_COLS) + GRID_NUM_W + letter * GRID_PITCH
    y = -GRID_TITLE_H - row * GRID_ROW - (GRID_ROW + GRID_BOX) / 2
    return x, y


def measure_question(position: int, question: Question) -> QuestionBox:
    stem = wrap(clean(question.text), Q_SIZE, CONTENT_W - NUM_W)
    texts = [clean(c) for c in question.choices]
    narrow = [wrap(t, C_SIZE, TEXT_W_2) for t in texts]
    if all(len(lines) == 1 for lines in narrow):
        choices, two = narrow, True
        choices_h = 2 * C_LEAD + CHOICE_GAP
    else:
        choices = [wrap(t, C_SIZE, TEXT_W_1) for t in texts]
        two = False
        choices_h = sum(len(c) for c in choices) * C_LEAD + 3 * CHOICE_GAP
    height = len(stem) * Q_LEAD + STEM_GAP + choices_h
    return QuestionBox(position, question, stem, choices, two, height)


def first_page_top(count: int) -> tuple[float, float]:
    """(grid top, top of the questions) on a copy's first page."""
    instructions_h = 2 * INSTR_LEAD + 2 * mm
    grid_top = TOP - HEADER_H - FIELDS_H - instructions_h
    return grid_top, grid_top - grid_height(count) - 5 * mm


def _paginate_questions(spec: PaperSpec, boxes: list[QuestionBox],
                        themes: list[tuple[str, list[Line]]],
                        first_top: float) -> list[list[Placed]]:
    theme_index = {name: i for i, (name, _) in enumerate(themes)}
    pages: list[list[Placed]] = [[]]
    y = first_top
    current_theme: str | None = None
    for box in boxes:
        heading_h = 0.0
        if box.question.theme != current_theme:
            current_theme = box.question.theme
            heading_h = len(themes[theme_index[current_theme]][1]) * THEME_LEAD + THEME_GAP
        need = heading_h + box.height
        if need > BODY_H:
            raise PaperLayoutError(
                f"La question {box.position + 1} (n° {box.question.id}) est trop longue "
                "pour tenir sur une page.")
        if y - need < MARGIN_BOTTOM and y < TOP:  # never break at the top of a page
            pages.append([])
            y = TOP
        if heading_h:
            pages[-1].append(Placed("theme", theme_index[current_theme], y))
            y -= heading_h
        pages[-1].append(Placed("question", box.position, y))
        y -= box.height + Q_GAP
    return pages


def _paginate_corrections(boxes: list[QuestionBox]) -> tuple[float, list[list[CorrectionRow]]]:
    count = len(boxes)
    grid_top = TOP - CORR_HEADER_H - CORR_KEY_H
    y = grid_top - grid_height(count) - 5 * mm - TABLE_HEAD_H
    stem_w = CONTENT_W * 0.5 - 26 * mm
    answer_w = CONTENT_W * 0.5 - 2 * mm
    pages: list[list[CorrectionRow]] = [[]]
    for box in boxes:
        if y - ROW_H < MARGIN_BOTTOM:
            pages.append([])
            y = TOP - TABLE_HEAD_H
        q = box.question
        pages[-1].append(CorrectionRow(
            box.position, ellipsize(clean(q.text), ROW_SIZE, stem_w),
            ellipsize(clean(q.choices[q.correct]), ROW_SIZE, answer_w), y))
        y -= ROW_H
    return grid_top, pages


def layout(spec: PaperSpec) -> PaperLayout:
    """Measure every question once and lay out a copy and a correction."""
    if not spec.questions:
        raise PaperLayoutError("Ce QCM ne contient aucune question.")
    names = list(dict.fromkeys(q.theme for q in spec.questions))
    themes = [(n, wrap(clean(n), THEME_SIZE, CONTENT_W, bold=True)) for n in names]
    boxes = [measure_question(i, q) for i, q in enumerate(spec.questions)]
    grid_top, first_top = first_page_top(len(boxes))
    pages = _paginate_questions(spec, boxes, themes, first_top)
    copy_pages = len(pages) + (len(pages) % 2 if spec.duplex else 0)
    corr_grid_top, corr_pages = _paginate_corrections(boxes)
    return PaperLayout(boxes, themes, pages, copy_pages, grid_top, corr_pages, corr_grid_top)
