"""Online sessions: the form, the keys table (live), deletion, practical
results, the window edit and attestations."""

from __future__ import annotations

from datetime import date, datetime, timezone

from textual.widgets import DataTable, Input

from domain.models import KeyState, Practical, SessionKind
from tests.tui.centre_fixtures import (  # noqa: F401
    documents,
    error_of,
    fill_form,
    flat_text,
    identity,
    render_pool,
    screen_text,
    wait_for,
    world,
)
from tui.centre_app import CentreApp
from tui.screens.centre_home import CentreHomeScreen
from tui.screens.centre_keys import KeysScreen
from tui.screens.centre_online_session import OnlineSessionScreen
from tui.screens.centre_practical import PracticalScreen
from tui.screens.centre_session_edit import SessionEditScreen

START = datetime(2026, 7, 4, 7, 0, tzinfo=timezone.utc)  # 09:00 Paris
END = datetime(2026, 7, 4, 15, 0, tzinfo=timezone.utc)  # 17:00 Paris


def on(app, screen_type) -> bool:
    return isinstance(app.screen, screen_type)


async def online_session(world, keys: int = 3):
    store, scope = world.store, world.scope_a
    qcm = await store.qcms.create_qcm(scope, "PV-RES", "EN_LIGNE")
    session = await store.sessions.create_session(scope, qcm.id, SessionKind.ONLINE,
                                                  world.trainer_a.id, "Lyon, salle info",
                                                  date(2026, 7, 4), START, END)
    created = await store.exam.create_keys(scope, session.id, keys)
    return session, created


async def take_exam(world, key, name: str, right: int) -> int:
    """A candidate opens the key, gives an identity, answers, submits."""
    ticket = await world.store.exam.open_key(key.code, f"token-{key.id}")
    await world.store.exam.save_identity(key.id, f"token-{key.id}", identity(last_name=name),
                                         None)
    for n, question in enumerate(ticket.questions):
        choice = question.correct if n < right else (question.correct + 1) % 4
        await world.store.exam.save_answer(key.id, f"token-{key.id}", question.id, choice)
    return await world.store.exam.submit(key.id, f"token-{key.id}")


async def open_keys(pilot, session):
    app = pilot.app
    await wait_for(pilot, lambda: on(app, CentreHomeScreen))
    app.push_screen(KeysScreen(app.context, session))
    await wait_for(pilot, lambda: on(app, KeysScreen))
    await pilot.pause()


async def test_online_form_validates_and_creates_keys(world):
    await world.store.qcms.create_qcm(world.scope_a, "PV-RES", "EN_LIGNE")
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: on(app, CentreHomeScreen))
        await pilot.pause()
        await pilot.press("l")
        await wait_for(pilot, lambda: on(app, OnlineSessionScreen))
        await pilot.pause()
        fill_form(app, {"count": "0", "starts": "04/07/2026 17:00", "ends": "04/07/2026 09:00",
                        "place": "Lyon"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(app, "count") == "Nombre de participants : nombre entier de 1 à 500."
        assert error_of(app, "ends") == "Fin : doit suivre le début de l'évaluation."
        fill_form(app, {"count": "4", "starts": "4 juillet", "ends": ""})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(app, "starts").startswith("Début : Date et heure invalides")
        assert error_of(app, "ends") == "Fin : champ obligatoire."
        assert error_of(app, "count") == ""
        assert await world.store.sessions.sessions(world.scope_a) == []
        fill_form(app, {"starts": "04/07/2026 09:00", "ends": "04/07/2026 17:00"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on(app, KeysScreen))
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 4
        text = screen_text(app)
        assert "04/07/2026 09:00-17:00" in text and text.count("Non utilisée") == 4
    [session] = await world.store.sessions.sessions(world.scope_a)
    # typed in Paris time, stored in UTC
    assert (session.starts_at, session.ends_at) == (START, END)


async def test_keys_table_refreshes_by_itself(world):
    session, keys = await online_session(world)
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keys(pilot, session)
        table = app.screen.query_one(DataTable)
        assert keys[0].code in screen_text(app)
        score = await take_exam(world, keys[0], "Candidat", right=27)
        ticket = await world.store.exam.open_key(keys[1].code, "other")
        assert ticket.key.state is KeyState.IN_PROGRESS
        await wait_for(pilot, lambda: "Validée" in screen_text(app), timeout=5)
        text = screen_text(app)
        assert "CANDIDAT Gérard" in text and f" {score} " in text and "En cours" in text
        assert table.row_count == 3


async def test_delete_keys_and_refuse_a_submitted_one(world):
    session, keys = await online_session(world)
    await take_exam(world, keys[0], "Valide", right=20)
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keys(pilot, session)
        await pilot.press("s")  # first row: the submitted key, no confirmation asked
        await pilot.pause()
        assert "ne peut plus être supprimée" in screen_text(app)
        await pilot.press("down", "s")
        await wait_for(pilot, lambda: f"Supprimer la clé {keys[1].code}" in screen_text(app))
        await pilot.press("escape")  # cancel
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 3
        await pilot.press("s")
        await wait_for(pilot, lambda: "Supprimer la clé" in screen_text(app))
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: f"Clé {keys[1].code} supprimée." in screen_text(app))
        assert app.screen.query_one(DataTable).row_count == 2
        await pilot.press("a")  # the number of participants can change later
        await pilot.pause()
        await pilot.press("2", "enter")
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count == 4)
    codes = {k.code for k, _ in await world.store.exam.keys(world.scope_a, session.id)}
    assert keys[0].code in codes and keys[1].code not in codes and len(codes) == 4


async def test_practical_results_and_attestations(world, documents):
    session, keys = await online_session(world)
    await take_exam(world, keys[0], "Reussi", right=28)
    await take_exam(world, keys[1], "Echec", right=10)
    app = CentreApp(world.store, world.account_a, world.clock, documents=documents)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keys(pilot, session)
        await pilot.press("g")
        await wait_for(pilot, lambda: "Aucun participant à attester" in screen_text(app))
        await pilot.press("p")
        await wait_for(pilot, lambda: on(app, PracticalScreen))
        await pilot.pause()
        await pilot.press("f", "d")  # first favourable, second unfavourable
        await wait_for(pilot, lambda: "Défavorable" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: on(app, KeysScreen))
        await pilot.press("g")
        await wait_for(pilot, lambda: "VERROUILLÉES" in screen_text(app))
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: "participants verrouillés" in screen_text(app))
        assert "2 courrier(s) et 1 attestation(s)" in screen_text(app)
        await wait_for(pilot, lambda: screen_text(app).count("Verrouillée") == 2)
        await pilot.press("p")
        await wait_for(pilot, lambda: on(app, PracticalScreen))
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert "verrouillé" in screen_text(app)
    pairs = await world.store.exam.keys(world.scope_a, session.id)
    practical = [p.practical for _, p in pairs]
    assert practical == [Practical.FAVOURABLE, Practical.UNFAVOURABLE, Practical.UNKNOWN]


