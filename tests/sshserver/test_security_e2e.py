"""Only authenticated interactive sessions: everything else is refused."""

from __future__ import annotations

import os
from pathlib import Path

import asyncssh
import pytest

from sshserver.hostkey import HostKeyError, host_key_fingerprint, load_or_create_host_key
from sshserver.server import COMMAND_REFUSED, SESSION_REFUSED
from sshserver.session import NO_PTY_MESSAGE
from tests.e2e_helpers import ScreenClient
from tests.sshserver.conftest import Harness, serve_tiny_app


async def test_tcp_and_unix_forwarding_are_refused(harness: Harness) -> None:
    async with await harness.connect() as client:
        await client.wait_for("Votre nom")
        conn = client.connection
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", harness.server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_unix_connection(asyncssh.SSHUNIXSession, "/tmp/x.sock")
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_path("/tmp/qcm-test.sock", "/tmp/x.sock")
        client.type("vivant")
        await client.wait_for("vivant")


async def test_agent_forwarding_is_refused(harness: Harness, tmp_path: Path) -> None:
    harness.record.keep_processes = True
    async with await harness.connect(agent_forwarding=str(tmp_path / "agent.sock")) as client:
        await client.wait_for("Votre nom")
        (process,) = harness.record.processes
        assert process.channel.get_agent_path() is None


async def test_commands_are_refused(harness: Harness) -> None:
    client = await harness.connect(command="cat /etc/passwd")
    assert await client.wait_closed() == 1
    assert bytes(client.raw) == COMMAND_REFUSED.encode()
    assert harness.record.apps == []


async def test_a_session_without_pty_is_refused(harness: Harness) -> None:
    client = await harness.connect(request_pty=False)
    assert await client.wait_closed() == 1
    assert NO_PTY_MESSAGE.encode() in client.raw


class _Collector(asyncssh.SSHClientSession[bytes]):
    def __init__(self) -> None:
        self.data = b""

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.data += data


async def test_one_session_per_connection(harness: Harness) -> None:
    async with await harness.connect() as client:
        await client.wait_for("Votre nom")
        chan, session = await client.connection.create_session(
            _Collector, term_type="xterm", encoding=None
        )
        assert isinstance(session, _Collector)
        await chan.wait_closed()
        assert chan.get_exit_status() == 1
        assert session.data == SESSION_REFUSED.encode()
        client.type("seul")
        await client.wait_for("seul")
    assert len(harness.record.apps) == 1


async def test_a_wrong_password_is_refused(harness: Harness) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        await ScreenClient.connect(harness.server.port, password="faux")
    with pytest.raises(asyncssh.PermissionDenied):
        await ScreenClient.connect(harness.server.port, username="inconnu")
    assert harness.record.apps == []


async def test_password_attempts_are_capped(tmp_path: Path) -> None:
    tries: list[str] = []

    class CountingClient(asyncssh.SSHClient):
        def password_auth_requested(self) -> str | None:
            tries.append("x")
            return "faux" if len(tries) < 20 else None

    async with serve_tiny_app(tmp_path, max_password_failures=3) as harness:
        with pytest.raises(asyncssh.PermissionDenied):
            await asyncssh.connect(
                "127.0.0.1", harness.server.port, username="alice", known_hosts=None,
                client_factory=CountingClient, client_keys=None, agent_path=None, config=[],
                preferred_auth=["password"],
            )
    assert len(tries) == 3


async def test_public_keys_for_staff_and_no_credentials_for_candidates(harness: Harness) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    harness.authenticator.keys = {"alice": [key]}
    async with await harness.connect(password=None, client_keys=[key]) as client:
        await client.wait_for("Bonjour alice")
    # The candidate login asks for nothing: the exam app asks for the exam key.
    async with await harness.connect(username="cand", password=None, client_keys=None) as client:
        await client.wait_for("Bonjour cand")
    with pytest.raises(asyncssh.PermissionDenied):
        await harness.connect(username="bob", password=None, client_keys=[key])


def test_host_key_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "host_ed25519"
    first = load_or_create_host_key(path)
    assert first.algorithm == b"ssh-ed25519"
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert load_or_create_host_key(path).public_data == first.public_data
    fingerprint = host_key_fingerprint(path)
    assert fingerprint.startswith("SHA256:") and fingerprint == host_key_fingerprint(first)
    assert [p.name for p in path.parent.iterdir()] == ["host_ed25519"]


def test_a_host_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "host_ed25519"
    load_or_create_host_key(path)
    path.chmod(0o644)
    with pytest.raises(HostKeyError, match="chmod 600"):
        load_or_create_host_key(path)


async def test_the_client_sees_the_announced_fingerprint(harness: Harness) -> None:
    async with await harness.connect() as client:
        await client.wait_for("Votre nom")
        server_key = client.connection.get_server_host_key()
        assert server_key is not None
        assert server_key.get_fingerprint("sha256") == host_key_fingerprint(
            harness.server.host_key_path
        )
