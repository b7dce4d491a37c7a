"""A disabled account's open sessions end at the next poll."""

import pytest

from services.account_watch import AccountWatch
from tests.admin_seed import ADMIN, seed


@pytest.fixture
async def world(tmp_path):
    s = await seed(tmp_path)
    yield s
    await s.store.close()


async def test_disabling_closes_only_that_accounts_sessions(world):
    watch = AccountWatch(world.store, interval=0.01)
    closed: list[str] = []

    async def close_async():
        closed.append("alpha-2")

    stop_admin = watch.register("admin", lambda: closed.append("admin"))
    watch.register("alpha", lambda: closed.append("alpha-1"))
    watch.register("alpha", close_async)
    assert await watch.check_once() == [] and closed == []
    await world.store.centres.set_disabled(ADMIN, "alpha", True)
    assert await watch.check_once() == ["alpha"]
    assert sorted(closed) == ["alpha-1", "alpha-2"]
    assert watch.watched == 1
    stop_admin()
    assert watch.watched == 0
