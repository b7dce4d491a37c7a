"""Locked data: after documents (offline) or submission (online), enforced by
the repositories and by the database itself (direct SQL on the file)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.models import DocumentKind, Practical, SessionKind
from store import Conflict, Locked
from store.documents import NewDocument
from tests.backends import DIRECT_ERRORS
from tests.store.conftest import ADMIN, identity

LOCKED = "LOCKED"


async def _locked_participant(store, world):
    a = world.a
    session = await store.sessions.create_session(a.scope, a.qcm.id, SessionKind.OFFLINE,
                                                  a.trainer.id, "Salle 3", date(2026, 6, 2))
    keep = await store.sessions.add_participant(a.scope, session.id, identity("Libre"), 20,
                                                Practical.FAVOURABLE)
    victim = await store.sessions.add_participant(a.scope, session.id, identity("Verrou"), 25,
                                                  Practical.FAVOURABLE)
    await store.documents.publish(
        a.scope, a.centre.id, session.id,
        [NewDocument(DocumentKind.CERTIFICATE, "attestation.pdf", "a" * 64, victim.id,
                     "VERIF-1")], lock=[victim.id])
    return session, keep, victim


async def test_publish_locks_the_participants(store, world):
    session, keep, victim = await _locked_participant(store, world)
    locked = await store.sessions.participant(world.a.scope, victim.id)
    assert locked.locked and not (await store.sessions.participant(world.a.scope, keep.id)).locked
    docs = await store.documents.documents(world.a.scope, session.id)
    assert [(d.kind, d.participant_id, d.verify_code) for d in docs] == [
        (DocumentKind.CERTIFICATE, victim.id, "VERIF-1")]
    assert (await store.documents.by_verify_code("verif-1")).id == docs[0].id
    with pytest.raises(Locked, match="déjà verrouillé"):
        await store.documents.publish(world.a.scope, world.a.centre.id, session.id, [],
                                      lock=[victim.id])


async def test_locked_participant_refused_by_the_repositories(store, world):
    session, keep, victim = await _locked_participant(store, world)
    s = world.a.scope
    with pytest.raises(Locked, match="verrouillé"):
        await store.sessions.update_participant(s, victim.id, identity("Autre"), 25,
                                                Practical.FAVOURABLE)
    with pytest.raises(Locked):
        await store.sessions.update_participant(s, victim.id, victim.identity, 10,
                                                Practical.FAVOURABLE)
    with pytest.raises(Locked):
        await store.sessions.set_practical(s, victim.id, Practical.UNFAVOURABLE)
    with pytest.raises(Locked):
        await store.sessions.delete_participant(s, victim.id)
    # The certification body is refused just the same.
    with pytest.raises(Locked):
        await store.sessions.delete_participant(ADMIN, victim.id)
    now = await store.sessions.participant(s, victim.id)
    assert (now.number, now.identity, now.score, now.practical) == (
        victim.number, victim.identity, 25, Practical.FAVOURABLE)
    # Another participant of the same session is still editable.
    await store.sessions.update_participant(s, keep.id, identity("Libre"), 21,
                                            Practical.FAVOURABLE)


async def test_locked_participant_refused_by_direct_sql(store, world, backend):
    session, keep, victim = await _locked_participant(store, world)
    qid = world.a.qcm.question_ids[0]
    async with backend.sql() as conn:
        await _all_refused(conn, [
            ("UPDATE participants SET last_name = 'Pirate' WHERE id = ?", (victim.id,)),
            ("UPDATE participants SET score = 30 WHERE id = ?", (victim.id,)),
            ("UPDATE participants SET practical = 'unfavourable' WHERE id = ?", (victim.id,)),
            ("UPDATE participants SET locked_at = NULL WHERE id = ?", (victim.id,)),
            ("DELETE FROM participants WHERE id = ?", (victim.id,)),
            ("INSERT INTO answers (participant_id, question_id, choice, answered_at) "
             "VALUES (?, ?, 1, 'x')", (victim.id, qid)),
        ])
        await conn.execute("UPDATE participants SET last_name = 'Libre2' WHERE id = ?", (keep.id,))
    now = await store.sessions.participant(world.a.scope, victim.id)
    assert (now.identity, now.score, now.practical) == (victim.identity, 25, Practical.FAVOURABLE)


async def _all_refused(conn, statements) -> None:
    """Each statement, run alone by direct SQL, is refused by a trigger."""
    for statement, params in statements:
        with pytest.raises(DIRECT_ERRORS, match=LOCKED):
            await conn.execute(statement, params)


async def _submitted(store, world, clock):
    a = world.a
    ticket = await store.exam.open_key(a.key.code, "tok")
    await store.exam.save_identity(a.key.id, "tok", identity("Enligne"), None)
    for q in ticket.questions[:3]:
        await store.exam.save_answer(a.key.id, "tok", q.id, q.correct)
    await store.exam.save_answer(a.key.id, "tok", ticket.questions[3].id,
                                 (ticket.questions[3].correct + 1) % 4)
    assert await store.exam.submit(a.key.id, "tok") == 3
    return ticket


async def test_submitted_participant_refused_by_direct_sql(store, world, clock, backend):
    ticket = await _submitted(store, world, clock)
    pid = ticket.participant.id
    q0, q5 = ticket.questions[0].id, ticket.questions[5].id
    async with backend.sql() as conn:
        await _all_refused(conn, [
            ("UPDATE participants SET last_name = 'Pirate' WHERE id = ?", (pid,)),
            ("UPDATE participants SET email = 'x@y.fr' WHERE id = ?", (pid,)),
            ("UPDATE participants SET score = 6 WHERE id = ?", (pid,)),
            ("UPDATE participants SET submitted = 0 WHERE id = ?", (pid,)),
            ("DELETE FROM participants WHERE id = ?", (pid,)),
            ("UPDATE answers SET choice = (choice + 1) % 4 WHERE participant_id = ?", (pid,)),
            ("DELETE FROM answers WHERE participant_id = ?", (pid,)),
            ("INSERT INTO answers (participant_id, question_id, choice, answered_at) "
             "VALUES (?, ?, 0, 'x')", (pid, q5)),
            ("UPDATE online_keys SET state = 'unused' WHERE participant_id = ?", (pid,)),
            ("DELETE FROM online_keys WHERE participant_id = ?", (pid,)),
        ])
        # Refused by the lock, or before it by the retake rules (2026-000001 is not final).
        with pytest.raises(DIRECT_ERRORS, match="LOCKED|RULE"):
            await conn.execute("UPDATE participants SET retake_of = '2026-000001', "
                               "practical = 'favourable' WHERE id = ?", (pid,))
        # The practical result is still typed in later.
        await conn.execute("UPDATE participants SET practical = 'favourable' WHERE id = ?",
                           (pid,))
    after = await store.sessions.participant(ADMIN, pid)
    assert (after.identity.last_name, after.score, after.practical) == (
        "Enligne", 3, Practical.FAVOURABLE)
    assert len(await store.exam.answers(pid)) == 4 and q0 in await store.exam.answers(pid)


async def test_submitted_participant_through_the_repositories(store, world, clock):
    ticket = await _submitted(store, world, clock)
    pid, s = ticket.participant.id, world.a.scope
    await store.sessions.set_practical(s, pid, Practical.UNFAVOURABLE)
    assert (await store.sessions.participant(s, pid)).practical is Practical.UNFAVOURABLE
    current = await store.sessions.participant(s, pid)
    with pytest.raises(Locked, match="QCM validé"):
        await store.sessions.update_participant(s, pid, identity("Pirate"), current.score,
                                                current.practical)
    with pytest.raises(Locked, match="QCM validé"):
        await store.sessions.update_participant(s, pid, current.identity, 6, current.practical)
    with pytest.raises(Conflict, match="lié à une clé"):
        await store.sessions.delete_participant(s, pid)
    with pytest.raises(Locked, match="ne peut plus être supprimée"):
        await store.exam.delete_key(s, world.a.key.id)
    # Same identity and score, another practical result: allowed.
    await store.sessions.update_participant(s, pid, current.identity, current.score,
                                            Practical.FAVOURABLE)
