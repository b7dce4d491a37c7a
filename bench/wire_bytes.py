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


async def measure(port: int, term: str, env: dict[str, str], counter: Counter) -> dict[str, object]:
    client = await ScreenClient.connect(port, term_type=term, env=env)
    await client.wait_for("Votre nom")
    await client.wait_quiet(0.3)
    tcp_after_auth = counter.tcp_down  # includes key exchange and auth: reported apart
    first = (counter.textual, client.bytes_received)
    per_key: list[tuple[int, int, int]] = []
    for char in "Bonjour, madame Dupont":
        before = (counter.textual, client.bytes_received, counter.tcp_down)
        client.type(char)
        await client.wait_quiet(0.15)
        per_key.append((counter.textual - before[0], client.bytes_received - before[1],
                        counter.tcp_down - before[2]))
    before = (counter.textual, client.bytes_received, counter.tcp_down)
    client.press("f5")
    await client.wait_for("Salut")
    await client.wait_quiet(0.15)
    binding = (counter.textual - before[0], client.bytes_received - before[1],
               counter.tcp_down - before[2])
    client.press("f10")
    await client.wait_closed()
    await client.close()
    return {"first": first, "tcp_until_first": tcp_after_auth, "keys": per_key,
            "binding": binding}


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
            textual, channel = result["first"]  # type: ignore[misc]
            print(f"{label:22} {'first screen':14} {textual:8} {channel:8} "
                  f"{result['tcp_until_first']:8}  (TCP incl. key exchange and auth)")
            keys = result["keys"]  # type: ignore[assignment]
            for name, index in (("Textual", 0), ("channel", 1), ("TCP", 2)):
                values = [k[index] for k in keys]
                if name == "Textual":
                    line = f"{'':22} {'per keystroke':14}"
                    print(line, end="")
                print(f" {statistics.median(values):8.0f}", end="")
            print("  (median; first key", "/".join(str(v) for v in keys[0]) + ")")
            binding = result["binding"]  # type: ignore[assignment]
            print(f"{'':22} {'F5 (label)':14} {binding[0]:8} {binding[1]:8} {binding[2]:8}")
        relay.close()
        await server.stop()
        print("\nTextual: what the app wrote; channel: SSH channel payload after the screen")
        print("delta; TCP: including SSH framing and MAC (about 70 bytes per packet).")


if __name__ == "__main__":
    asyncio.run(main())
