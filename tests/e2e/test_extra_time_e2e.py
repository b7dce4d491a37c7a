"""Extra time through a real SSH client: a key opens after its session's end
and ends at its own time."""

from __future__ import annotations

import re
from datetime import timedelta

from services import sessions
from tests.e2e.conftest import ExamServer
from tests.e2e.test_candidate_e2e import ENDS, answer, key_state, open_key, start_exam
from tests.tui.conftest import ADMIN, flat


async def test_a_third_more_lets_the_candidate_start_late_and_ends_at_its_own_end(
        exam_server: ExamServer) -> None:
    world = exam_server.world
    key = world.keys[1]
    granted = await sessions.grant_extra_time(world.store, ADMIN, world.session.id, key, None)
    assert granted.extra_minutes == 60  # a third of 09:00-12:00
    world.clock.set(ENDS + timedelta(minutes=20))  # the session closed at 12:00
    async with await exam_server.connect() as client:
        await open_key(client, world.keys[2])  # without extra time: closed
        await client.wait_for("close depuis")
        assert "close depuis le 12/05/2026 à 12:00" in flat(client.text)
    async with await exam_server.connect() as client:
        await start_exam(client, key)
        # Shown up to 10 s early (the screens spread their minute ticks), never late.
        assert re.search(r"Temps restant (40|39) min \(fin 13:00\)", flat(client.text))
        await answer(client, "b")
        world.clock.set(ENDS + timedelta(minutes=60))
        await client.wait_for("validé automatiquement")
        await client.wait_for("Votre note")
    assert (await key_state(exam_server, key))["state"] == "submitted"
