"""A worker's full garbage collections: when sessions end, when arrivals
pause, when memory grew; never while sessions just type."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import asyncssh

from sshserver.collector import NEVER, Collector
from sshserver.server import LiveSessions
from tests.e2e_helpers import ScreenClient, start_test_server
from tests.sshserver.tiny_app import TinyApp


class Recorder:
    """Counts collections instead of running them (the decisions are under test)."""

    def __init__(self) -> None:
        self.count = 0
        self.memory = 100_000_000

    def collect(self) -> int:
        self.count += 1
        return 0

    def collector(self, **options: float) -> Collector:
        return Collector(collect=self.collect, memory=lambda: self.memory, **options)

    async def arrive(self, collector: Collector, sessions: int) -> None:
        """Sessions start, each holding 1.8 MB more of the process's memory."""
        for _ in range(sessions):
            self.memory += 1_800_000
            collector.session_started()
            await turn()


async def turn() -> None:
    """Let callbacks scheduled with call_soon run."""
    for _ in range(3):
        await asyncio.sleep(0)


async def test_one_collection_once_four_times_as_many_sessions_ended_as_are_live() -> None:
    recorder = Recorder()
    collector = recorder.collector()
    for _ in range(10):
        collector.session_started()
    collector.started = 0  # the arrivals are not under test here
    for _ in range(7):
        collector.session_ended()  # up to 7 ended, 3 live
        await turn()
    assert recorder.count == 0
    collector.session_ended()  # 8 ended, 2 live: four times as many
    await turn()
    assert recorder.count == 1
    collector.session_ended()  # 1 ended, 1 live
    await turn()
    assert recorder.count == 1
    collector.session_ended()  # the last one
    await turn()
    assert collector.live == 0 and recorder.count == 2
    collector.close()


async def test_the_last_session_ending_is_collected_at_once() -> None:
    recorder = Recorder()
    collector = recorder.collector()
    collector.session_started()
    collector.session_ended()
    await turn()
    assert recorder.count == 1
    collector.close()


async def test_arrivals_alone_are_never_collected() -> None:
    """A room arriving, then typing: no collection once arrivals pause (it
    stopped every session of the worker for seconds, for ~3 % garbage)."""
    recorder = Recorder()
    collector = recorder.collector(check=0.05)
    collector.start()
    for _ in range(10):
        collector.session_started()
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)  # a pause, and several memory checks
    assert recorder.count == 0
    collector.close()


async def test_memory_growth_is_collected_on_arrival_and_by_the_periodic_check() -> None:
    recorder = Recorder()
    collector = recorder.collector(check=0.05)
    collector.start()
    collector.session_started()
    await turn()
    assert recorder.count == 0
    recorder.memory = 135_000_000  # 35 % above the last collection (and 2 sessions' share)
    collector.session_started()
    await turn()
    assert recorder.count == 1
    recorder.memory = 170_000_000  # grows again with no arrival: the check sees it
    await asyncio.sleep(0.2)
    assert recorder.count == 2
    collector.close()


async def test_memory_held_by_new_sessions_is_not_taken_for_garbage() -> None:
    """Hundreds of candidates arriving grow memory by what their sessions hold:
    no full collection (seconds long with that many sessions) for that."""
    recorder = Recorder()
    collector = recorder.collector(check=0.05, session_bytes=2_000_000)
    collector.start()
    await recorder.arrive(collector, 200)
    await asyncio.sleep(0.2)  # the periodic check too
    assert recorder.count == 0
    recorder.memory += 300_000_000  # far beyond what 200 sessions hold: garbage
    await asyncio.sleep(0.2)
    assert recorder.count == 1
    collector.close()


async def test_memory_sessions_held_is_not_taken_for_garbage_when_they_end() -> None:
    """The process keeps the memory ended sessions held: as a room's sessions
    end, resident size stays where it was. That is the ended sessions'
    collection's business (four times as many ended as live), not the memory
    check's: measured, the memory check otherwise stopped the last candidates
    for 1.6-2.5 s while the room finished."""
    recorder = Recorder()
    collector = recorder.collector(check=0.05, session_bytes=2_000_000)
    collector.start()
    await recorder.arrive(collector, 100)
    for _ in range(70):  # 30 still live: not yet four times as many ended
        collector.session_ended()
    await asyncio.sleep(0.2)  # the periodic check
    assert recorder.count == 0
    recorder.memory += 300_000_000  # beyond what the room ever held: garbage
    await asyncio.sleep(0.2)
    assert recorder.count == 1
    collector.close()


async def test_the_server_counts_app_sessions_only(tmp_path) -> None:
    recorder = Recorder()
    collector = recorder.collector()
    live = LiveSessions(collector)

    async def exec_handler(principal: str, process: asyncssh.SSHServerProcess[bytes]) -> int:
        process.stdout.write(b"ok\n")
        return 0

    server = await start_test_server(tmp_path, lambda principal, process: TinyApp(principal),
                                     live=live, exec_handler=exec_handler)
    try:
        async with asyncssh.connect("127.0.0.1", server.port, username="alice",
                                    password="secret", known_hosts=None) as conn:
            result = await conn.run("qcm version")
        assert result.stdout == "ok\n"
        await turn()
        assert (collector.live, recorder.count) == (0, 0)  # exec commands are not sessions
        client = await ScreenClient.connect(server.port)
        await client.wait_for("Votre nom")
        assert collector.live == 1
        await client.close()
        for _ in range(100):
            if recorder.count and not collector.live:
                break
            await asyncio.sleep(0.05)
        assert (collector.live, recorder.count) == (0, 1)
    finally:
        collector.close()
        await server.stop()


def test_install_freezes_the_worker_and_frees_what_sessions_leave() -> None:
    """In a fresh interpreter (install() changes process-wide settings)."""
    script = textwrap.dedent("""
        import asyncio, gc, weakref
        from sshserver.collector import NEVER, YOUNG, Collector

        class Node:
            pass

        async def main():
            collector = Collector()
            collector.install()
            assert gc.get_threshold() == (YOUNG, 10, NEVER), gc.get_threshold()
            assert gc.get_freeze_count() > 1000, gc.get_freeze_count()
            collector.session_started()
            node = Node()
            node.self = node  # a cycle: only a full collection frees it
            alive = weakref.ref(node)
            gc.collect(0); gc.collect(1); gc.collect(1)  # now old
            del node
            gc.collect(1)
            assert alive() is not None  # young collections do not reach it
            collector.session_ended()
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            assert alive() is None
            assert collector.collections == 1
            collector.close()
            print("ok")

        asyncio.run(main())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "ok", done.stderr
    assert NEVER > 10**9
