"""Refusing too many wrong candidate keys from one address.

The count lives in the database (auth_failures), so it holds across worker
processes and reconnections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from store import Store


@dataclass(frozen=True)
class KeyThrottle:
    """At most `limit` wrong keys per `window` from one source address."""

    limit: int = 10
    window: timedelta = timedelta(minutes=1)
    kind: str = "key"

    async def blocked_until(self, store: Store, source: str) -> datetime | None:
        """When `source` may try again, or None if it may try now.

        The moment given is an upper bound: by then every failure counted now
        has left the window."""
        if await store.audit.failures(source, self.kind, self.window) < self.limit:
            return None
        return store.clock.now() + self.window

    async def record(self, store: Store, source: str) -> None:
        await store.audit.record_failure(source, self.kind)
