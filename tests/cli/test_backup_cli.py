"""`qcm backup FILE` through the real entry point; the local CLI on PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.conftest import Qcm


def test_backup_writes_a_copy_and_never_overwrites(qcm: Qcm):
    qcm.ok("init")
    qcm.ok("centre", "add", "Centre de Lyon", "--city", "Lyon")
    target = qcm.tmp / "sauvegarde.sqlite3"
    run = qcm.ok("backup", str(target), "--json")
    report = json.loads(run.out)
    assert report["file"] == str(target) and report["tables"]["centres"] == 1
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("SELECT name FROM centres").fetchall() == [("Centre de Lyon",)]
    # Again: refused in one line, the first copy kept.
    before = target.read_bytes()
    again = qcm("backup", str(target))
    assert again.code == 1 and len(again.err_lines) == 1 and "existe déjà" in again.err
    assert target.read_bytes() == before
    assert qcm.ok("backup", str(target), "--force").out.startswith("Copie écrite")


def test_backup_is_a_local_command_only(qcm: Qcm):
    from cli import ADMIN, build_registry
    names = {c.name for c in build_registry().visible(ADMIN)}
    assert "backup" not in names and "centre add" in names


def _use_postgres(qcm: Qcm, url: str) -> None:
    qcm.config.write_text(qcm.config.read_text(encoding="utf-8")
                          + f'[database]\nurl = "{url}"\n', encoding="utf-8")


async def test_the_cli_on_postgresql(qcm: Qcm, pg_url: str):
    _use_postgres(qcm, pg_url)
    assert "Base prête : postgresql://" in qcm.ok("init").out
    qcm.ok("centre", "add", "Centre de Lyon", "--city", "Lyon")
    assert [c["name"] for c in json.loads(qcm.ok("centre", "list", "--json").out)] == [
        "Centre de Lyon"]
    assert not qcm.database.exists()  # nothing went to the SQLite file
    refused = qcm("backup", str(qcm.tmp / "copie.sqlite3"))
    assert refused.code == 1 and "pg_dump" in refused.err and len(refused.err_lines) == 1


async def test_db_copy_moves_the_sqlite_database_to_postgresql(qcm: Qcm, pg_url: str):
    qcm.ok("init")
    qcm.ok("centre", "add", "Centre de Lyon", "--city", "Lyon")
    qcm.ok("trainer", "add", "1", "Claire Martin")
    copied = json.loads(qcm.ok("db", "copy", "--to", pg_url, "--json").out)
    assert copied["rows"]["centres"] == 1 and copied["rows"]["trainers"] == 1
    # Twice: refused, in one line.
    again = qcm("db", "copy", "--to", pg_url)
    assert again.code == 1 and "n'est pas vide" in again.err and len(again.err_lines) == 1
    # The configuration switched: the same data, now from PostgreSQL.
    _use_postgres(qcm, pg_url)
    qcm.database.unlink()
    assert [c["name"] for c in json.loads(qcm.ok("centre", "list", "--json").out)] == [
        "Centre de Lyon"]
    qcm.ok("centre", "add", "Centre de Nantes")
    assert not qcm.database.exists()  # the SQLite file is not used any more


def test_db_copy_needs_a_postgresql_url(qcm: Qcm):
    qcm.ok("init")
    run = qcm("db", "copy", "--to", "/tmp/autre.sqlite3")
    assert run.code == 1 and "postgresql://" in run.err and len(run.err_lines) == 1


async def _documents_in(url: str) -> list[tuple[int, str, str]]:
    from store import Store
    store = await Store.open(url)
    try:
        return [(r[0], r[1], r[2]) for r in await store.db.all(
            "SELECT id, path, sha256 FROM documents ORDER BY id")]
    finally:
        await store.close()


def _two_paper_batches(qcm: Qcm) -> list[dict]:
    qcm.ok("demo")
    return [json.loads(qcm.ok("paper", "generate", "1", str(n), "--json").out) for n in (2, 3)]


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


async def test_db_copy_moves_the_documents_and_checks_them(qcm: Qcm, pg_url: str):
    made = _two_paper_batches(qcm)
    shared = qcm.tmp / "partage"
    shared.mkdir()
    copied = json.loads(qcm.ok("db", "copy", "--to", pg_url, "--documents-to", str(shared),
                               "--json").out)
    assert copied["documents"] == 2 and copied["copied_files"] == 2
    rows = await _documents_in(pg_url)
    assert [sha for _, _, sha in rows] == [m["sha256"] for m in made]
    assert _files(shared) == {path: sha for _, path, sha in rows}
    # The node now reads PostgreSQL and the shared folder, the local copy gone.
    _use_postgres(qcm, pg_url)
    qcm.config.write_text(qcm.config.read_text(encoding="utf-8").replace(
        "[ssh]", f'documents_dir = "{shared.as_posix()}"\n[ssh]'), encoding="utf-8")
    shutil.rmtree(qcm.data_dir / "documents")
    again = json.loads(qcm.ok("paper", "generate", "1", "2", "--json").out)
    assert again["path"].startswith(str(shared))


async def test_db_copy_in_place_checks_the_documents(qcm: Qcm, pg_url: str):
    _two_paper_batches(qcm)
    before = _files(qcm.data_dir / "documents")
    copied = json.loads(qcm.ok("db", "copy", "--to", pg_url, "--json").out)
    assert copied["documents"] == 2 and copied["copied_files"] == 0
    assert copied["documents_dir"] == str(qcm.data_dir / "documents")
    assert _files(qcm.data_dir / "documents") == before
    assert len(await _documents_in(pg_url)) == 2


@pytest.mark.parametrize(("spoil", "needle"), [
    ("missing", "fichier absent de"),
    ("altered", "fichier altéré dans"),
    ("taken", "existe déjà avec un autre contenu"),
])
async def test_db_copy_refuses_a_bad_document_and_writes_nothing(
        qcm: Qcm, pg_url: str, spoil: str, needle: str):
    made = _two_paper_batches(qcm)
    shared = qcm.tmp / "partage"
    shared.mkdir()
    second = Path(made[1]["path"])  # the first one is copied before the second fails
    relative = second.relative_to(qcm.data_dir / "documents")
    kept = second.read_bytes()
    if spoil == "missing":
        second.unlink()
    elif spoil == "altered":
        second.write_bytes(kept.replace(b"%PDF", b"%PDX", 1))
    else:  # the target folder already holds another file under that name
        (shared / relative).parent.mkdir(parents=True)
        (shared / relative).write_bytes(b"autre chose")
    before = _files(shared)
    refused = qcm("db", "copy", "--to", pg_url, "--documents-to", str(shared))
    assert refused.code == 1 and len(refused.err_lines) == 1, refused
    assert needle in refused.err and f"Document {made[1]['document']}" in refused.err
    assert "Rien n'a été copié" in refused.err
    # Nothing half-written: no row in PostgreSQL, no file added to the target folder.
    assert await _documents_in(pg_url) == []
    assert _files(shared) == before
    # Put right, the same copy goes through (the target was left empty).
    second.write_bytes(kept)
    if spoil == "taken":
        (shared / relative).unlink()
    assert json.loads(qcm.ok("db", "copy", "--to", pg_url, "--documents-to", str(shared),
                             "--json").out)["documents"] == 2
