"""The server's Ed25519 host key: created once, private to its owner, reused."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh

from services.config import Config
from store import Store

SHARED_NAME = "ssh_host_ed25519_key"

class HostKeyError(Exception):
    """The host key file cannot be used safely."""


def load_or_create_host_key(path: Path | str) -> asyncssh.SSHKey:
    """Load the host key at `path`, generating an Ed25519 key there first if absent.

    A new key is written with mode 0600 and published atomically, so several
    server processes starting together end up sharing one key. An existing key
    readable by group or others is refused, as OpenSSH does.
    """
    path = Path(path)
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise HostKeyError(
            f"La clé d'hôte {path} est lisible par d'autres utilisateurs "
            f"(mode {mode:o}) : exécutez « chmod 600 {path} »."
        )
    try:
        return asyncssh.read_private_key(path)
    except (OSError, asyncssh.KeyImportError) as error:
        raise HostKeyError(f"Clé d'hôte illisible : {path} ({error}).") from error


async def node_host_key(config: Config, store: Store) -> asyncssh.SSHKey:
    """The host key this server presents. On PostgreSQL, unless `[ssh]
    host_key` names a file, it is kept in the database: created by the
    first node, the same for every node, so clients never see it change
    whichever node answers. Otherwise the file (under data_dir by default)."""
    if config.ssh.host_key or not config.database_settings.url:
        return load_or_create_host_key(config.host_key)

    def make() -> str:
        key = asyncssh.generate_private_key("ssh-ed25519", comment="qcm-ssh host key")
        return key.export_private_key().decode("ascii")

    text = await store.nodes.shared_secret(SHARED_NAME, make)
    try:
        return asyncssh.import_private_key(text)
    except asyncssh.KeyImportError as error:
        raise HostKeyError(f"Clé d'hôte de la base illisible ({error}).") from error


def host_key_fingerprint(key: asyncssh.SSHKey | Path | str) -> str:
    """The key's SHA256 fingerprint as OpenSSH prints it ("SHA256:...")."""
    if not isinstance(key, asyncssh.SSHKey):
        key = load_or_create_host_key(key)
    return key.get_fingerprint("sha256")


def _create(path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-ed25519", comment="qcm-ssh host key")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(key.export_private_key())
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)  # fails if another process won the race
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
