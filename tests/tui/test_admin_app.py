"""AdminApp: construction, home, and every area reachable from the keyboard."""

import pytest

from domain.models import Account, Role
from tests.tui.admin_pilot import fits, running, screen_text, until
from tui.admin_app import AdminApp
from tui.screens.admin_centres import CentresScreen
from tui.screens.admin_formations import FormationsScreen
from tui.screens.admin_home import AdminHomeScreen
from tui.screens.admin_outbox import OutboxScreen
from tui.screens.admin_oversight import OversightScreen
from tui.screens.admin_stats import StatsScreen


def test_a_centre_account_cannot_open_the_administration(tmp_path):
    from domain.clock import FixedClock
    from tests.admin_seed import NOW
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
