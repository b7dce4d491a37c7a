"""Home screen: the centre's QCMs and sessions, QCM creation, isolation, clock."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Input, Select

from domain.models import SessionKind
from store import Scope
from tests.tui.centre_fixtures import error_of, screen_text, wait_for, world  # noqa: F401
from tui.base import SessionGuard
from tui.centre_app import CentreApp
from tui.screens.centre_home import CentreHomeScreen
from tui.screens.centre_qcm_create import QcmCreateScreen


async def start(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CentreHomeScreen))
    await pilot.pause()


async def test_header_keeps_a_long_centre_name_at_80_columns(world):
    async with world.store.db.transaction() as tx:
        await tx.execute("UPDATE centres SET name = ? WHERE id = ?",
                         ("Centre de formation Démo", world.centre_a.id))
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        first = screen_text(app).splitlines()[0]
        assert "Centre de formation Démo · alpha" in first
        assert "Serveur : 04/07/2026 à 10:00 (Europe/Paris)" in first


async def test_header_shows_server_time_in_centre_zone(world):
    app = CentreApp(world.store, world.account_b, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        text = screen_text(app)
        # 08:00 UTC is 05:00 in Cayenne
        assert "04/07/2026 à 05:00 (America/Cayenne)" in text
        assert "Centre Bêta" in text
        world.clock.advance(minutes=7)
        await pilot.pause(5.2)  # the header ticks every 5 s
        assert "04/07/2026 à 05:07" in screen_text(app)


def test_admin_account_is_refused(world):
    from domain.models import Account, Role
    with pytest.raises(ValueError):
        CentreApp(world.store, Account(1, "root", Role.ADMIN, None), world.clock)


async def test_only_own_centre_qcms_and_sessions(world):
    store = world.store
    mine = await store.qcms.create_qcm(world.scope_a, "PV-RES", "ALPHA_QCM")
    theirs = await store.qcms.create_qcm(world.scope_b, "CESI", "BETA_SECRET")
    await store.sessions.create_session(world.scope_b, theirs.id, SessionKind.OFFLINE,
                                        world.trainer_b.id, "Cayenne BETA_PLACE",
                                        date(2026, 7, 4))
    await store.sessions.create_session(world.scope_a, mine.id, SessionKind.OFFLINE,
                                        world.trainer_a.id, "Lyon salle 2", date(2026, 7, 4))
    app = CentreApp(store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        text = screen_text(app)
        assert "ALPHA_QCM" in text and "Lyon salle 2" in text
        assert "BETA" not in text
        assert app.screen.query_one("#qcms", DataTable).row_count == 1
        assert app.screen.query_one("#sessions", DataTable).row_count == 1


async def test_create_qcm_by_keyboard_appears_at_once(world):
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        assert "Aucun QCM" in screen_text(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, QcmCreateScreen))
        await pilot.pause()
        # Formation list: open it, take the second formation (PV-RES), close it.
        await pilot.press("enter", "down", "down", "enter")
        await pilot.pause()
        assert app.screen.query_one("#formation", Select).value == "PV-RES"
        title = app.screen.query_one("#title", Input)
        assert title.placeholder == "PV-RES_2026-07-04"  # the manual's convention
        await pilot.press("tab", *"PV-RES_2026-07-04", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CentreHomeScreen))
        await pilot.pause()
        text = screen_text(app)
        assert "PV-RES_2026-07-04" in text and "QCM 1 créé" in text
    [listed] = await world.store.qcms.qcms(world.scope_a)
    qcm = await world.store.qcms.qcm(world.scope_a, listed.id)
    assert (qcm.title, qcm.formation_code, len(qcm.question_ids)) == (
        "PV-RES_2026-07-04", "PV-RES", 30)
    assert await world.store.qcms.qcms(world.scope_b) == []


async def test_create_qcm_errors_next_to_fields(world):
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, QcmCreateScreen))
        await pilot.click("#create")
        await pilot.pause()
        text = screen_text(app)
        assert "Formation : choisir dans la liste." in text
        assert "Intitulé : champ obligatoire." in text
        app.screen.query_one("#formation", Select).value = "CESI"
        app.screen.query_one("#title", Input).value = "bad\x1b[31m"
        app.screen.query_one("#title", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "contrôle" in error_of(app, "title"))
        assert error_of(app, "title") == "Intitulé : caractères de contrôle interdits."
        assert error_of(app, "formation") == ""
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CentreHomeScreen))
    assert await world.store.qcms.qcms(world.scope_a) == []


async def test_enter_on_qcm_offers_its_three_actions(world):
    await world.store.qcms.create_qcm(world.scope_a, "PV-RES", "ALPHA")
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        for label in ("Générer un QCM « papier »", "Enregistrer une session papier",
                      "Créer une session en ligne"):
            assert label in text
        await pilot.press("down", "down", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "OnlineSessionScreen")


async def test_typed_text_is_shown_as_text(world):
    await world.store.qcms.create_qcm(world.scope_a, "PV-RES", "[bold red]x[/] \x1b[2J")
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        text = screen_text(app)
        assert "[bold red]x[/]" in text
        assert "\x1b" not in text


async def test_home_follows_what_others_change_and_leaves_the_rest_alone(world):
    """A colleague's new QCM appears without leaving the screen; a refresh
    that finds nothing new does not rebuild (nor repaint) the tables."""
    store = world.store
    await store.qcms.create_qcm(world.scope_a, "PV-RES", "ALPHA_QCM")
    app = CentreApp(store, world.account_a, world.clock, refresh_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        table = app.screen.query_one("#qcms", DataTable)
        rows = list(table.rows.values())
        await pilot.pause(0.35)  # three refreshes, nothing changed
        assert list(table.rows.values()) == rows
        assert all(a is b for a, b in zip(table.rows.values(), rows))
        await store.qcms.create_qcm(world.scope_a, "CESI", "COLLEGUE_QCM")
        await wait_for(pilot, lambda: "COLLEGUE_QCM" in screen_text(app))
        assert table.row_count == 2


async def test_disabling_the_account_ends_the_open_session(world):
    """CentreApp opens its home on Mount beside QcmApp's own Mount handler,
    which starts the session guard: both run, so a disabled account's open
    session ends with a message."""
    store = world.store

    async def still_allowed() -> bool:  # as the SSH server asks it (sshserver/auth.py)
        found = await store.centres.password_hash("alpha")
        return found is not None and not found[0].disabled

    app = CentreApp(store, world.account_a, world.clock,
                    guard=SessionGuard(still_allowed=still_allowed, interval=0.05))
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        assert app.is_running
        await store.centres.set_disabled(Scope.admin("test"), "alpha", True)
        await wait_for(pilot, lambda: not app.is_running)  # raises if it never ends


def test_an_attested_session_reads_the_same_for_centre_and_admin() -> None:
    """Every participant locked: « Attestée » in oversight, as on the centre's list."""
    from datetime import UTC, datetime

    from domain.models import ExamSession, SessionKind
    from domain.oversight import SessionState, session_state
    from tui.centre_text import session_state as centre_state
    now = datetime(2026, 5, 12, 8, 0, tzinfo=UTC)
    assert session_state(SessionKind.OFFLINE, now, None, None, 3, 3) is SessionState.ATTESTED
    assert session_state(SessionKind.OFFLINE, now, None, None, 3, 2) is SessionState.PAPER
    assert session_state(SessionKind.OFFLINE, now, None, None, 0, 0) is SessionState.PAPER
    paper = ExamSession(1, 1, 1, SessionKind.OFFLINE, "PV", "Centre", "Claire", "Lyon",
                        now.date())
    assert centre_state(paper, now, 3, 3) == SessionState.ATTESTED.label == "Attestée"
    assert centre_state(paper, now, 3, 2) == "2/3 att."
