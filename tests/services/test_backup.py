"""`backup_sqlite`: a consistent copy while other connections write."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from domain.clock import SystemClock
from services.backup import BackupError, backup_sqlite
from store import Scope, Store
from store.schema import MIGRATIONS

ADMIN = Scope.admin("test-admin")


class PairWriter(threading.Thread):
    """Another connection (as another server process would be), committing
    two audit rows per transaction as fast as it can: a consistent copy holds
    whole pairs only."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.committed = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with closing(sqlite3.connect(self.path, isolation_level=None, timeout=10)) as conn:
                while not self.stop.is_set():
                    n = self.committed + 1
                    conn.execute("BEGIN IMMEDIATE")
                    for half in ("a", "b"):
                        conn.execute(
                            "INSERT INTO audit (at, actor, action, object_type, object_id, "
                            "detail) VALUES ('t', 'writer', 'pair', 'n', ?, ?)", (str(n), half))
                    conn.execute("COMMIT")
                    self.committed = n
                    # Between transactions, as a server's writes are: a loop that
                    # takes the lock back at once starves SQLite's other writers
                    # (their busy handler polls) past the 10 s busy timeout.
                    time.sleep(0.001)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def pairs(path: Path) -> tuple[int, int]:
    """(whole pairs, rows) written by PairWriter in the file at `path`."""
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'pair'").fetchone()[0]
        whole = conn.execute(
            "SELECT COUNT(*) FROM (SELECT object_id FROM audit WHERE action = 'pair' "
            "GROUP BY object_id HAVING COUNT(*) = 2)").fetchone()[0]
    return whole, rows


@pytest.fixture
async def live(tmp_path):
    """A database with some bulk (so that copying it takes a while) and the
    application's own connection open."""
    path = tmp_path / "qcm.sqlite3"
    store = await Store.open(path, SystemClock())
    await store.centres.add_centre(ADMIN, "Centre de Lyon", city="Lyon")
    async with store.db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO audit (at, actor, action, object_type, object_id, detail) "
            "VALUES ('t', 'bulk', 'bulk', 'x', ?, ?)",
            [(str(i), "x" * 2000) for i in range(15_000)])  # about 30 MB
    try:
        yield store, path
    finally:
        await store.close()


async def test_copy_while_another_connection_writes(live, tmp_path):
    store, path = live
    writer = PairWriter(path)
    writer.start()
    try:
        while writer.committed < 20 and writer.error is None:
            await asyncio.sleep(0.01)
        before = writer.committed
        # The application's connection writes too, through the store.
        await store.centres.add_centre(ADMIN, "Centre de Nantes", city="Nantes")
        report = await backup_sqlite(path, tmp_path / "copie.sqlite3")
        after = writer.committed
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None
    copy = tmp_path / "copie.sqlite3"
    assert report.target == copy and report.size == copy.stat().st_size
    whole, rows = pairs(copy)
    # One instant of the database: whole transactions only, taken during the copy.
    assert rows == 2 * whole and before <= whole <= after
    assert after > before  # the writer was not held up meanwhile
    assert report.tables["audit"] == 15_000 + rows + 2  # bulk, pairs, two add_centre
    assert report.schema_version == len(MIGRATIONS)
    # A self-contained file, nothing left beside it, and it opens as a database.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("copie", ".copie"))) == [
        "copie.sqlite3"]
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = await Store.open(copy)
    try:
        assert [c.name for c in await restored.centres.centres(ADMIN)] == [
            "Centre de Lyon", "Centre de Nantes"]
    finally:
        await restored.close()


async def test_an_existing_file_is_not_overwritten(live, tmp_path):
    _, path = live
    target = tmp_path / "copie.sqlite3"
    target.write_bytes(b"do not touch")
    with pytest.raises(BackupError, match="existe déjà"):
        await backup_sqlite(path, target)
    assert target.read_bytes() == b"do not touch"
    report = await backup_sqlite(path, target, overwrite=True)
    assert report.tables["centres"] == 1
    with pytest.raises(BackupError, match="la base elle-même"):
        await backup_sqlite(path, path, overwrite=True)


async def test_missing_database_or_folder(tmp_path):
    with pytest.raises(BackupError, match="Base introuvable"):
        await backup_sqlite(tmp_path / "absent.sqlite3", tmp_path / "copie.sqlite3")
    assert not (tmp_path / "absent.sqlite3").exists()  # not created by the attempt
    source = tmp_path / "qcm.sqlite3"
    await (await Store.open(source)).close()
    with pytest.raises(BackupError, match="Dossier introuvable"):
        await backup_sqlite(source, tmp_path / "nowhere" / "copie.sqlite3")
