"""Identity form: errors next to fields, retakes and the decision table, editing later."""

from __future__ import annotations

import asyncio
import sqlite3

from textual import events
from textual.widgets import Button, Input, RadioButton

from domain.models import Identity, Practical
from tests.tui.conftest import (
    ADMIN,
    IDENTITY,
    enter_key,
    fill_identity,
    flat,
    make_app,
    screen_text,
    start_exam,
    wait_for,
    wait_screen,
)
from tui.modals.confirm import ConfirmModal
from tui.screens.exam_screen import ExamScreen
from tui.screens.identity_screen import IdentityScreen


async def open_form(pilot, world, key: str) -> IdentityScreen:
    await enter_key(pilot, key)
    await wait_screen(pilot, IdentityScreen)
    return pilot.app.screen


def error_of(screen: IdentityScreen, name: str) -> str:
    widget = screen.query_one(f"#{name}-error")
    return str(widget.render()) if widget.display else ""


async def participant_of(world, key: str):
    row = await world.key_row(key)
    return await world.store.sessions.participant(ADMIN, row["participant_id"])


async def test_shows_the_assigned_participant_number(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, world, world.keys[1])
        number = (await participant_of(world, world.keys[1])).number
        assert f"N° de participant : {number}" in flat(screen_text(app))


async def test_errors_are_shown_next_to_their_fields(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[0])
        await fill_identity(pilot, civility=None, last_name="", email="pas-une-adresse",
                            postal_code="690")
        assert "Civilité : choisir M. ou Mme" in error_of(screen, "civility")
        assert error_of(screen, "last_name") == "Nom : champ obligatoire."
        assert error_of(screen, "email").startswith("Email : adresse invalide")
        assert error_of(screen, "postal_code") == "Code postal : 5 chiffres attendus pour la France."
        assert error_of(screen, "first_name") == ""
        assert app.focused is screen.query_one("#civility")
        assert isinstance(app.screen, IdentityScreen)
        assert (await participant_of(world, world.keys[0])).identity == Identity(country="")
        # Corrected, the form is accepted and the QCM starts.
        await fill_identity(pilot)
        await wait_screen(pilot, ExamScreen)
        stored = (await participant_of(world, world.keys[0])).identity
        assert stored == Identity(civility="Mme", **IDENTITY)


async def test_error_text_typed_by_the_candidate_is_not_interpreted(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[0])
        await fill_identity(pilot, last_name="[b]Gras[/b]\x1b[31m", email="x")
        assert "caractères de contrôle interdits" in error_of(screen, "last_name")


async def first_attempt(world, score: int | None, practical: Practical,
                        last_name: str = "Dupont", final: bool = True) -> str:
    """A first attempt in an offline session of the same QCM; returns its number."""
    from datetime import date

    from domain.models import SessionKind
    session = await world.store.sessions.create_session(
        ADMIN, world.session.qcm_id, SessionKind.OFFLINE, world.session.trainer_id,
        "Lyon", date(2026, 3, 1))
    first = await world.store.sessions.add_participant(
        ADMIN, session.id, Identity(civility="Mme", last_name=last_name, first_name="Jeanne"),
        score, practical)
    if final:  # its result letter was produced: the number comes from that letter
        await world.store.documents.publish(ADMIN, session.centre_id, session.id, [],
                                            lock=[first.id])
    return first.number


async def test_retake_refused_with_the_decision_table_reason(world):
    number = await first_attempt(world, 26, Practical.FAVOURABLE)  # passed: no retake
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[0])
        await fill_identity(pilot, retake_of=number)
        await wait_for(pilot, lambda: error_of(screen, "retake_of") != "")
        assert "n'a pas droit au rattrapage" in error_of(screen, "retake_of")
        assert "a déjà réussi" in error_of(screen, "retake_of")
        assert isinstance(app.screen, IdentityScreen)
        assert (await participant_of(world, world.keys[0])).retake_of is None


async def test_retake_of_a_result_not_final_is_refused(world):
    number = await first_attempt(world, 12, Practical.FAVOURABLE, final=False)
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[0])
        await fill_identity(pilot, retake_of=number)
        await wait_for(pilot, lambda: error_of(screen, "retake_of") != "")
        assert "pas encore de résultat définitif" in error_of(screen, "retake_of")
        assert isinstance(app.screen, IdentityScreen)
        assert (await participant_of(world, world.keys[0])).retake_of is None


async def test_retake_number_must_match_the_last_name(world):
    number = await first_attempt(world, 26, Practical.FAVOURABLE, last_name="Martin")
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[0])
        await fill_identity(pilot, retake_of=number)  # as « Dupont »
        await wait_for(pilot, lambda: error_of(screen, "retake_of") != "")
        text = error_of(screen, "retake_of")
        assert "vérifiez le numéro et le nom" in text
        assert "réussi" not in text  # nothing about somebody else's result


async def test_retake_badly_formatted_number(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[0])
        await fill_identity(pilot, retake_of="123")
        assert "format AAAA-NNNNNN" in error_of(screen, "retake_of")


