import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from domain.models import Practical
from domain.rules import Outcome
from pdfgen.batch import render_results
from pdfgen.certificate import render_certificate
from pdfgen.fonts import fonts
from pdfgen.letters import render_letter
from pdfgen.results import Issuer, NotPublishable, ResultData, salutation
from pdfgen.styles import PAGE_H
from tests.pdfgen.fixtures import CENTRE, FORMATION, SESSION, participant
from tests.pdfgen.pdftext import flat, pages_text

ISSUER = Issuer("Qualité Formation ENR", ("10 rue de la Paix", "75002 Paris"), "Paris")
ODD_NAME = "Zoë <Ünal> & Σοφία 李"

# (score, practical, retake of, expected outcome): every row of the decision table.
CASES = [
    (27, Practical.FAVOURABLE, None, Outcome.PASSED),
    (24, Practical.FAVOURABLE, None, Outcome.PASSED),
    (23, Practical.FAVOURABLE, None, Outcome.RETAKE_ALLOWED),
    (27, Practical.UNFAVOURABLE, None, Outcome.REDO_TRAINING),
    (12, Practical.UNFAVOURABLE, None, Outcome.REDO_TRAINING),
    (20, Practical.FAVOURABLE, "2026-000001", Outcome.REDO_TRAINING),
    (26, Practical.FAVOURABLE, "2026-000001", Outcome.PASSED),
]


def result(score, practical, retake_of=None, **identity) -> ResultData:
    p = participant(42, score, practical, retake_of)
    if identity:
        p = replace(p, identity=replace(p.identity, **identity))
    code = "7KQ4M-2XD9P-TAB3C"
    data = ResultData(p, SESSION, FORMATION, CENTRE, date(2026, 7, 6), ISSUER)
    return replace(data, verify_code=code) if data.outcome is Outcome.PASSED else data


@pytest.mark.parametrize("score,practical,retake_of,expected", CASES)
def test_letter_states_the_outcome_of_the_decision_table(score, practical, retake_of, expected):
    data = result(score, practical, retake_of)
    assert data.outcome is expected
    text = flat(pages_text(render_letter(data))[0])
    assert expected.label in text
    assert f"{score}/30" in text
    assert "2026-000042" in text
    for fact in ("Installation photovoltaïque raccordée au réseau", "4 juillet 2026",
                 "Lyon, salle 2", "Centre Sud-Énergie & Co", "Jeanne Martin",
                 practical.label, "Paris, le 6 juillet 2026"):
        assert fact in text
    if expected is Outcome.RETAKE_ALLOWED:
        assert "communiquez au centre de formation votre numéro de participant : 2026-000042" \
            in text
    if expected is Outcome.PASSED:
        assert "P. J. : attestation de réussite" in text
    else:
        assert "attestation de réussite est jointe" not in text
    if retake_of:
        assert f"rattrapage du n° {retake_of}" in text


@pytest.mark.parametrize("score,practical,retake_of,expected", CASES)
def test_certificates_only_for_those_who_passed(score, practical, retake_of, expected):
    data = result(score, practical, retake_of)
    [(letter, certificate)] = render_results([data])
    assert letter.startswith(b"%PDF")
    if expected is Outcome.PASSED:
        text = flat(pages_text(certificate)[0])
        assert "ATTESTATION DE RÉUSSITE" in text
        assert "7KQ4M-2XD9P-TAB3C" in text and "2026-000042" in text
        assert f"(QCM : {score}/30)" in text
    else:
        assert certificate is None
        with pytest.raises(ValueError):
            render_certificate(replace(data, verify_code="7KQ4M-2XD9P-TAB3C"))


def test_incomplete_results_are_not_published():
    with pytest.raises(NotPublishable):
        render_letter(result(None, Practical.FAVOURABLE))
    with pytest.raises(NotPublishable):
        render_letter(result(27, Practical.UNKNOWN))


def test_names_with_markup_and_non_latin_characters_print_as_typed():
    data = result(27, Practical.FAVOURABLE, first_name=ODD_NAME, last_name="O'Brien & <Co>",
                  company="Σ & <Cie>", city="Saint-Étienne")
    letter = flat(pages_text(render_letter(data))[0])
    certificate = flat(pages_text(render_certificate(data))[0])
    expected = ODD_NAME if fonts().fallback else ODD_NAME[:-1]
    assert f"M. {expected}" in letter and "O'Brien & <Co>" in letter
    assert "Σ & <Cie>" in letter and "SAINT-ÉTIENNE" in letter
    assert f"{expected} O'Brien & <Co>" in certificate


@pytest.mark.skipif(not fonts().fallback, reason="fonts-droid-fallback not installed")
def test_chinese_characters_use_an_embedded_fallback_font():
    data = result(27, Practical.FAVOURABLE, first_name=ODD_NAME)
    reader = PdfReader(io.BytesIO(render_letter(data)))
    fonts_used = {f["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()
                  if "/BaseFont" in f.get_object()}
    assert any("QcmFallback" in str(f) or "Droid" in str(f) for f in fonts_used)
    assert "李" in pages_text(render_letter(data))[0]


def test_address_sits_in_the_dl_window():
    """Right-hand DL window: x from 100 mm, 50 to 95 mm from the top (±5 mm
    play): the address lines must stay in 105-195 mm and 55-90 mm."""
    data = result(27, Practical.FAVOURABLE)
    reader = PdfReader(io.BytesIO(render_letter(data)))
    seen: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            seen[text.strip()] = (tm[4], tm[5])
    reader.pages[0].extract_text(visitor_text=visit)
    mm = 72 / 25.4
    for line in ("Soleil & Fils SARL", "M. Gérard Dupont", "5 avenue du Général Leclerc",
                 "13001 MARSEILLE"):
        x, y = seen[line]
        assert 105 * mm <= x <= 115 * mm
        assert 55 * mm <= PAGE_H - y <= 90 * mm


def test_salutation_from_civility():
    assert salutation("Mme") == "Madame"
    assert salutation("M.") == "Monsieur"
    assert salutation("") == "Madame, Monsieur"
