"""Centres, trainers, accounts, and the check that ends disabled sessions."""

import pytest

from domain.models import Role
from store import Conflict, NotFound, Scope
from tests.admin_seed import ADMIN, seed


@pytest.fixture
async def world(tmp_path, backend):
    s = await seed(tmp_path, target=backend.target)
    yield s
    await s.store.close()


async def test_update_centre(world):
    c = world.admin.centres
    centre = await c.update_centre(ADMIN, world.alpha, "Centre Alpha Sud", "3 quai", "13001",
                                   "Marseille", "Europe/Paris")
    assert (await world.store.centres.centre(ADMIN, world.alpha)) == centre
    with pytest.raises(Conflict, match="existe déjà"):
        await c.update_centre(ADMIN, world.alpha, "Centre Bêta", "", "", "", "Europe/Paris")
    with pytest.raises(Conflict, match="Fuseau"):
        await c.update_centre(ADMIN, world.alpha, "X", "", "", "", "Mars/Olympus")
    with pytest.raises(NotFound):
        await c.update_centre(Scope.centre(world.alpha, "alpha"), world.alpha, "X", "", "", "",
                              "Europe/Paris")


async def test_trainers_edit_and_deactivate(world):
    c, centres = world.admin.centres, world.store.centres
    alice = (await centres.trainers(ADMIN, world.alpha))[0]
    await c.update_trainer(ADMIN, alice.id, "Alice Martin", "alice@example.fr")
    await c.set_trainer_active(ADMIN, alice.id, False)
    assert await centres.trainers(ADMIN, world.alpha) == []
    listed = await c.all_trainers(ADMIN, world.alpha)
    assert [(t.name, t.email, active) for t, active in listed] == [
        ("Alice Martin", "alice@example.fr", False)]
    await c.set_trainer_active(ADMIN, alice.id, True)
    assert len(await centres.trainers(ADMIN, world.alpha)) == 1


async def test_account_rows_and_disabled_polling(world):
    c, centres = world.admin.centres, world.store.centres
    rows = await c.account_rows(ADMIN)
    assert [(r.account.login, r.centre_name, r.keys) for r in rows] == [
        ("admin", "", 0), ("alpha", "Centre Alpha", 0)]
    assert await c.login_allowed("alpha")
    assert await c.disabled_logins(["alpha", "admin", "ghost"]) == {"ghost"}
    await centres.set_disabled(ADMIN, "alpha", True)
    assert not await c.login_allowed("alpha")
    assert await c.disabled_logins(["alpha", "admin"]) == {"alpha"}
    assert (await centres.account("alpha")).disabled
    await centres.set_disabled(ADMIN, "alpha", False)
    assert await c.disabled_logins(["alpha"]) == set()
    assert await c.disabled_logins([]) == set()


async def test_keys_add_and_remove(world):
    centres = world.store.centres
    await centres.add_public_key(ADMIN, "alpha", "ssh-ed25519 AAAA... test", "SHA256:abc")
    assert (await world.admin.centres.account_rows(ADMIN))[1].keys == 1
    await centres.remove_public_key(ADMIN, "alpha", "SHA256:abc")
    assert await centres.public_keys("alpha") == []
    with pytest.raises(NotFound):
        await centres.remove_public_key(ADMIN, "alpha", "SHA256:abc")
    await centres.add_account(ADMIN, "beta", Role.CENTRE, world.beta, None)
    assert not next(r for r in await world.admin.centres.account_rows(ADMIN)
                    if r.account.login == "beta").has_password
