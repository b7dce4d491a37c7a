"""The real OpenSSH client, in a real terminal (tmux), logs in with a key."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import asyncssh
import pytest

from tests.sshserver.conftest import Harness

pytestmark = pytest.mark.skipif(
    not (shutil.which("ssh") and shutil.which("tmux")), reason="needs ssh and tmux"
)


class Tmux:
    """A private tmux server (own socket) holding one 80x24 window."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    async def run(self, *args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            "tmux", "-S", str(self.socket), "-f", "/dev/null", *args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8"},
        )
        out, err = await process.communicate()
        if process.returncode:
            raise RuntimeError(f"tmux {args[0]} failed: {err.decode()}")
        return out.decode()

    async def screen(self) -> str:
        return await self.run("capture-pane", "-p", "-t", "qcm")

    async def wait_for(self, text: str, timeout: float = 15.0) -> str:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            screen = await self.screen()
            if text in screen:
                return screen
            if loop.time() > deadline:
                raise AssertionError(f"{text!r} not shown; pane:\n{screen}")
            await asyncio.sleep(0.1)


async def test_openssh_client_in_tmux_sees_the_app(harness: Harness, tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = tmp_path / "id_ed25519"
    key.write_private_key(key_path)
    key_path.chmod(0o600)
    harness.authenticator.keys = {"alice": [key]}
    ssh = (
        f"ssh -tt -F /dev/null -p {harness.server.port} -i {key_path}"
        " -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no"
        " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR alice@127.0.0.1"
    )
    tmux = Tmux(tmp_path / "tmux.sock")
    await tmux.run("new-session", "-d", "-s", "qcm", "-x", "80", "-y", "24",
                   f"{ssh}; sleep 30")
    try:
        await tmux.wait_for("Votre nom")
        screen = await tmux.wait_for("bas de l'écran 80x24")
        assert "Bonjour alice" in screen
        assert "bas de l'écran 80x24" in screen.splitlines()[23]
        await tmux.run("send-keys", "-t", "qcm", "-l", "Zoé")
        await tmux.run("send-keys", "-t", "qcm", "F5")
        await tmux.wait_for("Salut Zoé !")
        await tmux.run("resize-window", "-t", "qcm", "-x", "100", "-y", "30")
        await tmux.wait_for("100x30")
        await tmux.run("send-keys", "-t", "qcm", "F10")
        screen = await tmux.wait_for("Au revoir !")
        assert "Votre nom" not in screen  # back on the normal screen
    finally:
        try:
            await tmux.run("kill-server")
        except RuntimeError:
            pass
