"""Paper batches: recorded with their PDF in one step, discarded while they have none."""

from __future__ import annotations

import pytest

from domain.models import DocumentKind
from store import Conflict, NotFound
from tests.store.conftest import ADMIN

SHA = "5" * 64


async def batch_ids(backend) -> list[int]:
    """Every batch row, read behind the application's back."""
    async with backend.sql() as conn:
        return [r[0] for r in await conn.all("SELECT id FROM paper_batches ORDER BY id")]


async def test_a_batch_is_listed_for_scoring_once_its_pdf_is_recorded(store, world):
    a = world.a
    assert await store.qcms.paper_batches(a.scope, a.qcm.id) == []
    assert [b.id for b in await store.qcms.paper_batches(a.scope, a.qcm.id, pending=True)] == [
        a.batch.id]
    document = await store.qcms.record_batch_document(a.scope, a.batch.id, "Lyon/lot.pdf", SHA)
    assert (document.kind, document.centre_id, document.session_id, document.path,
            document.sha256) == (DocumentKind.PAPER, a.centre.id, None, "Lyon/lot.pdf", SHA)
    [listed] = await store.qcms.paper_batches(a.scope, a.qcm.id)
    assert (listed.id, listed.document_id) == (a.batch.id, document.id)
    assert await store.documents.document(a.scope, document.id) == document
    with pytest.raises(Conflict, match="déjà enregistré"):
        await store.qcms.record_batch_document(a.scope, a.batch.id, "Lyon/autre.pdf", SHA)
    assert [d.path for d in await store.documents.documents(a.scope)] == [
        "Lyon/lettre.pdf", "Lyon/lot.pdf"]


async def test_discarding_removes_only_a_batch_without_its_pdf(store, world, backend):
    a = world.a
    kept = await store.qcms.create_paper_batch(a.scope, a.qcm.id, 4)
    await store.qcms.record_batch_document(a.scope, kept.id, "Lyon/lot.pdf", SHA)
    assert await store.qcms.discard_paper_batch(a.scope, kept.id) is False
    assert (await store.qcms.paper_batch(a.scope, kept.id)).document_id is not None

    assert await store.qcms.discard_paper_batch(a.scope, a.batch.id) is True
    with pytest.raises(NotFound):
        await store.qcms.paper_batch(a.scope, a.batch.id)
    with pytest.raises(NotFound):  # discarded meanwhile: its PDF cannot be recorded
        await store.qcms.record_batch_document(a.scope, a.batch.id, "Lyon/tard.pdf", SHA)
    assert await batch_ids(backend) == sorted([kept.id, world.b.batch.id])
    [entry] = [e for e in await store.audit.entries(ADMIN) if e.action == "discard_paper_batch"]
    assert (entry.actor, entry.object_id) == ("centre-a", str(a.qcm.id))
    assert f"lot {a.batch.id}" in entry.detail


async def test_a_centre_cannot_discard_another_centres_batch(store, world, backend):
    a, b = world.a, world.b
    with pytest.raises(NotFound):
        await store.qcms.discard_paper_batch(a.scope, b.batch.id)
    assert await batch_ids(backend) == [a.batch.id, b.batch.id]
    assert await store.qcms.discard_paper_batch(ADMIN, b.batch.id) is True  # the body may
    assert await batch_ids(backend) == [a.batch.id]


async def test_server_start_removes_every_batch_left_without_its_pdf(store, world, backend):
    """Batches drawn by no node (the world's, made without one) are removed
    by a start, with an audit entry; a recorded batch stays."""
    a, b = world.a, world.b
    printed = await store.qcms.create_paper_batch(b.scope, b.qcm.id, 2)
    await store.qcms.record_batch_document(b.scope, printed.id, "Nantes/lot.pdf", SHA)
    assert (await store.nodes.reap()).batches == 2  # A's and B's first batches
    assert await batch_ids(backend) == [printed.id]
    assert (await store.nodes.reap()).batches == 0
    [entry] = [e for e in await store.audit.entries(ADMIN)
               if e.action == "discard_unfinished_batches"]
    assert entry.actor == "system" and entry.detail.startswith("2 ")
    assert await store.qcms.paper_batches(a.scope, a.qcm.id, pending=True) == []
