"""ChannelOutput: one write per loop iteration, and a bound on unread output."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import asyncssh

from sshserver.output import ChannelOutput


class FakeChannel:
    def __init__(self, buffered: int = 0) -> None:
        self.writes: list[bytes] = []
        self.buffered = buffered
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return self.buffered


def make(channel: FakeChannel, on_stalled: Any = lambda: None) -> ChannelOutput:
    return ChannelOutput(
        cast(asyncssh.SSHServerChannel[bytes], channel), (20, 2), "truecolor", 1000, on_stalled
    )


async def test_writes_of_one_iteration_leave_together() -> None:
    channel = FakeChannel()
    output = make(channel)
    output.write("\x1b[1;1Hab")
    output.write("\x1b[1;3Hcd")
    output.write("\x1b[2;1Hé")
    assert channel.writes == []
    await asyncio.sleep(0)
    # One write; the client style is unknown at first, hence the reset.
    assert channel.writes == ["\x1b[H\x1b[mabcd\r\né".encode()]
    assert output.bytes_sent == len(channel.writes[0])


async def test_a_client_that_stops_reading_is_cut_off() -> None:
    stalled: list[bool] = []
    channel = FakeChannel(buffered=5000)
    output = make(channel, lambda: stalled.append(True))
    output.write("\x1b[1;1Hab")
    output.flush()
    assert channel.writes == [] and channel.closed and stalled == [True]
    output.write("\x1b[1;1Hcd")
    output.flush()
    assert channel.writes == []


async def test_nothing_is_sent_after_close() -> None:
    channel = FakeChannel()
    output = make(channel)
    output.write("\x1b[1;1Hab")
    output.close()
    await asyncio.sleep(0)
    assert channel.writes == []
