"""Jobs run in the worker processes: render with pdfgen, write the files
under temporary names, return their SHA-256. Top-level functions of plain
arguments, so a ProcessPoolExecutor can run them."""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # reportlab loads in the workers only (the local CLI starts faster)
    from pdfgen.paper import PaperSpec
    from pdfgen.results import ResultData

PROGRESS_STEPS = 50  # progress file updates per paper batch, at most


def init_worker(nice: int = 0) -> None:
    """Pool initializer: lower the worker's priority so that candidates'
    sessions on the same machine keep the CPU, and load the fonts once."""
    if nice:
        try:
            os.nice(nice)
        except OSError:  # pragma: no cover - not permitted here
            pass
    from pdfgen.batch import render_results  # noqa: F401  (loaded once, before any job)
    from pdfgen.fonts import fonts
    from pdfgen.paper import render_paper  # noqa: F401
    fonts()


def write_file(path: str, data: bytes) -> str:
    """Write a new file durably (it must not exist) and return its SHA-256."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    return hashlib.sha256(data).hexdigest()


def _progress_writer(path: str | None):
    if path is None:
        return None
    state = {"next": 0}

    def report(done: int, total: int) -> None:
        if done >= state["next"] or done == total:
            state["next"] = done + max(1, total // PROGRESS_STEPS)
            with open(path, "w", encoding="ascii") as f:
                f.write(f"{done} {total}")
    return report


def write_paper(spec: PaperSpec, path: str, progress_path: str | None = None) -> str:
    """Render a paper batch to `path`; progress goes to `progress_path` as
    'done total' for the caller to poll."""
    from pdfgen.paper import render_paper
    pdf = render_paper(spec, _progress_writer(progress_path))
    return write_file(path, pdf)


def write_results(items: list[ResultData],
                  paths: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """Render letters and certificates to the given paths; their SHA-256."""
    from pdfgen.batch import render_results
    out: list[tuple[str, str | None]] = []
    for (letter, certificate), (letter_path, cert_path) in zip(render_results(items), paths):
        if (certificate is None) != (cert_path is None):
            raise ValueError("Attestation attendue et attestation produite ne concordent pas.")
        out.append((write_file(letter_path, letter),
                    write_file(cert_path, certificate) if certificate and cert_path else None))
    return out


def make_pool(workers: int, nice: int = 10):
    """The process pool documents are drawn in: spawned (no inherited event
    loop or sockets), at a lower priority than the sessions."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context
    return ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                               initializer=init_worker, initargs=(nice,))
