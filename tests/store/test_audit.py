"""The audit log and the failed-authentication ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.models import Role
from store import NotFound
from tests.store.conftest import ADMIN, T0


async def test_actions_are_audited_with_actor_and_object(store, world, clock):
    entries = await store.audit.entries(ADMIN)
    assert entries == sorted(entries, key=lambda e: e.id, reverse=True)  # newest first
    seen = {(e.actor, e.action, e.object_type) for e in entries}
    for expected in [("admin-test", "import_bank", "formation"),
                     ("admin-test", "add_centre", "centre"),
                     ("admin-test", "add_trainer", "trainer"),
                     ("admin-test", "add_account", "account"),
                     ("centre-a", "create_qcm", "qcm"),
                     ("centre-a", "create_paper_batch", "qcm"),
                     ("centre-a", "create_session", "session"),
                     ("centre-a", "add_participant", "participant"),
                     ("centre-a", "create_keys", "session"),
                     ("centre-b", "publish", "session")]:
        assert expected in seen, expected
    participant = next(e for e in entries if e.action == "add_participant" and e.actor == "centre-a")
    assert participant.object_id == world.a.participant.number and participant.at == T0
    clock.advance(minutes=1)
    await store.centres.set_disabled(ADMIN, "centre-b", True)
    last = (await store.audit.entries(ADMIN, limit=1))[0]
    assert (last.action, last.object_id, last.at) == ("disable", "centre-b", T0 + timedelta(minutes=1))
    assert (await store.centres.account("centre-b")).disabled


async def test_audit_log_is_for_the_certification_body(store, world):
    with pytest.raises(NotFound):
        await store.audit.entries(world.a.scope)


async def test_failed_authentications_are_counted_per_source_and_window(store, clock):
    minute = timedelta(minutes=1)
    for _ in range(3):
        await store.audit.record_failure("10.0.0.1", "password", "login admin")
        clock.advance(seconds=10)
    await store.audit.record_failure("10.0.0.1", "key")
    await store.audit.record_failure("10.0.0.2", "password")
    assert await store.audit.failures("10.0.0.1", "password", minute) == 3
    assert await store.audit.failures("10.0.0.1", "key", minute) == 1
    assert await store.audit.failures("10.0.0.2", "password", minute) == 1
    assert await store.audit.failures("10.0.0.3", "password", minute) == 0
    clock.advance(seconds=35)  # the first failure is now 65 s old
    assert await store.audit.failures("10.0.0.1", "password", minute) == 2
    clock.advance(minutes=5)
    assert await store.audit.failures("10.0.0.1", "password", minute) == 0
    assert await store.audit.failures("10.0.0.1", "password", timedelta(hours=1)) == 3
    await store.audit.prune_failures(timedelta(minutes=2))
    assert await store.audit.failures("10.0.0.1", "password", timedelta(hours=1)) == 0
    failed = [e for e in await store.audit.entries(ADMIN) if e.action == "failed_password"]
    assert len(failed) == 4 and failed[-1].detail == "login admin"


async def test_accounts_and_ssh_keys(store, world):
    from store import Conflict
    admin = await store.centres.add_account(ADMIN, "root", Role.ADMIN, world.a.centre.id, "h")
    assert admin.centre_id is None  # an admin belongs to no centre
    with pytest.raises(Conflict, match="existe déjà"):
        await store.centres.add_account(ADMIN, "root", Role.ADMIN, None, "h")
    with pytest.raises(Conflict, match="rattaché à un centre"):
        await store.centres.add_account(ADMIN, "orphan", Role.CENTRE, None, "h")
    await store.centres.add_public_key(ADMIN, "root", "ssh-ed25519 AAAA root@x", "SHA256:abc")
    with pytest.raises(Conflict, match="déjà enregistrée"):
        await store.centres.add_public_key(ADMIN, "root", "ssh-ed25519 AAAA root@x", "SHA256:abc")
    assert await store.centres.public_keys("root") == [("SHA256:abc", "ssh-ed25519 AAAA root@x")]
    await store.centres.remove_public_key(ADMIN, "root", "SHA256:abc")
    assert await store.centres.public_keys("root") == []
    await store.centres.set_password(ADMIN, "root", "h2")
    assert (await store.centres.password_hash("root"))[1] == "h2"
    assert await store.centres.password_hash("nobody") is None
    with pytest.raises(NotFound):
        await store.centres.set_password(ADMIN, "nobody", "h")
    with pytest.raises(Conflict, match="Fuseau horaire inconnu"):
        await store.centres.add_centre(ADMIN, "Centre Z", timezone="Europe/Lutece")
