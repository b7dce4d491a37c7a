"""Paper sessions: the session form, the participant form and list, retakes,
attestations and locking."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input

from domain.models import Practical, SessionKind
from tests.tui.centre_fixtures import (  # noqa: F401
    IDENTITY,
    error_of,
    fill_form,
    identity,
    open_participants,
    screen_text,
    wait_for,
    world,
)
from tui.centre_app import CentreApp
from tui.screens.centre_home import CentreHomeScreen
from tui.screens.centre_offline_session import OfflineSessionScreen
from tui.screens.centre_participant_form import ParticipantFormScreen
from tui.screens.centre_participants import ParticipantsScreen

PASSING = {"civility": "M.", **IDENTITY, "score": "26", "practical": Practical.FAVOURABLE}
FAILING = {"civility": "Mme", **IDENTITY, "last_name": "Martin", "first_name": "Zoé",
           "email": "zoe.martin@soleil.fr", "score": "18",
           "practical": Practical.FAVOURABLE}


def on(app, screen_type) -> bool:
    return isinstance(app.screen, screen_type)


async def open_home(pilot):
    await wait_for(pilot, lambda: on(pilot.app, CentreHomeScreen))
    await pilot.pause()


async def offline_session(world, qcm_code="PV-RES", scope=None, trainer=None):
    scope = scope or world.scope_a
    qcm = await world.store.qcms.create_qcm(scope, qcm_code, f"{qcm_code}_QCM")
    session = await world.store.sessions.create_session(
        scope, qcm.id, SessionKind.OFFLINE, (trainer or world.trainer_a).id, "Lyon, salle 1",
        date(2026, 7, 4))
    return qcm, session


async def submit_participant(pilot, values: dict) -> None:
    fill_form(pilot.app, values)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_session_form_validates_then_opens_participant_form(world):
    await world.store.qcms.create_qcm(world.scope_a, "PV-RES", "PV-RES_2026-07-04")
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_home(pilot)
        await pilot.press("h")
        await wait_for(pilot, lambda: on(app, OfflineSessionScreen))
        await pilot.pause()
        text = screen_text(app)
        assert "PV-RES — Photovoltaïque raccordé au réseau" in text  # read-only formation
        assert app.screen.query_one("#formation", Input).disabled
        assert "Claire Martin" in text  # the centre's only trainer, chosen
        fill_form(app, {"day": "31/02/2026", "place": "  ", "centre_name": ""})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(app, "day").startswith("Date invalide")
        assert error_of(app, "place") == "Lieu : champ obligatoire."
        assert error_of(app, "centre_name") == "Centre : champ obligatoire."
        assert await world.store.sessions.sessions(world.scope_a) == []
        fill_form(app, {"day": "04/07/2026", "place": "Lyon, salle 1",
                        "centre_name": "Centre Alpha (Lyon)"})
        await pilot.click("#save")
        await wait_for(pilot, lambda: on(app, ParticipantFormScreen))
    [session] = await world.store.sessions.sessions(world.scope_a)
    assert (session.kind, session.place, session.day, session.trainer_name,
            session.centre_name) == (SessionKind.OFFLINE, "Lyon, salle 1", date(2026, 7, 4),
                                     "Claire Martin", "Centre Alpha (Lyon)")


async def test_participant_typed_with_keyboard_only(world):
    _, session = await offline_session(world)
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_home(pilot)
        await pilot.press("tab", "enter")  # sessions table, open the session
        await wait_for(pilot, lambda: on(app, ParticipantsScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: on(app, ParticipantFormScreen))
        await pilot.pause()
        await pilot.press("enter", "down", "enter")  # civility: M.
        for name in ("last_name", "first_name", "company", "company_address",
                     "postal_code", "city"):
            await pilot.press("tab", *IDENTITY[name])
        await pilot.press("tab")  # country: France already
        await pilot.press("tab", *IDENTITY["email"], "tab", "2", "5")
        await pilot.press("tab", "enter", "up", "up", "enter")  # practical: Favorable
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "ajouté : DUPONT Gérard" in screen_text(app)
        assert app.screen.query_one("#last_name", Input).value == ""  # ready for the next
        await pilot.press("escape")
        await wait_for(pilot, lambda: on(app, ParticipantsScreen))
        await pilot.pause()
        assert "DUPONT Gérard" in screen_text(app)
    [p] = await world.store.sessions.participants(world.scope_a, session.id)
    assert (p.identity.civility, p.identity.email, p.score, p.practical) == (
        "M.", IDENTITY["email"], 25, Practical.FAVOURABLE)


async def test_each_participant_error_next_to_its_field(world):
    _, session = await offline_session(world)
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, session, add=True)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(app, "civility") == "Civilité : champ obligatoire."
        for name, label in (("last_name", "Nom"), ("first_name", "Prénom"),
                            ("company", "Entreprise"), ("city", "Ville"),
                            ("email", "Email")):
            assert error_of(app, name) == f"{label} : champ obligatoire."
        assert error_of(app, "score") == "Note : nombre entier de 0 à 30."
        assert "Corrigez les champs signalés." in screen_text(app)
        await submit_participant(pilot, {**PASSING, "email": "gerard@", "postal_code": "6900",
                                         "score": "31"})
        assert error_of(app, "email").startswith("Email : adresse invalide")
        assert error_of(app, "postal_code") == "Code postal : 5 chiffres attendus pour la France."
        assert error_of(app, "score") == "Note : nombre entier de 0 à 30."
        assert error_of(app, "last_name") == ""
        # Abroad, the French postal code shape does not apply.
        await submit_participant(pilot, {**PASSING, "country": "Belgique", "postal_code": "1000",
                                         "retake": True, "retake_of": "12-34"})
        assert error_of(app, "postal_code") == ""
        assert error_of(app, "retake_of").startswith("N° du premier passage : format AAAA-NNNNNN")
        assert await world.store.sessions.participants(world.scope_a, session.id) == []
        # « Annuler » clears what was typed since the last « Ajouter ».
        await pilot.click("#reset")
        await pilot.pause()
        assert app.screen.query_one("#last_name", Input).value == ""
        assert app.screen.query_one("#country", Input).value == "France"
        assert error_of(app, "email") == ""


async def test_retake_refusals_and_acceptance(world):
    store, scope = world.store, world.scope_a
    _, first = await offline_session(world)
    passed = await store.sessions.add_participant(scope, first.id, identity(), 27,
                                                  Practical.FAVOURABLE)
    eligible = await store.sessions.add_participant(scope, first.id, identity(last_name="Zed"),
                                                    15, Practical.FAVOURABLE)
    pending = await store.sessions.add_participant(scope, first.id, identity(last_name="Pen"),
                                                   15, Practical.UNKNOWN)
    not_final = await store.sessions.add_participant(scope, first.id, identity(last_name="Nf"),
                                                     15, Practical.FAVOURABLE)
    # Only a result made final by its letter can be retaken.
    await store.documents.publish(scope, world.centre_a.id, first.id, [], lock=[eligible.id])
    _, other = await offline_session(world, "CESI")
    cesi = await store.sessions.add_participant(scope, other.id, identity(last_name="Cesi"),
                                                10, Practical.FAVOURABLE)
    _, retakes = await offline_session(world)
    app = CentreApp(store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, retakes, add=True)
        base = {**PASSING, "retake": True}
        cases = [
            ("2026-999999", "Numéro de participant inconnu : 2026-999999."),
            (cesi.number, f"Le participant {cesi.number} a passé une autre formation (CESI)."),
            (passed.number, "a déjà réussi le QCM et l'évaluation pratique"),
            (pending.number, "n'a pas encore de résultat complet"),
            (not_final.number, "n'a pas encore de résultat définitif"),
        ]
        for number, reason in cases:
            await submit_participant(pilot, {**base, "retake_of": number})
            assert reason in error_of(app, "retake_of"), number
        assert await store.sessions.participants(scope, retakes.id) == []
        await submit_participant(pilot, {**base, "retake_of": eligible.number,
                                         "practical": Practical.UNKNOWN})
        assert "ajouté" in screen_text(app)
        await submit_participant(pilot, {**base, "retake_of": eligible.number})
        assert "a déjà utilisé son unique rattrapage" in error_of(app, "retake_of")
    [retake] = await store.sessions.participants(scope, retakes.id)
    assert retake.retake_of == eligible.number
    assert retake.practical is Practical.FAVOURABLE  # carried over from the first attempt


async def test_modify_and_delete_participant(world):
    store, scope = world.store, world.scope_a
    _, session = await offline_session(world)
    p1 = await store.sessions.add_participant(scope, session.id, identity(), 27,
                                              Practical.FAVOURABLE)
    p2 = await store.sessions.add_participant(scope, session.id, identity(last_name="Zed"),
                                              12, Practical.FAVOURABLE)
    app = CentreApp(store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, session)
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, ParticipantFormScreen))
        await pilot.pause()
        assert app.screen.query_one("#last_name", Input).value == "Dupont"
        await submit_participant(pilot, {"score": "22"})
        await wait_for(pilot, lambda: on(app, ParticipantsScreen))
        await pilot.pause()
        assert "22/30" in screen_text(app)
        await pilot.press("down", "s")
        await pilot.pause()
        assert f"Supprimer le participant {p2.number}" in screen_text(app)
        await pilot.press("tab", "enter")  # focus « Supprimer », confirm
        await wait_for(pilot, lambda: "supprimé" in screen_text(app))
        assert app.screen.query_one(DataTable).row_count == 1
    [left] = await store.sessions.participants(scope, session.id)
    assert (left.id, left.score) == (p1.id, 22)


async def test_locked_participants_are_shown_and_protected(world):
    store, scope = world.store, world.scope_a
    _, session = await offline_session(world)
    p1 = await store.sessions.add_participant(scope, session.id, identity(), 27,
                                              Practical.FAVOURABLE)
    app = CentreApp(store, world.account_a, world.clock)  # no document service
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, session)
        assert app.screen.query_one("#attest").disabled
        assert "Service de documents indisponible" in screen_text(app)
        await pilot.press("g")
        await pilot.pause()
        assert not await store.documents.documents(scope)
        await store.documents.publish(scope, world.centre_a.id, session.id, [], lock=[p1.id])
        await pilot.press("escape")
        await wait_for(pilot, lambda: on(app, CentreHomeScreen))
        await pilot.pause()
        assert "Attestée" in screen_text(app)
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: on(app, ParticipantsScreen))
        await pilot.pause()
        assert "Verrouillé" in screen_text(app)
        for key in ("m", "s"):
            await pilot.press(key)
            await pilot.pause()
            assert on(app, ParticipantsScreen)
            assert "est verrouillé" in screen_text(app)
    assert (await store.sessions.participant(scope, p1.id)).score == 27


async def test_hostile_text_never_reaches_the_terminal_raw(world):
    """Names and places stored by any path are shown as text: no markup, no
    escape sequence, no bidi override."""
    store, scope = world.store, world.scope_a
    qcm = await store.qcms.create_qcm(scope, "PV-RES", "Q\x1b]0;pwned\x07")
    session = await store.sessions.create_session(scope, qcm.id, SessionKind.OFFLINE,
                                                  world.trainer_a.id, "[red]Lyon[/] \x1b[2J",
                                                  date(2026, 7, 4))
    await store.sessions.add_participant(scope, session.id,
                                         identity(last_name="Evil\u202e\x1b[31m",
                                                  first_name="[b]Bob[/b]"), 25,
                                         Practical.FAVOURABLE)
    app = CentreApp(store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_home(pilot)
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: on(app, ParticipantsScreen))
        await pilot.pause()
        text = screen_text(app)
        assert "[red]Lyon[/]" in text and "[b]Bob[/b]" in text
        assert not any(c in text for c in "\x1b\x07\u202e")
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, ParticipantFormScreen))
        await pilot.pause()
        assert "\x1b" not in app.screen.query_one("#last_name", Input).value
        assert "\x1b" not in screen_text(app)


async def test_quoted_first_attempt_cannot_be_modified_or_deleted(world):
    """Issue 13: A (18/30, practical favourable) gets its letter, R retakes it;
    then « Modifier » and « Supprimer » on A are refused, naming R."""
    from domain.models import DocumentKind
    from store.documents import NewDocument
    store, scope = world.store, world.scope_a
    _, session = await offline_session(world)
    a = await store.sessions.add_participant(scope, session.id, identity(), 18,
                                             Practical.FAVOURABLE)
    await store.documents.publish(scope, world.centre_a.id, session.id, [
        NewDocument(DocumentKind.LETTER, "a.pdf", "0" * 64, a.id)], lock=[a.id])
    r = await store.sessions.add_participant(scope, session.id, identity(), 27,
                                             Practical.UNKNOWN, retake_of=a.number)
    app = CentreApp(store, world.account_a, world.clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_participants(pilot, session)
        assert app.screen.query_one(DataTable).cursor_row == 0  # A
        await pilot.press("m")
        await wait_for(pilot, lambda: f"second passage n° {r.number}" in screen_text(app))
        assert on(app, ParticipantsScreen)  # the form did not open
        await pilot.press("s")
        await wait_for(pilot, lambda: f"second passage n° {r.number}" in screen_text(app))
        assert on(app, ParticipantsScreen)
    # The same refusals through the service the screens call.
    import pytest

    from services.participants import delete_participant, edit_participant
    from store import Conflict
    with pytest.raises(Conflict, match=f"changer sa note.*second passage n° {r.number}"):
        await edit_participant(store, scope, a.id, a.identity, 26, Practical.FAVOURABLE)
    with pytest.raises(Conflict, match=f"le supprimer.*second passage n° {r.number}"):
        await delete_participant(store, scope, a.id)
    after = await store.sessions.participant(scope, a.id)
    assert (after.score, after.practical) == (18, Practical.FAVOURABLE)


async def test_participant_form_footer_fits_80_columns(world):
    """Every binding of the form's footer shows with its label at 80×24 (even
    « Noter une copie », shown once the session has paper copies)."""
    from tui.screens.centre_participant_form import ParticipantFormScreen
    shown = [(b.key_display or b.key.replace("ctrl+", "^"), b.description)
             for b in ParticipantFormScreen.BINDINGS if b.show]  # type: ignore[union-attr]
    assert sum(len(k) + len(d) + 3 for k, d in shown) + len("^q Quitter") <= 80
    _, session = await offline_session(world)
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, session, add=True)
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for label in ("^s Enregistrer", "^z Effacer", "Échap Retour", "^q Quitter"):
            assert label in footer, footer


async def test_participant_detail_keeps_the_whole_outcome_at_80_columns(world):
    """« …lors d'une session de rattrapage » is not cut off the detail lines."""
    store, scope = world.store, world.scope_a
    _, session = await offline_session(world)
    await store.sessions.add_participant(scope, session.id, identity(), 18,
                                         Practical.FAVOURABLE)
    app = CentreApp(store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, session)
        await wait_for(pilot, lambda: "Peut repasser" in screen_text(app))
        assert "session de rattrapage" in " ".join(screen_text(app).split())
