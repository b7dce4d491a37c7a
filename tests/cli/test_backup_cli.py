"""`qcm backup FILE` through the real entry point; the local CLI on PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

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
