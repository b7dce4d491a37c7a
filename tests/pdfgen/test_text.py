from pdfgen.fonts import fonts
from pdfgen.text import clean, ellipsize, runs, text_width, wrap


def test_clean_folds_controls_and_bidi_overrides():
    assert clean("Zoë\u202e <b>\n & \x07 x") == "Zoë <b> & x"


def test_markup_characters_are_plain_text():
    lines = wrap("a <b>bold</b> & <font name='x'>", 10, 500)
    assert "".join(t for line in lines for _, t in line.runs) == "a <b>bold</b> & <font name='x'>"


def test_characters_outside_the_body_font_use_the_fallback():
    fs = fonts()
    pieces = runs("Σοφία 李")
    assert pieces[0] == (fs.regular, "Σοφία ")
    if fs.fallback:
        assert pieces[1] == (fs.fallback, "李")


def test_wrap_respects_width_and_keeps_every_word():
    text = "Installation photovoltaïque raccordée au réseau basse tension " * 6
    lines = wrap(text, 10, 150)
    assert len(lines) > 3
    assert all(line.width <= 150 + 0.01 for line in lines)
    assert " ".join("".join(t for _, t in line.runs).strip() for line in lines).split() \
        == text.split()


def test_a_word_longer_than_the_line_is_cut():
    lines = wrap("x" * 200, 10, 100)
    assert len(lines) > 1 and all(line.width <= 100 for line in lines)


def test_hard_newlines_and_bold_spans():
    lines = wrap([("Objet : ", True), ("un\ndeux", False)], 10, 500)
    assert len(lines) == 2
    assert lines[0].runs[0] == (fonts().bold, "Objet : ")


def test_ellipsize():
    long = "Question très longue " * 20
    cut = ellipsize(long, 9, 120)
    assert cut.endswith("…") and text_width(cut, 9) <= 120
    assert ellipsize("court", 9, 120) == "court"


def test_organised_by_does_not_repeat_centre_de_formation() -> None:
    from pdfgen.text import organised_by
    assert organised_by("Centre de formation Démo") == "organisée par Centre de formation Démo"
    assert organised_by("Soleil Formation") == (
        "organisée par le centre de formation Soleil Formation")
