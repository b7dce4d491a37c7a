import asyncio
import hashlib
from datetime import timedelta

import pytest

from domain.models import DocumentKind, Identity, Practical, SessionKind
from domain.rules import OUTCOME_LABELS, Outcome
from store.errors import Locked, NotFound
from tests.pdfgen.pdftext import flat, pages_text

ODD_NAME = "Zoë <Ünal> & Σοφία 李"


def files(directory):
    return sorted(p.name for p in directory.rglob("*") if p.is_file())


async def test_publish_letters_certificates_and_lock(service, world, store, documents_dir):
    session = await world.offline_session()
    passed = await world.add(session.id, "Dupont", 27, Practical.FAVOURABLE, first=ODD_NAME)
    retake = await world.add(session.id, "Durand", 20, Practical.FAVOURABLE)
    redo = await world.add(session.id, "Martin", 26, Practical.UNFAVOURABLE)
    redo2 = await world.add(session.id, "Bernard", 10, Practical.UNFAVOURABLE)
    no_score = await world.add(session.id, "Petit", None, Practical.FAVOURABLE)
    no_practical = await world.add(session.id, "Moreau", 25, Practical.UNKNOWN)
    progress = []
    docs = await service.publish_session(world.scope, session.id,
                                         lambda d, t: progress.append((d, t)))
    assert progress[-1] == (4, 4)
    letters = {d.participant_id: d for d in docs if d.kind is DocumentKind.LETTER}
    certificates = {d.participant_id: d for d in docs if d.kind is DocumentKind.CERTIFICATE}
    assert set(letters) == {passed.id, retake.id, redo.id, redo2.id}
    assert set(certificates) == {passed.id}
    expected = {passed.id: Outcome.PASSED, retake.id: Outcome.RETAKE_ALLOWED,
                redo.id: Outcome.REDO_TRAINING, redo2.id: Outcome.REDO_TRAINING}
    for pid, doc in letters.items():
        path = documents_dir / doc.path
        assert doc.path.startswith(f"{world.centre.id}/session-{session.id}/lettre-")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == doc.sha256
        assert OUTCOME_LABELS[expected[pid]] in flat(pages_text(path)[0])
        assert doc.verify_code is None
    certificate = certificates[passed.id]
    text = flat(pages_text(documents_dir / certificate.path)[0])
    assert ODD_NAME in text and certificate.verify_code in text
    assert ODD_NAME in flat(pages_text(documents_dir / letters[passed.id].path)[0])
    # Published participants are locked; the others are not, and stay editable.
    after = {p.id: p for p in await store.sessions.participants(world.scope, session.id)}
    assert all(after[pid].locked for pid in expected)
    assert not after[no_score.id].locked and not after[no_practical.id].locked
    with pytest.raises(Locked):
        await store.sessions.set_practical(world.scope, redo.id, Practical.FAVOURABLE)
    assert not any(name.startswith(".") for name in files(documents_dir))
    # Publishing again only handles what became complete since.
    await store.sessions.set_practical(world.scope, no_practical.id, Practical.FAVOURABLE)
    again = await service.publish_session(world.scope, session.id)
    assert {(d.participant_id, d.kind) for d in again} == {
        (no_practical.id, DocumentKind.LETTER), (no_practical.id, DocumentKind.CERTIFICATE)}
    assert await service.publish_session(world.scope, session.id) == []


async def test_online_sessions_publish_only_submitted_candidates(service, world, store):
    now = store.clock.now()
    session = await store.sessions.create_session(
        world.scope, world.qcm.id, SessionKind.ONLINE, world.trainer.id, "Lyon",
        now.date(), now - timedelta(hours=1), now + timedelta(hours=1))
    keys = await store.exam.create_keys(world.scope, session.id, 2)
    for key in keys:
        await store.sessions.set_practical(world.scope, key.participant_id, Practical.FAVOURABLE)
    ticket = await store.exam.open_key(keys[0].code, "tok")
    await store.exam.save_identity(keys[0].id, "tok", Identity("Mme", "Nguyen", "Lan"), None)
    for q in ticket.questions:
        await store.exam.save_answer(keys[0].id, "tok", q.id, q.correct)
    assert await store.exam.submit(keys[0].id, "tok") == 30
    # The second key was opened and answered but not submitted.
    second = await store.exam.open_key(keys[1].code, "tok2")
    await store.exam.save_answer(keys[1].id, "tok2", second.questions[0].id, 0)
    docs = await service.publish_session(world.scope, session.id)
    assert {d.participant_id for d in docs} == {keys[0].participant_id}
    assert {d.kind for d in docs} == {DocumentKind.LETTER, DocumentKind.CERTIFICATE}


async def test_a_failed_publication_leaves_no_file_and_locks_nobody(service, world, store,
                                                                   documents_dir):
    session = await world.offline_session()
    people = [await world.add(session.id, f"Nom{i}", 20 + i, Practical.FAVOURABLE)
              for i in range(7)]
    loop = asyncio.get_running_loop()
    deleted = []

    def on_progress(done, total):
        # Meanwhile a staff member deletes a participant being published.
        if not deleted:
            deleted.append(loop.create_task(
                store.sessions.delete_participant(world.scope, people[-1].id)))
    with pytest.raises(NotFound):
        await service.publish_session(world.scope, session.id, on_progress)
    await asyncio.gather(*deleted)
    await asyncio.sleep(0.2)  # workers still running when it failed finish their files
    assert files(documents_dir) == []
    assert not any(p.locked for p in await store.sessions.participants(world.scope, session.id))
    assert await store.documents.documents(world.scope, session.id) == []
    # Once the cause is gone, the same publication goes through.
    docs = await service.publish_session(world.scope, session.id)
    assert len([d for d in docs if d.kind is DocumentKind.LETTER]) == 6


async def test_verify_describes_a_certificate_and_its_file(service, world, store,
                                                           documents_dir):
    session = await world.offline_session()
    await world.add(session.id, "Dupont", 28, Practical.FAVOURABLE)
    await world.add(session.id, "Durand", 20, Practical.FAVOURABLE)
    docs = await service.publish_session(world.scope, session.id)
    [certificate] = [d for d in docs if d.kind is DocumentKind.CERTIFICATE]
    text = await service.verify(certificate.verify_code.lower().replace("-", " "))
    assert "Attestation de réussite authentique" in text
    assert "Gérard Dupont" in text and "QCM 28/30" in text and "fichier conforme" in text
    assert "4 juillet 2026" in text and "Jeanne Martin" in text
    assert await service.verify("AAAAA-BBBBB-CCCCC") is None
    assert await service.verify("n'importe quoi") is None
    (documents_dir / certificate.path).write_bytes(b"%PDF-1.4 altered")
    assert "a été modifié" in await service.verify(certificate.verify_code)


async def test_concurrent_publications_of_one_session_do_not_collide(service, world, store):
    session = await world.offline_session()
    for i in range(5):
        await world.add(session.id, f"Nom{i}", 25, Practical.FAVOURABLE)
    first, second = await asyncio.gather(service.publish_session(world.scope, session.id),
                                         service.publish_session(world.scope, session.id))
    assert len(first) + len(second) == 10 and [] in (first, second)
