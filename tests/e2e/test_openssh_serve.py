"""The full path: `qcm serve` as a real process (2 workers sharing the port
with SO_REUSEPORT) and the OpenSSH client, in tmux for the candidate."""

from __future__ import annotations

import asyncio
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest

from sshserver.hostkey import host_key_fingerprint
from tests.e2e_helpers import ScreenClient
from tests.sshserver.test_openssh_tmux import Tmux

pytestmark = pytest.mark.skipif(
    not (shutil.which("ssh") and shutil.which("tmux")), reason="needs ssh and tmux")

ROOT = Path(__file__).resolve().parents[2]
KEY = re.compile(r"^\s+([0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5})$", re.M)
SSH_OPTIONS = ["-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
               "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def qcm(config: Path, *args: str, input: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "sshserver.cli", "--config", str(config), *args],
                          cwd=ROOT, input=input, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def candidate_in_tmux(tmp_path: Path, port: int) -> Tmux:
    """OpenSSH as a candidate in an 80x24 tmux window (the pane stays 30 s
    after ssh ends, so that what is left on the terminal can be read)."""
    ssh = " ".join(["ssh", "-tt", "-p", str(port), *SSH_OPTIONS, "candidat@127.0.0.1"])
    tmux = Tmux(tmp_path / "tmux.sock")
    await tmux.run("new-session", "-d", "-s", "qcm", "-x", "80", "-y", "24", f"{ssh}; sleep 30")
    return tmux


class Serve:
    def __init__(self, config: Path, port: int, *args: str) -> None:
        self.log = config.with_suffix(".log")
        with self.log.open("w") as log:  # a pipe nobody reads could block the server
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sshserver.cli", "--config", str(config), "serve",
                 *args],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
        self.port = port

    async def ready(self) -> str:
        assert self.process.stdout is not None
        first = await asyncio.to_thread(self.process.stdout.readline)
        for _ in range(300):
            try:
                # asyncssh handshake: a worker (not just the socket) is serving
                async with asyncssh.connect("127.0.0.1", self.port, username="candidat",
                                            known_hosts=None, config=[], agent_path=None):
                    return first
            except (OSError, asyncssh.Error):
                await asyncio.sleep(0.1)
        raise AssertionError(f"server not ready: {first}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("qcm serve did not stop on SIGTERM") from None
        finally:
            assert self.process.stdout is not None
            self.process.stdout.close()
        assert "Traceback" not in self.log.read_text(), self.log.read_text()
        return self.process.returncode


async def test_qcm_serve_with_openssh(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "qcm.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[ssh]\nhost = "127.0.0.1"\n'
                      f"port = {port}\nworkers = 2\n", encoding="utf-8")
    keys = KEY.findall(qcm(config, "demo"))
    assert len(keys) == 5
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = tmp_path / "id_ed25519"
    client_key.write_private_key(key_path)
    key_path.chmod(0o600)
    client_key.write_public_key(tmp_path / "id_ed25519.pub")
    qcm(config, "account", "key-add", "demo", "--file", str(tmp_path / "id_ed25519.pub"))

    server = Serve(config, port)
    try:
        first = await server.ready()
        fingerprint = host_key_fingerprint(tmp_path / "data" / "ssh_host_ed25519_key")
        assert fingerprint in first and "2 processus" in first
        assert (tmp_path / "data" / "ssh_host_ed25519_key").stat().st_mode & 0o777 == 0o600

        tmux = await candidate_in_tmux(tmp_path, port)
        try:
            await tmux.wait_for("Votre identifiant")
            await tmux.run("send-keys", "-t", "qcm", "-l", keys[0].lower())
            await tmux.run("send-keys", "-t", "qcm", "Enter")
            await tmux.wait_for("Vos informations")
        finally:
            await tmux.run("kill-server")

        ran = await asyncio.create_subprocess_exec(
            "ssh", "-p", str(port), "-i", str(key_path), "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes", *SSH_OPTIONS, "demo@127.0.0.1", "qcm", "list",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(ran.communicate(), 30)
        assert ran.returncode == 0, err.decode()
        assert "DEMO_PV-RES_session-en-ligne" in out.decode()
    finally:
        assert server.stop() == 0

    again = Serve(config, port)
    try:
        assert fingerprint in await again.ready()
    finally:
        assert again.stop() == 0


async def test_quiet_console_and_the_keys_printed_last(tmp_path: Path) -> None:
    """asyncssh's per-connection lines go to data_dir/qcm.log, not to the
    console; the demo accounts and keys are the last lines printed."""
    port = free_port()
    config = tmp_path / "qcm.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[ssh]\nhost = "127.0.0.1"\n'
                      f"port = {port}\nworkers = 1\n", encoding="utf-8")
    server = Serve(config, port, "--demo")
    try:
        first = await server.ready()
        assert "écoute sur" in first
        for _ in range(3):  # a few connections: asyncssh logs each at INFO
            async with asyncssh.connect("127.0.0.1", port, username="candidat",
                                        known_hosts=None, config=[], agent_path=None):
                pass
    finally:
        assert server.stop() == 0
        assert server.process.stdout is not None
    console = server.log.read_text(encoding="utf-8")  # the server's stderr
    assert "asyncssh" not in console and " INFO " not in console, console
    logged = (tmp_path / "data" / "qcm.log").read_text(encoding="utf-8")
    assert "INFO asyncssh" in logged


def test_demo_keys_are_printed_last(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "qcm.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[ssh]\nhost = "127.0.0.1"\n'
                      f"port = {port}\nworkers = 1\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "sshserver.cli", "--config", str(config), "serve", "--demo"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while sum(bool(KEY.match(line)) for line in lines) < 5 and len(lines) < 40:
            lines.append(process.stdout.readline().rstrip("\n"))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
        assert process.stdout is not None
        process.stdout.close()
    assert "écoute sur" in lines[0] and lines[1].startswith("Journal : ")
    keys = [i for i, line in enumerate(lines) if KEY.match(line)]
    assert len(keys) == 5 and keys[-1] == len(lines) - 1
    assert lines.index(next(line for line in lines if "Comptes" in line)) < keys[0]


async def test_a_room_at_the_door_with_openssh(tmp_path: Path) -> None:
    """With one place per worker: OpenSSH in tmux waits at the door while
    another candidate starts, gets the key prompt when that one leaves, and
    after quitting sees neither the app nor the door's words."""
    port = free_port()
    config = tmp_path / "qcm.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[ssh]\nhost = "127.0.0.1"\n'
                      f"port = {port}\nworkers = 1\nmax_starting = 1\n", encoding="utf-8")
    qcm(config, "demo")
    server = Serve(config, port)
    try:
        await server.ready()
        async with await ScreenClient.connect(port, username="candidat", password=None) as first:
            await first.wait_for("Votre identifiant")
            tmux = await candidate_in_tmux(tmp_path, port)
            try:
                await tmux.wait_for("Place dans la file : 1")
                await first.close()
                await tmux.wait_for("Votre identifiant")
                await tmux.run("send-keys", "-t", "qcm", "C-q")
                await tmux.wait_for("Quitter l'évaluation ?")
                await tmux.run("send-keys", "-t", "qcm", "BTab")
                await tmux.run("send-keys", "-t", "qcm", "Enter")
                screen = await tmux.screen()
                for _ in range(150):  # until the app has left its screen
                    if "Quitter" not in screen:
                        break
                    await asyncio.sleep(0.1)
                    screen = await tmux.screen()
                assert "Quitter" not in screen and "Votre identifiant" not in screen, screen
                assert "Place dans la file" not in screen, screen
            finally:
                await tmux.run("kill-server")
    finally:
        assert server.stop() == 0
