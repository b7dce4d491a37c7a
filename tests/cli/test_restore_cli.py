"""`qcm restore FILE` through the real entry point: the way back from a
`qcm backup` copy, refused while the database is in use, for a file that is
not a sound qcm-ssh database, and (without --force) over an existing one."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from store import Store
from tests.cli.conftest import ROOT, Qcm


def centres(qcm: Qcm) -> list[str]:
    return [c["name"] for c in json.loads(qcm.ok("centre", "list", "--json").out)]


def names_in(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM centres ORDER BY id")]


def leftovers(qcm: Qcm) -> list[str]:
    """Files of a restore attempt left in the data directory."""
    return sorted(p.name for p in qcm.data_dir.iterdir() if ".restore-" in p.name)


def test_backup_change_restore_the_change_is_gone(qcm: Qcm):
    qcm.ok("init")
    qcm.ok("centre", "add", "Centre de Lyon", "--city", "Lyon")
    backup = qcm.tmp / "matin.sqlite3"
    qcm.ok("backup", str(backup))
    qcm.ok("centre", "add", "Centre de Nantes")
    assert centres(qcm) == ["Centre de Lyon", "Centre de Nantes"]

    # Without --force: refused in one line, the database untouched.
    before = qcm.database.read_bytes()
    refused = qcm("restore", str(backup))
    assert refused.code == 1 and len(refused.err_lines) == 1
    assert refused.err.startswith("Erreur : ") and "--force" in refused.err
    assert qcm.database.read_bytes() == before and centres(qcm) == [
        "Centre de Lyon", "Centre de Nantes"]

    done = json.loads(qcm.ok("restore", str(backup), "--force", "--json").out)
    assert done["tables"]["centres"] == 1 and done["database"] == str(qcm.database)
    assert centres(qcm) == ["Centre de Lyon"]  # Nantes, added after the backup, is gone
    # ... from the live database only: the one replaced is kept beside it.
    assert names_in(Path(done["replaced"])) == ["Centre de Lyon", "Centre de Nantes"]
    assert leftovers(qcm) == []
    qcm.ok("centre", "add", "Centre de Rennes")  # the restored database works on
    assert centres(qcm) == ["Centre de Lyon", "Centre de Rennes"]


def test_into_an_empty_data_dir_no_force_needed(qcm: Qcm, tmp_path: Path):
    qcm.ok("init")
    qcm.ok("centre", "add", "Centre de Lyon")
    backup = tmp_path / "copie.sqlite3"
    qcm.ok("backup", str(backup))
    (tmp_path / "ailleurs").mkdir()
    fresh = Qcm(tmp_path / "ailleurs")
    out = fresh.ok("restore", str(backup)).out
    assert out.startswith("Base restaurée : ") and "conservée" not in out
    assert centres(fresh) == ["Centre de Lyon"]


def test_documents_without_their_file_are_named(qcm: Qcm):
    """The database comes back whole; the documents folder is another backup.
    A restored document whose file is not there is said (exit 0: the
    restore itself is done)."""
    qcm.ok("demo")
    made = json.loads(qcm.ok("paper", "generate", "1", "2", "--json").out)
    backup = qcm.tmp / "copie.sqlite3"
    qcm.ok("backup", str(backup))
    done = json.loads(qcm.ok("restore", str(backup), "--force", "--json").out)
    assert done["documents"] == 1 and done["missing_documents"] == []
    Path(made["path"]).unlink()
    run = qcm("restore", str(backup), "--force")
    assert run.code == 0 and run.out.startswith("Base restaurée")
    assert len(run.err_lines) == 1 and run.err.startswith("Attention : 1 des 1 documents")
    assert "restaurez aussi ce dossier" in run.err


def test_a_killed_server_s_wal_goes_with_the_replaced_database(qcm: Qcm):
    """A process killed with answers committed in qcm.sqlite3-wal: the stale
    -wal and -shm must not be applied to the restored file; they stay with
    the replaced database, whose last commit is still readable."""
    qcm.ok("init")
    qcm.ok("centre", "add", "Centre de Lyon")
    backup = qcm.tmp / "copie.sqlite3"
    qcm.ok("backup", str(backup))
    writer = textwrap.dedent(f"""
        import os, sqlite3
        conn = sqlite3.connect({str(qcm.database)!r}, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("UPDATE centres SET name = 'Centre de Brest'")
        os._exit(0)  # killed: no checkpoint, the commit lives in the -wal
    """)
    subprocess.run([sys.executable, "-c", writer], check=True)
    wal = Path(f"{qcm.database}-wal")
    assert wal.stat().st_size > 0

    done = json.loads(qcm.ok("restore", str(backup), "--force", "--json").out)
    assert not wal.exists() and not Path(f"{qcm.database}-shm").exists()
    assert names_in(qcm.database) == ["Centre de Lyon"]
    assert Path(f"{done['replaced']}-wal").exists()
    assert names_in(Path(done["replaced"])) == ["Centre de Brest"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_refused_while_the_server_runs(qcm: Qcm, stop: signal.Signals):
    qcm.ok("init")
    qcm.ok("centre", "add", "Centre de Lyon")
    backup = qcm.tmp / "copie.sqlite3"
    qcm.ok("backup", str(backup))
    qcm.config.write_text(qcm.config.read_text(encoding="utf-8").replace(
        "port = 2299", f"port = {_free_port()}\nworkers = 1"), encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "sshserver.cli", "--config", str(qcm.config), "serve"],
        cwd=qcm.tmp, env=qcm.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.stdout is not None
        first = server.stdout.readline().decode("utf-8")  # printed once it holds the base
        assert "écoute sur" in first, (first, server.stderr)
        before = qcm.database.read_bytes()
        refused = qcm("restore", str(backup), "--force")
        assert refused.code == 1 and len(refused.err_lines) == 1
        assert "ouverte par un autre processus" in refused.err and "qcm serve" in refused.err
        assert qcm.database.read_bytes() == before and leftovers(qcm) == []
    finally:
        os.kill(server.pid, stop)
        server.wait(60)
    # Stopped (even killed: the kernel drops its lock), the restore goes through.
    qcm.ok("restore", str(backup), "--force")
    assert centres(qcm) == ["Centre de Lyon"]


async def test_refused_while_a_command_holds_the_database(qcm: Qcm):
    qcm.ok("init")
    backup = qcm.tmp / "copie.sqlite3"
    qcm.ok("backup", str(backup))
    store = await Store.open(qcm.database)
    try:
        refused = qcm("restore", str(backup), "--force")
        assert refused.code == 1 and "ouverte par un autre processus" in refused.err
    finally:
        await store.close()
    qcm.ok("restore", str(backup), "--force")


def _damaged(source: Path, target: Path) -> None:
    """A copy with one b-tree page overwritten in its middle."""
    data = bytearray(source.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    middle = (len(data) // page // 2) * page
    data[middle:middle + page] = bytes([0x0D]) + b"\xff" * (page - 1)
    target.write_bytes(bytes(data))


@pytest.mark.parametrize(("make", "needle"), [
    ("absent", "Sauvegarde introuvable"),
    ("text", "n'est pas une base SQLite"),
    ("other", "n'est pas une base qcm-ssh"),
    ("newer", "plus récent que celui de cette version"),
    ("damaged", "endommagée ou illisible"),
    ("inconsistent", "endommagée (PRAGMA integrity_check : row 1 missing from index"),
])
def test_refused_backups_leave_the_database_as_it_was(qcm: Qcm, make: str, needle: str):
    qcm.ok("demo")  # enough pages for a damaged one in the middle
    good = qcm.tmp / "bonne.sqlite3"
    qcm.ok("backup", str(good))
    bad = qcm.tmp / "mauvaise.sqlite3"
    if make == "text":
        bad.write_text("ceci n'est pas une base\n" * 200)
    elif make == "other":
        with closing(sqlite3.connect(bad)) as conn:
            conn.execute("CREATE TABLE notes (texte TEXT)")
            conn.execute("PRAGMA user_version = 2")
    elif make == "newer":
        bad.write_bytes(good.read_bytes())
        with closing(sqlite3.connect(bad)) as conn:
            conn.execute("PRAGMA user_version = 99")
    elif make == "damaged":
        _damaged(good, bad)
    elif make == "inconsistent":  # readable, but an index no longer matches its table
        bad.write_bytes(good.read_bytes())
        with closing(sqlite3.connect(bad, isolation_level=None)) as conn:
            conn.execute("PRAGMA writable_schema = ON")
            conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX questions_formation "
                         "ON questions(theme_id, formation_code)' "
                         "WHERE name = 'questions_formation'")
    before = qcm.database.read_bytes()
    refused = qcm("restore", str(bad), "--force")
    assert refused.code == 1 and len(refused.err_lines) == 1, refused
    assert refused.err.startswith("Erreur : ") and needle in refused.err, refused.err
    assert qcm.database.read_bytes() == before
    assert leftovers(qcm) == [] and not any(".replaced-" in p.name
                                            for p in qcm.data_dir.iterdir())


def test_on_postgresql_points_to_pg_restore(qcm: Qcm):
    qcm.config.write_text(qcm.config.read_text(encoding="utf-8")
                          + '[database]\nurl = "postgresql://qcm@db.example.org/qcm"\n',
                          encoding="utf-8")
    refused = qcm("restore", str(qcm.tmp / "copie.dump"), "--force")
    assert refused.code == 1 and len(refused.err_lines) == 1
    assert "pg_restore" in refused.err and "postgresql://qcm@db.example.org/qcm" in refused.err


def test_in_the_usage(qcm: Qcm):
    assert "restore FICHIER" in qcm.ok("--help").out
    assert ROOT.is_dir()
