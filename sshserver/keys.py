"""SSH public keys of staff accounts."""

from __future__ import annotations

import asyncssh


def key_fingerprint(line: str) -> str:
    """SHA256 fingerprint of an OpenSSH public key line; ValueError in French."""
    try:
        key = asyncssh.import_public_key(line.strip())
    except (asyncssh.KeyImportError, ValueError, UnicodeError):
        raise ValueError("Clé publique invalide (attendu : une ligne « ssh-ed25519 AAAA… »).") from None
    return key.get_fingerprint("sha256")
