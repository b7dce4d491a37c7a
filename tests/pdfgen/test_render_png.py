"""Each document draws: one page of each, rasterised with pdftoppm."""

from datetime import date

import pytest
from PIL import Image

from domain.models import Practical
from pdfgen.certificate import render_certificate
from pdfgen.letters import render_letter
from pdfgen.paper import page_counts, render_paper
from pdfgen.results import Issuer, ResultData
from tests.pdfgen.fixtures import CENTRE, FORMATION, SESSION, paper_spec, participant
from tests.pdfgen.pdftext import HAS_PDFTOPPM, render_png

pytestmark = pytest.mark.skipif(not HAS_PDFTOPPM, reason="pdftoppm (poppler-utils) missing")


def ink(png) -> float:
    """Share of the page that is not white."""
    image = Image.open(png).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)


def documents():
    spec = paper_spec(2)
    first, per_copy, _ = page_counts(spec)
    data = ResultData(participant(1, 27, Practical.FAVOURABLE), SESSION, FORMATION, CENTRE,
                      date(2026, 7, 6), Issuer(), "7KQ4M-2XD9P-TAB3C")
    paper = render_paper(spec)
    return [("presentation", paper, 1), ("copy", paper, first + 1),
            ("correction", paper, first + 2 * per_copy + 1),
            ("letter", render_letter(data), 1), ("certificate", render_certificate(data), 1)]


@pytest.mark.parametrize("name,pdf,page", documents())
def test_page_renders_to_an_a4_png(name, pdf, page, tmp_path):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    png = render_png(path, page, tmp_path / name, dpi=50)
    with Image.open(png) as image:
        width, height = image.size
    assert abs(height / width - 297 / 210) < 0.01
    assert 0.01 < ink(png) < 0.5
