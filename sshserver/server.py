"""A thin asyncssh server: authenticate, then run one Textual app per session.

Who may log in is decided by an injected `Authenticator`; what they see is
built by an injected `app_factory`; exec commands and SFTP go to injected
handlers when given (refused otherwise). Port, agent and X11 forwarding,
other subsystems and extra sessions on one connection are refused.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

import asyncssh
from textual.app import App

from sshserver.admission import Door, StartGate, Ticket
from sshserver.collector import Collector
from sshserver.hostkey import load_or_create_host_key
from sshserver.session import CRASH_MESSAGE, SessionOptions, run_app_session
from tui.base import QcmApp

logger = logging.getLogger(__name__)

P = TypeVar("P")
P_co = TypeVar("P_co", covariant=True)

COMMAND_REFUSED = "Les commandes ne sont pas acceptées : connectez-vous sans commande.\r\n"
SESSION_REFUSED = "Une seule session est permise par connexion.\r\n"
AT_THE_DOOR = ("Beaucoup de candidats arrivent en même temps :\r\n"
               "votre écran s'ouvre dans un instant. Ne fermez pas cette fenêtre.\r\n")
PLACE_IN_LINE = "\r\x1b[KPlace dans la file : {}"
CLEAR_SCREEN = "\x1b[H\x1b[2J"


class Authenticator(Protocol[P_co]):
    """Decides who may log in; returns the principal handed to the app factory."""

    async def check_password(self, login: str, password: str, source: str) -> P_co | None:
        """The principal for this login and password, or `None`.

        `source` is the client's address, for per-address throttling."""
        ...

    async def check_public_key(self, login: str, key: asyncssh.SSHKey,
                               source: str) -> P_co | None:
        """The principal if `key` is authorized for `login`, or `None`.

        Only says whether the key is acceptable: asyncssh then checks that the
        client holds the private key. May be called twice for one key.
        """
        ...

    def is_candidate_login(self, login: str) -> bool:
        """Candidate logins need no SSH authentication (the app asks for a key)."""
        ...

    def candidate(self, login: str, source: str) -> P_co:
        """The principal of a candidate login from `source`."""
        ...


AppFactory = Callable[
    [P, "asyncssh.SSHServerProcess[bytes]"], "App[Any] | Awaitable[App[Any]]"
]
"""Builds (or, as a coroutine, prepares) the app for a principal and its session."""

ExecHandler = Callable[[P, "asyncssh.SSHServerProcess[bytes]"], Awaitable[int]]
"""Runs one exec command for a principal; returns the exit status."""

SftpFactory = Callable[[P, "asyncssh.SSHServerChannel[bytes]"], asyncssh.SFTPServer]
"""Builds the SFTP server of a principal (it refuses what the principal may not do)."""


class LiveSessions:
    """The open connections and running sessions of one server, so that it can
    stop cleanly: close the connections, then let the apps finish (they give
    their exam keys back) before the store closes."""

    def __init__(self, collector: Collector | None = None) -> None:
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.collector = collector

    async def close(self, grace: float = 10.0) -> None:
        for conn in list(self.connections):
            conn.close()
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=grace)


