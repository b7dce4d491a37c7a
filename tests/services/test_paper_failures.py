"""A paper batch whose PDF is not recorded does not stay behind: whatever
fails (drawing, writing, renaming) or if the caller is cancelled (the SSH
connection dropped), its row and its files go; the caller gets its error.
(A drawing that fails in the pool: test_paper_service.py.)"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.documents import DocumentService
from tests.backends import Backend


async def batch_rows(backend: Backend) -> list[tuple[int, int | None]]:
    """Every batch row as (id, document_id), read with a connection of its own."""
    async with backend.sql() as conn:
        return await conn.all("SELECT id, document_id FROM paper_batches ORDER BY id")


class GatedExecutor(ThreadPoolExecutor):
    """A real thread pool whose jobs (the real drawing) start only once the
    test opens the gate: the test knows where the generation stands."""

    def __init__(self) -> None:
        super().__init__(1)
        self.gate = threading.Event()
        self.submitted = asyncio.Event()

    def submit(self, fn, /, *args, **kwargs):
        self.submitted.set()

        def gated():
            if not self.gate.wait(30):
                raise TimeoutError("gate never opened")
            return fn(*args, **kwargs)
        return super().submit(gated)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.gate.set()
        super().shutdown(wait, cancel_futures=cancel_futures)


def files(directory) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


async def test_a_documents_folder_that_cannot_be_created_leaves_no_batch(
        service, store, backend, world, tmp_path, pool):
    blocked = tmp_path / "pas-un-dossier"
    blocked.write_text("un fichier à la place du dossier des documents")
    broken = DocumentService(store, blocked, pool)
    with pytest.raises(NotADirectoryError):
        await broken.generate_paper(world.scope, world.qcm.id, 2)
    assert await batch_rows(backend) == []
    assert blocked.read_text().startswith("un fichier")
    batch, document = await service.generate_paper(world.scope, world.qcm.id, 2)
    assert await batch_rows(backend) == [(batch.id, document.id)]


async def test_a_rename_that_fails_leaves_no_batch_nor_temporary_file(
        service, store, backend, world, documents_dir, caplog):
    """The drawn PDF cannot take its final name (a folder is in the way)."""
    next_id = 1 + max((i for i, _ in await batch_rows(backend)), default=0)
    qcm = world.qcm
    final = documents_dir / f"{world.centre.id}/qcm-{qcm.id}/qcm-{qcm.id}-lot-{next_id}.pdf"
    (final / "occupé").mkdir(parents=True)
    with pytest.raises(IsADirectoryError):
        await service.generate_paper(world.scope, qcm.id, 2, lambda done, total: None)
    assert await batch_rows(backend) == []
    assert files(documents_dir) == []
    assert [p.name for p in final.parent.iterdir()] == [final.name]  # no .tmp nor .progress
    assert (final / "occupé").is_dir()
    # The folder in the way could not be removed: said in the log, not raised.
    assert "undoing a failed paper batch failed" in caplog.text


async def test_cancelling_while_the_pdf_is_drawn_leaves_no_batch(
        service, store, backend, world, documents_dir):
    """As when a centre's SSH connection drops during a long generation: the
    drawing is stopped or waited for, then its files and its batch go."""
    drawing = asyncio.Event()

    def progress(done: int, total: int) -> None:
        if done:
            drawing.set()

    task = asyncio.ensure_future(
        service.generate_paper(world.scope, world.qcm.id, 300, progress))
    await asyncio.wait({task, asyncio.ensure_future(drawing.wait())}, timeout=60,
                       return_when=asyncio.FIRST_COMPLETED)
    assert not task.done(), "drawn before its progress was seen: draw more copies"
    assert len(await batch_rows(backend)) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await batch_rows(backend) == []
    assert files(documents_dir) == []
    # The next batch may take the same number: its PDF is not touched by the
    # cancelled one's clean-up, which has finished.
    batch, document = await service.generate_paper(world.scope, world.qcm.id, 2)
    assert await batch_rows(backend) == [(batch.id, document.id)]
    assert files(documents_dir) == [document.path]


async def test_cancelled_twice_the_undo_still_ends_in_the_background(
        store, backend, world, documents_dir):
    """A second cancellation (the app torn down) stops waiting for the undo,
    not the undo, which waits for the drawing to stop."""
    with GatedExecutor() as executor:
        service = DocumentService(store, documents_dir, executor)
        task = asyncio.ensure_future(service.generate_paper(world.scope, world.qcm.id, 2))
        await asyncio.wait_for(executor.submitted.wait(), 10)
        task.cancel()
        for _ in range(5):  # the undo starts and waits for the job at the gate
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert len(await batch_rows(backend)) == 1  # the job has not stopped yet
        executor.gate.set()
        for _ in range(1000):
            if not await batch_rows(backend):
                break
            await asyncio.sleep(0.01)
    assert await batch_rows(backend) == []
    assert files(documents_dir) == []


async def test_cancelling_once_the_pdf_is_being_recorded_keeps_the_complete_batch(
        store, backend, world, documents_dir):
    """The recording transaction is not cut: if it commits, the batch keeps
    its PDF (and its files) though the caller was cancelled."""

    async def recording_waits(held) -> bool:
        if backend.is_pg:  # the server says who waits for a lock
            return await backend.writes_waiting(held) > 0
        return store.db._lock.locked()  # the store's one writer, waiting for SQLite's lock

    with GatedExecutor() as executor:
        service = DocumentService(store, documents_dir, executor)
        task = asyncio.ensure_future(service.generate_paper(world.scope, world.qcm.id, 2))
        await asyncio.wait_for(executor.submitted.wait(), 10)  # the batch is committed
        async with backend.hold_writes() as held:  # the write lock, from now on
            executor.gate.set()
            # Drawn and renamed, the recording then waits for the write lock
            # (nothing else writes here).
            while not await recording_waits(held):
                assert not task.done()
                await asyncio.sleep(0.01)
            task.cancel()
            await asyncio.sleep(0.05)
        with pytest.raises(asyncio.CancelledError):
            await task
    [(batch_id, document_id)] = await batch_rows(backend)
    document = await store.documents.document(world.scope, document_id)
    assert files(documents_dir) == [document.path]
    assert document.path.endswith(f"-lot-{batch_id}.pdf")
