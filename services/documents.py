"""Producing, recording and checking documents.

Rendering runs in the executor (a process pool in the server), never on the
event loop. Files are written under temporary names, renamed once all are
written, then recorded with their SHA-256 (and the participants locked) in
one transaction: if anything fails, the files of that attempt are removed
and nothing is locked.

The executor is meant to be a process pool shared by the server, started
with a lower priority so that candidates' sessions keep the CPU:

    ProcessPoolExecutor(os.cpu_count(), mp_context=get_context("spawn"),
                        initializer=render_jobs.init_worker, initargs=(10,))

A paper batch is drawn by one worker (about 2 s for 500 copies); letters and
certificates are spread over all workers in jobs of `results_per_job`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import secrets
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from domain.invariants import RuleRefused, check_certificate
from domain.keys import new_key
from domain.models import Document, DocumentKind, KeyState, PaperBatch, SessionKind
from domain.rules import Outcome
from services import nodes
from services.document_files import open_verified
from services.errors import count
from services.paper_undo import PaperAttempt, PaperUndo, remove_files, retrieve
from services.scoring import CopyScore, ScoringError, score_csv, score_letters
from services.verification import describe_certificate
from store.documents import NewDocument
from store.errors import NotFound, StoreError
from store.scope import Scope
from store.store import Store

logger = logging.getLogger("qcm.documents")

if TYPE_CHECKING:  # pdfgen loads reportlab: imported where documents are produced
    from pdfgen.results import Issuer, ResultData

Progress = Callable[[int, int], None]
POLL_SECONDS = 0.2
MAX_COPIES = 2000  # copies in one paper batch

__all__ = ["CopyScore", "DocumentService", "Progress", "ScoringError"]


def sftp_path(centre_id: int | None, document_path: str) -> str:
    """Where a document appears in an account's SFTP tree: a centre's root is
    its own folder; the certification body's root holds every centre's."""
    prefix = f"{centre_id}/"
    if centre_id is not None and document_path.startswith(prefix):
        return "/" + document_path[len(prefix):]
    return "/" + document_path


def _after_all(futures: Sequence[Future], action: Callable[[], None]) -> None:
    """Run `action` once every future has finished (or been cancelled)."""
    remaining = [len(futures)]
    guard = threading.Lock()

    def done(_: Future) -> None:
        with guard:
            remaining[0] -= 1
            last = remaining[0] == 0
        if last:
            action()
    if not futures:
        action()
    for future in futures:
        future.add_done_callback(done)


def _rename_all(pairs: Sequence[tuple[Path, Path]]) -> None:
    directories = set()
    for temp, final in pairs:
        os.replace(temp, final)
        directories.add(final.parent)
    for directory in directories:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class DocumentService:
    def __init__(self, store: Store, documents_dir: Path, executor: Executor, *,
                 issuer: Issuer | None = None, workers: int | None = None,
                 results_per_job: int = 25) -> None:
        self.store = store
        self.documents_dir = Path(documents_dir)
        self.executor = executor
        self._issuer = issuer
        self.workers = workers or os.cpu_count() or 1
        self.results_per_job = results_per_job
        self._session_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = \
            weakref.WeakValueDictionary()
        self._undo_paper = PaperUndo(store)

    @property
    def issuer(self) -> Issuer:
        if self._issuer is None:
            from pdfgen.results import Issuer
            self._issuer = Issuer()
        return self._issuer

    # Paper batches ------------------------------------------------------

    async def generate_paper(self, scope: Scope, qcm_id: int, copies: int,
                             progress: Progress | None = None,
                             duration_minutes: int | None = None
                             ) -> tuple[PaperBatch, Document]:
        """`_generate_paper` in a process that is a node meanwhile (a server
        worker is one; a local command joins while it draws), so that a
        node starting elsewhere does not take its batch for a dead one's."""
        async with nodes.presence(self.store, "qcm paper"):
            return await self._generate_paper(scope, qcm_id, copies, progress,
                                              duration_minutes)

    async def _generate_paper(self, scope: Scope, qcm_id: int, copies: int,
                              progress: Progress | None = None,
                              duration_minutes: int | None = None
                              ) -> tuple[PaperBatch, Document]:
        """Create a paper batch of `copies` copies, draw its PDF (presentation,
        copies, corrections) and record it. `progress(done, total)` is called
        on the event loop while the PDF is drawn.

        If anything fails or the caller is cancelled before the PDF is
        recorded, the batch and its files are removed (services.paper_undo) and
        the original exception is raised."""
        count(copies, "Nombre de copies", MAX_COPIES)
        store = self.store
        qcm = await store.qcms.qcm(scope, qcm_id)
        questions = tuple(await store.qcms.questions(scope, qcm_id))
        formation = await store.banks.formation(qcm.formation_code)
        centre = await store.centres.centre(scope, qcm.centre_id)
        # Each step runs as its own shielded task, so that the undo can wait
        # for whatever is still running before it removes anything.
        attempt = PaperAttempt(asyncio.ensure_future(
            store.qcms.create_paper_batch(scope, qcm_id, copies)))
        try:
            batch = await asyncio.shield(attempt.create)
            from pdfgen.paper import PaperSpec
            from services import render_jobs
            spec = PaperSpec(centre, formation, qcm, batch, questions, duration_minutes)
            relative = f"{centre.id}/qcm-{qcm.id}/qcm-{qcm.id}-lot-{batch.id}.pdf"
            final = self.documents_dir / relative
            token = secrets.token_hex(4)
            temp = final.with_name(f".{final.name}.{token}.tmp")
            progress_file = final.with_name(f".{final.name}.{token}.progress")
            attempt.temporary, attempt.final = [temp, progress_file], final
            await asyncio.to_thread(final.parent.mkdir, parents=True, exist_ok=True)
            attempt.job = self.executor.submit(render_jobs.write_paper, spec, str(temp),
                                               str(progress_file) if progress else None)
            sha = await self._await_polling(attempt.job, progress_file, progress)
            attempt.rename = asyncio.get_running_loop().run_in_executor(
                None, _rename_all, [(temp, final)])
            await asyncio.shield(attempt.rename)
            attempt.record = asyncio.ensure_future(
                store.qcms.record_batch_document(scope, batch.id, relative, sha))  # type: ignore[arg-type]
            document = await asyncio.shield(attempt.record)
        except BaseException:
            await self._undo_paper(scope, attempt)
            raise
        remove_files([progress_file])
        return replace(batch, document_id=document.id), document

    async def _await_polling(self, future: Future, progress_file: Path,
                             progress: Progress | None):
        waiting = asyncio.wrap_future(future)
        waiting.add_done_callback(retrieve)  # also when we stop waiting for it
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=POLL_SECONDS)
            if done:
                return waiting.result()
            if progress is not None:
                with contextlib.suppress(OSError, ValueError):
                    done_count, total = map(int, progress_file.read_text("ascii").split())
                    progress(done_count, total)

    # Letters and certificates ---------------------------------------------

    async def publish_session(self, scope: Scope, session_id: int,
                              progress: Progress | None = None) -> list[Document]:
        """Letters for every participant not yet locked whose result is
        complete (online: only those who submitted), certificates for those
        who passed; then lock them. Returns the documents recorded."""
        lock = self._session_locks.setdefault(session_id, asyncio.Lock())
        async with lock:
            items = await self._publishable(scope, session_id)
            if not items:
                return []
            return await self._publish(scope, items, progress)

    async def _publishable(self, scope: Scope, session_id: int) -> list[ResultData]:
        store = self.store
        session = await store.sessions.session(scope, session_id)
        participants = await store.sessions.participants(scope, session_id)
        if session.kind is SessionKind.ONLINE:
            submitted = {p.id for key, p in await store.exam.keys(scope, session_id)
                         if key.state is KeyState.SUBMITTED}
            participants = [p for p in participants if p.id in submitted]
        formation = await store.banks.formation(session.formation_code)
        centre = await store.centres.centre(scope, session.centre_id)
        from pdfgen.results import ResultData
        from pdfgen.styles import local_day
        issued_on = local_day(store.clock.now(), centre.timezone)
        chains = await store.sessions.chain_facts(scope, session_id)
        items = []
        for p in participants:
            data = ResultData(p, session, formation, centre, issued_on, self.issuer)
            if p.locked or data.outcome is Outcome.PENDING:
                continue
            if data.outcome is Outcome.PASSED:
                try:
                    check_certificate(*chains[p.number])
                except RuleRefused as exc:
                    # Only data written before the rules were enforced gets here.
                    logger.warning("publication: %s not published: %s", p.number, exc)
                    continue
                data = replace(data, verify_code=new_key())
            items.append(data)
        return items

    async def _publish(self, scope: Scope, items: list[ResultData],
                       progress: Progress | None) -> list[Document]:
        session, centre = items[0].session, items[0].centre
        folder = f"{centre.id}/session-{session.id}"
        directory = self.documents_dir / folder
        await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
        token = secrets.token_hex(4)
        names: list[tuple[str, str | None]] = []
        for data in items:
            number = data.participant.number
            names.append((f"lettre-{number}-{token}.pdf",
                          f"attestation-{number}-{token}.pdf" if data.verify_code else None))
        temps = [(directory / f".{a}.tmp", directory / f".{b}.tmp" if b else None)
                 for a, b in names]
        from services import render_jobs
        size = max(1, min(self.results_per_job, math.ceil(len(items) / self.workers)))
        futures = [self.executor.submit(
            render_jobs.write_results, items[i:i + size],
            [(str(a), str(b) if b else None) for a, b in temps[i:i + size]])
            for i in range(0, len(items), size)]
        # Names carry this attempt's token: removing them never touches another's.
        written = [p for pair in temps for p in pair if p is not None]
        written += [directory / n for pair in names for n in pair if n is not None]
        try:
            hashes: list[tuple[str, str | None]] = []
            done_count = 0
            for future in futures:
                chunk: list[tuple[str, str | None]] = await asyncio.wrap_future(future)
                hashes.extend(chunk)
                done_count = len(hashes)
                if progress:
                    progress(done_count, len(items))
            pairs = [(t, directory / n) for pair_t, pair_n in zip(temps, names)
                     for t, n in zip(pair_t, pair_n) if t is not None and n is not None]
            await asyncio.to_thread(_rename_all, pairs)
        except BaseException:
            for future in futures:
                future.cancel()
            _after_all(futures, lambda: remove_files(written))
            raise
        documents: list[NewDocument] = []
        finals: list[Path] = []
        for data, (letter, certificate), (letter_sha, cert_sha) in zip(items, names, hashes):
            pid = data.participant.id
            documents.append(NewDocument(DocumentKind.LETTER, f"{folder}/{letter}", letter_sha,
                                         pid))
            finals.append(directory / letter)
            if certificate and cert_sha:
                documents.append(NewDocument(DocumentKind.CERTIFICATE, f"{folder}/{certificate}",
                                             cert_sha, pid, data.verify_code))
                finals.append(directory / certificate)
        lock = [d.participant.id for d in items]
        return await self._record(scope, centre.id, session.id, documents, lock, finals)  # type: ignore[arg-type]

    async def _record(self, scope: Scope, centre_id: int, session_id: int | None,
                      documents: list[NewDocument], lock: list[int],
                      finals: list[Path]) -> list[Document]:
        """Record and lock in one transaction; remove the files if that fails.
        The transaction is shielded: a cancelled caller does not leave it
        half-known (the files go only if it did not commit)."""
        task = asyncio.ensure_future(
            self.store.documents.publish(scope, centre_id, session_id, documents, lock))

        def drop_files_on_failure(t: asyncio.Future) -> None:
            if t.cancelled() or t.exception() is not None:
                remove_files(finals)
        try:
            return await asyncio.shield(task)
        except BaseException:
            if task.done():
                drop_files_on_failure(task)
            else:
                task.add_done_callback(drop_files_on_failure)
            raise

    # Serving and checking ---------------------------------------------------

    async def open_checked(self, scope: Scope, path: str) -> BinaryIO:
        """The document recorded at `path` (relative to the documents folder,
        within the caller's scope), opened for reading once its file was
        found to hold what was produced (the SHA-256 recorded then). Another
        node may have drawn it: with several nodes the folder is a shared one.
        NotFound (unknown document, or file absent from this node) or Invalid
        (file altered), in French; the server's log names the folder."""
        visible = sftp_path(scope.centre_id, path).lstrip("/")  # as the account sees it
        try:
            document = await self.store.documents.by_path(scope, path)
        except NotFound:
            raise NotFound(f"Document inconnu : {visible}.") from None
        label = f"Document {document.id} ({visible})"
        try:
            return await asyncio.to_thread(open_verified, self.documents_dir / path,
                                           document.sha256, label)
        except StoreError as exc:
            logger.warning("document %d (%s) not served from %s: %s", document.id, path,
                           self.documents_dir, exc)
            raise

    # Checking -------------------------------------------------------------

    async def verify(self, code: str) -> str | None:
        """A French description of the certificate carrying this verification
        code, or None if no certificate does."""
        return await describe_certificate(self.store, self.documents_dir, code)

    # Scoring paper copies ---------------------------------------------------

    async def score_copy(self, scope: Scope, batch_id: int, copy_number: int,
                         letters: str) -> int:
        """Score the letters ticked on one copy of a batch (30 letters A-D,
        '-' or '.' for none; spaces are ignored)."""
        batch = await self.store.qcms.paper_batch(scope, batch_id)
        questions = await self.store.qcms.questions(scope, batch.qcm_id)
        return score_letters(batch, questions, copy_number, letters)

    async def score_batch_csv(self, scope: Scope, batch_id: int, text: str) -> list[CopyScore]:
        """Score every line of a CSV of (copy number, letters); a line that
        cannot be scored carries its error instead of a score."""
        batch = await self.store.qcms.paper_batch(scope, batch_id)
        questions = await self.store.qcms.questions(scope, batch.qcm_id)
        return score_csv(batch, questions, text)
