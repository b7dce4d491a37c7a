"""A centre never reads nor changes another centre's data, whatever ids it passes."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

from domain.models import DocumentKind, Practical, Role, SessionKind
from store import NotFound, Scope
from store.audit import AuditRepo
from store.banks import BankRepo
from store.centres import CentreRepo
from store.documents import DocumentRepo, NewDocument
from store.exam import ExamRepo
from store.nodes import NodeRepo
from store.qcms import QcmRepo
from store.sessions import ScoreRecord, SessionRepo
from tests.store.conftest import ADMIN, identity, small_bank

# Every public coroutine of the repositories is either checked below with
# another centre's ids, or listed here with why it needs no centre scope.
NOT_CENTRE_FACING = {
    "BankRepo.formations": "reference data shared by all centres",
    "BankRepo.formation": "reference data shared by all centres",
    "BankRepo.questions": "reference data shared by all centres",
    "BankRepo.questions_by_ids": "reference data shared by all centres",
    "BankRepo.export_bank": "reference data; the command is admin-only",
    "CentreRepo.account": "authentication, by login",
    "CentreRepo.password_hash": "authentication, by login",
    "CentreRepo.public_keys": "authentication, by login",
    "DocumentRepo.by_verify_code": "public verification of a certificate",
    "ExamRepo.open_key": "candidate side: the key is the credential",
    "ExamRepo.ticket": "candidate side, after open_key",
    "ExamRepo.answers": "candidate side, after open_key",
    "ExamRepo.beat": "candidate side, needs the lease token",
    "ExamRepo.save_position": "candidate side, needs the lease token",
    "ExamRepo.release": "candidate side, needs the lease token",
    "NodeRepo.join": "server process start",
    "NodeRepo.beat": "server process heartbeat",
    "NodeRepo.leave": "server process stop",
    "NodeRepo.reap": "server start-up, before any worker",
    "NodeRepo.shared_secret": "server start-up (host key)",
    "ExamRepo.save_identity": "candidate side, needs the lease token",
    "ExamRepo.save_answer": "candidate side, needs the lease token",
    "ExamRepo.submit": "candidate side, needs the lease token",
    "ExamRepo.submit_expired": "server housekeeping",
    "AuditRepo.record_failure": "authentication ledger",
    "AuditRepo.failures": "authentication ledger",
    "AuditRepo.failure_at": "authentication ledger",
    "AuditRepo.prune_failures": "authentication ledger",
    "SessionRepo.next_number": "internal, takes a transaction",
    "SessionRepo.check_retake": "internal, takes a transaction",
    "SessionRepo.facts": "internal, takes a transaction",
    "SessionRepo.quoted_by": "internal, takes a transaction",
    "SessionRepo.check_change": "internal, takes a transaction",
    "SessionRepo.all_facts": "audit of the certification rules over every centre (tests)",
}

CHECKED = {
    "CentreRepo": {"add_centre", "centres", "centre", "centre_by_name", "add_trainer", "trainers",
                   "trainer", "add_account", "accounts", "set_password", "set_disabled",
                   "add_public_key", "remove_public_key"},
    "QcmRepo": {"create_qcm", "qcms", "qcm", "questions", "create_paper_batch", "paper_batches",
                "paper_batch", "record_batch_document", "discard_paper_batch"},
    "SessionRepo": {"create_session", "insert_session", "sessions", "session", "update_session", "add_participant",
                    "update_participant", "set_practical", "delete_participant", "participants",
                    "participant", "participant_counts", "locked_counts", "record_scores",
                    "chain_facts", "quoting", "participant_by_number"},
    "ExamRepo": {"create_keys", "insert_keys", "keys_by_id", "keys", "delete_key",
                 "remove_key", "set_extra_time"},
    "DocumentRepo": {"publish", "documents", "document", "by_path", "mark_sent"},
    "AuditRepo": {"entries"},
    "BankRepo": {"import_bank"},
    "NodeRepo": set(),
}


def test_every_repository_method_is_accounted_for():
    for cls in (CentreRepo, QcmRepo, SessionRepo, ExamRepo, DocumentRepo, AuditRepo, BankRepo,
                NodeRepo):
        for name, member in inspect.getmembers(cls, inspect.iscoroutinefunction):
            if name.startswith("_") or name == "audit":  # audit: Repo's own helper
                continue
            qualified = f"{cls.__name__}.{name}"
            assert qualified in NOT_CENTRE_FACING or name in CHECKED[cls.__name__], (
                f"{qualified}: add a scoping test for it in tests/store/test_scoping.py "
                "or list it in NOT_CENTRE_FACING with the reason")


async def _in_tx(store, call):
    async with store.db.transaction() as tx:
        return await call(tx)


async def _snapshot(store, b) -> dict:
    """Everything of centre B, read with B's own scope."""
    return {
        "centre": await store.centres.centre(b.scope, b.centre.id),
        "trainers": await store.centres.trainers(b.scope, b.centre.id),
        "accounts": await store.centres.accounts(b.scope),
        "hash": await store.centres.password_hash(b.account.login),
        "keys_ssh": await store.centres.public_keys(b.account.login),
        "qcms": await store.qcms.qcms(b.scope),
        "batches": await store.qcms.paper_batches(b.scope, b.qcm.id, pending=True),
        "sessions": await store.sessions.sessions(b.scope),
        "offline": await store.sessions.participants(b.scope, b.offline.id),
        "online": await store.exam.keys(b.scope, b.online.id),
        "documents": await store.documents.documents(b.scope),
    }


