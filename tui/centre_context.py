"""What every centre screen needs, handed down from CentreApp (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.clock import Clock
from domain.models import Account, Centre
from store import Scope, Store

if TYPE_CHECKING:
    from services.documents import DocumentService


@dataclass(frozen=True)
class CentreContext:
    store: Store
    account: Account
    scope: Scope
    centre: Centre
    clock: Clock
    documents: DocumentService | None = None
    sftp_hint: str = ""

    @property
    def timezone(self) -> str:
        return self.centre.timezone

    @property
    def centre_id(self) -> int:
        assert self.centre.id is not None
        return self.centre.id

    def fetch_command(self, path: str) -> str:
        """How staff fetch a produced document: `sftp_hint` may hold `{path}`
        (e.g. ``scp -P 2222 demo@host:{path} .``), else the path is appended."""
        if not self.sftp_hint:
            return ""
        if "{path}" in self.sftp_hint:
            return self.sftp_hint.replace("{path}", path)
        return f"{self.sftp_hint}{path}"
