"""Bytes sent to the client for the first screen and per keystroke.

Runs the tiny test app on a local server and measures, for each colour
system: what Textual wrote, what the driver sent on the SSH channel after
`ScreenDelta`, and the server-to-client TCP bytes (SSH framing, padding and
MAC included) through a counting proxy.

    /work/venv/bin/python bench/wire_bytes.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sshserver import screen_delta  # noqa: E402
from tests.e2e_helpers import ScreenClient, start_test_server  # noqa: E402
from tests.sshserver.tiny_app import TinyApp  # noqa: E402

TERMINALS = [
    ("xterm (16)", "xterm", {}),
    ("xterm-256color (256)", "xterm-256color", {}),
    ("COLORTERM=truecolor", "xterm-256color", {"COLORTERM": "truecolor"}),
]


class Counter:
    textual = 0
    tcp_down = 0


Bytes = tuple[int, int, int]
"""(Textual output, channel payload, TCP) for one step."""


@dataclass
class Result:
    first_textual: int
    first_channel: int
    tcp_until_first: int
    keys: list[Bytes]
    binding: Bytes


def count_textual_output(counter: Counter) -> None:
    """Count what Textual hands the driver, before the screen delta."""
    original = screen_delta.ScreenDelta.__call__

    def counting(self: screen_delta.ScreenDelta, data: str) -> str:
        counter.textual += len(data.encode("utf-8"))
        return original(self, data)

    screen_delta.ScreenDelta.__call__ = counting  # type: ignore[method-assign]


async def proxy(target_port: int, counter: Counter) -> asyncio.Server:
    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, down: bool) -> None:
        try:
            while data := await reader.read(65536):
                if down:
                    counter.tcp_down += len(data)
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        try:
            await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))
        except asyncio.CancelledError:
            pass  # the bench is over

    return await asyncio.start_server(handle, "127.0.0.1", 0)


async def measure(port: int, term: str, env: dict[str, str], counter: Counter) -> Result:
    client = await ScreenClient.connect(port, term_type=term, env=env)
    await client.wait_for("Votre nom")
    await client.wait_quiet(0.3)
    first_textual, first_channel = counter.textual, client.bytes_received
    tcp_until_first = counter.tcp_down  # includes key exchange and auth

    def snapshot() -> Bytes:
        return counter.textual, client.bytes_received, counter.tcp_down

    def since(before: Bytes) -> Bytes:
        now = snapshot()
        return now[0] - before[0], now[1] - before[1], now[2] - before[2]

    keys: list[Bytes] = []
    for char in "Bonjour, madame Dupont":
        before = snapshot()
        client.type(char)
        await client.wait_quiet(0.15)
        keys.append(since(before))
    before = snapshot()
    client.press("f5")
    await client.wait_for("Salut")
    await client.wait_quiet(0.15)
    binding = since(before)
    client.press("f10")
    await client.wait_closed()
    await client.close()
    return Result(first_textual, first_channel, tcp_until_first, keys, binding)


async def main() -> None:
    counter = Counter()
    count_textual_output(counter)
    with tempfile.TemporaryDirectory() as tmp:
        server = await start_test_server(Path(tmp), lambda principal, process: TinyApp(principal))
        relay = await proxy(server.port, counter)
        relay_port = relay.sockets[0].getsockname()[1]
        print("80x24, tiny app (label, input, footer line). Bytes server -> client.\n")
        print(f"{'terminal':22} {'':14} {'Textual':>8} {'channel':>8} {'TCP':>8}")
        for label, term, env in TERMINALS:
            counter.textual = counter.tcp_down = 0
            result = await measure(relay_port, term, env, counter)
            print(f"{label:22} {'first screen':14} {result.first_textual:8} "
                  f"{result.first_channel:8} {result.tcp_until_first:8}"
                  "  (TCP incl. key exchange and auth)")
            medians = [statistics.median(k[i] for k in result.keys) for i in range(3)]
            print(f"{'':22} {'per keystroke':14} {medians[0]:8.0f} {medians[1]:8.0f} "
                  f"{medians[2]:8.0f}  (median; first key "
                  + "/".join(str(v) for v in result.keys[0]) + ")")
            b = result.binding
            print(f"{'':22} {'F5 (label)':14} {b[0]:8} {b[1]:8} {b[2]:8}")
        relay.close()
        await server.stop()
        print("\nTextual: what the app wrote; channel: SSH channel payload after the screen")
        print("delta; TCP: including SSH framing and MAC (about 70 bytes per packet).")


if __name__ == "__main__":
    asyncio.run(main())