async def test_centre_scope_cannot_reach_another_centre(store, world):
    a, b = world.a, world.b
    before = await _snapshot(store, b)
    s = a.scope
    doc = NewDocument(DocumentKind.LETTER, "x.pdf", "1" * 64)
    attempts = {
        # centres
        "add_centre": store.centres.add_centre(s, "Centre C"),
        "centre": store.centres.centre(s, b.centre.id),
        "centre_by_name": store.centres.centre_by_name(s, b.centre.name),
        "add_trainer": store.centres.add_trainer(s, b.centre.id, "Intrus"),
        "trainers": store.centres.trainers(s, b.centre.id),
        "trainer": store.centres.trainer(s, b.trainer.id),
        "add_account": store.centres.add_account(s, "intrus", Role.CENTRE, b.centre.id, "x"),
        "add_admin": store.centres.add_account(s, "root2", Role.ADMIN, None, "x"),
        "set_password": store.centres.set_password(s, b.account.login, "y"),
        "set_disabled": store.centres.set_disabled(s, b.account.login, True),
        "add_public_key": store.centres.add_public_key(s, b.account.login, "ssh-ed25519 AAAA", "SHA256:x"),
        "remove_public_key": store.centres.remove_public_key(s, b.account.login, "SHA256:x"),
        # qcms
        "qcm": store.qcms.qcm(s, b.qcm.id),
        "questions": store.qcms.questions(s, b.qcm.id),
        "create_paper_batch": store.qcms.create_paper_batch(s, b.qcm.id, 2),
        "paper_batches": store.qcms.paper_batches(s, b.qcm.id, pending=True),
        "paper_batch": store.qcms.paper_batch(s, b.batch.id),
        "record_batch_document": store.qcms.record_batch_document(s, b.batch.id, "p.pdf",
                                                                  "3" * 64),
        "discard_paper_batch": store.qcms.discard_paper_batch(s, b.batch.id),
        # sessions
        "create_session": store.sessions.create_session(s, b.qcm.id, SessionKind.OFFLINE,
                                                        a.trainer.id, "x", date(2026, 3, 11)),
        "create_session_b_trainer": store.sessions.create_session(
            s, a.qcm.id, SessionKind.OFFLINE, b.trainer.id, "x", date(2026, 3, 11)),
        "insert_session": _in_tx(store, lambda tx: store.sessions.insert_session(
            tx, s, b.qcm.id, SessionKind.OFFLINE, a.trainer.id, "x", date(2026, 3, 11))),
        "session": store.sessions.session(s, b.offline.id),
        "update_session": store.sessions.update_session(s, b.offline.id, place="Piraté"),
        "update_session_b_trainer": store.sessions.update_session(s, a.offline.id,
                                                                  trainer_id=b.trainer.id),
        "add_participant": store.sessions.add_participant(s, b.offline.id, identity(), 25,
                                                          Practical.FAVOURABLE),
        "update_participant": store.sessions.update_participant(
            s, b.participant.id, identity("Pirate"), 30, Practical.FAVOURABLE),
        "set_practical": store.sessions.set_practical(s, b.participant.id, Practical.UNFAVOURABLE),
        "delete_participant": store.sessions.delete_participant(s, b.participant.id),
        "participants": store.sessions.participants(s, b.offline.id),
        "record_scores": store.sessions.record_scores(s, [ScoreRecord(b.participant.id, 6)]),
        "chain_facts": store.sessions.chain_facts(s, b.offline.id),
        "quoting": store.sessions.quoting(s, b.participant.number),
        "participant_by_number": store.sessions.participant_by_number(s, b.participant.number),
        "participant": store.sessions.participant(s, b.participant.id),
        # keys
        "create_keys": store.exam.create_keys(s, b.online.id, 3),
        "insert_keys": _in_tx(store, lambda tx: store.exam.insert_keys(tx, s, b.online.id, 3)),
        "keys_by_id": store.exam.keys_by_id(s, [b.key.id]),
        "remove_key": _in_tx(store, lambda tx: store.exam.remove_key(tx, s, b.key.id)),
        "keys": store.exam.keys(s, b.online.id),
        "delete_key": store.exam.delete_key(s, b.key.id),
        "set_extra_time": store.exam.set_extra_time(s, b.online.id, b.key.code, 20),
        # documents
        "publish_b": store.documents.publish(s, b.centre.id, b.offline.id, [doc]),
        "publish_b_session": store.documents.publish(s, a.centre.id, b.offline.id, [doc]),
        "publish_b_participant_doc": store.documents.publish(
            s, a.centre.id, a.offline.id,
            [NewDocument(DocumentKind.LETTER, "y.pdf", "2" * 64, b.participant.id)]),
        "publish_lock_b": store.documents.publish(s, a.centre.id, a.offline.id, [],
                                                  lock=[b.participant.id]),
        "document": store.documents.document(s, b.document.id),
        "by_path": store.documents.by_path(s, b.document.path),
        "mark_sent": store.documents.mark_sent(s, [b.document.id]),
        # admin only
        "entries": store.audit.entries(s),
        "import_bank": store.banks.import_bank(small_bank("AUTRE"), s),
    }
    allowed = {}
    for name, attempt in attempts.items():
        try:
            allowed[name] = await attempt
        except NotFound:
            pass
    assert allowed == {}, f"another centre's ids were accepted: {sorted(allowed)}"
    assert await _snapshot(store, b) == before
    # A's own data is untouched by the failed attempts, and A still works.
    assert [d.path for d in await store.documents.documents(s)] == ["Lyon/lettre.pdf"]
    assert (await store.documents.by_path(s, "Lyon/lettre.pdf")).centre_id == a.centre.id
    assert (await store.qcms.paper_batch(s, a.batch.id)).document_id is None