async def test_window_edit_and_printed_fields_frozen_after_submission(world):
    session, keys = await online_session(world)
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keys(pilot, session)
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, SessionEditScreen))
        await pilot.pause()
        assert app.screen.query_one("#starts", Input).value == "04/07/2026 09:00"
        assert not app.screen.query_one("#place", Input).disabled
        fill_form(app, {"ends": "04/07/2026 08:00"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error_of(app, "ends") == "Fin : doit suivre le début de l'évaluation."
        fill_form(app, {"ends": "04/07/2026 18:30", "place": "Lyon, salle 3"})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on(app, KeysScreen))
        await wait_for(pilot, lambda: "09:00-18:30" in screen_text(app))
        await take_exam(world, keys[0], "Valide", right=25)
        await pilot.press("m")
        await wait_for(pilot, lambda: on(app, SessionEditScreen))
        await pilot.pause()
        for field in ("centre_name", "trainer", "place"):
            assert app.screen.query_one(f"#{field}").disabled, field
        assert "ne peuvent plus changer" in flat_text(app)
        fill_form(app, {"starts": "04/07/2026 08:30"})  # even during the exam
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: on(app, KeysScreen))
    updated = await world.store.sessions.session(world.scope_a, session.id)
    assert updated.place == "Lyon, salle 3"
    assert updated.starts_at == datetime(2026, 7, 4, 6, 30, tzinfo=timezone.utc)
    assert updated.ends_at == datetime(2026, 7, 4, 16, 30, tzinfo=timezone.utc)


async def test_other_centre_session_is_not_reachable(world):
    session, _ = await online_session(world)
    app = CentreApp(world.store, world.account_b, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: on(app, CentreHomeScreen))
        await pilot.pause()
        assert "EN_LIGNE" not in screen_text(app)
        assert app.screen.query_one("#sessions", DataTable).row_count == 0


async def test_extra_time_from_the_keys_table(world):
    session, keys = await online_session(world)
    await take_exam(world, keys[0], "Valide", right=20)
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_keys(pilot, session)
        assert "+ min" in screen_text(app)
        await pilot.press("t")  # first row: submitted, refused without a dialog
        await wait_for(pilot, lambda: "déjà validée" in screen_text(app))
        await pilot.press("down", "t")
        # Prefilled with a third of the 8-hour session: 160 minutes.
        await wait_for(pilot, lambda: "Tiers temps : 160 min" in flat_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: f"Clé {keys[1].code} : 160 min de temps supplémentaire"
                      in flat_text(app))
        assert "fin le 04/07/2026 à 19:40" in flat_text(app)
        await wait_for(pilot, lambda: f"{keys[1].code} " in screen_text(app)
                      and " +160 " in screen_text(app))
        await pilot.press("t")
        await wait_for(pilot, lambda: "Tiers temps" in flat_text(app))
        await pilot.press("backspace", "backspace", "backspace", "0", "enter")
        await wait_for(pilot, lambda: f"Clé {keys[1].code} : temps supplémentaire retiré"
                      in flat_text(app))
        await wait_for(pilot, lambda: "+160" not in screen_text(app))
    extra = {k.code: k.extra_minutes for k, _ in await world.store.exam.keys(world.scope_a,
                                                                              session.id)}
    assert extra == {keys[0].code: 0, keys[1].code: 0, keys[2].code: 0}
    audit = await world.store.db.all("SELECT detail FROM audit WHERE action = 'extra_time'")
    assert [r[0] for r in audit] == [f"{keys[1].code} : 0 -> 160 min",
                                     f"{keys[1].code} : 160 -> 0 min"]
