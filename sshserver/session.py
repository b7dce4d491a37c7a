"""Run one Textual app over one SSH session, then release everything.

A failure inside the app ends that session only: it is logged, the client sees
a short French message, and the server keeps serving everyone else.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import traceback
from dataclasses import dataclass
from functools import partial
from typing import Any

import asyncssh
from rich.color import ColorSystem
from rich.console import Console
from textual.app import App

from sshserver.driver import SSHDriver
from sshserver.terminal import TerminalProfile, erases_characters, erases_with_background
from tui.release import release_app

logger = logging.getLogger(__name__)

NO_PTY_MESSAGE = (
    "Ce service nécessite un terminal interactif : "
    "connectez-vous avec « ssh -t ».\r\n"
)
CRASH_MESSAGE = (
    "Une erreur interne a interrompu la session. "
    "Reconnectez-vous ; si le problème persiste, prévenez votre formateur.\r\n"
)
SHUTDOWN_MESSAGE = "Le serveur s'arrête : la session est fermée.\r\n"


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """How sessions are run; the same for every connection of a server."""

    mouse: bool = True
    """Report clicks and the wheel to the app."""
    sync_output: bool = False
    """Use synchronized output (mode 2026) when the terminal supports it."""
    max_input_rate: float = 100.0
    """Input events per second passed to one app (see `SSHDriver`)."""
    exit_grace: float = 5.0
    """Seconds an app gets to finish after its client has gone, before cancellation."""


def terminal_profile(process: asyncssh.SSHServerProcess[Any]) -> TerminalProfile | None:
    """The client terminal, or `None` when no pty was requested."""
    term = process.term_type
    if term is None:
        return None
    width, height, _, _ = process.term_size
    return TerminalProfile.from_request(term, (width, height), process.env)


def configure_app(app: App[Any], profile: TerminalProfile, exit_output: io.StringIO) -> None:
    """Apply per-connection settings to an app that has not started yet.

    Nothing here touches process-wide state (environment, Textual constants).
    """
    app.animation_level = "none"
    # Every app renders in truecolor, because Textual shares rendered strips
    # between apps; the driver downgrades colours per session on the way out.
    # (Rich private attribute: Textual offers no per-instance setting.)
    app.console._color_system = ColorSystem.TRUECOLOR
    # Messages given to `App.exit(message=...)` (and tracebacks) are printed on
    # the error console at shutdown: collect them instead of writing to stderr.
    app.error_console = Console(
        file=exit_output,
        force_terminal=True,
        color_system=profile.color_system,
        width=profile.width,
        legacy_windows=False,
        highlight=False,
    )
    # Textual redirects sys.stdout/stderr to app-bound objects while it runs;
    # with many apps interleaving in one process, the last one to finish would
    # leave sys.stdout pointing at a finished app. Redirect to what is current.
    app._capture_stdout = sys.stdout  # type: ignore[assignment]
    app._capture_stderr = sys.stderr  # type: ignore[assignment]


async def run_app_session(
    process: asyncssh.SSHServerProcess[bytes],
    app: App[Any],
    options: SessionOptions = SessionOptions(),
) -> int:
    """Run `app` on the current loop over `process` and close the channel.

    The process must have been opened with ``encoding=None`` (bytes). Returns
    the exit status sent to the client (0 normal, 1 failure). Never raises,
    except `asyncio.CancelledError` when the caller itself is cancelled.
    """
    where = _describe(process)
    profile = terminal_profile(process)
    if profile is None:
        logger.info("%s: refused, no pty requested", where)
        _finish(process, NO_PTY_MESSAGE, 1)
        return 1

    exit_output = io.StringIO()
    configure_app(app, profile, exit_output)
    app.driver_class = partial(  # type: ignore[assignment]
        SSHDriver,
        process=process,
        color_system=profile.color_system,
        erase_line=erases_with_background(profile.term),
        erase_chars=erases_characters(profile.term),
        sync_output=options.sync_output,
        max_input_rate=options.max_input_rate,
    )
    logger.info("%s: %s started (%s, %dx%d, %s colours)", where, type(app).__name__,
                profile.term, profile.width, profile.height, profile.color_system)

    status, message = 1, CRASH_MESSAGE
    run = asyncio.ensure_future(app.run_async(mouse=options.mouse, size=profile.size))
    closed = asyncio.ensure_future(process.wait_closed())
    try:
        await asyncio.wait({run, closed}, return_when=asyncio.FIRST_COMPLETED)
        if not run.done():
            app.exit()
            await _stop(run, options.exit_grace, where)
        status, crashed = _outcome(app, run, where)
        if not crashed:
            message = exit_output.getvalue().replace("\r\n", "\n").replace("\n", "\r\n")
    except asyncio.CancelledError:
        message = SHUTDOWN_MESSAGE
        app.exit()
        await _stop(run, options.exit_grace, where)
        raise
    finally:
        closed.cancel()
        _finish(process, message, status)
        logger.info("%s: %s ended (status %d)", where, type(app).__name__, status)
        release_app(app)
    return status


async def _stop(run: asyncio.Future[Any], grace: float, where: str) -> None:
    """Wait up to `grace` seconds for an app asked to exit, then cancel it."""
    if not run.done():
        await asyncio.wait({run}, timeout=grace)
    if not run.done():
        logger.warning("%s: app still running %.0fs after exit request; cancelled",
                       where, grace)
        run.cancel()
        await asyncio.wait({run})


def _outcome(app: App[Any], run: asyncio.Future[Any], where: str) -> tuple[int, bool]:
    """Log how the app ended; return (exit status, whether it crashed)."""
    if run.cancelled():
        return 1, True
    error: BaseException | None = run.exception()
    if error is None:
        # Private: Textual keeps the unhandled exception that stopped the app.
        error = getattr(app, "_exception", None)
    if error is not None:
        logger.error("%s: %s crashed:\n%s", where, type(app).__name__,
                     "".join(traceback.format_exception(error)).rstrip())
        return 1, True
    return_code = app.return_code or 0
    return (return_code if 0 <= return_code < 256 else 1), False


def _finish(process: asyncssh.SSHServerProcess[bytes], message: str, status: int) -> None:
    """Show a last message, send the exit status and close the channel."""
    if process.is_closing():
        return
    try:
        if message:
            process.stdout.write(message.encode("utf-8", "replace"))
        process.exit(status)
    except (OSError, asyncssh.Error):
        process.close()


def _describe(process: asyncssh.SSHServerProcess[Any]) -> str:
    peer = process.get_extra_info("peername") or ("?", 0)
    user = process.get_extra_info("username") or "?"
    return f"{user}@{peer[0]}:{peer[1]}"
