"""The door of the real worker (`ssh.max_starting`): candidates beyond the
limit read at once that their screen is coming and their place in line, get
the key prompt when someone before them reaches the questions or leaves, and
what they typed while waiting is not lost. Staff never wait."""

from __future__ import annotations

import asyncio

from tests.e2e.server_fixtures import Served, ServeFactory, serve  # noqa: F401
from tests.e2e.test_candidate_e2e import start_exam

PROMPT = "Votre identifiant"
DOOR = "votre écran s'ouvre dans un instant"


async def test_a_candidate_beyond_the_limit_waits_at_the_door_then_starts(
        serve: ServeFactory) -> None:
    served: Served = await serve(max_starting=1)
    first_key, second_key = served.demo_keys[:2]
    async with await served.screen("candidat") as first, \
            await served.screen("candidat") as second:
        await first.wait_for(PROMPT)
        await second.wait_for("Place dans la file : 1")
        assert DOOR in second.text and PROMPT not in second.text
        second.type(second_key.lower())  # typed ahead while waiting

        # Staff are not held at the door.
        async with await served.screen("demo", "demo-demo") as staff:
            await staff.wait_for("DEMO_PV-RES_session-en-ligne")

        await start_exam(first, first_key)
        await second.wait_for(PROMPT)
        # The door's words are wiped before the app draws: the terminal shows
        # its main screen again when the app ends, without them.
        raw = bytes(second.raw)
        assert raw.index(b"Place dans la file") < raw.index(b"\x1b[H\x1b[2J") \
            < raw.index(b"\x1b[?1049h")
        await second.wait_until(lambda: second_key.lower() in second.text.lower(),
                                what="the key typed while waiting, in the key field")
        second.press("enter")
        await second.wait_for("Vos informations")


async def test_someone_who_leaves_gives_their_place_to_the_next(serve: ServeFactory) -> None:
    served: Served = await serve(max_starting=1)
    async with await served.screen("candidat") as first:
        await first.wait_for(PROMPT)
        async with await served.screen("candidat") as leaving:
            await leaving.wait_for("Place dans la file : 1")
        async with await served.screen("candidat") as waiting:
            await waiting.wait_for("Place dans la file : 1")  # the one who left is gone
            await first.close()
            await waiting.wait_for(PROMPT)


async def test_a_candidate_back_on_their_questions_lets_the_next_in(
        serve: ServeFactory) -> None:
    """A candidate whose identity is already saved (back after a dropped
    link) goes from the key straight to the questions: their place is given
    back there too."""
    served: Served = await serve(max_starting=1)
    key = served.demo_keys[0]
    async with await served.screen("candidat") as first:
        await start_exam(first, key)
    for _ in range(500):  # the server has given the key back
        if (await served.store.db.one("SELECT lease_token FROM online_keys WHERE code = ?",
                                      (key,)))["lease_token"] is None:
            break
        await asyncio.sleep(0.01)
    async with await served.screen("candidat") as back:
        await back.wait_for(PROMPT)
        async with await served.screen("candidat") as waiting:
            await waiting.wait_for("Place dans la file : 1")
            back.type(key.lower())
            back.press("enter")
            await back.wait_for("Question 1/30")
            await waiting.wait_for(PROMPT)
