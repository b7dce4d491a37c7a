"""The documents, drawn with reportlab from domain objects.

No database, network or UI code here: every entry point is a top-level
function of plain (picklable) data returning PDF bytes, so callers run them
in a process pool.

- `render_paper(PaperSpec, progress)`: presentation, N copies, N corrections.
- `render_letter(ResultData)`, `render_certificate(ResultData)`,
  `render_results([ResultData])`: result letters and certificates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Loaded on first use (PEP 562): importing one light module of the package,
# such as the `pdfgen.results` data classes, does not load reportlab.
_WHERE = {
    "render_results": "pdfgen.batch", "render_certificate": "pdfgen.certificate",
    "render_letter": "pdfgen.letters", "page_counts": "pdfgen.paper",
    "render_paper": "pdfgen.paper", "PaperLayoutError": "pdfgen.paper_layout",
    "PaperSpec": "pdfgen.paper_layout", "paper_payload": "pdfgen.qr",
    "parse_paper_payload": "pdfgen.qr", "Issuer": "pdfgen.results",
    "NotPublishable": "pdfgen.results", "ResultData": "pdfgen.results",
}

if TYPE_CHECKING:
    from pdfgen.batch import render_results
    from pdfgen.certificate import render_certificate
    from pdfgen.letters import render_letter
    from pdfgen.paper import page_counts, render_paper
    from pdfgen.paper_layout import PaperLayoutError, PaperSpec
    from pdfgen.qr import paper_payload, parse_paper_payload
    from pdfgen.results import Issuer, NotPublishable, ResultData


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'pdfgen' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)


__all__ = ["Issuer", "NotPublishable", "PaperLayoutError", "PaperSpec", "ResultData",
           "page_counts", "paper_payload", "parse_paper_payload", "render_certificate",
           "render_letter", "render_paper", "render_results"]