class ExamSSHServer(asyncssh.SSHServer, Generic[P]):
    """One instance per connection: authentication state only."""

    def __init__(
        self,
        authenticator: Authenticator[P],
        *,
        max_password_failures: int = 5,
        max_key_rejections: int = 10,
        failure_delay: float = 1.0,
        live: LiveSessions | None = None,
    ) -> None:
        self._authenticator = authenticator
        self._max_password_failures = max_password_failures
        self._max_key_rejections = max_key_rejections
        self._failure_delay = failure_delay
        self._password_failures = 0
        self._key_rejections = 0
        self._candidate: P | None = None
        self.principal: P | None = None
        """Set once authentication has completed."""
        self.session_open = False
        self.source = "?"
        self._live = live
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        self.source = str(peer[0]) if peer else "?"
        self._conn = conn
        if self._live is not None:
            self._live.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        self._candidate = None
        if self._live is not None and self._conn is not None:
            self._live.connections.discard(self._conn)
        self._conn = None

    def begin_auth(self, username: str) -> bool:
        if self._authenticator.is_candidate_login(username):
            # Candidates need no SSH credentials: the exam app asks for a key.
            self._candidate = self._authenticator.candidate(username, self.source)
            return False
        return True

    def password_auth_supported(self) -> bool:
        return self._password_failures < self._max_password_failures

    def public_key_auth_supported(self) -> bool:
        return self._key_rejections < self._max_key_rejections

    async def validate_password(self, username: str, password: str) -> bool:
        principal = await self._authenticator.check_password(username, password, self.source)
        if principal is None:
            self._password_failures += 1
            logger.info("password refused for %r (%d)", username, self._password_failures)
            await asyncio.sleep(self._failure_delay)
            return False
        self._candidate = principal
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        principal = None
        if not self._authenticator.is_candidate_login(username):
            principal = await self._authenticator.check_public_key(username, key, self.source)
        if principal is None:
            self._key_rejections += 1
            return False
        self._candidate = principal
        return True

    def auth_completed(self) -> None:
        self.principal, self._candidate = self._candidate, None

    # Everything but the session itself is refused.
    def connection_requested(self, *args: Any) -> bool:
        return False

    def server_requested(self, *args: Any) -> bool:
        return False

    def unix_connection_requested(self, *args: Any) -> bool:
        return False

    def unix_server_requested(self, *args: Any) -> bool:
        return False

    def tun_requested(self, *args: Any) -> bool:
        return False

    def tap_requested(self, *args: Any) -> bool:
        return False


class SessionLauncher(Generic[P]):
    """asyncssh ``process_factory``: builds the app and runs it for one session."""

    def __init__(self, app_factory: AppFactory[P], options: SessionOptions,
                 exec_handler: ExecHandler[P] | None = None,
                 live: LiveSessions | None = None,
                 door: Door[P] | None = None) -> None:
        self._app_factory = app_factory
        self._options = options
        self._exec_handler = exec_handler
        self._live = live
        self._door = door

    async def __call__(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        server: ExamSSHServer[P] = process.get_extra_info("connection").get_owner()
        if process.subsystem is not None or (process.command is not None
                                             and self._exec_handler is None):
            _refuse(process, COMMAND_REFUSED)
            return
        if server.session_open or server.principal is None:
            _refuse(process, SESSION_REFUSED)
            return
        server.session_open = True
        task = asyncio.current_task()
        if self._live is not None and task is not None:
            self._live.tasks.add(task)
        try:
            if process.command is not None:
                assert self._exec_handler is not None
                await self._run_exec(server.principal, process)
                return
            ticket = None
            if self._door is not None and self._door.holds(server.principal):
                ticket = await _wait_at(self._door.gate, process)
                if ticket is None:
                    return  # left while waiting
            try:
                await self._run_app(server.principal, process, ticket)
            finally:
                if ticket is not None:
                    ticket.release()
        finally:
            server.session_open = False
            if self._live is not None and task is not None:
                self._live.tasks.discard(task)

    async def _run_app(self, principal: P, process: asyncssh.SSHServerProcess[bytes],
                       ticket: Ticket | None) -> None:
        try:
            made = self._app_factory(principal, process)
            app = await made if inspect.isawaitable(made) else made
        except Exception:
            logger.exception("app factory failed")
            _refuse(process, CRASH_MESSAGE)
            return
        if ticket is not None and isinstance(app, QcmApp):
            app.past_start = ticket.release
        collector = self._live.collector if self._live is not None else None
        if collector is not None:
            collector.session_started()
        try:
            await run_app_session(process, app, self._options)
        finally:
            if collector is not None:
                collector.session_ended()

    async def _run_exec(self, principal: P, process: asyncssh.SSHServerProcess[bytes]) -> None:
        assert self._exec_handler is not None
        try:
            status = await self._exec_handler(principal, process)
        except Exception:
            logger.exception("exec command failed: %r", process.command)
            _refuse(process, CRASH_MESSAGE)
            return
        try:
            process.exit(status)
        except (OSError, asyncssh.Error):
            process.close()


async def _wait_at(gate: StartGate, process: asyncssh.SSHServerProcess[bytes]) -> Ticket | None:
    """A place at `gate` for this session, its place in line shown meanwhile;
    `None` if the client leaves first."""
    place = _PlaceInLine(process)
    ticket = await gate.enter(place, process.is_closing)
    if ticket is not None:
        place.clear()
    return ticket


class _PlaceInLine:
    """What a candidate waiting at the door reads: why, at once, then their
    place in line on one line rewritten in place (a few bytes per change)."""

    def __init__(self, process: asyncssh.SSHServerProcess[bytes]) -> None:
        self._process = process
        self._first = True

    def __call__(self, place: int) -> None:
        text = PLACE_IN_LINE.format(place)
        if self._first:
            text, self._first = AT_THE_DOOR + text, False
        self._write(text)

    def clear(self) -> None:
        """Wipe the door's words, if shown: the terminal shows them again
        when the app leaves its screen at the end."""
        if not self._first:
            self._write(CLEAR_SCREEN)

    def _write(self, text: str) -> None:
        try:
            self._process.stdout.write(text.encode("utf-8"))
        except (OSError, asyncssh.Error):
            pass  # gone: the gate sees it at its next look


def _refuse(process: asyncssh.SSHServerProcess[bytes], message: str) -> None:
    try:
        process.stdout.write(message.encode("utf-8"))
        process.exit(1)
    except (OSError, asyncssh.Error):
        process.close()


def _owned_sftp(factory: SftpFactory[P],
                chan: asyncssh.SSHServerChannel[bytes]) -> asyncssh.SFTPServer:
    # asyncssh types the owner as its base classes; start_server makes every
    # connection's owner an ExamSSHServer.
    server = cast(ExamSSHServer[P], chan.get_connection().get_owner())
    if server.principal is None:
        raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                                        "not authenticated")
    return factory(server.principal, chan)


