"""Which application a connection gets: candidates → exam, centre staff →
management of their own centre, certification body → administration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncssh
from textual.app import App

from domain.clock import Clock
from services.config import Config
from services.documents import DocumentService
from services.throttle import KeyThrottle
from sshserver.auth import Candidate, Principal, StoreAuthenticator
from store import Store
from tui.admin_app import AdminApp
from tui.base import SessionGuard
from tui.candidate_app import CandidateApp
from tui.centre_app import CentreApp
from tui.shared_styles import SharedStyles


class Router:
    """The app factory handed to the SSH server (one call per session)."""

    def __init__(self, store: Store, config: Config, clock: Clock,
                 documents: DocumentService, authenticator: StoreAuthenticator,
                 *, guard_interval: float = 10.0, **candidate_options: Any) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.documents = documents
        self.authenticator = authenticator
        self.candidate_options = candidate_options
        self.guard_interval = guard_interval
        security = config.security
        self.throttle = KeyThrottle(per_address=security.failed_keys_per_hour,
                                    window=timedelta(hours=1),
                                    first_delay=security.key_retry_delay,
                                    max_delay=security.key_retry_delay_max)
        # Parsed CSS, shared by every app of this worker (one Router per worker).
        self.styles = SharedStyles()

    def __call__(self, principal: Principal, process: asyncssh.SSHServerProcess[bytes]) -> App:
        if isinstance(principal, Candidate):
            return CandidateApp(self.store, self.clock, source=principal.source,
                                key_failures=self.throttle, timezone=self.config.timezone,
                                styles=self.styles, **self.candidate_options)
        account = principal.account

        async def still_allowed() -> bool:
            return await self.authenticator.still_allowed(account)

        guard = SessionGuard(idle_timeout=self.config.ssh.staff_idle_timeout or None,
                             still_allowed=still_allowed, interval=self.guard_interval)
        if account.is_admin:
            return AdminApp(self.store, account, self.clock, guard=guard, styles=self.styles)
        host = self.config.ssh.host if self.config.ssh.host not in ("0.0.0.0", "::") else "SERVEUR"
        return CentreApp(self.store, account, self.clock, documents=self.documents,
                         sftp_hint=f"sftp -P {self.config.ssh.port} {account.login}@{host}",
                         guard=guard, styles=self.styles)
