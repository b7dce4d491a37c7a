"""What `qcm serve` does once before its workers start."""

from __future__ import annotations

import logging

from domain.models import Role
from services.config import Config
from sshserver.serve import _prepare
from store import Scope, Store
from tests.store.conftest import ADMIN, small_bank


async def test_start_removes_the_paper_batches_a_stopped_process_left_without_pdf(
        tmp_path, caplog):
    config = Config(data_dir=tmp_path / "data")
    store = await Store.open(config.database)
    try:
        await store.banks.import_bank(small_bank(), ADMIN)
        centre = await store.centres.add_centre(ADMIN, "Centre A")
        await store.centres.add_account(ADMIN, "centre-a", Role.CENTRE, centre.id, None)
        scope = Scope.centre(centre.id, "centre-a")  # type: ignore[arg-type]
        qcm = await store.qcms.create_qcm(scope, "TST", "TST_Lyon")
        printed = await store.qcms.create_paper_batch(scope, qcm.id, 3)
        document = await store.qcms.record_batch_document(scope, printed.id, "1/lot.pdf",
                                                          "0" * 64)
        await store.qcms.create_paper_batch(scope, qcm.id, 5)  # the process died drawing it
    finally:
        await store.close()

    with caplog.at_level(logging.INFO, logger="qcm"):
        await _prepare(config)
    assert "removed 1 paper batches left without their PDF" in caplog.text

    store = await Store.open(config.database)
    try:
        [kept] = await store.qcms.paper_batches(scope, qcm.id, pending=True)
        assert (kept.id, kept.document_id) == (printed.id, document.id)
    finally:
        await store.close()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="qcm"):
        await _prepare(config)  # nothing more to remove: nothing said
    assert "paper batches" not in caplog.text


def test_a_worker_hands_the_gil_to_its_database_thread_quickly() -> None:
    """bench/db_under_load.py: at CPython's 5 ms, a busy worker served ~10 key
    openings a second from its database thread; ~130 at 0.5 ms."""
    import sys

    from sshserver.serve import SWITCH_INTERVAL, tune_worker_process

    before = sys.getswitchinterval()
    try:
        tune_worker_process()
        assert sys.getswitchinterval() == SWITCH_INTERVAL <= 0.001
    finally:
        sys.setswitchinterval(before)
