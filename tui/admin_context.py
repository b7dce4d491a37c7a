"""What every administration screen needs, handed down from AdminApp (no globals)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.models import Account
from store import Scope, Store
from store.admin import Admin


@dataclass(frozen=True)
class AdminContext:
    store: Store
    admin: Admin
    account: Account
    scope: Scope
    clock: Clock

    @classmethod
    def build(cls, store: Store, account: Account, clock: Clock) -> AdminContext:
        if not account.is_admin:
            raise ValueError("the administration needs an admin account")
        return cls(store, Admin(store), account, Scope.of(account), clock)
