"""The files of recorded documents: present and intact, or said so in French.

Every document row records the SHA-256 of its file when it was produced. A
node serving a document (SFTP), and `qcm db copy` moving documents, check the
file against it: with several nodes the documents folder is a shared one
(`documents_dir`), and a node whose share is not mounted, or a file changed
on disk, must be told apart from a document that does not exist."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from services.errors import Invalid
from store.errors import NotFound

BLOCK = 1 << 16


def sha256_of(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(BLOCK), b""):
        digest.update(block)
    return digest.hexdigest()


def missing(label: str) -> NotFound:
    return NotFound(f"{label} : fichier absent du dossier des documents de ce serveur.")


def altered(label: str) -> Invalid:
    return Invalid(f"{label} : fichier altéré (son empreinte SHA-256 n'est plus celle "
                   "enregistrée à sa production).")


def open_verified(path: Path, sha256: str, label: str) -> BinaryIO:
    """`path` opened for reading, positioned at its start, once its content
    was found to match `sha256` (the bytes served are the bytes checked);
    NotFound or Invalid otherwise. Blocking: call it in a thread."""
    try:
        handle = open(path, "rb")
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise missing(label) from None
    try:
        if sha256_of(handle) != sha256:
            raise altered(label)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def check_file(path: Path, sha256: str, label: str) -> None:
    """NotFound or Invalid unless `path` holds exactly the recorded content."""
    open_verified(path, sha256, label).close()
