"""Ending the sessions of staff accounts disabled while connected.

One watcher per server process. Each staff session registers its login and
a `close` callback; `run()` polls the database every `interval` seconds
(one query for all connected logins, see
`store.admin_centres.AdminCentreRepo.disabled_logins`) and calls `close`
for every session of an account that was disabled (or deleted). Several
processes each run their own watcher: the database is the shared truth."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from itertools import count

from store.admin import Admin
from store.store import Store


class AccountWatch:
    def __init__(self, store: Store, interval: float = 5.0) -> None:
        self._centres = Admin(store).centres
        self.interval = interval
        self._sessions: dict[int, tuple[str, Callable[[], object]]] = {}
        self._ids = count(1)

    def register(self, login: str, close: Callable[[], object]) -> Callable[[], None]:
        """Watch one session; returns the function that stops watching it."""
        handle = next(self._ids)
        self._sessions[handle] = (login, close)
        return lambda: self._sessions.pop(handle, None) and None

    @property
    def watched(self) -> int:
        return len(self._sessions)

    async def check_once(self) -> list[str]:
        """Close the sessions of disabled accounts now; return their logins."""
        logins = {login for login, _ in self._sessions.values()}
        disabled = await self._centres.disabled_logins(logins)
        for handle, (login, close) in list(self._sessions.items()):
            if login in disabled:
                self._sessions.pop(handle, None)
                result = close()
                if asyncio.iscoroutine(result):
                    await result
        return sorted(disabled)

    async def run(self) -> None:
        """Poll until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            if self._sessions:
                await self.check_once()
