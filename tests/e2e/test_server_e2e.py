"""The real `qcm serve` worker end to end: routes, authentication, exec,
SFTP, forwarding, session guard — with real asyncssh clients."""

from __future__ import annotations

from tests.e2e.server_fixtures import Served, served, serve  # noqa: F401


async def test_routes_show_their_first_screen(served: Served) -> None:
    async with await served.screen("candidat") as client:
        await client.wait_for("Votre identifiant")
        print(client.text)
    async with await served.screen("demo", "demo-demo") as client:
        await client.wait_for("DEMO_PV-RES_session-en-ligne")
        print(client.text)
    async with await served.screen("admin", "admin-demo") as client:
        await client.wait_quiet(0.5)
        print(client.text)
