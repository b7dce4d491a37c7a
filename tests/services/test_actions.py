"""The services every screen and command calls: one transaction each, their
validation and limits, whoever sends the data."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.models import Role
from services import accounts, banks, centres, qcms, sessions
from services.errors import Forbidden, Invalid
from store import Conflict, StoreError
from tests.store.conftest import ADMIN, T0, clock, store, world  # noqa: F401

# A real failure of the database half-way through the keys (a trigger
# aborting the third insert), as a full disk or a constraint would.
_THIRD_KEY_FAILS = {
    "sqlite": [
        "CREATE TRIGGER third_key BEFORE INSERT ON online_keys WHEN "
        "(SELECT COUNT(*) FROM online_keys WHERE session_id = NEW.session_id) >= 2 "
        "BEGIN SELECT RAISE(ABORT, 'plus de place'); END"],
    "pg": [
        "CREATE FUNCTION third_key() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF (SELECT COUNT(*) FROM online_keys WHERE session_id = NEW.session_id) >= 2 THEN "
        "RAISE EXCEPTION 'plus de place' USING ERRCODE = 'integrity_constraint_violation'; "
        "END IF; RETURN NEW; END $$",
        "CREATE TRIGGER third_key BEFORE INSERT ON online_keys "
        "FOR EACH ROW EXECUTE FUNCTION third_key()"],
}
_THIRD_KEY_DROPPED = {"sqlite": "DROP TRIGGER third_key",
                      "pg": "DROP TRIGGER third_key ON online_keys"}


async def test_an_online_session_is_never_left_without_its_keys(store, world, backend):
    a = world.a
    before = await store.sessions.sessions(a.scope)
    async with backend.sql() as conn:
        for statement in _THIRD_KEY_FAILS[backend.name]:
            await conn.execute(statement)
    with pytest.raises(Conflict):
        await sessions.create_online_session(store, a.scope, a.qcm.id, 3, a.trainer.id,
                                             "Lyon", T0, T0 + timedelta(hours=2))
    assert await store.sessions.sessions(a.scope) == before
    async with backend.sql() as conn:
        await conn.execute(_THIRD_KEY_DROPPED[backend.name])
    session, keys = await sessions.create_online_session(
        store, a.scope, a.qcm.id, 3, a.trainer.id, "Lyon", T0, T0 + timedelta(hours=2))
    assert [k.code for k, _ in await store.exam.keys(a.scope, session.id)] == \
        [k.code for k in keys]


async def test_limits_and_text_are_checked_by_the_service(store, world):
    a = world.a
    window = (T0, T0 + timedelta(hours=1))
    for bad, message in ((0, "de 1 à 500"), (501, "de 1 à 500")):
        with pytest.raises(Invalid, match=message):
            await sessions.create_online_session(store, a.scope, a.qcm.id, bad, a.trainer.id,
                                                 "Lyon", *window)
    with pytest.raises(Invalid, match="Lieu : caractères de contrôle interdits"):
        await sessions.create_online_session(store, a.scope, a.qcm.id, 1, a.trainer.id,
                                             "Lyon\x1b[2J", *window)
    with pytest.raises(Invalid, match="Intitulé : champ obligatoire"):
        await qcms.create_qcm(store, a.scope, "TST", "   ")
    with pytest.raises(Forbidden):
        await qcms.create_qcm(store, a.scope, "TST", "Titre", a.centre.id)
    with pytest.raises(Invalid, match="Nom du formateur"):
        await centres.add_trainer(store, ADMIN, a.centre.id, "\u202eevil")
    with pytest.raises(Invalid, match="Identifiant"):
        await accounts.add_account(store, ADMIN, "Bad Login", Role.CENTRE, a.centre.id,
                                   "long-enough")
    with pytest.raises(Invalid, match="trop court"):
        await accounts.add_account(store, ADMIN, "court", Role.CENTRE, a.centre.id, "x")
    with pytest.raises(Invalid, match="propre compte"):
        await accounts.set_disabled(store, ADMIN, ADMIN.actor, True)
    with pytest.raises(Invalid):
        await accounts.add_public_key(store, ADMIN, a.account.login, "ssh-ed448 AAAA")
    assert isinstance(Invalid("x"), StoreError)  # every front end reports it as one line


async def test_deleting_named_keys_is_all_or_nothing(store, world):
    a = world.a
    session, keys = await sessions.create_online_session(
        store, a.scope, a.qcm.id, 2, a.trainer.id, "Lyon", T0, T0 + timedelta(hours=1))
    with pytest.raises(Invalid, match="Clé inconnue"):
        await sessions.delete_keys(store, a.scope, session.id, [keys[0].code, "AAAAA-AAAAA-AAAAA"])
    assert len(await store.exam.keys(a.scope, session.id)) == 2
    with pytest.raises(Invalid, match="Clé inconnue"):  # another centre's key is unknown here
        await sessions.delete_keys(store, a.scope, session.id, [world.b.key.code])
    assert await sessions.delete_keys(store, a.scope, session.id, None) == \
        [k.code for k in keys]


def test_a_new_formation_is_sized_from_its_bank():
    assert banks.sized(100) == (30, 24)
    assert banks.sized(30) == (30, 24)
    assert banks.sized(5) == (5, 4)
    assert banks.sized(1) == (1, 1)
