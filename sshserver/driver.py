"""A Textual driver that talks to an asyncssh server process instead of a tty.

Everything runs on the server's event loop: no thread, no termios, no signal
handler, no global state. Output written by Textual during one loop iteration
is joined and sent as a single channel write. Input bytes are decoded as UTF-8
(invalid bytes become U+FFFD) and parsed by Textual's `XTermParser`; the
terminal size only ever comes from the SSH pty and window-change requests.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from codecs import getincrementaldecoder
from typing import TYPE_CHECKING, Any

import asyncssh
from textual import events, messages
from textual._time import get_time
from textual.driver import Driver
from textual.message import Message
from textual.widgets import Input, TextArea

from sshserver.inputs import InputParser, Pumps, TokenBucket, settle, typed_ahead
from sshserver.output import ChannelOutput
from sshserver.terminal import ColorSystemName, clamp_size

if TYPE_CHECKING:
    from textual.app import App

logger = logging.getLogger(__name__)

# Terminal modes. We only switch on what the app needs, so that a client which
# vanishes without our reset sequences leaves its terminal as sane as possible.
ALT_SCREEN_ON, ALT_SCREEN_OFF = "\x1b[?1049h", "\x1b[?1049l"
CURSOR_HIDE, CURSOR_SHOW = "\x1b[?25l", "\x1b[?25h"
AUTOWRAP_OFF, AUTOWRAP_ON = "\x1b[?7l", "\x1b[?7h"
PASTE_ON, PASTE_OFF = "\x1b[?2004h", "\x1b[?2004l"
# Clicks and wheel only (1000) reported as SGR (1006): no motion reports, so no
# input traffic nor hover repaints while the mouse merely moves.
MOUSE_ON, MOUSE_OFF = "\x1b[?1000h\x1b[?1006h", "\x1b[?1000l\x1b[?1006l"
SGR_RESET = "\x1b[0m"
POINTER_SHAPE = "\x1b]22;"
QUERY_SYNC_OUTPUT = "\x1b[?2026$p"

READ_SIZE = 1024
TICK_MARGIN = 0.005
"""Extra delay after the parser's escape timeout before asking it for a lone Escape."""


