"""One worker's share of a session's publication: letters and certificates."""

from __future__ import annotations

from domain.rules import Outcome
from pdfgen.certificate import render_certificate
from pdfgen.letters import render_letter
from pdfgen.results import ResultData


def render_results(items: list[ResultData]) -> list[tuple[bytes, bytes | None]]:
    """(letter, certificate or None) for each participant, in order; a
    certificate only for those who passed."""
    return [(render_letter(data),
             render_certificate(data) if data.outcome is Outcome.PASSED else None)
            for data in items]
