"""The identity form is built while the key is typed, the question screen while the
identity is; a screen prepared and not shown is freed."""

from __future__ import annotations

import asyncio
import inspect

from textual.app import App
from textual.widgets import Input

from tests.tui.conftest import (
    ADMIN,
    enter_key,
    fill_identity,
    flat,
    make_app,
    screen_text,
    start_exam,
    wait_for,
    wait_screen,
)
from tui.candidate_app import LOST_TEXT
from tui.screens.exam_screen import ExamScreen
from tui.screens.identity_screen import IdentityScreen
from tui.screens.key_screen import KeyScreen
from tui.widgets.choice_line import ChoiceLine


def prepared(app) -> ExamScreen | None:
    return app._exam.screen if app._exam is not None else None


def prepared_identity(app) -> IdentityScreen | None:
    return app._identity.screen if app._identity is not None else None


async def test_the_identity_form_is_mounted_while_the_key_is_typed(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: prepared_identity(app) is not None)  # prompt painted
        form = prepared_identity(app)
        assert isinstance(app.screen, KeyScreen)
        assert form is not None and form not in app.screen_stack
        await wait_for(pilot, lambda: form.is_mounted and bool(form.query("#save")))
        assert "Vos informations" not in screen_text(app)
        await enter_key(pilot, world.keys[1], typed=True)
        await wait_screen(pilot, IdentityScreen)
        assert app.screen is form and prepared_identity(app) is None
        # Filled in for the key opened: its participant's number, France by default.
        row = await world.key_row(world.keys[1])
        participant = await world.store.sessions.participant(ADMIN, row["participant_id"])
        await wait_for(pilot, lambda: f"N° de participant : {participant.number}"
                       in flat(screen_text(app)))
        assert form.query_one("#country", Input).value == "France"
        assert app.focused is form.query_one("#civility")
        # Its label marked, though the focus was set before the form was shown.
        assert [str(label.render()) for label in form.query(".field-label.-focus")] == [
            "Civilité"]
        await fill_identity(pilot)
        await wait_screen(pilot, ExamScreen)


async def test_a_returning_candidate_frees_the_unneeded_form(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        await app._release()
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: prepared_identity(app) is not None)
        form = prepared_identity(app)
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, ExamScreen)  # the identity is stored already
        await wait_for(pilot, lambda: not form.is_attached and form not in app._registry)
        assert prepared_identity(app) is None


async def test_the_questions_are_mounted_off_the_stack_and_then_shown(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        exam = prepared(app)
        assert exam is not None and exam not in app.screen_stack
        await wait_for(pilot, lambda: exam.is_mounted and len(exam.query(ChoiceLine)) == 4)
        assert isinstance(app.screen, IdentityScreen)  # nothing of it painted meanwhile
        assert "Question 1/" not in screen_text(app)
        await fill_identity(pilot)
        await wait_screen(pilot, ExamScreen)
        assert app.screen is exam and prepared(app) is None
        await wait_for(pilot, lambda: "Question 1/30" in flat(screen_text(app)))
        await pilot.press("b")
        await wait_for(pilot, lambda: "Réponses 1/30" in flat(screen_text(app)))


async def test_questions_not_shown_are_freed_when_the_key_is_lost(world):
    app = make_app(world, renew_interval=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        exam = prepared(app)
        assert exam is not None
        await wait_for(pilot, lambda: exam.is_mounted)
        async with world.store.db.transaction() as tx:  # as if another process took it
            await tx.execute("UPDATE online_keys SET lease_token = 'elsewhere' WHERE code = ?",
                             (world.keys[0],))
        await wait_screen(pilot, KeyScreen)
        await wait_for(pilot, lambda: LOST_TEXT[:40] in flat(screen_text(app)))
        await wait_for(pilot, lambda: not exam.is_attached and exam not in app._registry)
        assert prepared(app) is None
        await wait_for(pilot, lambda: prepared_identity(app) is not None)  # for the next key
        # The key opened again on this terminal prepares a new question screen.
        async with world.store.db.transaction() as tx:
            await tx.execute("UPDATE online_keys SET lease_token = NULL WHERE code = ?",
                             (world.keys[0],))
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        again = prepared(app)
        assert again is not None and again is not exam
        await fill_identity(pilot)
        await wait_screen(pilot, ExamScreen)
        assert app.screen is again


async def test_a_screen_already_mounted_is_shown_without_waiting_for_its_mount(world):
    # Each turn of the loop lasts tenths of a second on a loaded worker: the
    # identity form, mounted while the key was typed, is not awaited again.
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: prepared_identity(app) is not None)
        form = app._identity
        await wait_for(pilot, lambda: form.screen.is_mounted)
        turned = []
        asyncio.get_running_loop().call_soon(turned.append, True)
        assert await form.mounted() is form.screen
        assert not turned  # returned in this turn of the loop
        await asyncio.sleep(0)
        assert turned


def test_textual_still_registers_a_screen_as_push_screen_does():
    """`PreparedScreen` relies on the private `App._register(parent, *widgets)`."""
    parameters = list(inspect.signature(App._register).parameters)
    assert parameters[:3] == ["self", "parent", "widgets"]
    assert "self._register(self, _screen)" in inspect.getsource(App._get_screen)
