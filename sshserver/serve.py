"""`qcm serve`: worker processes sharing one port, each with its own event
loop, store connection and document pool. Shared state lives in the database."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncssh

from cli import build_registry
from domain.clock import Clock, SystemClock
from services import nodes
from services.config import Config, prepare_documents_dir
from services.documents import DocumentService
from services.render_jobs import make_pool
from sshserver.admission import Door, StartGate
from sshserver.auth import Candidate, Principal, StoreAuthenticator
from sshserver.collector import Collector
from sshserver.exec import ExecRunner
from sshserver.hostkey import host_key_fingerprint, node_host_key
from sshserver.routing import Router
from sshserver.server import Authenticator, LiveSessions, start_server
from sshserver.sftp import DocumentsSFTP
from store import Store
from store.db import shared_use_while

logger = logging.getLogger("qcm")
SWEEP_SECONDS = 15.0


@dataclass
class Worker:
    """One running server in this event loop (a worker process, or a test)."""

    acceptor: asyncssh.SSHAcceptor
    store: Store
    pool: Any
    sweeper: asyncio.Task[None]
    live: LiveSessions
    heart: asyncio.Task[None]

    @property
    def port(self) -> int:
        return self.acceptor.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.live.collector is not None:
            self.live.collector.close()
        for task in (self.sweeper, self.heart):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.acceptor.close()
        await self.acceptor.wait_closed()
        await self.live.close()  # apps give their keys back before the store closes
        try:
            await self.store.nodes.leave()
        except Exception:  # its lock goes with the store: the others see it dead
            logger.exception("leaving the nodes failed")
        self.pool.shutdown(wait=False, cancel_futures=True)
        await self.store.close()


async def start_worker(config: Config, *, clock: Clock | None = None, port: int | None = None,
                       reuse_port: bool = False, render_workers: int | None = None,
                       collector: Collector | None = None, **router_options: Any) -> Worker:
    """Open the store and start listening; used by each worker process and by tests."""
    clock = clock or SystemClock()
    store = await Store.open(config.database, clock)
    try:
        await store.nodes.join(nodes.label("qcm serve"))
        host_key = await node_host_key(config, store)
    except BaseException:
        await store.close()
        raise
    pool = make_pool(render_workers or max(1, (os.cpu_count() or 1) // config.workers or 1))
    documents = DocumentService(store, config.documents_dir, pool)
    authenticator = StoreAuthenticator(store, config)
    # What the server sees of it: logins become staff or candidates (left to
    # inference, mypy would join the two into `object`).
    principals: Authenticator[Principal] = authenticator
    router = Router(store, config, clock, documents, authenticator, **router_options)
    runner = ExecRunner(store, config, build_registry(), {"documents": documents})
    live = LiveSessions(collector)
    acceptor = await start_server(
        config.ssh.host, config.ssh.port if port is None else port, host_key,
        principals, router,
        login_timeout=config.ssh.login_timeout,
        keepalive_interval=config.ssh.keepalive_interval,
        max_password_failures=config.security.max_auth_failures,
        reuse_port=reuse_port, exec_handler=runner,
        sftp_factory=lambda principal, chan: DocumentsSFTP(chan, principal, documents),
        live=live, door=_door(config))
    sweeper = asyncio.ensure_future(_sweep(store))
    heart = asyncio.ensure_future(nodes.beat_forever(store))
    return Worker(acceptor, store, pool, sweeper, live, heart)


def _door(config: Config) -> Door[Principal] | None:
    """Candidates wait at the door while the worker is busy starting others;
    staff never do."""
    if not config.ssh.max_starting:
        return None
    return Door(StartGate(config.ssh.max_starting, max_lag=config.ssh.start_max_lag),
                lambda principal: isinstance(principal, Candidate))


async def _sweep(store: Store) -> None:
    """Auto-submit exams whose window closed with nobody connected; forget
    old authentication failures."""
    while True:
        try:
            done = await store.exam.submit_expired()
            if done:
                logger.info("auto-submitted %d expired keys", len(done))
            await store.audit.prune_failures(timedelta(days=1))
        except Exception:
            logger.exception("sweeper failed")
        await asyncio.sleep(SWEEP_SECONDS)


async def _prepare(config: Config) -> asyncssh.SSHKey:
    """Once per start, before the workers: migrate, and forget the nodes
    that died (this server's previous run among them): release the leases
    they held and remove the paper batches whose PDF they were still
    drawing. Live nodes sharing the database keep theirs. Returns the host
    key the workers will present."""
    prepare_documents_dir(config)
    store = await Store.open(config.database)
    try:
        reaped = await store.nodes.reap()
        if reaped.leases:
            logger.info("released %d leases held by stopped processes", reaped.leases)
        if reaped.batches:
            logger.info("removed %d paper batches left without their PDF", reaped.batches)
        return await node_host_key(config, store)
    finally:
        await store.close()


LOG_FILE = "qcm.log"


def _setup_logging(config: Config, verbose: bool, prefix: str = "") -> None:
    """Everything from INFO up goes to `data_dir/qcm.log`; the console shows
    warnings and errors only (every line with `--verbose`), so that the
    accounts and keys printed at start stay in sight. Workers append to the
    same file (one line per write)."""
    layout = f"%(asctime)s {prefix}%(levelname)s %(name)s: %(message)s"
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        root.removeHandler(handler)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(config.data_dir / LOG_FILE, encoding="utf-8")
    to_file.setFormatter(logging.Formatter(layout))
    console = logging.StreamHandler()
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter(layout))
    root.addHandler(to_file)
    root.addHandler(console)


SWITCH_INTERVAL = 0.0005
"""Seconds a thread waiting for the GIL waits before the running thread is
asked to let it go (CPython: 0.005). The database work of a worker runs in
its own thread (aiosqlite's; the PostgreSQL backend's bridge), which needs the
GIL back after each statement; with the event loop busy with hundreds of
sessions, each hand-over waited the full 5 ms, and one worker served about 9
key openings a second (`python bench/db_under_load.py`: 64 a second at
0.5 ms). Reads queued behind them for 20-30 s in a 500-candidate room while
the loop itself lagged 0.5 s. The shorter interval costs nothing while no
other thread waits."""


def tune_worker_process() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL)


def _worker_main(config: Config, index: int, verbose: bool = False) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides
    tune_worker_process()
    _setup_logging(config, verbose, f"w{index} ")

    async def run() -> None:
        collector = Collector()
        worker = await start_worker(config, reuse_port=config.workers > 1, collector=collector)
        collector.install()
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await worker.stop()

    asyncio.run(run())


def serve_main(config: Config, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="qcm serve", description="Démarre le serveur SSH.")
    parser.add_argument("--demo", action="store_true", help="charge d'abord les données de démo")
    parser.add_argument("--verbose", action="store_true",
                        help="affiche aussi le journal détaillé (sinon dans qcm.log)")
    args = parser.parse_args(argv)
    _setup_logging(config, args.verbose)
    # On SQLite, the whole life of `qcm serve` (workers restarting included)
    # marks the database in use: `qcm restore` refuses meanwhile.
    in_use = (shared_use_while(config.database) if isinstance(config.database, Path)
              else contextlib.nullcontext())
    with in_use:
        return _serve(config, args)


def _serve(config: Config, args: argparse.Namespace) -> int:
    key = asyncio.run(_prepare(config))
    print(f"qcm-ssh écoute sur {config.ssh.host}:{config.ssh.port} "
          f"({config.workers} processus). Empreinte de la clé d'hôte : "
          f"{host_key_fingerprint(key)}", flush=True)
    print(f"Journal : {config.data_dir / LOG_FILE}", flush=True)
    if args.demo:  # last, so that the accounts and keys stay in sight
        from cli.local import run_demo
        asyncio.run(run_demo(config))
        sys.stdout.flush()
    if config.workers == 1:
        try:
            _worker_main(config, 0, args.verbose)
        except KeyboardInterrupt:
            pass
        return 0
    return _supervise(config, args.verbose)


def _supervise(config: Config, verbose: bool = False) -> int:
    """Start the workers, restart one that dies, stop them all on SIGINT/SIGTERM."""
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start(index: int) -> multiprocessing.process.BaseProcess:
        process = context.Process(target=_worker_main, args=(config, index, verbose),
                                  daemon=False)
        process.start()
        return process

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    workers = [start(i) for i in range(config.workers)]
    while not stopping:
        time.sleep(0.5)
        for i, process in enumerate(workers):
            if not process.is_alive() and not stopping:
                print(f"qcm : le processus {i} s'est arrêté (code {process.exitcode}), "
                      "redémarrage.", file=sys.stderr, flush=True)
                time.sleep(1.0)
                workers[i] = start(i)
    for process in workers:
        process.terminate()
    for process in workers:
        process.join(10)
    return 0
