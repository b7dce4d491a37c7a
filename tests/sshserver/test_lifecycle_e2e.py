"""Sessions end cleanly: nothing of a finished app survives, failures stay local."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from pathlib import Path

import pytest

from sshserver.session import CRASH_MESSAGE, SessionOptions
from tests.e2e_helpers import ScreenClient, StaticAuthenticator, start_test_server
from tests.sshserver.conftest import Harness, serve_tiny_app
from tests.sshserver.tiny_app import TinyApp


async def wait_collected(refs: list[weakref.ref[TinyApp]], timeout: float = 10.0) -> None:
    """Wait until every app is garbage: sessions end asynchronously after a disconnect."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        gc.collect()
        alive = [ref() for ref in refs if ref() is not None]
        if not alive:
            return
        if loop.time() > deadline:
            referrers = [type(r).__name__ for r in gc.get_referrers(alive[0])]
            raise AssertionError(f"{len(alive)} app(s) still alive; held by {referrers}")
        del alive
        await asyncio.sleep(0.05)


async def test_exit_restores_the_terminal_and_shows_the_goodbye(harness: Harness) -> None:
    client = await harness.connect()
    await client.wait_for("Votre nom")
    client.press("f10")
    assert await client.wait_closed() == 0
    tail = bytes(client.raw[-200:])
    for sequence in (b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?1000l", b"\x1b[?2004l", b"\x1b[?7h"):
        assert sequence in tail
    assert tail.endswith("Au revoir !\r\n".encode())
    await client.close()
    await wait_collected(harness.record.apps)


async def test_a_dropped_client_frees_its_app_while_others_go_on(harness: Harness) -> None:
    leaving = await harness.connect()
    staying = await harness.connect(username="bob")
    await leaving.wait_for("Bonjour alice")
    await staying.wait_for("Bonjour bob")
    leaving.type("à moitié")
    await leaving.wait_for("à moitié")
    leaving.abort()  # TCP connection gone, no SSH goodbye
    await wait_collected(harness.record.apps[:1])
    staying.type("toujours là")
    await staying.wait_for("toujours là")
    staying.press("f5")
    await staying.wait_for("Salut toujours là !")
    await staying.close()
    await wait_collected(harness.record.apps)


async def test_a_crashing_app_ends_only_its_own_session(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    crashing = await harness.connect()
    other = await harness.connect(username="bob")
    await crashing.wait_for("Votre nom")
    await other.wait_for("Votre nom")
    with caplog.at_level(logging.ERROR, logger="sshserver.session"):
        crashing.press("f9")
        assert await crashing.wait_closed() == 1
    assert CRASH_MESSAGE.encode() in crashing.raw
    assert b"Traceback" not in crashing.raw and b"boom" not in crashing.raw
    assert any("boom (volontaire)" in record.getMessage() for record in caplog.records)
    other.type("ok")
    await other.wait_for("ok")
    await crashing.close()
    await other.close()
    caplog.clear()
    await wait_collected(harness.record.apps)


async def test_sequential_sessions_leave_nothing_behind(harness: Harness) -> None:
    for index in range(15):
        client = await harness.connect()
        await client.wait_for("Votre nom")
        if index % 3 == 0:
            client.abort()
        elif index % 3 == 1:
            client.press("f10")
            await client.wait_closed()
        else:
            await client.close()
    await wait_collected(harness.record.apps)
    assert len(harness.record.apps) == 15


async def test_an_app_stuck_after_disconnect_is_cancelled(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    options = SessionOptions(exit_grace=0.3)
    async with serve_tiny_app(tmp_path, session_options=options) as harness:
        client = await harness.connect()
        await client.wait_for("Votre nom")
        client.press("f8")  # the app now awaits forever inside an action
        await client.wait_for("Bloqué")
        client.abort()
        with caplog.at_level(logging.WARNING, logger="sshserver.session"):
            await wait_collected(harness.record.apps)
        assert any("cancelled" in record.getMessage() for record in caplog.records)


async def test_app_factories_may_be_coroutines_and_may_fail(tmp_path: Path) -> None:
    async def factory(principal: str, process: object) -> TinyApp:
        if principal == "bob":
            raise LookupError("compte introuvable")
        await asyncio.sleep(0)
        return TinyApp(principal)

    authenticator = StaticAuthenticator(passwords={"alice": "secret", "bob": "secret"})
    server = await start_test_server(tmp_path, factory, authenticator)
    try:
        failing = await ScreenClient.connect(server.port, username="bob")
        assert await failing.wait_closed() == 1
        assert CRASH_MESSAGE.encode() in failing.raw
        await failing.close()
        async with await ScreenClient.connect(server.port) as client:
            await client.wait_for("Bonjour alice")
    finally:
        await server.stop()
