"""Store-backed authentication of staff and candidates, with throttling."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

import asyncssh

from domain.models import Account
from domain.passwords import verify_password
from services.config import Config
from store import Store

logger = logging.getLogger(__name__)

# Verified against when the login is unknown, so timing does not reveal logins.
_DUMMY_HASH = ("scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$"
               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")


@dataclass(frozen=True)
class Staff:
    account: Account
    source: str


@dataclass(frozen=True)
class Candidate:
    source: str


Principal = Staff | Candidate


class StoreAuthenticator:
    """Decides who may log in. Password hashing runs in an executor."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.config = config

    def is_candidate_login(self, login: str) -> bool:
        return login == self.config.ssh.candidate_login

    def candidate(self, login: str, source: str) -> Candidate:
        return Candidate(source)

    async def throttled(self, source: str) -> bool:
        limit = self.config.security.failed_passwords_per_minute
        return await self.store.audit.failures(source, "password", timedelta(minutes=1)) >= limit

    async def check_password(self, login: str, password: str, source: str) -> Staff | None:
        if self.is_candidate_login(login):
            return None
        if await self.throttled(source):
            logger.warning("password throttled for %s", source)
            return None
        found = await self.store.centres.password_hash(login)
        stored = found[1] if found else _DUMMY_HASH
        loop = asyncio.get_running_loop()
        ok = await loop.run_in_executor(None, verify_password, password, stored)
        if found and ok and not found[0].disabled:
            return Staff(found[0], source)
        await self.store.audit.record_failure(source, "password", f"login {login[:64]!r}")
        return None

    async def check_public_key(self, login: str, key: asyncssh.SSHKey,
                               source: str) -> Staff | None:
        if self.is_candidate_login(login):
            return None
        found = await self.store.centres.password_hash(login)
        if found is None or found[0].disabled:
            return None
        fingerprint = key.get_fingerprint("sha256")
        if any(fp == fingerprint for fp, _ in await self.store.centres.public_keys(login)):
            return Staff(found[0], source)
        return None

    async def still_allowed(self, account: Account) -> bool:
        """False once the account is disabled or deleted: its sessions end."""
        found = await self.store.centres.password_hash(account.login)
        return found is not None and not found[0].disabled
