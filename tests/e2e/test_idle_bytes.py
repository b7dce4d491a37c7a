"""Idle means 0 bytes: no blinking cursor on the wire, on any screen with a
text field (a steady cursor is fine)."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import ExamServer
from tests.e2e.test_candidate_e2e import open_key
from tests.e2e_helpers import RunningServer, ScreenClient, StaticAuthenticator, start_test_server

IDLE = 1.6  # seconds: three blinks of Textual's default cursor


async def idle_bytes(client: ScreenClient) -> int:
    """Bytes received while nobody types, once the screen has settled."""
    await client.wait_quiet(0.3, timeout=10)
    before = client.bytes_received
    await asyncio.sleep(IDLE)
    return client.bytes_received - before


@pytest.mark.sqlite_only("bytes a terminal receives: the database takes no part")
async def test_candidate_screens_send_nothing_when_idle(exam_server: ExamServer) -> None:
    async with await exam_server.connect() as client:
        await client.wait_for("Votre identifiant")
        client.type("ABC")  # the key field has the focus and a cursor
        assert await idle_bytes(client) == 0, "key screen"
        client.press("backspace", "backspace", "backspace")
        await open_key(client, exam_server.world.keys[0])
        await client.wait_for("Vos informations")
        client.press("enter")  # civility, then into « Nom »: a text field
        client.type("Dupont")
        assert await idle_bytes(client) == 0, "identity form"


async def test_staff_forms_send_nothing_when_idle(admin_server: RunningServer) -> None:
    async with await ScreenClient.connect(admin_server.port, username="admin", password="secret",
                                          term_type="xterm") as client:
        await client.wait_for("Centres")
        client.press("2")
        await client.wait_for("Centre Alpha")
        client.press("n")  # the new-centre form, « Nom » focused
        client.type("Centre")
        await client.wait_for("Centre")
        assert await idle_bytes(client) == 0, "administration form"