class SSHDriver(Driver):
    """Display and input for one Textual app over one SSH session channel.

    Textual builds the driver itself (``App._build_driver``), so the session
    passes the SSH process through ``functools.partial`` in ``app.driver_class``.
    """

    def __init__(
        self,
        app: App[Any],
        *,
        process: asyncssh.SSHServerProcess[bytes],
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
        color_system: ColorSystemName = "truecolor",
        erase_line: bool = False,
        erase_chars: bool = False,
        sync_output: bool = False,
        max_input_rate: float = 100.0,
        max_write_buffer: int = 2 * 1024 * 1024,
    ) -> None:
        """Create the driver.

        Args:
            app: The app to drive.
            process: The asyncssh server process, opened with ``encoding=None``.
            debug: Ignored (Textual's parser debug mode writes a file in the cwd).
            mouse: Report mouse clicks and the wheel.
            size: Initial terminal size, from the pty request.
            color_system: What the client supports; the app renders in
                truecolor and colours are downgraded on the way out.
            erase_line: The client's erase in line paints the background
                colour, so blank line ends are cleared with it (fewer bytes).
            erase_chars: The client has ECH (erase characters): long runs of
                blanks inside a line are cleared with it.
            sync_output: Ask the terminal for synchronized output (mode 2026);
                costs 16 bytes per frame when supported.
            max_input_rate: Input events per second (with a burst of as many)
                passed to the app; beyond, reading pauses and SSH flow control
                holds the client back, so one flooding client cannot
                monopolise the event loop shared by every session.
            max_write_buffer: Close the session when this many bytes are waiting
                for a client that does not read.
        """
        super().__init__(app, debug=False, mouse=mouse, size=size)
        self._process = process
        self._sync_output = sync_output
        self._output = ChannelOutput(
            process.channel, size or (80, 24), color_system, max_write_buffer, app.exit,
            erase_line=erase_line, erase_chars=erase_chars,
        )
        self._reader: asyncio.Task[None] | None = None
        self._parser: InputParser | None = None
        self._decode = getincrementaldecoder("utf-8")(errors="replace").decode
        self._budget = TokenBucket(max_input_rate)
        self._pumps = Pumps()
        self._in_app_mode = False

    # -- output --------------------------------------------------------------

    def write(self, data: str) -> None:
        """Queue output; it is sent once the current loop iteration ends.

        The terminal cursor (hidden) follows a text cursor only: Textual ends
        each frame at the last text field's cursor even once the focus has left
        it, 5-8 bytes per frame for nothing. Pointer shapes (OSC 22, kitty's
        protocol) are not sent: only clicks are reported, never motion, so the
        pointer never hovers anything the app knows of."""
        if data.startswith(POINTER_SHAPE):
            return
        stack = self._app.screen_stack  # empty while the app starts or ends
        focused = stack[-1].focused if stack else None
        self._output.delta.place_cursor = isinstance(focused, (Input, TextArea))
        self._output.write(data)

    def flush(self) -> None:
        """Nothing to do: queued output always leaves at the end of the iteration."""

    @property
    def bytes_sent(self) -> int:
        """Bytes of terminal output handed to the channel so far."""
        return self._output.bytes_sent

    # -- application mode ----------------------------------------------------

    def start_application_mode(self) -> None:
        """Set up the client terminal and start reading input."""
        self._in_app_mode = True
        width, height = self._size or (80, 24)
        self.process_message(events.Resize.from_dimensions((width, height), None))
        self.write(ALT_SCREEN_ON + CURSOR_HIDE + AUTOWRAP_OFF + PASTE_ON)
        if self._mouse:
            self.write(MOUSE_ON)
        if self._sync_output:
            self.write(QUERY_SYNC_OUTPUT)
        self._parser = InputParser()
        # An empty context: messages created while parsing must not capture the
        # app's context variables (Textual's parser cached key events made here
        # process-wide, which kept every finished app alive; see InputParser).
        self._reader = self._loop.create_task(
            self._read_input(), name="ssh-input", context=contextvars.Context()
        )

    def disable_input(self) -> None:
        """Stop reading input; idempotent."""
        if self._reader is not None:
            if self._reader is not asyncio.current_task():
                self._reader.cancel()
            self._reader = None
        parser, self._parser = self._parser, None
        if parser is not None:
            # Ending the parser generator drops its frame (the last key events).
            try:
                for _ in parser.feed(""):
                    pass
            except Exception:  # noqa: BLE001,S110 - a broken parser has nothing left to drop
                pass

    def stop_application_mode(self) -> None:
        """Restore the client terminal and send it right away."""
        self.disable_input()
        if not self._in_app_mode:
            return
        self._in_app_mode = False
        restore = SGR_RESET + PASTE_OFF + AUTOWRAP_ON + CURSOR_SHOW
        if self._mouse:
            restore += MOUSE_OFF
        self.write(restore + ALT_SCREEN_OFF)
        self._output.flush()

    def close(self) -> None:
        """Release buffers and timers; the session closes the channel."""
        self.disable_input()
        self._output.close()

    # -- input ---------------------------------------------------------------

    async def _read_input(self) -> None:
        stdin = self._process.stdin
        read: asyncio.Future[bytes] | None = None
        try:
            while True:
                if read is None:
                    read = asyncio.ensure_future(stdin.read(READ_SIZE))
                done, _ = await asyncio.wait({read}, timeout=self._escape_timeout())
                if not done:  # a lone Escape: no sequence can follow it any more
                    await self._deliver_all(self._parse(None))
                    continue
                finished, read = read, None
                try:
                    data = finished.result()
                except asyncssh.TerminalSizeChanged as change:
                    self._resize(change.width, change.height)
                    continue
                except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                    continue
                if not data:
                    break
                await self._deliver_all(self._parse(self._decode(data)))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - whatever ends the input ends the session
            logger.debug("input stream ended: %r", error)
        finally:
            if read is not None:
                read.cancel()
        self._reader = None
        logger.debug("client went away; asking the app to exit")
        self._app.exit()

    def _escape_timeout(self) -> float | None:
        """How long to wait for more input before a pending Escape stands alone."""
        parser = self._parser
        # Private: set while the parser waits for the rest of an escape sequence.
        deadline = getattr(parser, "_timeout_time", None)
        if deadline is None:
            return None
        return max(0.0, deadline - get_time()) + TICK_MARGIN

    def _parse(self, text: str | None) -> list[Message]:
        """The events in `text` (None: the ones a timeout completes)."""
        parser = self._parser
        if parser is None:
            return []
        try:
            return list(parser.tick() if text is None else parser.feed(text))
        except Exception:
            logger.warning("unparsable input; parser reset", exc_info=True)
            self._parser = InputParser()
            return []

    async def _deliver_all(self, batch: list[Message]) -> None:
        """Hand events to the app one at a time, in order.

        Each key, paste or click is handled by the widget that has the focus
        once everything the previous one set off is done (a key is only
        dispatched to the focused widget; bindings such as Tab run when it has
        bubbled back up, and a screen push takes several messages), whatever
        arrived in the same packet; characters typed ahead into a text field
        are the exception (`typed_ahead`): they go in together, in order, and
        are painted once. While more events of the packet wait,
        painting is held back (Textual's batch update), so a burst still costs
        one frame; a slow handler lets the screen paint meanwhile. Pacing:
        `max_input_rate` events a second.
        """
        app = self._app
        batching = False

        def paint() -> None:
            nonlocal batching
            if batching:
                batching = False
                app._end_batch()
                if app.screen_stack:
                    app.screen.check_idle()

        try:
            for index, message in enumerate(batch):
                if self._parser is None:
                    return
                more = index + 1 < len(batch)
                if more and not batching:
                    app._begin_batch()
                    batching = True
                elif not more:
                    paint()
                if not self._deliver(message):
                    continue
                if isinstance(message, events.InputEvent) and not (
                        more and typed_ahead(app, message, batch[index + 1])):
                    workers = set(app.workers)
                    if not await settle(app, workers, self._pumps, on_slow=paint):
                        logger.info("input delivered before the previous one settled")
                delay = self._budget.spend(1)
                if delay:
                    paint()
                    await asyncio.sleep(delay)
        finally:
            paint()

    def _deliver(self, message: Message) -> bool:
        # The size comes from SSH only: a client must not set it in-band.
        if isinstance(message, (events.Resize, messages.InBandWindowResize)):
            return False
        if (isinstance(message, messages.TerminalSupportsSynchronizedOutput)
                and not self._sync_output):
            return False
        if isinstance(message, events.MouseEvent):
            width, height = self._size or (0, 0)
            if not (0 <= message.screen_x < width and 0 <= message.screen_y < height):
                return False  # no terminal reports a click off its own screen
        self.process_message(message)
        return True

    def _resize(self, width: int, height: int) -> None:
        if width <= 0 or height <= 0:
            return
        width, height = clamp_size(width, height)
        if (width, height) == self._size:
            return
        self._size = (width, height)
        # Output queued so far was laid out for the old size: send it as is,
        # then forget the client screen, which Textual will repaint in full.
        self._output.resize(width, height)
        self.process_message(events.Resize.from_dimensions((width, height), None))

    def send_message(self, message: Message) -> None:
        """Post to the app directly: we are on its loop, in its thread."""
        self._app.post_message(message)

