"""Canary for the reportlab internals pdfgen writes to, and the QR codes
drawn with segno (reportlab's own QR encoder is internal)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from pdfgen.paper import _place
from pdfgen.qr import qr_matrix


def test_place_writes_one_operator_line_and_registers_the_form():
    """pdfgen/paper.py `_place`: copies place ~300 forms each; it appends to
    `Canvas._code` and `Canvas._formsinuse` instead of reportlab's
    saveState/translate/doForm/restoreState (most of the drawing time)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    assert isinstance(canvas._code, list) and isinstance(canvas._formsinuse, list)
    canvas.beginForm("box")
    canvas.rect(0, 0, 10, 10, fill=1)
    canvas.endForm()
    _place(canvas, "box", 100, 200)
    assert canvas._code[-1].endswith("Do Q") and "1 0 0 1 100.00 200.00 cm" in canvas._code[-1]
    canvas.showPage()
    canvas.save()
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    assert len(page["/Resources"]["/XObject"]) == 1  # the form is referenced by the page
    assert b"100.00 200.00 cm" in page.get_contents().get_data()


def test_qr_matrix_is_a_square_symbol_with_finder_patterns():
    matrix = qr_matrix("QCM:12;LOT:3;COPIE:17")
    size = len(matrix)
    assert size in (21, 25, 29) and all(len(row) == size for row in matrix)
    for top, left in ((0, 0), (0, size - 7), (size - 7, 0)):  # the three finder squares
        assert all(matrix[top][left + i] and matrix[top + 6][left + i] for i in range(7))
        assert all(matrix[top + i][left] and matrix[top + i][left + 6] for i in range(7))
