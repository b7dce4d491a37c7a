"""Terminal output for one session: coalesced, reduced to changes, bounded."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import asyncssh

from sshserver.colours import ColourDowngrade
from sshserver.screen_delta import ScreenDelta
from sshserver.terminal import ColorSystemName

logger = logging.getLogger(__name__)


class ChannelOutput:
    """Joins everything written during one loop iteration into one channel write.

    The text goes through `ScreenDelta` (changed cells only, colours fitted to
    the client) before being encoded as UTF-8.
    """

    def __init__(
        self,
        channel: asyncssh.SSHServerChannel[bytes],
        size: tuple[int, int],
        color_system: ColorSystemName,
        max_buffer: int,
        on_stalled: Callable[[], None],
        *,
        erase_line: bool = False,
        erase_chars: bool = False,
    ) -> None:
        """`on_stalled` is called once if more than `max_buffer` bytes wait unread;
        `erase_line`, `erase_chars`: see `ScreenDelta`."""
        self._channel = channel
        self._loop = asyncio.get_running_loop()
        downgrade = ColourDowngrade(color_system)
        self.delta = ScreenDelta(*size, downgrade if downgrade.needed else None,
                                 erase=erase_line, erase_chars=erase_chars)
        self._max_buffer = max_buffer
        self._on_stalled = on_stalled
        self._pending: list[str] = []
        self._handle: asyncio.Handle | None = None
        self.closed = False
        self.bytes_sent = 0
        """Bytes handed to the channel so far."""

    def write(self, data: str) -> None:
        """Queue output; it leaves when the current loop iteration ends."""
        if self.closed:
            return
        self._pending.append(data)
        if self._handle is None:
            self._handle = self._loop.call_soon(self._send)

    def flush(self) -> None:
        """Send what is queued now."""
        if self._handle is not None:
            self._handle.cancel()
        self._send()

    def resize(self, width: int, height: int) -> None:
        """The client screen changed size: send queued output, forget the screen."""
        self.flush()
        self.delta.reset(width, height)

    def close(self) -> None:
        """Drop queued output; later writes are ignored."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._pending.clear()
        self.closed = True

    def _send(self) -> None:
        self._handle = None
        if not self._pending:
            return
        text = self.delta("".join(self._pending))
        self._pending.clear()
        if not text or self.closed:
            return
        channel = self._channel
        if channel.is_closing():
            self.closed = True
            return
        if channel.get_write_buffer_size() > self._max_buffer:
            logger.warning("client is not reading its output; closing the session")
            self.closed = True
            channel.close()
            self._on_stalled()
            return
        data = text.encode("utf-8", "replace")
        try:
            channel.write(data)
        except (OSError, asyncssh.Error):
            self.closed = True
            return
        self.bytes_sent += len(data)
