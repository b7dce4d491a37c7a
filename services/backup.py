"""A consistent copy of the SQLite database while the server runs, and the
move of a SQLite database to PostgreSQL.

SQLite's online backup API copies the pages of one read transaction: under
WAL, writers (candidates saving answers) go on meanwhile and the copy is the
database as of one instant, never a file caught half-written. The copy is
written beside its destination under a temporary name, checked, flushed to
disk and only then renamed: a failed backup leaves no file behind.

`restore_sqlite` is the way back (`qcm restore FILE`): server stopped (no
process may hold the database: store.db.in_use_lock), the backup checked,
copied beside the database, then put in its place in one rename; the
database it replaces is kept beside it, with its -wal, never deleted."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from services.document_files import sha256_of
from store.copy import CopyReport, copy_sqlite_to_pg, sqlite_snapshot, tables_at
from store.db import exclusive_use
from store.pg import PgDatabase, is_postgres_url
from store.schema import MIGRATIONS


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


@dataclass(frozen=True)
class RestoreReport:
    database: Path
    schema_version: int
    tables: dict[str, int]  # rows per table, as restored
    replaced: Path | None  # where the database it replaced is kept
    documents: int = 0  # document rows in the restored database
    missing: tuple[str, ...] = ()  # their paths with no file in the documents folder


SIDE_FILES = ("-wal", "-shm", "-journal")


async def restore_sqlite(backup: Path, database: Path, *, force: bool = False,
                         documents_dir: Path | None = None) -> RestoreReport:
    """Put the backup `backup` (a `qcm backup` copy) in place of `database`.

    Refused while any process has the database open (the server, a command),
    for a file that is not a sound qcm-ssh database at a schema this version
    knows, and, without `force`, whenever a database is there: whatever was
    written since the backup would leave the live database (it is kept, as
    `<name>.replaced-<time>`, not deleted). With `documents_dir`, the report
    names the restored database's documents whose file is not there (the
    restore is done: the files are the operator's to bring back)."""
    backup = backup.absolute()
    if not backup.is_file():
        raise BackupError(f"Sauvegarde introuvable : {backup}.")
    if database.exists() and backup.resolve() == database.resolve():
        raise BackupError("La sauvegarde est la base elle-même : choisissez une copie.")
    database.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_use(database):  # InUse (one French line) while the server runs
        if database.exists() and not force:
            raise BackupError(
                f"{database} existe : la remplacer par la sauvegarde retire tout ce qui y a "
                "été écrit depuis ; relancez avec --force (elle sera conservée sous "
                f"{database.name}.replaced-…).")
        partial = database.with_name(f".{database.name}.restore-{os.getpid()}")
        _remove_with_side_files(partial)
        try:
            try:
                snapshot = await sqlite_snapshot(backup, partial)
            except sqlite3.Error as exc:
                if "not a database" in str(exc):
                    raise BackupError(f"{backup} n'est pas une base SQLite ({exc}).") from None
                raise BackupError(f"{backup} est endommagée ou illisible ({exc}) : choisissez "
                                  "une autre sauvegarde.") from None
            _check_restorable(backup, snapshot.integrity, snapshot.schema_version,
                              set(snapshot.rows))
            replaced = await asyncio.to_thread(_swap, partial, database)
        finally:
            _remove_with_side_files(partial)
        paths = await asyncio.to_thread(_document_paths, database)
    missing = tuple(p for p in paths
                    if documents_dir is not None and not (documents_dir / p).is_file())
    return RestoreReport(database, snapshot.schema_version, snapshot.rows, replaced,
                         len(paths), missing)


def _document_paths(database: Path) -> list[str]:
    with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return [r[0] for r in conn.execute("SELECT path FROM documents ORDER BY id")]


def _check_restorable(backup: Path, integrity: str, version: int, tables: set[str]) -> None:
    if integrity != "ok":
        raise BackupError(f"{backup} est endommagée (PRAGMA integrity_check : "
                          f"{integrity.splitlines()[0]}) : choisissez une autre sauvegarde.")
    if version > len(MIGRATIONS):
        raise BackupError(f"{backup} est au schéma {version}, plus récent que celui de cette "
                          f"version de qcm-ssh ({len(MIGRATIONS)}) : mettez qcm-ssh à jour.")
    if version < 1 or tables != tables_at(version):
        raise BackupError(f"{backup} n'est pas une base qcm-ssh (schéma {version}, "
                          f"{len(tables)} tables).")


