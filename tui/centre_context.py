"""What every centre screen needs, handed down from CentreApp (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.clock import Clock
from domain.models import Account, Centre
from services.documents import sftp_path
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
    refresh_seconds: float = 15.0  # home tables re-read (what colleagues and candidates changed)

    @property
    def timezone(self) -> str:
        return self.centre.timezone

    @property
    def centre_id(self) -> int:
        assert self.centre.id is not None
        return self.centre.id

    def sftp_path(self, path: str) -> str:
        """A document's path as the centre sees it over SFTP (its own folder is `/`)."""
        return sftp_path(self.centre_id, path)

    def fetch_command(self, path: str) -> str:
        """How staff fetch a produced document. `sftp_hint` is the start of the
        command (``sftp -P 2222 login@host``, the file is appended after ``:``)
        or a template holding ``{path}``."""
        if not self.sftp_hint:
            return ""
        shown = self.sftp_path(path)
        if "{path}" in self.sftp_hint:
            return self.sftp_hint.replace("{path}", shown)
        return f"{self.sftp_hint}:{shown}"
