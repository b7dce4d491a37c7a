"""QR codes: the payload that identifies a paper copy, and its drawing.

The payload is `QCM:<qcm id>;LOT:<batch id>;COPIE:<copy number>`: the batch
is needed because its seed, not the QCM alone, fixes each copy's choice order.
"""

from __future__ import annotations

import re

import segno
from reportlab.pdfgen.canvas import Canvas

_PAYLOAD = re.compile(r"^QCM:(\d+);LOT:(\d+);COPIE:(\d+)$")
QUIET_ZONE = 4  # modules of white around the symbol, as the standard asks
_MASK = 2  # any of the 8 masks is valid; a fixed one avoids trying all 8


def paper_payload(qcm_id: int, batch_id: int, copy: int) -> str:
    return f"QCM:{qcm_id};LOT:{batch_id};COPIE:{copy}"


def parse_paper_payload(payload: str) -> tuple[int, int, int] | None:
    """(qcm id, batch id, copy number), or None if it is not a copy's code."""
    match = _PAYLOAD.match(payload.strip())
    return None if match is None else (int(match[1]), int(match[2]), int(match[3]))


def qr_matrix(payload: str) -> list[list[bool]]:
    """Dark modules of the QR symbol (error correction level M), row by row,
    encoded by segno (a maintained QR library: reportlab's encoder is internal)."""
    code = segno.make_qr(payload, error="m", mask=_MASK, boost_error=False)
    return [[bool(m) for m in row] for row in code.matrix]


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the symbol, quiet zone included, in the square (x, y, size)."""
    matrix = qr_matrix(payload)
    count = len(matrix)
    module = size / (count + 2 * QUIET_ZONE)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (r + QUIET_ZONE + 1) * module
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect(x + (start + QUIET_ZONE) * module, top, (c - start) * module, module)
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
