"""Idle means 0 bytes: no blinking cursor on the wire, on any screen with a
text field (a steady cursor is fine)."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import ExamServer
from tests.e2e.test_candidate_e2e import open_key
from tests.e2e_helpers import ScreenClient, StaticAuthenticator, start_test_server

IDLE = 1.6  # seconds: three blinks of Textual's default cursor


async def idle_bytes(client: ScreenClient) -> int:
    """Bytes received while nobody types, once the screen has settled."""
    await client.wait_quiet(0.3, timeout=10)
    before = client.bytes_received
    await asyncio.sleep(IDLE)
    return client.bytes_received - before


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


async def test_staff_forms_send_nothing_when_idle(tmp_path) -> None:
    from tests.admin_seed import seed
    from tui.admin_app import AdminApp

    seeded = await seed(tmp_path / "data")
    account = await seeded.store.centres.account("admin")
    server = await start_test_server(
        tmp_path, lambda principal, process: AdminApp(seeded.store, account, seeded.clock),
        StaticAuthenticator(passwords={"admin": "secret"}))
    try:
        async with await ScreenClient.connect(server.port, username="admin", password="secret",
                                              term_type="xterm") as client:
            await client.wait_for("Centres")
            client.press("2")
            await client.wait_for("Centre Alpha")
            client.press("n")  # the new-centre form, « Nom » focused
            client.type("Centre")
            await client.wait_for("Centre")
            assert await idle_bytes(client) == 0, "administration form"
    finally:
        await server.stop()
        await seeded.store.close()
