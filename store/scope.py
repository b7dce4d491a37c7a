"""Who is asking: the certification body (all centres) or one centre."""

from __future__ import annotations

from dataclasses import dataclass

from domain.models import Account, Role


@dataclass(frozen=True)
class Scope:
    actor: str  # written to the audit log
    centre_id: int | None  # None: the certification body, sees everything

    @classmethod
    def admin(cls, actor: str = "system") -> Scope:
        return cls(actor, None)

    @classmethod
    def centre(cls, centre_id: int, actor: str) -> Scope:
        return cls(actor, centre_id)

    @classmethod
    def of(cls, account: Account) -> Scope:
        if account.role is Role.ADMIN:
            return cls.admin(account.login)
        if account.centre_id is None:
            raise ValueError("centre account without a centre")
        return cls.centre(account.centre_id, account.login)

    @property
    def is_admin(self) -> bool:
        return self.centre_id is None

    def clause(self, column: str = "centre_id") -> tuple[str, tuple[int, ...]]:
        """SQL condition restricting `column` to this scope, with its parameters."""
        if self.centre_id is None:
            return "TRUE", ()
        return f"{column} = ?", (self.centre_id,)
