"""Read-only SFTP view of the documents an account may see.

A centre account sees its own centre's folder as `/`; the certification body
sees every centre's folder (named by centre id). Candidates see nothing.
Every change (upload, delete, rename, mkdir, attributes, links) is refused."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh

from sshserver.auth import Candidate, Principal

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
                 documents_dir: Path) -> None:
        root = visible_root(principal, documents_dir)
        if root is None:
            chan.close()
            raise asyncssh.ChannelOpenError(asyncssh.OPEN_ADMINISTRATIVELY_PROHIBITED,
                                            "SFTP refusé aux candidats")
        super().__init__(chan, chroot=os.fsencode(root))

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        if pflags & _WRITE_FLAGS:
            _denied()
        return super().open(path, asyncssh.FXF_READ, attrs)

    def open56(self, path: bytes, desired_access: int, flags: int,
               attrs: asyncssh.SFTPAttrs) -> object:
        if desired_access & ~(asyncssh.ACE4_READ_DATA | asyncssh.ACE4_READ_ATTRIBUTES):
            _denied()
        return super().open56(path, desired_access, flags, attrs)

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        async for entry in super().scandir(path):
            name = entry.filename if isinstance(entry.filename, bytes) else entry.filename.encode()
            if name in (b".", b"..") or not name.startswith(b"."):
                yield entry  # files being written have hidden temporary names

    write = setstat = lsetstat = fsetstat = remove = mkdir = rmdir = _denied  # type: ignore[assignment]
    rename = posix_rename = symlink = link = _denied  # type: ignore[assignment]
