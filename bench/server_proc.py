"""What the load tools share: a real `qcm serve` subprocess on a temporary data
dir (its own SQLite file, or a PostgreSQL database several of them share), and
its processes' CPU and memory read from /proc."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def server_pids(root: int) -> list[int]:
    """`root` and its descendants (the supervisor's spawned workers and their pools)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_s(pid: int) -> float:
    """User + system CPU seconds used so far by one process (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def cpu_with_reaped_s(pid: int) -> float:
    """User + system CPU seconds of one process and of its children that ended
    and were waited for (a PostgreSQL server's backends come and go)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def tree_cpu_s(root: int) -> float:
    """CPU seconds of a process tree so far, children that ended included
    (e.g. PostgreSQL: its postmaster and every backend, past and present)."""
    return cpu_with_reaped_s(root) + sum(cpu_s(pid) for pid in server_pids(root)[1:])


def runqueue_wait_s(pid: int) -> float:
    """Seconds this process was runnable but waiting for a CPU (all its threads'
    sum would need /proc/PID/task; the main thread is where the event loop runs)."""
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0.0


def server_cpu_s(root: int) -> float:
    """User + system CPU seconds used so far by the server processes."""
    return sum(cpu_s(pid) for pid in server_pids(root))


def server_rss_mb(root: int) -> float:
    return sum(rss_kb(pid) for pid in server_pids(root)) / 1024


def write_config(tmp: Path, workers: int, database_url: str | None = None,
                 **ssh: float) -> tuple[Path, Path, int]:
    """(config file, data dir, port) for a server on loopback; its database is
    the SQLite file in the data dir, or `database_url`; `ssh`: more [ssh]
    settings (`max_starting=0`…)."""
    tmp.mkdir(parents=True, exist_ok=True)
    data = tmp / "data"
    port = free_port()
    config = tmp / "qcm.toml"
    text = (f'data_dir = "{data}"\n[ssh]\nhost = "127.0.0.1"\nport = {port}\n'
            f"workers = {workers}\n")
    text += "".join(f"{name} = {value}\n" for name, value in ssh.items())
    if database_url:
        text += f"[database]\nurl = {json.dumps(database_url)}\n"  # a TOML basic string
    config.write_text(text, encoding="utf-8")
    return config, data, port


def load_demo(config: Path) -> None:
    subprocess.run([sys.executable, "-m", "sshserver.cli", "--config", str(config), "demo"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def running_server(config: Path, port: int, log: Path,
                   env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """`qcm serve` until the block ends (SIGTERM, then SIGKILL after 30 s)."""
    with open(log, "w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "sshserver.cli", "--config", str(config), "serve"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True,
            env={**os.environ, **(env or {})})
    try:
        assert server.stdout is not None
        print(server.stdout.readline().strip(), flush=True)
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), 0.1):
                    break
            except OSError:
                time.sleep(0.1)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_pids(root: int) -> list[int]:
    """The supervisor's worker processes (not its resource tracker nor PDF pools)."""
    found = []
    for pid in server_pids(root):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if ppid == root and b"spawn_main" in command and b"resource_tracker" not in command:
            found.append(pid)
    return found


async def wait_workers(root: int, workers: int, timeout: float = 30.0) -> list[int]:
    """The worker processes' pids, once they all exist."""
    deadline = time.monotonic() + timeout
    while True:
        pids = worker_pids(root)
        if len(pids) >= workers or time.monotonic() > deadline:
            return pids
        await asyncio.sleep(0.1)


async def exam_keys(config: Path, database: Path | str, count: int, title: str) -> list[str]:
    """The demo data, then one online session open for the next six hours
    with `count` keys, made by the services a centre's screens call.
    `database`: the data dir (its SQLite file) or a PostgreSQL URL."""
    from datetime import timedelta

    from domain.clock import SystemClock
    from services.qcms import create_qcm
    from services.sessions import MAX_KEYS, add_keys, create_online_session
    from store import Scope, Store

    load_demo(config)
    target = database if isinstance(database, str) else database / "qcm.sqlite3"
    store = await Store.open(target, SystemClock())
    try:
        admin = Scope.admin("bench")
        centre = (await store.centres.centres(admin))[0]
        scope = Scope.centre(centre.id, "bench")
        trainer = (await store.centres.trainers(admin, centre.id))[0]
        qcm = await create_qcm(store, scope, "PV-RES", title)
        now = store.clock.now().replace(second=0, microsecond=0)
        session, keys = await create_online_session(
            store, scope, qcm.id, min(count, MAX_KEYS), trainer.id, "Salle d'examen",
            now - timedelta(hours=1), now + timedelta(hours=6))
        while len(keys) < count:
            keys += await add_keys(store, scope, session.id, min(MAX_KEYS, count - len(keys)))
        return [key.code for key in keys]
    finally:
        await store.close()
