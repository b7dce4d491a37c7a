"""Oversight, outbox and statistics screens."""

from textual.widgets import Input, Select

from tests.admin_seed import ADMIN
from tests.tui.admin_pilot import fits, running, screen_text, table_rows, text_of, until
from tui.modals.confirm import ConfirmModal
from tui.screens.admin_outbox import OutboxScreen
from tui.screens.admin_oversight import OversightScreen
from tui.screens.admin_question_stats import QuestionStatsScreen
from tui.screens.admin_stats import StatsScreen


async def test_oversight_views_and_filters(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, OversightScreen)
                    and len(table_rows(app)) == 2, "sessions")
        screen = app.screen
        assert [r[5] for r in table_rows(app)] == ["Ouverte", "Papier"]
        screen.query_one("#centre", Select).value = world.beta
        await until(pilot, lambda: len(table_rows(app)) == 1, "one centre")
        screen.query_one("#view", Select).value = "participants"
        await until(pilot, lambda: len(table_rows(app)) == 3, "participants of Bêta")
        screen.query_one("#state", Select).value = "locked"
        await until(pilot, lambda: len(table_rows(app)) == 2, "locked ones")
        assert {r[3] for r in table_rows(app)} == {"Reussi", "Rate"}
        screen.query_one("#view", Select).value = "documents"
        screen.query_one("#centre", Select).clear()
        await until(pilot, lambda: len(table_rows(app)) == 4, "documents")
        screen.query_one("#view", Select).value = "sessions"
        await until(pilot, lambda: len(table_rows(app)) == 2, "sessions again")
        screen.query_one("#from", Input).focus()
        await pilot.press(*"11/03/2026", "enter")
        await until(pilot, lambda: len(table_rows(app)) == 1, "from the 11th")
        assert table_rows(app)[0][1] == "12/03/2026"
        assert "1 ligne(s)" in text_of(screen.query_one("#count"))
        assert fits(app)


async def test_outbox_check_and_mark_sent(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await pilot.press("4")
        await until(pilot, lambda: isinstance(app.screen, OutboxScreen)
                    and len(table_rows(app)) == 2, "outbox")
        text = screen_text(app)
        assert "Soleil SARL, 1 rue du Four, 69001 Lyon, France" in text
        assert "SFTP : /beta/attestation-reussi.pdf" in text
        await pilot.press("m")  # nothing checked yet
        await pilot.pause()
        assert isinstance(app.screen, OutboxScreen)
        await pilot.press("space")
        await until(pilot, lambda: table_rows(app)[0][0] == "x", "checked")
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.click("#confirm")
        await until(pilot, lambda: len(table_rows(app)) == 1, "one left")
        left = await world.admin.oversight.outbox(ADMIN)
        assert [r.document.id for r in left] == [world.documents["letter_rate"]]
        await pilot.press("a", "m")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm all")
        await pilot.click("#confirm")
        await until(pilot, lambda: not table_rows(app), "all sent")
        assert "Rien à envoyer" in screen_text(app)


async def test_statistics_summary_and_histogram(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await pilot.press("5")
        await until(pilot, lambda: isinstance(app.screen, StatsScreen)
                    and "Candidats notés : 6" in text_of(app.screen.query_one("#summary")),
                    "summary")
        summary = text_of(app.screen.query_one("#summary"))
        assert "Réussite au QCM : 50\u00a0% (3)" in summary
        assert "Seconds passages : 17\u00a0% (1)" in summary
        histogram = text_of(app.screen.query_one("#histogram")).splitlines()
        assert histogram[1:] == ["0   █████████████████████████ 1",
                                 "1   █████████████████████████ 1",
                                 "2   █████████████████████████ 1",
                                 "3 ▶ " + "█" * 50 + " 2",
                                 "4   █████████████████████████ 1"]
        app.screen.query_one("#centre", Select).value = world.alpha
        await until(pilot, lambda: "Candidats notés : 3" in text_of(
            app.screen.query_one("#summary")), "one centre")
        assert fits(app)


async def test_question_statistics_sort_and_retire(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await pilot.press("5")
        await until(pilot, lambda: isinstance(app.screen, StatsScreen), "stats")
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, QuestionStatsScreen)
                    and len(table_rows(app)) == 4, "questions")
        rows = table_rows(app)
        assert [r[2] for r in rows] == ["3"] * 4
        assert [r[4] for r in rows] == ["1,00"] * 4
        assert {r[3] for r in rows} == {"67\u00a0%", "33\u00a0%"}
        await pilot.press("s")
        await until(pilot, lambda: "D croissant" in screen_text(app), "sorted")
        first = int(app.screen.query_one("#qstats").selected_key)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.click("#confirm")
        await until(pilot, lambda: any(r[6].startswith("retirée") for r in table_rows(app)),
                    "retired")
        assert not (await world.admin.banks.question(first)).question.active
        assert fits(app)