async def test_allowed_retake_carries_the_practical_result_and_can_be_withdrawn(world):
    number = await first_attempt(world, 12, Practical.FAVOURABLE, last_name="DUPONT")
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, world, world.keys[0])
        await fill_identity(pilot, retake_of=number)
        await wait_screen(pilot, ExamScreen)
        participant = await participant_of(world, world.keys[0])
        assert participant.retake_of == number
        assert participant.practical is Practical.FAVOURABLE
        # Back to the form: withdrawing the retake withdraws the carried result.
        await pilot.press("i")
        await wait_screen(pilot, IdentityScreen)
        app.screen.query_one("#is-retake").value = False
        await fill_identity(pilot)
        await wait_screen(pilot, ExamScreen)
        participant = await participant_of(world, world.keys[0])
        assert participant.retake_of is None
        assert participant.practical is Practical.UNKNOWN


async def test_identity_can_be_edited_during_the_exam_without_losing_answers(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        await pilot.press("a", "n", "c", "n")
        await wait_for(pilot, lambda: exam.index == 2)
        before = await world.stored_answers(world.keys[0])
        assert len(before) == 2
        await pilot.press("i")
        await wait_screen(pilot, IdentityScreen)
        form = app.screen
        assert form.query_one("#last_name").value == "Dupont"  # filled from the store
        await fill_identity(pilot, email="jeanne@nouvelle.fr")
        await wait_for(pilot, lambda: app.screen is exam)
        assert exam.index == 2
        assert "Réponses 2/30" in screen_text(app)
        assert await world.stored_answers(world.keys[0]) == before
        assert (await participant_of(world, world.keys[0])).identity.email == "jeanne@nouvelle.fr"


async def test_escape_returns_to_the_exam_without_saving(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        await pilot.press("i")
        await wait_screen(pilot, IdentityScreen)
        app.screen.query_one("#city").value = "Paris"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is exam)
        assert (await participant_of(world, world.keys[0])).identity.city == "Lyon"


async def test_escape_does_nothing_before_the_exam(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, world, world.keys[0])
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IdentityScreen)


async def test_enter_goes_to_the_next_field_as_the_hint_says(world):
    """On Civilité Enter chooses the highlighted civility and moves on; on
    « Second passage » it moves on without ticking (Space ticks)."""
    from textual.widgets import Checkbox
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[0])
        assert "Entrée ou Tab : champ suivant" in screen_text(app)
        await pilot.press("down", "enter", *"Dupont", "enter", *"Jeanne")
        assert str(screen.query_one("#civility").pressed_button.label) == "Mme"
        assert screen.query_one("#last_name").value == "Dupont"
        assert screen.query_one("#first_name").value == "Jeanne"
        screen.query_one("#is-retake").focus()
        await pilot.press("enter")
        assert screen.query_one("#is-retake", Checkbox).value is False
        assert app.focused is not screen.query_one("#is-retake")
        screen.query_one("#is-retake").focus()
        await pilot.press("space")
        assert screen.query_one("#is-retake", Checkbox).value is True


async def test_only_the_focused_fields_label_is_marked(world):
    """The focused field's label is drawn in reverse (`-focus`): the label of
    its own line only; the retake line's two controls share theirs, and
    « Valider » has none."""
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[1])

        def marked() -> list[str]:
            return [str(label.render()) for label in screen.query(".field-label")
                    if label.has_class("-focus")]

        for field, label in (("#first_name", "Prénom"), ("#civility", "Civilité"),
                             ("#is-retake", "Second passage"), ("#email", "Email")):
            screen.query_one(field).focus()
            await pilot.pause()
            assert marked() == [label], field
        screen.query_one("#save").focus()
        await pilot.pause()
        assert marked() == []
        # One marker on the terminal: none on a form under a modal.
        screen.query_one("#email").focus()
        await pilot.pause()
        await app.push_screen(ConfirmModal("Quitter ?"))
        await pilot.pause()
        assert marked() == []
        await app.pop_screen()
        await pilot.pause()
        assert marked() == ["Email"]


async def test_enter_on_valider_saves_at_once_and_once(world):
    """Enter on « Valider » saves from the screen's Enter binding (a Pressed
    message would first bubble up from the button, a turn of the event loop
    per container). Pressed again while the database is busy with the first
    save, it saves nothing more: one Saved, one question screen."""
    seen: list[object] = []
    app = make_app(world)
    blocker = sqlite3.connect(world.store.db.path, timeout=5)
    try:
        async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
            screen = await open_form(pilot, world, world.keys[0])
            for name, value in IDENTITY.items():
                screen.query_one(f"#{name}", Input).value = value
            screen.query(RadioButton)[0].value = True
            screen.query_one("#save").focus()
            await pilot.pause()
            blocker.execute("BEGIN IMMEDIATE")
            for _ in range(3):  # as the SSH driver hands keys over, without waiting
                app.post_message(events.Key("enter", "\r"))
            await asyncio.sleep(0.3)  # (the pilot's pause would wait for the app)
            blocker.rollback()
            await wait_screen(pilot, ExamScreen)
            await pilot.pause()
            assert not any(isinstance(m, Button.Pressed) for m in seen)
            assert len({id(m) for m in seen if isinstance(m, IdentityScreen.Saved)}) == 1
            assert sum(isinstance(s, ExamScreen) for s in app.screen_stack) == 1
            participant = await participant_of(world, world.keys[0])
            assert participant.identity.last_name == IDENTITY["last_name"]
    finally:
        blocker.close()


async def test_a_click_on_valider_saves(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_form(pilot, world, world.keys[0])
        for name, value in IDENTITY.items():
            screen.query_one(f"#{name}", Input).value = value
        screen.query(RadioButton)[0].value = True
        await pilot.pause()
        await pilot.click("#save")
        await wait_screen(pilot, ExamScreen)
