"""QCMs (a fixed question draw for one centre) and their paper batches."""

from __future__ import annotations

import random
import secrets

from domain.models import Document, DocumentKind, PaperBatch, Qcm, Question
from domain.shuffle import draw_questions
from store import rows
from store.banks import BankRepo
from store.base import Repo
from store.errors import Conflict, NotFound
from store.nodes import NodeRepo
from store.scope import Scope


class QcmRepo(Repo):
    def __init__(self, db, clock, banks: BankRepo, nodes: NodeRepo | None = None) -> None:
        super().__init__(db, clock)
        self.banks = banks
        self.nodes = nodes or NodeRepo(db, clock)

    async def create_qcm(self, scope: Scope, formation_code: str, title: str,
                         centre_id: int | None = None,
                         rng: random.Random | None = None) -> Qcm:
        """Create a QCM for the scope's centre (the admin names the centre),
        drawing its fixed question set now."""
        centre_id = scope.centre_id if scope.centre_id is not None else centre_id
        if centre_id is None:
            raise Conflict("Centre non précisé pour ce QCM.")
        formation = await self.banks.formation(formation_code)
        if not formation.active:
            raise Conflict(f"La formation {formation_code} n'est plus active.")
        pool = await self.banks.questions(formation_code)
        try:
            drawn = draw_questions(formation.themes, pool, formation.questions_per_qcm,
                                   rng or random.Random(secrets.randbits(64)))
        except ValueError as exc:
            raise Conflict(str(exc)) from None
        async with self.db.transaction() as tx:
            if not await tx.one("SELECT 1 FROM centres WHERE id = ?", (centre_id,)):
                raise NotFound(f"Centre introuvable : {centre_id}.")
            created = self.now_text()
            qcm_id = await tx.insert(
                "INSERT INTO qcms (centre_id, formation_code, title, created_at) "
                "VALUES (?, ?, ?, ?)", (centre_id, formation_code, title, created))
            await tx.executemany(
                "INSERT INTO qcm_questions (qcm_id, position, question_id) VALUES (?, ?, ?)",
                [(qcm_id, i, q.id) for i, q in enumerate(drawn)])
            await self.audit(tx, scope, "create_qcm", "qcm", qcm_id, title)
        return Qcm(qcm_id, centre_id, formation_code, title, rows.from_ts(created),  # type: ignore[arg-type]
                   tuple(q.id for q in drawn))  # type: ignore[misc]

    async def qcms(self, scope: Scope) -> list[Qcm]:
        where, params = scope.clause()
        return [rows.qcm(r) for r in await self.db.all(
            f"SELECT * FROM qcms WHERE {where} ORDER BY id DESC", params)]

    async def qcm(self, scope: Scope, qcm_id: int) -> Qcm:
        where, params = scope.clause()
        row = await self.db.one(f"SELECT * FROM qcms WHERE id = ? AND {where}",
                                (qcm_id, *params))
        if row is None:
            raise NotFound(f"QCM introuvable : {qcm_id}.")
        ids = await self.db.all(
            "SELECT question_id FROM qcm_questions WHERE qcm_id = ? ORDER BY position", (qcm_id,))
        return rows.qcm(row, tuple(r[0] for r in ids))

    async def questions(self, scope: Scope, qcm_id: int) -> list[Question]:
        """The QCM's questions, in its fixed order, as drawn (never edited)."""
        qcm = await self.qcm(scope, qcm_id)
        by_id = await self.banks.questions_by_ids(list(qcm.question_ids))
        return [by_id[i] for i in qcm.question_ids]

    async def create_paper_batch(self, scope: Scope, qcm_id: int, copies: int) -> PaperBatch:
        if not 1 <= copies <= 2000:
            raise Conflict("Nombre de copies : de 1 à 2000.")
        await self.qcm(scope, qcm_id)
        seed = secrets.token_hex(16)
        async with self.db.transaction() as tx:
            created = self.now_text()
            batch_id = await tx.insert(
                "INSERT INTO paper_batches (qcm_id, copies, seed, created_at, node_id) "
                "VALUES (?, ?, ?, ?, ?)", (qcm_id, copies, seed, created, self.nodes.current))
            await self.audit(tx, scope, "create_paper_batch", "qcm", qcm_id, f"{copies} copies")
        return PaperBatch(batch_id, qcm_id, copies, seed, rows.from_ts(created))  # type: ignore[arg-type]

    async def paper_batches(self, scope: Scope, qcm_id: int, *,
                            pending: bool = False) -> list[PaperBatch]:
        """The QCM's batches whose PDF is recorded (those whose copies can have
        been printed); with `pending`, also those still being drawn."""
        await self.qcm(scope, qcm_id)
        printed = "" if pending else " AND document_id IS NOT NULL"
        return [rows.paper_batch(r) for r in await self.db.all(
            f"SELECT * FROM paper_batches WHERE qcm_id = ?{printed} ORDER BY id", (qcm_id,))]

    async def paper_batch(self, scope: Scope, batch_id: int) -> PaperBatch:
        where, params = scope.clause("q.centre_id")
        row = await self.db.one(
            f"SELECT b.* FROM paper_batches b JOIN qcms q ON q.id = b.qcm_id "
            f"WHERE b.id = ? AND {where}", (batch_id, *params))
        if row is None:
            raise NotFound(f"Lot de copies introuvable : {batch_id}.")
        return rows.paper_batch(row)

    async def record_batch_document(self, scope: Scope, batch_id: int, path: str,
                                    sha256: str) -> Document:
        """Record a batch's PDF (already written to disk) and attach it to the
        batch, in one transaction: a recorded PDF never lacks its batch, and a
        batch that has one is never discarded."""
        await self.paper_batch(scope, batch_id)
        async with self.db.transaction() as tx:
            row = await tx.one(
                "SELECT q.centre_id, b.document_id FROM paper_batches b "
                f"JOIN qcms q ON q.id = b.qcm_id WHERE b.id = ?{tx.for_update('b')}",
                (batch_id,))
            if row is None:  # discarded meanwhile
                raise NotFound(f"Lot de copies introuvable : {batch_id}.")
            if row["document_id"] is not None:
                raise Conflict(f"Le PDF du lot {batch_id} est déjà enregistré.")
            document_id = await tx.insert(
                "INSERT INTO documents (centre_id, kind, path, sha256, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (row["centre_id"], DocumentKind.PAPER.value, path, sha256, self.now_text()))
            await tx.execute("UPDATE paper_batches SET document_id = ? WHERE id = ?",
                             (document_id, batch_id))
            await self.audit(tx, scope, "publish", "paper_batch", batch_id, path)
            document = await tx.one("SELECT * FROM documents WHERE id = ?", (document_id,))
        return rows.document(document)  # type: ignore[arg-type]

    async def discard_paper_batch(self, scope: Scope, batch_id: int) -> bool:
        """Remove a batch whose PDF was never recorded (its drawing failed or
        was cancelled). A batch with a document is kept: returns whether the
        batch was removed."""
        batch = await self.paper_batch(scope, batch_id)
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "DELETE FROM paper_batches WHERE id = ? AND document_id IS NULL", (batch_id,))
            if not cursor.rowcount:
                return False
            await self.audit(tx, scope, "discard_paper_batch", "qcm", batch.qcm_id,
                             f"lot {batch_id} sans document")
        return True
