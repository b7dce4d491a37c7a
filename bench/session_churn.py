"""Memory over many sequential sessions: does anything of a finished app stay?

    /work/venv/bin/python bench/session_churn.py [sessions]

Each session logs in, waits for the first screen, types a key and leaves
(alternately by F10, by closing, and by dropping the TCP connection). Prints
RSS and the number of live TinyApp objects every 100 sessions.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import sys
import tempfile
import weakref
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e_helpers import ScreenClient, start_test_server  # noqa: E402
from tests.sshserver.tiny_app import TinyApp  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1e6


async def main(count: int) -> None:
    apps: weakref.WeakSet[TinyApp] = weakref.WeakSet()

    def factory(principal: str, process: object) -> TinyApp:
        app = TinyApp(principal)
        apps.add(app)
        return app

    with tempfile.TemporaryDirectory() as tmp:
        server = await start_test_server(Path(tmp), factory)
        for index in range(1, count + 1):
            client = await ScreenClient.connect(server.port)
            await client.wait_for("Votre nom")
            client.type("x")
            await client.wait_for("x")
            if index % 3 == 0:
                client.press("f10")
                await client.wait_closed()
                await client.close()
            elif index % 3 == 1:
                await client.close()
            else:
                client.abort()
            if index % 100 == 0 or index == count:
                await asyncio.sleep(0.3)  # let the last session finish
                gc.collect()
                print(f"{index:5} sessions  RSS {rss_mb():6.1f} MB  live apps {len(apps)}",
                      flush=True)
        await server.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
