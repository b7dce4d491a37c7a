"""Property: with any extra time, a key opens exactly until its own end and the
sweeper submits it exactly from its own end (on each backend: a new SQLite
file, or a new PostgreSQL database, per example)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.exam import KeyRefusal, KeyRefused
from domain.window import own_end
from services import sessions
from tests.backends import new_backend
from tests.tui.conftest import ADMIN, build_world

ENDS_AFTER = timedelta(hours=2)  # the test world's session ends two hours after NOW


# `backend_name` is the same for every example (a new database each time).
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.integers(0, 720), seconds_after_end=st.integers(-600, 13 * 3600))
def test_a_key_lives_until_its_own_end(backend_name: str, request: pytest.FixtureRequest,
                                       tmp_path_factory, extra: int,
                                       seconds_after_end: int) -> None:
    async def run() -> None:
        async with new_backend(backend_name, request, tmp_path_factory.mktemp("extra")) as db:
            await check(await build_world(db.target, keys=1))

    async def check(world) -> None:
        try:
            [code] = world.keys
            session_end = world.session.ends_at
            assert session_end is not None
            await sessions.grant_extra_time(world.store, ADMIN, world.session.id,  # type: ignore[arg-type]
                                            code, extra)
            end = own_end(session_end, extra)
            world.clock.set(session_end + timedelta(seconds=seconds_after_end))
            try:
                ticket = await world.store.exam.open_key(code, "t")
            except KeyRefused as refused:
                assert world.clock.now() >= end and refused.reason is KeyRefusal.CLOSED
                assert refused.ends_at == end
                return
            assert world.clock.now() < end and ticket.ends_at == end
            assert await world.store.exam.submit_expired() == []
            world.clock.set(end - timedelta(seconds=1))
            assert await world.store.exam.submit_expired() == []
            world.clock.set(end)
            assert await world.store.exam.submit_expired() == [ticket.key.id]
        finally:
            await world.store.close()

    asyncio.run(run())
