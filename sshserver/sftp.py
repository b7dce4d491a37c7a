"""Read-only SFTP view of the documents an account may see.

A centre account sees its own centre's folder as `/`; the certification body
sees every centre's folder (named by centre id). Candidates see nothing.
Every change (upload, delete, rename, mkdir, attributes, links) is refused.
A file is served only if it is a recorded document of the account's scope
and holds what was produced (its SHA-256, checked at each opening): another
node may have drawn it into the shared documents folder, and a folder not
mounted or a file changed on disk is said so, in French."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh

from services.documents import DocumentService
from sshserver.auth import Candidate, Principal
from store import Scope
from store.errors import NotFound, StoreError

_WRITE_FLAGS = (asyncssh.FXF_WRITE | asyncssh.FXF_APPEND | asyncssh.FXF_CREAT
                | asyncssh.FXF_TRUNC | asyncssh.FXF_EXCL)
READ_ONLY = "Lecture seule : les documents ne se modifient pas."


def _denied(*_: object) -> None:
    raise asyncssh.SFTPPermissionDenied(READ_ONLY)


def visible_root(principal: Principal, documents_dir: Path) -> Path | None:
    """The folder shown as `/`, or None for who may see nothing."""
    if isinstance(principal, Candidate):
        return None
    account = principal.account
    root = documents_dir if account.is_admin else documents_dir / str(account.centre_id)
    root.mkdir(parents=True, exist_ok=True)
    return root


class DocumentsSFTP(asyncssh.SFTPServer):
    def __init__(self, chan: asyncssh.SSHServerChannel, principal: Principal,
                 documents: DocumentService) -> None:
        root = visible_root(principal, documents.documents_dir)
        if root is None or isinstance(principal, Candidate):
            chan.close()
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                                            "SFTP refusé aux candidats")
        super().__init__(chan, chroot=os.fsencode(root))
        self._documents = documents
        self._base = Path(os.path.realpath(documents.documents_dir))  # as the chroot is
        self._scope = Scope.of(principal.account)

    async def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        if pflags & _WRITE_FLAGS:
            _denied()
        return await self._checked(path)

    async def open56(self, path: bytes, desired_access: int, flags: int,
                     attrs: asyncssh.SFTPAttrs) -> object:
        if desired_access & ~(asyncssh.ACE4_READ_DATA | asyncssh.ACE4_READ_ATTRIBUTES):
            _denied()
        return await self._checked(path)

    async def _checked(self, path: bytes) -> object:
        """The recorded document at `path`, opened once found intact."""
        local = Path(os.fsdecode(self.map_path(path)))
        try:
            relative = local.relative_to(self._base).as_posix()
        except ValueError:
            raise asyncssh.SFTPNoSuchFile("Document inconnu.") from None
        try:
            return await self._documents.open_checked(self._scope, relative)
        except NotFound as exc:
            raise asyncssh.SFTPNoSuchFile(str(exc)) from None
        except StoreError as exc:
            raise asyncssh.SFTPFailure(str(exc)) from None

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        async for entry in super().scandir(path):
            name = entry.filename if isinstance(entry.filename, bytes) else entry.filename.encode()
            if name in (b".", b"..") or not name.startswith(b"."):
                yield entry  # files being written have hidden temporary names

    write = setstat = lsetstat = fsetstat = remove = mkdir = rmdir = _denied  # type: ignore[assignment]
    rename = posix_rename = symlink = link = _denied  # type: ignore[assignment]
