"""Produced documents (paper exams, result letters, certificates)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.clock import Clock
from domain.invariants import RuleRefused, check_certificate
from domain.models import Document, DocumentKind
from store import rows
from store.base import AnyDatabase, AnyTx, Repo
from store.errors import Conflict, Locked, NotFound
from store.scope import Scope
from store.sessions import SessionRepo


@dataclass(frozen=True)
class NewDocument:
    kind: DocumentKind
    path: str  # relative to the documents directory
    sha256: str
    participant_id: int | None = None
    verify_code: str | None = None


class DocumentRepo(Repo):
    def __init__(self, db: AnyDatabase, clock: Clock, sessions: SessionRepo) -> None:
        super().__init__(db, clock)
        self.sessions = sessions

    async def publish(self, scope: Scope, centre_id: int, session_id: int | None,
                      documents: list[NewDocument], lock: Sequence[int] = ()) -> list[Document]:
        """Record documents already written to disk and lock the participants
        they concern, all in one transaction."""
        if scope.centre_id not in (None, centre_id):
            raise NotFound("Centre introuvable.")
        now = self.now_text()
        async with self.db.transaction() as tx:
            # The session and participants named must be the centre's own.
            if session_id is not None and not await tx.one(
                    "SELECT 1 FROM sessions WHERE id = ? AND centre_id = ?",
                    (session_id, centre_id)):
                raise NotFound(f"Session introuvable : {session_id}.")
            for doc in documents:
                if doc.participant_id is not None and not await tx.one(
                        "SELECT 1 FROM participants WHERE id = ? AND centre_id = ?",
                        (doc.participant_id, centre_id)):
                    raise NotFound(f"Participant introuvable : {doc.participant_id}.")
            ids = []
            for doc in documents:
                if doc.kind is DocumentKind.CERTIFICATE and doc.participant_id is not None:
                    await self._check_certificate(tx, doc.participant_id)
                ids.append(await tx.insert(
                    "INSERT INTO documents (centre_id, session_id, participant_id, kind, path, "
                    "sha256, created_at, verify_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (centre_id, session_id, doc.participant_id, doc.kind.value, doc.path,
                     doc.sha256, now, doc.verify_code)))
            for pid in lock:
                row = await tx.one(
                    "SELECT number, locked_at FROM participants "
                    f"WHERE id = ? AND centre_id = ?{tx.for_update('participants')}",
                    (pid, centre_id))
                if row is None:
                    raise NotFound(f"Participant introuvable : {pid}.")
                if row["locked_at"] is not None:
                    raise Locked(f"Participant {row['number']} déjà verrouillé.")
                await tx.execute("UPDATE participants SET locked_at = ? WHERE id = ?", (now, pid))
                await self.audit(tx, scope, "lock", "participant", row["number"])
            await self.audit(tx, scope, "publish", "session", session_id or "-",
                             f"{len(documents)} documents")
        marks = ",".join("?" * len(ids))
        return [rows.document(r) for r in await self.db.all(
            f"SELECT * FROM documents WHERE id IN ({marks}) ORDER BY id", ids)] if ids else []

    async def _check_certificate(self, tx: AnyTx, participant_id: int) -> None:
        """Rules 3 and 4 (domain.invariants) before a certificate is recorded."""
        row = await tx.one("SELECT number FROM participants WHERE id = ?", (participant_id,))
        facts = await self.sessions.facts(tx, row["number"]) if row else None
        if facts is None:
            raise NotFound(f"Participant introuvable : {participant_id}.")
        first = await self.sessions.facts(tx, facts.retake_of) if facts.retake_of else None
        quoted = await self.sessions.quoted_by(tx, facts.number)
        retake = await self.sessions.facts(tx, quoted) if quoted else None
        try:
            check_certificate(facts, first, retake)
        except RuleRefused as exc:
            raise Conflict(str(exc)) from None

    async def documents(self, scope: Scope, session_id: int | None = None) -> list[Document]:
        where, params = scope.clause()
        if session_id is not None:
            where, params = f"{where} AND session_id = ?", (*params, session_id)
        return [rows.document(r) for r in await self.db.all(
            f"SELECT * FROM documents WHERE {where} ORDER BY id", params)]

    async def document(self, scope: Scope, document_id: int) -> Document:
        where, params = scope.clause()
        row = await self.db.one(f"SELECT * FROM documents WHERE id = ? AND {where}",
                                (document_id, *params))
        if row is None:
            raise NotFound(f"Document introuvable : {document_id}.")
        return rows.document(row)

    async def by_path(self, scope: Scope, path: str) -> Document:
        """The document recorded at `path` (relative to the documents folder)."""
        where, params = scope.clause()
        row = await self.db.one(f"SELECT * FROM documents WHERE path = ? AND {where}",
                                (path, *params))
        if row is None:
            raise NotFound(f"Document inconnu : {path}.")
        return rows.document(row)

    async def by_verify_code(self, code: str) -> Document | None:
        row = await self.db.one("SELECT * FROM documents WHERE verify_code = ?",
                                (code.strip().upper(),))
        return None if row is None else rows.document(row)

    async def mark_sent(self, scope: Scope, document_ids: list[int]) -> int:
        if not scope.is_admin:
            raise NotFound("Opération réservée à l'organisme certificateur.")
        async with self.db.transaction() as tx:
            count = 0
            for doc_id in document_ids:
                cursor = await tx.execute(
                    "UPDATE documents SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
                    (self.now_text(), doc_id))
                count += cursor.rowcount
            await self.audit(tx, scope, "mark_sent", "documents", ",".join(map(str, document_ids)))
        return count
