"""A consistent copy of the SQLite database while the server runs, and the
move of a SQLite database to PostgreSQL.

SQLite's online backup API copies the pages of one read transaction: under
WAL, writers (candidates saving answers) go on meanwhile and the copy is the
database as of one instant, never a file caught half-written. The copy is
written beside its destination under a temporary name, checked, flushed to
disk and only then renamed: a failed backup leaves no file behind.

Restoring is stopping the server and copying the file back (README)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from store.copy import CopyReport, copy_sqlite_to_pg, sqlite_snapshot
from store.pg import PgDatabase, is_postgres_url


class BackupError(Exception):
    """A backup that cannot be made (French message, shown as is)."""


@dataclass(frozen=True)
class BackupReport:
    target: Path
    size: int  # bytes
    schema_version: int
    tables: dict[str, int]  # rows per table


async def backup_sqlite(source: Path, target: Path, *, overwrite: bool = False) -> BackupReport:
    """Copy the live database `source` to the new file `target`."""
    if not source.is_file():
        raise BackupError(f"Base introuvable : {source}.")
    target = target.absolute()
    if not target.parent.is_dir():
        raise BackupError(f"Dossier introuvable : {target.parent}.")
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError("La copie ne peut pas remplacer la base elle-même.")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} existe déjà : choisissez un autre nom (ou --force).")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        snapshot = await sqlite_snapshot(source, partial)
        if snapshot.integrity != "ok":
            raise BackupError(f"Copie incohérente ({snapshot.integrity}) : recommencez.")
        await asyncio.to_thread(_publish, partial, target)
    except sqlite3.Error as exc:
        raise BackupError(f"Sauvegarde impossible : {exc}.") from exc
    finally:
        partial.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return BackupReport(target, target.stat().st_size, snapshot.schema_version, snapshot.rows)


def _publish(partial: Path, target: Path) -> None:
    """On disk, then under its name (a crash leaves the old name or the
    whole new file, never part of it)."""
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


async def copy_to_postgres(source: Path, url: str) -> CopyReport:
    """Copy the SQLite database `source` into the empty PostgreSQL database
    at `url` (created and migrated if needed); counts checked per table."""
    if not is_postgres_url(url):
        raise BackupError("--to : URL postgresql://… attendue.")
    if not source.is_file():
        raise BackupError(f"Base introuvable : {source}.")
    target = await PgDatabase.open(url)  # Unreachable: a StoreError, said as is
    try:
        return await copy_sqlite_to_pg(source, target)
    finally:
        await target.close()