def _remove_with_side_files(path: Path) -> None:
    path.unlink(missing_ok=True)
    for suffix in SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _swap(partial: Path, database: Path) -> Path | None:
    """`partial` in place of `database`, in one rename. The database it
    replaces is kept under another name with its -wal (the answers a killed
    server had committed there) and journal; its -shm, an index rebuilt
    from the -wal, goes. A crash at any step leaves either database whole
    under one of the names."""
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    replaced = None
    if database.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        replaced = database.with_name(f"{database.name}.replaced-{stamp}")
        n = 1
        while replaced.exists():
            n += 1
            replaced = database.with_name(f"{database.name}.replaced-{stamp}-{n}")
        try:
            os.link(database, replaced)
        except OSError:  # a file system without hard links
            shutil.copy2(database, replaced)
    for suffix in ("-wal", "-journal"):
        side = Path(f"{database}{suffix}")
        if side.exists():
            if replaced is not None:
                os.replace(side, f"{replaced}{suffix}")
            else:
                side.unlink()
    Path(f"{database}-shm").unlink(missing_ok=True)
    os.replace(partial, database)
    fd = os.open(database.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return replaced


@dataclass(frozen=True)
class MoveReport:
    copy: CopyReport
    documents: int  # files found with their recorded SHA-256 in the target folder
    documents_dir: Path  # the target folder
    copied_files: int  # of those, copied there now (0 when the folder stays the same)


async def copy_to_postgres(source: Path, url: str, documents_from: Path,
                           documents_to: Path | None = None) -> MoveReport:
    """Copy the SQLite database `source` into the empty PostgreSQL database
    at `url` (created and migrated if needed), with its documents.

    Counts are checked per table; then every document row's file, read from
    `documents_from`, must hold its recorded SHA-256, is copied into
    `documents_to` (default: the same folder, files left in place) and found
    there intact, all before the PostgreSQL transaction commits. Anything
    missing, altered or failing rolls the database back and removes the
    files this copy wrote: nothing half-written on the target."""
    if not is_postgres_url(url):
        raise BackupError("--to : URL postgresql://… attendue.")
    if not source.is_file():
        raise BackupError(f"Base introuvable : {source}.")
    documents_to = documents_from if documents_to is None else documents_to
    if not documents_to.is_dir():
        raise BackupError(f"Dossier des documents cible introuvable : {documents_to}.")
    written: list[Path] = []  # by this copy: removed if it fails
    counts = [0, 0]  # documents checked, files copied

    async def move_documents(rows: list[tuple[int, str, str]]) -> None:
        counts[:] = await asyncio.to_thread(_move_documents, rows, documents_from,
                                            documents_to, written)

    target = await PgDatabase.open(url)  # Unreachable: a StoreError, said as is
    try:
        report = await copy_sqlite_to_pg(source, target, move_documents)
    except BaseException:
        await asyncio.to_thread(_remove_files, written)
        raise
    finally:
        await target.close()
    return MoveReport(report, counts[0], documents_to, counts[1])


def _move_documents(rows: list[tuple[int, str, str]], source: Path, target: Path,
                    written: list[Path]) -> tuple[int, int]:
    """Check each document's file in `source`, copy it to `target` (unless
    the same folder, or the same content is already there), check it there.
    Files created are appended to `written` as they are (for the undo)."""
    same = source.resolve() == target.resolve()
    copied = 0
    for doc_id, path, sha in rows:
        origin = source / path
        label = f"Document {doc_id} ({path})"
        found = _sha256_or_none(origin)
        if found is None:
            raise BackupError(f"{label} : fichier absent de {source}. Rien n'a été copié.")
        if found != sha:
            raise BackupError(f"{label} : fichier altéré dans {source} (empreinte SHA-256 "
                              "différente de celle enregistrée). Rien n'a été copié.")
        if same:
            continue
        final = target / path
        there = _sha256_or_none(final)
        if there is None:
            final.parent.mkdir(parents=True, exist_ok=True)
            partial = final.with_name(f".{final.name}.copy-{os.getpid()}")
            written.append(partial)
            shutil.copyfile(origin, partial)
            with open(partial, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, final)
            written.append(final)
            copied += 1
        elif there != sha:
            raise BackupError(f"{label} : {final} existe déjà avec un autre contenu. "
                              "Rien n'a été copié.")
        if _sha256_or_none(final) != sha:
            raise BackupError(f"{label} : la copie dans {target} ne correspond pas à "
                              "l'empreinte enregistrée. Rien n'a été copié.")
    return len(rows), copied


def _sha256_or_none(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return sha256_of(handle)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
