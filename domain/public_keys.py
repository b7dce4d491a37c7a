"""OpenSSH public key lines, read without any SSH library.

Screens check a pasted key and show its fingerprint with this; the SSH
server still parses keys with asyncssh when it authenticates. The
fingerprint is OpenSSH's: 'SHA256:' and the unpadded base64 of the SHA-256
of the key blob."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct

# Key type -> number of length-prefixed fields in its blob (type name included).
_FIELDS = {
    "ssh-ed25519": 2,
    "ssh-rsa": 3,
    "ecdsa-sha2-nistp256": 3,
    "ecdsa-sha2-nistp384": 3,
    "ecdsa-sha2-nistp521": 3,
    "sk-ssh-ed25519@openssh.com": 3,
    "sk-ecdsa-sha2-nistp256@openssh.com": 4,
}
_INVALID = "Clé publique invalide (attendu : une ligne « ssh-ed25519 AAAA… »)."


def _fields(blob: bytes) -> list[bytes]:
    fields, offset = [], 0
    while offset < len(blob):
        if offset + 4 > len(blob):
            raise ValueError(_INVALID)
        (size,) = struct.unpack(">I", blob[offset:offset + 4])
        offset += 4
        if offset + size > len(blob):
            raise ValueError(_INVALID)
        fields.append(blob[offset:offset + size])
        offset += size
    return fields


def parse_key_line(line: str) -> tuple[str, bytes, str]:
    """(key type, blob, comment) of an authorized_keys line without options;
    ValueError in French when it is not a public key we accept."""
    parts = line.strip().split(None, 2)
    if len(parts) < 2 or parts[0] not in _FIELDS:
        raise ValueError(_INVALID)
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(_INVALID) from None
    fields = _fields(blob)
    if len(fields) != _FIELDS[parts[0]] or fields[0] != parts[0].encode():
        raise ValueError(_INVALID)
    if parts[0] == "ssh-ed25519" and len(fields[1]) != 32:
        raise ValueError(_INVALID)
    return parts[0], blob, parts[2] if len(parts) > 2 else ""


def key_fingerprint(line: str) -> str:
    """OpenSSH's SHA256 fingerprint of a public key line (ValueError in French)."""
    _, blob, _ = parse_key_line(line)
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
