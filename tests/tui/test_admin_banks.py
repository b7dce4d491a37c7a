"""Formations and question bank screens."""

from textual.widgets import Input, Select, TextArea

from tests.admin_seed import ADMIN
from tests.tui.admin_pilot import fits, running, screen_text, table_rows, text_of, until
from tui.modals.admin_form import FormModal
from tui.modals.confirm import ConfirmModal
from tui.screens.admin_formations import FormationsScreen
from tui.screens.admin_questions import QuestionsScreen


async def open_formations(app, pilot):
    await pilot.press("1")
    await until(pilot, lambda: isinstance(app.screen, FormationsScreen) and table_rows(app),
                "formations")


async def test_formations_list_shows_counts(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_formations(app, pilot)
        assert table_rows(app) == [["ESSAI", "Formation d'essai", "8", "4", "3", "2", "active"]]


async def test_create_a_formation_with_the_keyboard(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_formations(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormModal), "form")
        assert fits(app)
        await pilot.press(*"NEUVE", "enter")  # code, then Enter goes to the next field
        await pilot.press(*"Nouvelle", "enter")
        app.screen.query_one("#field-per_qcm", Input).value = "10"
        app.screen.query_one("#field-pass_mark", Input).value = "8"
        app.screen.query_one("#field-themes", TextArea).text = "Un\nDeux\n"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FormationsScreen), "back to list")
        await until(pilot, lambda: len(table_rows(app)) == 2, "two formations")
        created = await world.store.banks.formation("NEUVE")
        assert (created.name, created.questions_per_qcm, created.pass_mark, created.themes) == (
            "Nouvelle", 10, 8, ("Un", "Deux"))


async def test_a_refused_form_stays_open_with_the_reason(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_formations(app, pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormModal), "form")
        app.screen.query_one("#field-pass_mark", Input).value = "99"
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#form-error")
        await until(pilot, lambda: "Seuil" in text_of(error), "error shown")
        app.screen.query_one("#field-themes", TextArea).text = "Sécurité\n"
        app.screen.query_one("#field-pass_mark", Input).value = "3"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "« Normes »" in text_of(error), "theme kept")
        app.screen.query_one("#field-themes", TextArea).text = "Sécurité\nNormes"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, FormationsScreen), "saved")
        assert (await world.store.banks.formation("ESSAI")).themes == ("Sécurité", "Normes")


async def test_deactivate_a_formation_after_confirmation(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_formations(app, pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.press("escape")  # cancelled: nothing changes
        await until(pilot, lambda: isinstance(app.screen, FormationsScreen), "list")
        assert (await world.store.banks.formation("ESSAI")).active
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.click("#confirm")
        await until(pilot, lambda: table_rows(app)[0][-1] == "désactivée", "shown inactive")
        assert not (await world.store.banks.formation("ESSAI")).active


async def open_questions(app, pilot):
    await open_formations(app, pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, QuestionsScreen)
                and len(table_rows(app)) == 8, "questions")


async def test_questions_by_theme_and_search(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_questions(app, pilot)
        assert "Question 0 sur les normes ?" in text_of(app.screen.query_one("#question-detail"))
        app.screen.query_one("#theme", Select).value = "Sécurité"
        await until(pilot, lambda: len(table_rows(app)) == 4, "one theme")
        assert {row[1] for row in table_rows(app)} == {"Sécurité"}
        await pilot.press("slash", *"REGLES", "space", *"6")
        await until(pilot, lambda: len(table_rows(app)) == 1, "searched")
        assert table_rows(app)[0][2] == "Question 6 sur les règles de sécurité ?"
        assert fits(app)


async def test_add_then_edit_then_retire_a_question(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_questions(app, pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FormModal), "form")
        form = app.screen
        form.query_one("#field-theme", Select).value = "Normes"
        form.query_one("#field-text", TextArea).text = "Nouvelle question <b>[red]x[/red]</b> ?"
        for i, value in enumerate(["Un", "Deux", "Trois", "Quatre"]):
            form.query_one(f"#field-choice{i}", Input).value = value
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Choisissez la bonne réponse" in text_of(
            form.query_one("#form-error")), "missing answer")
        form.query_one("#field-correct", Select).value = "C"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(table_rows(app)) == 9, "added")
        found = await world.admin.banks.search_questions("ESSAI", "nouvelle")
        assert [(q.text, q.correct) for q in found] == [
            ("Nouvelle question <b>[red]x[/red]</b> ?", 2)]
        new_id = found[0].id
        await until(pilot, lambda: "[red]x[/red]" in screen_text(app), "markup shown as typed")

        # Edit the first question: a new version replaces it.
        await pilot.press("home")
        first = int(app.screen.query_one("#questions").selected_key)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FormModal), "edit form")
        app.screen.query_one("#field-correct", Select).value = "D"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, QuestionsScreen), "saved")
        info = await world.admin.banks.question(first)
        assert not info.question.active and info.replaced_by is not None
        assert (await world.admin.banks.question(info.replaced_by)).question.correct == 3

        # Retire the added question.
        table = app.screen.query_one("#questions")
        table.move_cursor(row=table.get_row_index(str(new_id)))
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.click("#confirm")
        await until(pilot, lambda: len(table_rows(app)) == 8, "retired")
        assert not (await world.admin.banks.question(new_id)).question.active
        await pilot.press("i")
        await until(pilot, lambda: len(table_rows(app)) == 10, "retired ones shown")


async def test_a_retired_question_cannot_be_edited_from_the_screen(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        qid = world.question_ids[0]
        await world.admin.banks.set_question_active(ADMIN, qid, False)
        await open_formations(app, pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, QuestionsScreen), "questions")
        await pilot.press("i")
        await until(pilot, lambda: len(table_rows(app)) == 8, "all shown")
        table = app.screen.query_one("#questions")
        table.move_cursor(row=table.get_row_index(str(qid)))
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
