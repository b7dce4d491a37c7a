"""The documents, drawn with reportlab from domain objects.

No database, network or UI code here: every entry point is a top-level
function of plain (picklable) data returning PDF bytes, so callers run them
in a process pool.

- `render_paper(PaperSpec, progress)`: presentation, N copies, N corrections.
- `render_letter(ResultData)`, `render_certificate(ResultData)`,
  `render_results([ResultData])`: result letters and certificates.
"""

from pdfgen.batch import render_results
from pdfgen.certificate import render_certificate
from pdfgen.letters import render_letter
from pdfgen.paper import page_counts, render_paper
from pdfgen.paper_layout import PaperLayoutError, PaperSpec
from pdfgen.qr import paper_payload, parse_paper_payload
from pdfgen.results import Issuer, NotPublishable, ResultData

__all__ = ["Issuer", "NotPublishable", "PaperLayoutError", "PaperSpec", "ResultData",
           "page_counts", "paper_payload", "parse_paper_payload", "render_certificate",
           "render_letter", "render_paper", "render_results"]
