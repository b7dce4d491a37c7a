"""Centres, trainers, accounts and SSH keys screens."""

from textual.widgets import Input, Select, TextArea

from domain.passwords import verify_password
from tests.admin_seed import ADMIN
from tests.tui.admin_pilot import fits, running, table_rows, text_of, until
from tui.modals.admin_form import FormModal
from tui.modals.confirm import ConfirmModal
from tui.screens.admin_accounts import AccountsScreen
from tui.screens.admin_centres import CentresScreen
from tui.screens.admin_keys import KeysScreen
from tui.screens.admin_trainers import TrainersScreen

KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl "
       "alpha@poste")


async def open_centres(app, pilot):
    await pilot.press("2")
    await until(pilot, lambda: isinstance(app.screen, CentresScreen)
                and len(table_rows(app)) == 2, "centres")


async def test_centres_create_and_edit(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_centres(app, pilot)
        assert table_rows(app)[0] == ["1", "Centre Alpha", "Lyon", "Europe/Paris", "1", "1"]
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormModal), "form")
        app.screen.query_one("#field-name", Input).value = "Centre Gamma"
        app.screen.query_one("#field-timezone", Input).value = "Pacific/Noumea"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(table_rows(app)) == 3, "created")
        await pilot.press("down", "e")  # Centre Bêta (sorted by name)
        await until(pilot, lambda: isinstance(app.screen, FormModal), "edit form")
        assert app.screen.query_one("#field-name", Input).value == "Centre Bêta"
        app.screen.query_one("#field-timezone", Input).value = "Mars/Olympus"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Fuseau" in text_of(app.screen.query_one("#form-error")),
                    "refused")
        app.screen.query_one("#field-timezone", Input).value = "Europe/Paris"
        app.screen.query_one("#field-city", Input).value = "Saint-Nazaire"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CentresScreen), "saved")
        assert (await world.store.centres.centre_by_name(ADMIN, "Centre Bêta")).city == (
            "Saint-Nazaire")


async def test_trainers_add_and_retire(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_centres(app, pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TrainersScreen)
                    and table_rows(app), "trainers")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormModal), "form")
        await pilot.press(*"Bob", "enter", *"bob@ex.fr", "enter")
        await until(pilot, lambda: len(table_rows(app)) == 2, "added")
        await pilot.press("home", "d")
        await until(pilot, lambda: "retiré" in [r[3] for r in table_rows(app)], "retired")
        assert [t.name for t in await world.store.centres.trainers(ADMIN, world.alpha)] == ["Bob"]


async def open_accounts(app, pilot):
    await open_centres(app, pilot)
    await pilot.press("c")
    await until(pilot, lambda: isinstance(app.screen, AccountsScreen)
                and len(table_rows(app)) == 2, "accounts")


async def test_reset_a_password(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_accounts(app, pilot)
        await pilot.press("down", "p")  # alpha
        await until(pilot, lambda: isinstance(app.screen, FormModal), "form")
        assert fits(app)
        await pilot.press(*"court", "enter", *"court", "enter")
        await until(pilot, lambda: "trop court" in text_of(app.screen.query_one("#form-error")),
                    "too short")
        app.screen.query_one("#field-password", Input).value = "un-mot-de-passe"
        app.screen.query_one("#field-confirm", Input).value = "un-mot-de-passe"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, AccountsScreen), "saved")
        _, digest = await world.store.centres.password_hash("alpha")
        assert verify_password("un-mot-de-passe", digest)


async def test_create_an_account(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_accounts(app, pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FormModal), "form")
        form = app.screen
        form.query_one("#field-login", Input).value = "beta"
        form.query_one("#field-centre", Select).value = str(world.beta)
        form.query_one("#field-password", Input).value = "mot-de-passe-beta"
        form.query_one("#field-confirm", Input).value = "mot-de-passe-beta"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(table_rows(app)) == 3, "created")
        account = await world.store.centres.account("beta")
        assert account.centre_id == world.beta and not account.is_admin


async def test_disable_an_account_but_not_ones_own(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_accounts(app, pilot)
        await pilot.press("x")  # admin: the connected account itself
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen)
        assert not (await world.store.centres.account("admin")).disabled
        await pilot.press("down", "x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.click("#confirm")
        await until(pilot, lambda: table_rows(app)[1][-1] == "désactivé", "disabled")
        assert not await world.admin.centres.login_allowed("alpha")


async def test_add_and_remove_an_ssh_key(tmp_path):
    async with running(tmp_path) as (app, pilot, world):
        await open_accounts(app, pilot)
        await pilot.press("down", "k")
        await until(pilot, lambda: isinstance(app.screen, KeysScreen), "keys")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FormModal), "form")
        app.screen.query_one("#field-key", TextArea).text = "pas une clé"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Clé publique invalide" in text_of(
            app.screen.query_one("#form-error")), "refused")
        app.screen.query_one("#field-key", TextArea).text = KEY
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(table_rows(app)) == 1, "added")
        assert table_rows(app)[0][1:] == ["ssh-ed25519", "alpha@poste"]
        assert len(await world.store.centres.public_keys("alpha")) == 1
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal), "confirm")
        await pilot.click("#confirm")
        await until(pilot, lambda: not table_rows(app), "removed")
        assert await world.store.centres.public_keys("alpha") == []
