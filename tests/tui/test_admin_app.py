"""AdminApp: construction, home, and every area reachable from the keyboard."""

import pytest

from domain.clock import FixedClock
from domain.models import Account, Role
from tests.admin_seed import ADMIN, NOW, seed
from tests.tui.admin_pilot import fits, running, screen_text, until
from tui.admin_app import AdminApp
from tui.base import SessionGuard
from tui.screens.admin_centres import CentresScreen
from tui.screens.admin_formations import FormationsScreen
from tui.screens.admin_home import AdminHomeScreen
from tui.screens.admin_outbox import OutboxScreen
from tui.screens.admin_oversight import OversightScreen
from tui.screens.admin_stats import StatsScreen


def test_a_centre_account_cannot_open_the_administration(tmp_path):
    with pytest.raises(ValueError):
        AdminApp(None, Account(2, "alpha", Role.CENTRE, 1), FixedClock(NOW))  # type: ignore[arg-type]


async def test_home_lists_the_areas(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        assert isinstance(app.screen, AdminHomeScreen)
        text = screen_text(app)
        assert "Formations et banques de questions" in text and "Statistiques" in text
        assert "Organisme certificateur — admin" in text
        assert fits(app)


@pytest.mark.parametrize("key, screen", [
    ("1", FormationsScreen), ("2", CentresScreen), ("3", OversightScreen),
    ("4", OutboxScreen), ("5", StatsScreen)])
async def test_each_area_opens_and_escape_comes_back(tmp_path, key, screen):
    async with running(tmp_path) as (app, pilot, world):
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, screen), screen.__name__)
        await pilot.pause()
        assert fits(app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, AdminHomeScreen), "home")


async def test_enter_on_the_menu_opens_the_area(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, CentresScreen), "centres")


async def test_disabling_the_account_ends_the_open_session(tmp_path):
    """The server hands AdminApp a SessionGuard polling the account: once
    disabled, the session closes with a message."""
    world = await seed(tmp_path)
    try:
        await world.store.centres.add_account(ADMIN, "second", Role.ADMIN, None, "x")
        account = await world.store.centres.account("second")

        async def still_allowed() -> bool:
            return await world.admin.centres.login_allowed("second")

        app = AdminApp(world.store, account, world.clock,
                       guard=SessionGuard(still_allowed=still_allowed, interval=0.05))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, AdminHomeScreen), "home")
            await world.store.centres.set_disabled(ADMIN, "second", True)
            await until(pilot, lambda: app.return_code is not None or not app.is_running,
                        "session ended")
        assert not app.is_running
    finally:
        await world.store.close()
