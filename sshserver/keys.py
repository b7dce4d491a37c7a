"""SSH public keys of staff accounts and the server's host key."""

from __future__ import annotations

import os
from pathlib import Path

import asyncssh


def key_fingerprint(line: str) -> str:
    """SHA256 fingerprint of an OpenSSH public key line; ValueError in French."""
    try:
        key = asyncssh.import_public_key(line.strip())
    except (asyncssh.KeyImportError, ValueError, UnicodeError):
        raise ValueError("Clé publique invalide (attendu : une ligne « ssh-ed25519 AAAA… »).") from None
    return key.get_fingerprint("sha256")


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's Ed25519 host key, generated on first start (mode 0600)."""
    if path.exists():
        return asyncssh.read_private_key(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519")
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.export_private_key())
    os.replace(tmp, path)
    return key
