"""The real `qcm serve` worker end to end (Router, StoreAuthenticator,
ExecRunner, DocumentsSFTP): routes and authentication, with real asyncssh
clients and a pyte screen."""

from __future__ import annotations

import asyncio

import asyncssh
import pytest

from store import Scope
from tests.e2e.server_fixtures import OTHER_LOGIN, OTHER_PASSWORD, Served, serve, served  # noqa: F401


async def test_each_route_shows_its_first_screen(served: Served) -> None:
    async with await served.screen("candidat") as client:
        await client.wait_for("Votre identifiant")
        assert "Évaluation QCM en ligne" in client.text
    async with await served.screen("demo", "demo-demo") as client:
        await client.wait_for("DEMO_PV-RES_session-en-ligne")
        assert "Centre de formation" in client.text and "Sessions" in client.text
        assert "OUEST_PV-RES" not in client.text  # the other centre's QCM
    async with await served.screen(OTHER_LOGIN, OTHER_PASSWORD) as client:
        await client.wait_for("OUEST_PV-RES")
        assert "DEMO_PV-RES" not in client.text
    async with await served.screen("admin", "admin-demo") as client:
        await client.wait_for("Organisme certificateur — admin")
        assert "Centres, formateurs et comptes" in client.text


async def test_bad_password_and_unknown_user_are_refused(served: Served) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await served.connect("demo", "wrong")
    with pytest.raises(asyncssh.PermissionDenied):
        await served.connect("nobody", "demo-demo")
    with pytest.raises(asyncssh.PermissionDenied):  # no key, no password
        await served.connect("demo")


async def test_public_key_login_after_key_add(served: Served) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await served.connect("demo", client_keys=[key])
    line = key.export_public_key().decode().strip()
    added = await served.run("admin", "admin-demo", "account key-add demo -", input=line)
    assert added.exit_status == 0, added.stderr
    async with await served.screen("demo", client_keys=[key]) as client:
        await client.wait_for("DEMO_PV-RES_session-en-ligne")
    with pytest.raises(asyncssh.PermissionDenied):  # the key is demo's, not ouest's
        await served.connect(OTHER_LOGIN, client_keys=[key])


class _Guesser(asyncssh.SSHClient):
    def __init__(self) -> None:
        self.tries = 0

    def password_auth_requested(self) -> str:
        self.tries += 1
        return f"guess-{self.tries}"


async def test_at_most_max_auth_failures_per_connection(served: Served) -> None:
    guesser = _Guesser()
    with pytest.raises(asyncssh.PermissionDenied):
        await asyncssh.connect("127.0.0.1", served.port, username="demo", known_hosts=None,
                               agent_path=None, config=[], client_keys=None,
                               client_factory=lambda: guesser)
    assert guesser.tries == served.config.security.max_auth_failures == 5


async def test_failed_password_throttle_refuses_even_the_right_password(serve) -> None:
    served = await serve(security={"failed_passwords_per_minute": 3})
    for attempt in range(3):
        with pytest.raises(asyncssh.PermissionDenied):
            await served.connect("demo", f"wrong-{attempt}")
    with pytest.raises(asyncssh.PermissionDenied):
        await served.connect("demo", "demo-demo")
    with pytest.raises(asyncssh.PermissionDenied):
        await served.connect("admin", "admin-demo")  # per address, whatever the login
    async with await served.screen("candidat") as client:  # candidates need no password
        await client.wait_for("Votre identifiant")


async def test_staff_cannot_forward_ports(served: Served) -> None:
    async with await served.connect("demo", "demo-demo") as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", served.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_unix_connection(asyncssh.SSHUNIXSession, "/tmp/x.sock")


async def test_disabling_an_account_ends_its_session_and_refuses_logins(serve) -> None:
    served = await serve(guard_interval=0.1)
    async with await served.screen("demo", "demo-demo") as client:
        await client.wait_for("DEMO_PV-RES_session-en-ligne")
        async with await served.screen(OTHER_LOGIN, OTHER_PASSWORD) as other:
            await other.wait_for("OUEST_PV-RES")
            await served.store.centres.set_disabled(Scope.admin("test"), "demo", True)
            await client.wait_closed(timeout=5)
            assert not other.closed  # only the disabled account's session ends
    with pytest.raises(asyncssh.PermissionDenied):
        await served.connect("demo", "demo-demo")


async def test_staff_idle_timeout_ends_the_session_but_not_a_candidate_s(serve) -> None:
    served = await serve(staff_idle_timeout=1, guard_interval=0.1)
    async with await served.screen("candidat") as candidate:
        await candidate.wait_for("Votre identifiant")
        async with await served.screen("demo", "demo-demo") as staff:
            await staff.wait_for("DEMO_PV-RES_session-en-ligne")
            await staff.wait_closed(timeout=5)
            assert "inactivité" in staff.raw.decode("utf-8", "replace")
        await asyncio.sleep(1.5)  # well past the staff idle timeout
        assert not candidate.closed
        candidate.type(served.demo_keys[0])
        candidate.press("enter")
        await candidate.wait_for("Vos informations")