async def test_centre_lists_show_only_its_own(store, world):
    a, b = world.a, world.b
    s = a.scope
    assert await store.centres.centres(s) == [a.centre]
    assert [x.login for x in await store.centres.accounts(s)] == ["centre-a"]
    assert [q.id for q in await store.qcms.qcms(s)] == [a.qcm.id]
    assert {x.id for x in await store.sessions.sessions(s)} == {a.offline.id, a.online.id}
    assert await store.sessions.sessions(s, qcm_id=b.qcm.id) == []
    assert set(await store.sessions.participant_counts(s)) == {a.offline.id, a.online.id}
    [b_first, *_] = await store.sessions.participants(b.scope, b.offline.id)
    await store.documents.publish(ADMIN, b.centre.id, b.offline.id, [], lock=[b_first.id])
    assert await store.sessions.locked_counts(s) == {}
    assert await store.sessions.locked_counts(b.scope) == {b.offline.id: 1}
    assert [d.id for d in await store.documents.documents(s)] == [a.document.id]
    assert await store.documents.documents(s, session_id=b.offline.id) == []
    # The certification body sees both.
    assert len(await store.centres.centres(ADMIN)) == 2
    assert len(await store.qcms.qcms(ADMIN)) == 2
    assert len(await store.documents.documents(ADMIN)) == 2


async def test_create_qcm_ignores_a_centre_id_passed_by_a_centre(store, world):
    qcm = await store.qcms.create_qcm(world.a.scope, "TST", "Mine", world.b.centre.id)
    assert qcm.centre_id == world.a.centre.id
    assert qcm.id not in [q.id for q in await store.qcms.qcms(world.b.scope)]


async def test_scope_of_accounts():
    from domain.models import Account
    assert Scope.of(Account(1, "root", Role.ADMIN, None)).is_admin
    scope = Scope.of(Account(2, "c", Role.CENTRE, 7))
    assert scope == Scope("c", 7) and not scope.is_admin
    with pytest.raises(ValueError):
        Scope.of(Account(3, "c", Role.CENTRE, None))
