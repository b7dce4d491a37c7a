"""KeyRefused must behave as an ordinary exception."""

from contextlib import asynccontextmanager, contextmanager
from datetime import datetime, timezone

import pytest

from domain.exam import KeyRefusal, KeyRefused


def test_key_refused_crosses_a_context_manager():
    @contextmanager
    def transaction():
        try:
            yield
        except BaseException:
            raise

    with pytest.raises(KeyRefused) as caught:
        with transaction():
            raise KeyRefused(KeyRefusal.CLOSED, ends_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert caught.value.reason is KeyRefusal.CLOSED
    assert caught.value.ends_at.year == 2026
    assert caught.value.__traceback__ is not None


async def test_key_refused_crosses_an_async_context_manager():
    @asynccontextmanager
    async def transaction():
        yield

    with pytest.raises(KeyRefused) as caught:
        async with transaction():
            raise KeyRefused(KeyRefusal.IN_USE)
    assert caught.value.reason is KeyRefusal.IN_USE
    assert caught.value.timezone == "Europe/Paris"
