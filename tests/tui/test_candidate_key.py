"""Key screen: wrong keys, throttle, window, submitted and busy keys."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from textual import events
from textual.widgets import Input

from services.throttle import KeyThrottle
from tests.tui.conftest import NOW, enter_key, flat, make_app, screen_text, wait_for, wait_screen
from tui.screens.identity_screen import IdentityScreen
from tui.screens.key_screen import OPENING_TEXT, KeyScreen

WRONG = "ABCDE-FGHJK-MNPQR"


async def test_key_opens_whatever_the_case_and_dashes(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Votre identifiant" in screen_text(app)
        key = world.keys[0].replace("-", "").lower()
        await enter_key(pilot, key[:5] + " " + key[5:], typed=True)
        await wait_screen(pilot, IdentityScreen)
        row = await world.key_row(world.keys[0])
        assert row["state"] == "in_progress" and row["lease_token"] == app.token


SMALL = KeyThrottle(per_address=3, window=timedelta(minutes=1), first_delay=0.0)


async def test_wrong_key_is_counted_and_the_address_throttled(world):
    app = make_app(world, key_failures=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        for attempt in range(3):
            await enter_key(pilot, WRONG)
            await wait_for(pilot, lambda: "Clé inconnue" in flat(screen_text(app)))
            assert await world.store.audit.failures("192.0.2.10", "key",
                                                    timedelta(minutes=1)) == attempt + 1
        # The fourth try is refused before the key is even looked at, the right key too.
        await enter_key(pilot, world.keys[0])
        await wait_for(pilot, lambda: "Trop de clés erronées" in flat(screen_text(app)))
        text = flat(screen_text(app))
        assert "Réessayez à partir de 10:01:00 (heure du serveur)" in text
        assert "votre réseau" in text and "ce poste" not in text
        assert isinstance(app.screen, KeyScreen)
        assert (await world.key_row(world.keys[0]))["state"] == "unused"
        # A minute later the address may try again.
        world.clock.advance(minutes=1, seconds=1)
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)


async def test_throttle_counts_per_address(world):
    for _ in range(3):
        await world.store.audit.record_failure("198.51.100.7", "key")
    app = make_app(world, key_failures=SMALL)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)


async def test_a_wrong_key_delays_the_next_attempt_on_this_connection(world):
    """Never refused: after a wrong key the next attempt waits (doubling), then runs."""
    import time
    throttle = KeyThrottle(first_delay=0.4)
    assert [throttle.delay(n) for n in range(8)] == [0, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6]
    assert throttle.delay(9) == 30.0
    app = make_app(world, key_failures=throttle)
    async with app.run_test(size=(80, 24)) as pilot:
        started = time.monotonic()  # before the wrong key: a sound bound on a loaded machine
        await enter_key(pilot, WRONG)
        await wait_for(pilot, lambda: "Clé inconnue" in flat(screen_text(app)))
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        assert time.monotonic() - started >= 0.4


async def test_malformed_key_explains_the_format_and_is_not_counted(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, "ABCD-2345")
        await wait_for(pilot, lambda: "Ce n'est pas une clé valide : 8 lettres et chiffres "
                       "saisis (sans les tirets), une clé en compte 15." in flat(screen_text(app)))
        # The format itself is the hint under the field, said once.
        assert flat(screen_text(app)).count("Une clé compte 15 caractères") == 1
        assert await world.store.audit.failures("192.0.2.10", "key", timedelta(minutes=1)) == 0


async def test_not_yet_open_key_says_when_it_opens_with_server_time(world_factory):
    world = await world_factory(starts=NOW + timedelta(hours=2), ends=NOW + timedelta(hours=3))
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_for(pilot, lambda: "pas encore ouverte" in flat(screen_text(app)))
        text = flat(screen_text(app))
        assert "elle ouvre le 12/05/2026 à 12:00 (heure de Europe/Paris)" in text
        assert "Heure actuelle du serveur : 12/05/2026 à 10:00" in text
        assert (await world.key_row(world.keys[0]))["state"] == "unused"


async def test_closed_key_says_since_when(world_factory):
    world = await world_factory(starts=NOW - timedelta(hours=3), ends=NOW - timedelta(hours=1))
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_for(pilot, lambda: "close depuis" in flat(screen_text(app)))
        text = flat(screen_text(app))
        assert "close depuis le 12/05/2026 à 09:00 (heure de Europe/Paris)" in text
        assert "Heure actuelle du serveur : 12/05/2026 à 10:00" in text


async def test_submitted_key_is_refused_with_its_own_message(world):
    await world.store.exam.open_key(world.keys[0], "other")
    await world.store.exam.submit((await world.key_row(world.keys[0]))["id"], "other")
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_for(pilot, lambda: "déjà terminé" in flat(screen_text(app)))
        assert isinstance(app.screen, KeyScreen)
        assert await world.store.audit.failures("192.0.2.10", "key", timedelta(minutes=1)) == 0


async def test_key_in_use_by_another_connection_is_refused(world):
    await world.store.exam.open_key(world.keys[0], "another-live-connection")
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_for(pilot, lambda: "déjà ouverte sur un autre poste" in flat(screen_text(app)))
        assert (await world.key_row(world.keys[0]))["lease_token"] == "another-live-connection"
        # Once the other connection's lease has run out, the key opens here.
        world.clock.advance(seconds=31)
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)


async def test_enter_says_the_key_is_opening_while_the_database_is_busy(world):
    """Another process holds the database's write lock: the candidate reads at
    once that the key is being opened, and gets the form once the lock is free."""
    app = make_app(world)
    blocker = sqlite3.connect(world.store.db.path, timeout=0)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            blocker.execute("BEGIN IMMEDIATE")
            await enter_key(pilot, world.keys[0])
            await wait_for(pilot, lambda: OPENING_TEXT in flat(screen_text(app)))
            assert isinstance(app.screen, KeyScreen)
            await pilot.press("enter")  # again, impatiently: nothing more is started
            blocker.rollback()
            await wait_screen(pilot, IdentityScreen)
            row = await world.key_row(world.keys[0])
            assert row["state"] == "in_progress" and row["lease_token"] == app.token
            opened = await world.store.db.all(
                "SELECT COUNT(*) FROM audit WHERE action = 'open_key'")
            assert opened[0][0] == 1
    finally:
        blocker.close()


async def test_enter_opens_the_key_as_soon_as_the_app_gets_it(world):
    """Enter is the screen's priority binding, named in the footer: the app
    runs it when the key reaches it, without handing it to the field first
    (whose own Enter would post `Input.Submitted`, bubbling up a turn of the
    event loop per container before anything was said)."""
    seen: list[object] = []
    app = make_app(world)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        footer = flat(screen_text(app))
        await enter_key(pilot, world.keys[0], typed=True)
        await wait_screen(pilot, IdentityScreen)
        # Textual's hook sees a message each time a pump handles it.
        enters = [m for m in seen if isinstance(m, events.Key) and m.key == "enter"]
        assert len(enters) == 1  # the app's; never forwarded to the field
        assert not any(isinstance(m, Input.Submitted) for m in seen)
        assert "Entrée Identification" in footer
