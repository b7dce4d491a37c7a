import re
from dataclasses import replace

import pytest

from domain.models import CHOICE_LETTERS
from domain.shuffle import answer_key
from pdfgen.paper import page_counts, render_paper
from pdfgen.paper_layout import PaperLayoutError
from pdfgen.qr import paper_payload, parse_paper_payload, qr_matrix
from tests.pdfgen.fixtures import paper_spec, question
from tests.pdfgen.pdftext import (
    HAS_PDFTOPPM,
    HAS_ZBAR,
    KEY_RE,
    decode_qr,
    flat,
    pages_text,
    render_png,
)

COPIES = 5
STEM = re.compile(r"Question (\d+) : que vaut")
CHOICE = re.compile(r"^([ABCD])\nRéponse (\d+)-(\d) :", re.M)


@pytest.fixture(scope="module")
def spec():
    return paper_spec(COPIES)


@pytest.fixture(scope="module")
def pdf(spec):
    return render_paper(spec)


@pytest.fixture(scope="module")
def structure(spec, pdf):
    """(presentation pages, [pages of each copy], [pages of each correction])."""
    texts = pages_text(pdf)
    first, per_copy, per_key = page_counts(spec)
    assert len(texts) == first + COPIES * (per_copy + per_key)
    copies = [texts[first + i * per_copy:first + (i + 1) * per_copy] for i in range(COPIES)]
    start = first + COPIES * per_copy
    keys = [texts[start + i * per_key:start + (i + 1) * per_key] for i in range(COPIES)]
    return texts[:first], copies, keys


def printed_orders(copy_pages: list[str]) -> dict[int, dict[str, int]]:
    """question number -> letter -> bank index, as printed on one copy."""
    orders: dict[int, dict[str, int]] = {}
    for letter, number, bank in CHOICE.findall("\n".join(copy_pages)):
        orders.setdefault(int(number), {})[letter] = int(bank)
    return orders


def test_presentation_explains_the_procedure(structure):
    presentation = flat(" ".join(structure[0]))
    for expected in ("Évaluation théorique", "QCM n° 12", "Durée de l'épreuve : 45 minutes",
                     "une seule est correcte", "supérieure ou égale à 24/30",
                     "5 copies numérotées de 1 à 5", "ne les distribuez pas"):
        assert expected in presentation


def test_every_copy_holds_the_same_thirty_questions_in_order(structure):
    for number, pages in enumerate(structure[1], start=1):
        text = "\n".join(pages)
        assert [int(n) for n in STEM.findall(text)] == list(range(1, 31))
        assert f"Copie n° {number}" in text
        for theme in ("Réglementation", "Sécurité électrique", "Maintenance & contrôle"):
            assert theme in text


def test_each_question_shows_its_four_choices_once(structure):
    for pages in structure[1]:
        orders = printed_orders(pages)
        assert sorted(orders) == list(range(1, 31))
        for by_letter in orders.values():
            assert sorted(by_letter) == list(CHOICE_LETTERS)
            assert sorted(by_letter.values()) == [0, 1, 2, 3]


def test_choice_orders_differ_between_copies(structure):
    signatures = {tuple(tuple(sorted(o.items())) for _, o in sorted(printed_orders(p).items()))
                  for p in structure[1]}
    assert len(signatures) == COPIES


def test_a_question_never_splits_across_pages(structure):
    for pages in structure[1]:
        for page in pages:
            stems = {int(n) for n in STEM.findall(page)}
            choices = {int(n) for _, n, _ in CHOICE.findall(page)}
            assert stems == choices


def test_each_correction_matches_its_copy_and_the_bank(spec, structure):
    by_number = {q.id - 1000: q for q in spec.questions}
    for number, (copy_pages, key_pages) in enumerate(zip(structure[1], structure[2]), start=1):
        key_text = "\n".join(key_pages)
        assert f"Corrigé de la copie n° {number}" in key_text
        key = KEY_RE.search(key_text)[1].replace(" ", "")
        assert key == answer_key(spec.batch.seed, number, spec.questions)
        orders = printed_orders(copy_pages)
        for position, letter in enumerate(key, start=1):
            assert orders[position][letter] == by_number[position].correct


def test_qr_payload_names_qcm_batch_and_copy():
    payload = paper_payload(12, 3, 17)
    assert payload == "QCM:12;LOT:3;COPIE:17"
    assert parse_paper_payload(payload) == (12, 3, 17)
    assert parse_paper_payload("QCM:12;COPIE:17") is None
    matrix = qr_matrix(payload)
    assert len(matrix) in (21, 25) and all(len(row) == len(matrix) for row in matrix)


@pytest.mark.skipif(not (HAS_PDFTOPPM and HAS_ZBAR), reason="pdftoppm or zbarimg missing")
def test_qr_code_on_a_copy_decodes_to_its_qcm_batch_and_copy(spec, pdf, structure, tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(pdf)
    first, per_copy, _ = page_counts(spec)
    for number in (1, COPIES):
        png = render_png(path, first + (number - 1) * per_copy + 1, tmp_path / f"c{number}", 150)
        assert decode_qr(png) == [f"QCM:12;LOT:3;COPIE:{number}"]


def test_page_counts_with_and_without_duplex():
    first, per_copy, per_key = page_counts(paper_spec(1, duplex=True))
    assert first == 2 and per_copy % 2 == 0 and per_key == 1
    first, per_copy_simplex, _ = page_counts(paper_spec(1, duplex=False))
    assert first == 1 and per_copy_simplex <= per_copy


def test_progress_is_reported_for_copies_then_corrections():
    calls = []
    render_paper(paper_spec(3), lambda done, total: calls.append((done, total)))
    assert calls == [(i, 6) for i in range(1, 7)]


def test_a_question_too_long_for_a_page_is_refused():
    spec = paper_spec(1)
    huge = replace(question(1, spec.questions[0].theme),
                   choices=tuple("très long choix " * 300 for _ in range(4)))  # type: ignore[arg-type]
    with pytest.raises(PaperLayoutError, match="trop longue"):
        render_paper(replace(spec, questions=(huge, *spec.questions[1:])))


def test_bank_text_with_markup_characters_prints_as_typed(structure):
    text = flat(" ".join(structure[1][0]))
    assert "Réponse 1-0 : valeur « 1 » <réf> & co" in text
    assert "Maintenance & contrôle" in text


def test_a_batch_prints_again_identically_from_its_seed(pdf):
    assert render_paper(paper_spec(COPIES)) == pdf
