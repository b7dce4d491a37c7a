"""Wrong candidate keys: slowed down per connection, bounded per address.

A lab room reaches the server through one NAT address, so the per-address
limit is set for a full room's mistakes and is the only thing a room shares:
a candidate's own wrong keys only slow that candidate's next attempt (never
refused, just answered later), so a correct key is never refused because of
someone else's typo. The per-address count lives in the database
(auth_failures), so it holds across worker processes and reconnections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from store import Store


@dataclass(frozen=True)
class KeyThrottle:
    """At most `per_address` wrong keys per `window` from one source address;
    on one connection, the attempt after the n-th wrong key waits
    `first_delay * 2**(n-1)` seconds, at most `max_delay`."""

    per_address: int = 240  # 60 candidates × 4 wrong keys: a full room's mistakes
    window: timedelta = timedelta(hours=1)
    first_delay: float = 1.0
    max_delay: float = 30.0
    kind: str = "key"

    def delay(self, wrong_on_connection: int) -> float:
        """Seconds the next attempt waits after this many wrong keys on the connection."""
        if wrong_on_connection <= 0:
            return 0.0
        return min(self.max_delay, self.first_delay * 2 ** min(wrong_on_connection - 1, 30))

    async def blocked_until(self, store: Store, source: str) -> datetime | None:
        """When `source` may try again, or None if it may try now."""
        count = await store.audit.failures(source, self.kind, self.window)
        if count < self.per_address:
            return None
        # The address may try again once enough failures have left the window.
        oldest = await store.audit.failure_at(source, self.kind, self.window,
                                              count - self.per_address)
        return (oldest or store.clock.now()) + self.window

    async def record(self, store: Store, source: str) -> None:
        await store.audit.record_failure(source, self.kind)
