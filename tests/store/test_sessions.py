"""Sessions: printed fields frozen once results exist, window always editable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.models import DocumentKind, Practical, SessionKind
from store import Conflict, Locked, NotFound
from store.documents import NewDocument
from tests.backends import DIRECT_ERRORS
from tests.store.conftest import T0, identity


async def test_create_and_update_session(store, world):
    a = world.a
    other = await store.centres.add_trainer(a.scope, a.centre.id, "Second Formateur")
    s = await store.sessions.create_session(a.scope, a.qcm.id, SessionKind.ONLINE, a.trainer.id,
                                            "Salle 1", date(2026, 4, 1), T0, T0 + timedelta(hours=2))
    assert (s.formation_code, s.centre_name, s.trainer_name) == ("TST", "Centre A", a.trainer.name)
    assert s.starts_at == T0 and s.ends_at == T0 + timedelta(hours=2)
    changed = await store.sessions.update_session(
        a.scope, s.id, trainer_id=other.id, place="Salle 2", day=date(2026, 4, 2),
        centre_name="Centre A (Lyon)", ends_at=T0 + timedelta(hours=3))
    assert (changed.trainer_id, changed.trainer_name, changed.place, changed.day,
            changed.centre_name, changed.starts_at, changed.ends_at) == (
        other.id, "Second Formateur", "Salle 2", date(2026, 4, 2), "Centre A (Lyon)", T0,
        T0 + timedelta(hours=3))
    with pytest.raises(Conflict, match="doit suivre son début"):
        await store.sessions.update_session(a.scope, s.id, ends_at=T0)
    with pytest.raises(Conflict, match="doit suivre son début"):
        await store.sessions.create_session(a.scope, a.qcm.id, SessionKind.ONLINE, a.trainer.id,
                                            "x", date(2026, 4, 1), T0, T0)
    with pytest.raises(Conflict, match="doit suivre son début"):
        await store.sessions.create_session(a.scope, a.qcm.id, SessionKind.ONLINE, a.trainer.id,
                                            "x", date(2026, 4, 1))
    with pytest.raises(NotFound, match="Formateur inconnu"):
        await store.sessions.create_session(a.scope, a.qcm.id, SessionKind.OFFLINE, 999, "x",
                                            date(2026, 4, 1))


async def test_printed_fields_frozen_once_a_participant_submitted(store, world, backend):
    a = world.a
    await store.exam.open_key(a.key.code, "t")
    await store.exam.submit(a.key.id, "t")
    for change in ({"place": "Ailleurs"}, {"day": date(2026, 5, 5)},
                   {"centre_name": "Autre nom"}):
        with pytest.raises(Locked, match="figurent déjà sur des résultats validés"):
            await store.sessions.update_session(a.scope, a.online.id, **change)
    other = await store.centres.add_trainer(a.scope, a.centre.id, "Remplaçant")
    with pytest.raises(Locked):
        await store.sessions.update_session(a.scope, a.online.id, trainer_id=other.id)
    # The window may still move (for example, to give more time).
    later = a.online.ends_at + timedelta(hours=1)
    moved = await store.sessions.update_session(a.scope, a.online.id, ends_at=later)
    assert moved.ends_at == later and moved.place == a.online.place
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match="LOCKED"):
            await conn.execute("UPDATE sessions SET place = 'SQL' WHERE id = ?", (a.online.id,))
        await conn.execute("UPDATE sessions SET place = 'Libre' WHERE id = ?", (a.offline.id,))


async def test_printed_fields_frozen_once_a_participant_is_locked(store, world):
    a = world.a
    await store.sessions.update_session(a.scope, a.offline.id, place="Avant")
    await store.documents.publish(
        a.scope, a.centre.id, a.offline.id,
        [NewDocument(DocumentKind.LETTER, "l.pdf", "b" * 64, a.participant.id)],
        lock=[a.participant.id])
    with pytest.raises(Locked):
        await store.sessions.update_session(a.scope, a.offline.id, place="Après")
    assert (await store.sessions.session(a.scope, a.offline.id)).place == "Avant"


async def test_participant_counts(store, world):
    a = world.a
    await store.sessions.add_participant(a.scope, a.offline.id, identity(), 3, Practical.UNKNOWN)
    assert await store.sessions.participant_counts(a.scope) == {a.offline.id: 2, a.online.id: 1}
