"""End-to-end test support: a real SSH server and a client that sees a screen.

`ScreenClient` is a real asyncssh client with a pty whose output is fed to a
`pyte` terminal emulator, so tests assert on what a person would see. Waits
are driven by incoming data (never blind sleeps) and fail with the screen
contents in the message.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh
import pyte

from sshserver.server import AppFactory, start_server

KEYS: dict[str, str] = {
    "enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f",
    "space": " ", "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C",
    "left": "\x1b[D", "home": "\x1b[H", "end": "\x1b[F", "insert": "\x1b[2~",
    "delete": "\x1b[3~", "pageup": "\x1b[5~", "pagedown": "\x1b[6~",
    "shift+tab": "\x1b[Z",
    "f1": "\x1bOP", "f2": "\x1bOQ", "f3": "\x1bOR", "f4": "\x1bOS",
    "f5": "\x1b[15~", "f6": "\x1b[17~", "f7": "\x1b[18~", "f8": "\x1b[19~",
    "f9": "\x1b[20~", "f10": "\x1b[21~", "f11": "\x1b[23~", "f12": "\x1b[24~",
}
"""Bytes an xterm sends for named keys; ``ctrl+x`` is computed."""


def key_bytes(name: str) -> str:
    """What the terminal sends for a key name such as "enter" or "ctrl+q"."""
    if name in KEYS:
        return KEYS[name]
    if name.startswith("ctrl+") and len(name) == 6 and name[5].isalpha():
        return chr(ord(name[5].lower()) - ord("a") + 1)
    if len(name) == 1:
        return name
    raise ValueError(f"unknown key {name!r}")


_SGR = re.compile(rb"\x1b\[([\d;:]*)m")


def colour_modes(raw: bytes) -> set[str]:
    """Which colour encodings appear in SGR sequences: standard, 256, truecolor."""
    modes: set[str] = set()
    for match in _SGR.finditer(raw):
        params = [int(p) if p.isdigit() else -1 for p in match[1].split(b";")]
        index = 0
        while index < len(params):
            code = params[index]
            if code in (38, 48) and index + 1 < len(params):
                modes.add({5: "256", 2: "truecolor"}.get(params[index + 1], "?"))
                index += 3 if params[index + 1] == 5 else 5
                continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                modes.add("standard")
            index += 1
    return modes


@dataclass
class StaticAuthenticator:
    """Test authenticator: the principal is the login itself."""

    passwords: dict[str, str] = field(default_factory=lambda: {"alice": "secret"})
    keys: dict[str, list[asyncssh.SSHKey]] = field(default_factory=dict)
    candidates: set[str] = field(default_factory=set)

    async def check_password(self, login: str, password: str, source: str) -> str | None:
        return login if self.passwords.get(login) == password else None

    async def check_public_key(self, login: str, key: asyncssh.SSHKey,
                               source: str) -> str | None:
        wanted = key.public_data
        return login if any(k.public_data == wanted for k in self.keys.get(login, ())) else None

    def is_candidate_login(self, login: str) -> bool:
        return login in self.candidates

    def candidate(self, login: str, source: str) -> str:
        return login


@dataclass
class RunningServer:
    acceptor: asyncssh.SSHAcceptor
    host: str
    port: int
    host_key_path: Path

    async def stop(self) -> None:
        self.acceptor.close()
        await self.acceptor.wait_closed()


async def start_test_server(
    tmp_path: Path,
    app_factory: AppFactory[Any],
    authenticator: Any = None,
    **options: Any,
) -> RunningServer:
    """A real server on 127.0.0.1, free port, host key generated in tmp_path."""
    options.setdefault("failure_delay", 0.0)
    key_path = tmp_path / "host_ed25519"
    acceptor = await start_server(
        "127.0.0.1", 0, key_path, authenticator or StaticAuthenticator(), app_factory,
        **options,
    )
    port = acceptor.sockets[0].getsockname()[1]
    return RunningServer(acceptor, "127.0.0.1", port, key_path)


class _ClientSession(asyncssh.SSHClientSession[bytes]):
    def __init__(self, client: ScreenClient) -> None:
        self._client = client

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._client._on_data(data)

    def exit_status_received(self, status: int) -> None:
        self._client.exit_status = status

    def connection_lost(self, exc: Exception | None) -> None:
        self._client._on_closed()


class ScreenClient:
    """An SSH client with a pty, rendering what it receives on a pyte screen."""

    def __init__(self, cols: int, rows: int) -> None:
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        """Every byte received on the session channel."""
        self._display: list[str] | None = None  # rendered once per change
        self.exit_status: int | None = None
        self.closed = False
        self._changed = asyncio.Event()
        self._conn: asyncssh.SSHClientConnection | None = None
        self._chan: asyncssh.SSHClientChannel[bytes] | None = None

    @classmethod
    async def connect(
        cls,
        port: int,
        *,
        host: str = "127.0.0.1",
        username: str = "alice",
        password: str | None = "secret",
        client_keys: Iterable[asyncssh.SSHKey] | None = None,
        term_type: str = "xterm-256color",
        cols: int = 80,
        rows: int = 24,
        env: Mapping[str, str] | None = None,
        command: str | None = None,
        request_pty: bool = True,
        **options: Any,
    ) -> ScreenClient:
        """Log in and open an interactive session (a shell request, like `ssh`)."""
        client = cls(cols, rows)
        client._conn = await asyncssh.connect(
            host, port, username=username, password=password,
            client_keys=list(client_keys) if client_keys is not None else None,
            known_hosts=None, agent_path=None, config=[], **options,
        )
        environment: dict[bytes | str, bytes | str] = {k: v for k, v in (env or {}).items()}
        client._chan, _ = await client._conn.create_session(
            lambda: _ClientSession(client), command,
            term_type=term_type if request_pty else None,
            term_size=(cols, rows), env=environment, encoding=None,
            request_pty=request_pty,
        )
        return client

    async def __aenter__(self) -> ScreenClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- what the person sees ------------------------------------------------

    @property
    def display(self) -> list[str]:
        """The screen, one string per row (rendered again only after a change:
        pyte renders every cell each time, most of a load client's CPU)."""
        if self._display is None:
            self._display = list(self.screen.display)
        return self._display

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.display)

    @property
    def bytes_received(self) -> int:
        return len(self.raw)

    # -- acting ----------------------------------------------------------------

    def send(self, data: str | bytes) -> None:
        """Send raw input (str is UTF-8 encoded)."""
        assert self._chan is not None
        self._chan.write(data.encode("utf-8") if isinstance(data, str) else data)

    def press(self, *keys: str) -> None:
        """Send named keys, e.g. ``press("tab", "ctrl+q")``."""
        self.send("".join(key_bytes(key) for key in keys))

    def type(self, text: str) -> None:
        self.send(text)

    def click(self, col: int, row: int, button: int = 0) -> None:
        """Press and release a mouse button on a cell (SGR mouse report, 0-based)."""
        self.send(f"\x1b[<{button};{col + 1};{row + 1}M\x1b[<{button};{col + 1};{row + 1}m")

    def find(self, text: str) -> tuple[int, int]:
        """(column, row) where `text` starts on the screen; AssertionError if absent."""
        for row, line in enumerate(self.display):
            col = line.find(text)
            if col >= 0:
                return col, row
        raise AssertionError(f"{text!r} not on screen:\n{self.text}")

    def resize(self, cols: int, rows: int) -> None:
        """Resize the client terminal (sends an SSH window-change)."""
        assert self._chan is not None
        self.screen.resize(rows, cols)
        self._display = None
        self._chan.change_terminal_size(cols, rows)

    # -- waiting -----------------------------------------------------------------

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        """Wait until `predicate()` holds, re-checking whenever data arrives."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closed:
                state = "session closed" if self.closed else f"timed out after {timeout}s"
                raise AssertionError(f"{state} waiting for {what}; screen:\n{self.text}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass

    async def wait_for(self, text: str, timeout: float = 5.0) -> None:
        """Wait until `text` is visible on the screen."""
        await self.wait_until(lambda: text in self.text, timeout, repr(text))

    async def wait_gone(self, text: str, timeout: float = 5.0) -> None:
        await self.wait_until(lambda: text not in self.text, timeout, f"{text!r} to go")

    async def wait_quiet(self, quiet: float = 0.2, timeout: float = 5.0) -> None:
        """Wait until nothing has arrived for `quiet` seconds (for measurements)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.closed:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), quiet)
            except TimeoutError:
                return
            if loop.time() > deadline:
                raise AssertionError(f"output still flowing after {timeout}s")

    async def wait_closed(self, timeout: float = 5.0) -> int | None:
        """Wait for the server to end the session; returns its exit status."""
        await self.wait_until(lambda: self.closed, timeout, "session end")
        return self.exit_status

    # -- ending ------------------------------------------------------------------

    async def close(self) -> None:
        """Disconnect politely (SSH disconnect message)."""
        if self._conn is not None:
            self._conn.close()
            await self._conn.wait_closed()

    def abort(self) -> None:
        """Drop the TCP connection abruptly, like a network failure."""
        if self._conn is not None:
            self._conn.abort()

    @property
    def connection(self) -> asyncssh.SSHClientConnection:
        assert self._conn is not None
        return self._conn

    def _on_data(self, data: bytes) -> None:
        self.raw += data
        self._stream.feed(data)
        self._display = None
        self._changed.set()

    def _on_closed(self) -> None:
        self.closed = True
        self._changed.set()
