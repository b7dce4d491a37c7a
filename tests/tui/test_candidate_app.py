"""The candidate app as a whole: locked down, lease kept and given back."""

from __future__ import annotations

from textual.command import CommandPalette

from tests.tui.conftest import (
    enter_key,
    fill_identity,
    flat,
    make_app,
    screen_text,
    start_exam,
    wait_for,
    wait_screen,
)
from tui.candidate_app import CandidateApp
from tui.screens.identity_screen import IdentityScreen
from tui.screens.key_screen import KeyScreen


def test_constructor_signature():
    import inspect
    params = inspect.signature(CandidateApp).parameters
    assert list(params)[:3] == ["store", "clock", "source"]
    assert params["source"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["key_failures"].default is None


async def test_shell_reflexes_do_nothing_harmful(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        await pilot.press("a")
        for key in ("ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+p", "ctrl+t",
                    "escape", "f1", "tab", "ctrl+x"):
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running
            assert app.screen is exam, key
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
        assert "Pour quitter, utilisez Ctrl+Q" in flat(screen_text(app))
        row = await world.key_row(world.keys[0])
        assert row["lease_token"] == app.token and row["state"] == "in_progress"


async def test_ctrl_c_in_the_key_field_does_not_quit(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "ctrl+c", "ctrl+z", "ctrl+backslash")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, KeyScreen)


async def test_no_theme_switcher_nor_palette_binding():
    keys = {b.key for b in CandidateApp._merge_bindings().key_to_bindings.values()
            for b in b}
    actions = {b.action for bs in CandidateApp._merge_bindings().key_to_bindings.values()
               for b in bs}
    assert "quit" not in actions and "command_palette" not in actions
    assert "help_quit" not in actions
    assert not CandidateApp.ENABLE_COMMAND_PALETTE
    assert {"ctrl+c", "ctrl+z", "ctrl+backslash", "ctrl+q"} <= keys


async def test_quit_from_the_key_screen_asks_first(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "Quitter l'évaluation ?" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, KeyScreen) and app.is_running


async def test_the_lease_is_renewed_while_open_and_given_back_at_exit(world):
    app = make_app(world, renew_interval=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        first = (await world.key_row(world.keys[0]))["lease_until"]
        world.clock.advance(seconds=20)
        await pilot.pause(0.2)
        assert (await world.key_row(world.keys[0]))["lease_until"] > first
    row = await world.key_row(world.keys[0])
    assert row["lease_token"] is None and row["state"] == "in_progress"


async def test_losing_the_lease_between_answers_is_told(world):
    app = make_app(world, renew_interval=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        async with world.store.db.transaction() as tx:  # as if another process took it
            await tx.execute("UPDATE online_keys SET lease_token = 'elsewhere' WHERE code = ?",
                             (world.keys[0],))
        await wait_screen(pilot, KeyScreen)
        await wait_for(pilot, lambda: "ouverte sur un autre poste" in flat(screen_text(app)))
    assert (await world.key_row(world.keys[0]))["lease_token"] == "elsewhere"


async def test_typed_text_is_shown_without_markup(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        await fill_identity(pilot, last_name="[b]Gras[/b]", retake_of="2026-999999")
        await wait_for(pilot, lambda: "inconnu au nom de" in flat(screen_text(app)))
        assert "inconnu au nom de [b]Gras[/b]" in flat(screen_text(app))
