"""A proposition is one widget (tui/widgets/choice_line.py): its mark, letter
and text in columns, the text wrapping under itself, the chosen one's mark and
letter highlighted."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.tui.conftest import screen_text
from tui.widgets.choice_line import ChoiceLine

LONG = ("Le disjoncteur différentiel 30 mA protège les personnes contre les "
        "contacts indirects")


class One(App[None]):
    CSS = "ChoiceLine > .choice-line--chosen { text-style: bold; color: red; }"

    def compose(self) -> ComposeResult:
        yield ChoiceLine(1)


async def test_the_text_wraps_under_itself_and_the_chosen_mark_stands_out() -> None:
    app = One()
    async with app.run_test(size=(40, 8)) as pilot:
        line = app.query_one(ChoiceLine)
        line.show(LONG, chosen=False)
        await pilot.pause()
        assert not line.children
        rows = [row.rstrip() for row in screen_text(app).splitlines() if row.strip()]
        assert rows[0].startswith("( ) b) Le disjoncteur")
        assert len(rows) >= 3 and all(row.startswith("       ") and row[7] != " "
                                      for row in rows[1:])
        assert " ".join(row.strip() for row in rows)[len("( ) b) "):] == LONG
        assert line.region.height == len(rows)
        first = line.render_line(0)
        assert not any(segment.style and segment.style.bold for segment in first)

        line.mark(True)
        await pilot.pause()
        assert screen_text(app).splitlines()[0].startswith("(x) b) Le disjoncteur")
        marked = [segment for segment in line.render_line(0) if segment.text.strip()]
        assert marked[0].text.startswith("(x)") and marked[0].style is not None
        assert marked[0].style.bold and marked[0].style.color is not None
        text_segment = next(segment for segment in marked if "Le disjoncteur" in segment.text)
        assert text_segment.style is None or not text_segment.style.bold

        line.mark(False)
        await pilot.pause()
        assert screen_text(app).splitlines()[0].startswith("( ) b)")
        assert line.has_class("-chosen") is False