async def start_server(
    host: str,
    port: int,
    host_key: Path | str | asyncssh.SSHKey,
    authenticator: Authenticator[P],
    app_factory: AppFactory[P],
    *,
    login_timeout: float = 60.0,
    keepalive_interval: float = 30.0,
    keepalive_count_max: int = 3,
    max_password_failures: int = 5,
    failure_delay: float = 1.0,
    session_options: SessionOptions = SessionOptions(),
    reuse_port: bool = False,
    exec_handler: ExecHandler[P] | None = None,
    sftp_factory: SftpFactory[P] | None = None,
    live: LiveSessions | None = None,
    door: Door[P] | None = None,
) -> asyncssh.SSHAcceptor:
    """Listen on `host`:`port` (0 picks a free port) and return the acceptor.

    `host_key` is the Ed25519 host key, or the path of its file, created
    there on first start. `reuse_port` lets several worker processes share
    the port. `door` holds the principals it names (candidates) at its gate
    until there is room for them.
    """
    key = host_key if isinstance(host_key, asyncssh.SSHKey) else load_or_create_host_key(host_key)
    return await asyncssh.create_server(
        partial(ExamSSHServer, authenticator, max_password_failures=max_password_failures,
                failure_delay=failure_delay, live=live),
        host,
        port,
        server_host_keys=[key],
        process_factory=SessionLauncher(app_factory, session_options, exec_handler, live,
                                        door),
        sftp_factory=partial(_owned_sftp, sftp_factory) if sftp_factory else None,
        encoding=None,
        line_editor=False,
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        login_timeout=login_timeout,
        keepalive_interval=keepalive_interval,
        keepalive_count_max=keepalive_count_max,
        reuse_port=reuse_port,
    )
