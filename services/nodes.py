"""This process as a node of the servers sharing the database (store.nodes):
the server's workers for their whole life, a local command while it draws a
paper batch (a node starting removes the batches of dead nodes only)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator

from store import Store
from store.nodes import BEAT

logger = logging.getLogger("qcm")


def label(what: str) -> str:
    """How a node is named in the `nodes` table: machine, process, role."""
    return f"{socket.gethostname()} pid {os.getpid()} {what}"


async def beat_forever(store: Store) -> None:
    """The node's heartbeat: one UPDATE every BEAT, until cancelled."""
    while True:
        await asyncio.sleep(BEAT.total_seconds())
        try:
            await store.nodes.beat()
        except Exception:
            logger.exception("node heartbeat failed")


@contextlib.asynccontextmanager
async def presence(store: Store, what: str) -> AsyncIterator[None]:
    """This process is a node while the block runs (joined, beating, then
    leaving), unless it is one already (a server worker)."""
    if store.nodes.current is not None:
        yield
        return
    await store.nodes.join(label(what))
    heart = asyncio.ensure_future(beat_forever(store))
    try:
        yield
    finally:
        heart.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heart
        await store.nodes.leave()
