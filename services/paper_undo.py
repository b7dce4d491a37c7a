"""Undoing a paper batch whose PDF did not get recorded.

`DocumentService.generate_paper` inserts the batch, draws its PDF in the
process pool, renames the file into place, then records the document and
attaches it to the batch in one transaction. If any step fails, or the caller
is cancelled (an SSH connection dropped), the batch must not stay behind
without its PDF: it would be offered for scoring. Each step runs as its own
future, so the undo can wait for whatever is still running before it removes
the files and then the batch. A batch left by a process that died meanwhile is
removed at the next server start (`NodeRepo.reap`: the batch names its node).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from domain.models import Document, PaperBatch
from store.errors import NotFound
from store.scope import Scope
from store.store import Store

logger = logging.getLogger("qcm.documents")


def remove_files(paths: Sequence[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # never written
            path.unlink()


def retrieve(future: asyncio.Future) -> None:
    """Mark a future's outcome as seen (its failure is dealt with elsewhere)."""
    if not future.cancelled():
        future.exception()


@dataclass
class PaperAttempt:
    """The steps of one paper generation started so far."""

    create: asyncio.Future[PaperBatch]
    temporary: list[Path] = field(default_factory=list)  # files never kept
    final: Path | None = None  # the PDF's name, kept once recorded
    job: Future | None = None  # drawing, in the process pool
    rename: asyncio.Future | None = None
    record: asyncio.Future[Document] | None = None


class PaperUndo:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._running: set[asyncio.Task] = set()  # undos outliving a cancelled caller

    async def __call__(self, scope: Scope, attempt: PaperAttempt) -> None:
        """Undo an attempt that failed or whose caller was cancelled. The undo
        is a task of its own: a second cancellation of the caller stops this
        wait, not the undo (which then ends in the background). A failure of
        the undo is logged, never raised over the attempt's own."""
        undo = asyncio.ensure_future(self._undo(scope, attempt))
        self._running.add(undo)
        undo.add_done_callback(self._done)
        await asyncio.wait({undo})

    async def _undo(self, scope: Scope, attempt: PaperAttempt) -> None:
        """Wait for the attempt's steps to stop; unless its PDF got recorded,
        remove its files, then its batch (last: SQLite may give a removed
        batch's number to the next one, whose PDF has the same file name)."""
        await asyncio.wait({attempt.create})
        if attempt.create.cancelled() or attempt.create.exception() is not None:
            return  # no batch
        batch = attempt.create.result()
        if attempt.record is not None:
            await asyncio.wait({attempt.record})
            if not attempt.record.cancelled() and attempt.record.exception() is None:
                # Recorded and attached, the batch is complete; the caller was
                # cancelled after the drawing: only its progress file is left.
                await asyncio.to_thread(remove_files, attempt.temporary)
                return
        if attempt.job is not None:
            attempt.job.cancel()
            drawn = asyncio.wrap_future(attempt.job)
            await asyncio.wait({drawn})
            retrieve(drawn)
        if attempt.rename is not None:
            await asyncio.wait({attempt.rename})
        try:
            await asyncio.to_thread(
                remove_files, [*attempt.temporary, *([attempt.final] if attempt.final else [])])
        finally:
            with contextlib.suppress(NotFound):  # already removed by a server start
                await self.store.qcms.discard_paper_batch(scope, batch.id)  # type: ignore[arg-type]

    def _done(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("undoing a failed paper batch failed", exc_info=task.exception())
