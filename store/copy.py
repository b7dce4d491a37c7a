"""Copies of a whole database: a live SQLite file to a new file (`qcm backup`),
and a SQLite database to PostgreSQL (`qcm db copy --to postgresql://…`).

The backup uses SQLite's online backup API in one step: the pages of one
read transaction, while writers go on under WAL.

The SQLite file is read in one read transaction (one instant of it); the
PostgreSQL database, migrated to the same schema version and empty, receives
every row in one transaction with COPY, ids kept, then its identity sequences
move past the highest id. The locking triggers are switched off for the
copy inside that transaction (the rows being copied are already locked ones:
answers of submitted candidates must go in) and on again before it commits:
no other session ever sees them off. Row counts are compared before the
commit; any difference rolls everything back. Then `before_commit` is given
the document rows as written to the target (id, path, sha256): the caller
checks (and moves) their files there, and an error it raises rolls the
copy back too."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import aiosqlite

from store.errors import Conflict
from store.pg import PgDatabase
from store.schema import MIGRATIONS

# Parents before children (foreign keys hold at every row).
TABLES = ("formations", "themes", "questions", "centres", "trainers", "accounts",
          "account_keys", "qcms", "qcm_questions", "sessions", "participant_numbers",
          "participants", "online_keys", "answers", "documents", "paper_batches", "audit",
          "auth_failures")
# Not copied: the source's own processes (a lease naming one of them is a
# lease of a dead node there) and SQLite's empty host key table (its key is
# the file under data_dir).
NOT_COPIED = ("nodes", "host_keys")


@dataclass(frozen=True)
class Snapshot:
    schema_version: int
    integrity: str  # "ok", or what PRAGMA integrity_check found
    rows: dict[str, int]  # per table


async def sqlite_snapshot(source: Path, target: Path) -> Snapshot:
    """Write the database `source` as of one instant to the new file
    `target` (no -wal beside it once done), then check the copy."""
    # Read-only: a wrong path never creates an empty database.
    async with aiosqlite.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as src:
        await src.execute("PRAGMA busy_timeout = 10000")
        async with aiosqlite.connect(target) as dst:
            await src.backup(dst, pages=-1)  # one step: one snapshot
            await dst.execute("PRAGMA journal_mode = DELETE")  # a self-contained file
            check = await (await dst.execute("PRAGMA integrity_check")).fetchone()
            version = await (await dst.execute("PRAGMA user_version")).fetchone()
            names = [r[0] for r in await (await dst.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")).fetchall()]
            rows = {}
            for name in names:
                count = await (await dst.execute(f'SELECT COUNT(*) FROM "{name}"')).fetchone()
                rows[name] = int(count[0]) if count else 0
    return Snapshot(int(version[0]) if version else 0, str(check[0]) if check else "?", rows)


@cache
def tables_at(version: int) -> frozenset[str]:
    """The tables a qcm-ssh database has at schema `version` (its
    migrations run on an empty database in memory)."""
    with closing(sqlite3.connect(":memory:")) as conn:
        for step in MIGRATIONS[:version]:
            for statement in step:
                conn.execute(statement)
        return frozenset(r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))


@dataclass(frozen=True)
class CopyReport:
    schema_version: int
    rows: dict[str, int]  # per table, equal on both sides


DocumentRow = tuple[int, str, str]  # id, path under the documents folder, sha256
BeforeCommit = Callable[[list[DocumentRow]], Awaitable[None]]


async def copy_sqlite_to_pg(source: Path, target: PgDatabase,
                            before_commit: BeforeCommit | None = None) -> CopyReport:
    """Copy every row of the SQLite file `source` into the empty `target`."""
    async with aiosqlite.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as src:
        await src.execute("PRAGMA busy_timeout = 10000")
        await src.execute("BEGIN")  # one snapshot for every table
        version = (await (await src.execute("PRAGMA user_version")).fetchone())[0]  # type: ignore[index]
        if version != len(MIGRATIONS) or await target.version() != len(MIGRATIONS):
            raise Conflict(f"Schémas différents : SQLite {version}, PostgreSQL "
                           f"{await target.version()}, cette version de qcm-ssh "
                           f"{len(MIGRATIONS)}. Ouvrez d'abord chaque base avec elle.")
        names = {r[0] for r in await (await src.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")).fetchall()}
        unknown = (names - set(TABLES) - set(NOT_COPIED)
                   - {"sqlite_sequence", "sqlite_stat1"})
        if unknown:
            raise Conflict(f"Tables inconnues dans la base SQLite : {', '.join(sorted(unknown))}.")
        counts: dict[str, int] = {}
        async with target.transaction() as tx:
            for table in TABLES:
                found = await tx.one(f"SELECT EXISTS (SELECT 1 FROM {table})")
                if found and found[0]:
                    raise Conflict(f"La base PostgreSQL cible n'est pas vide (table {table}) : "
                                   "copiez dans une base neuve.")
            for table in TABLES:
                await tx.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            for table in TABLES:
                cursor = await src.execute(f"SELECT * FROM {table}")
                columns = [d[0] for d in cursor.description]
                while batch := await cursor.fetchmany(5000):
                    await tx.copy_rows(table, columns, [tuple(r) for r in batch])
                counts[table] = (await (await src.execute(
                    f"SELECT COUNT(*) FROM {table}")).fetchone())[0]  # type: ignore[index]
                copied = (await tx.one(f"SELECT COUNT(*) FROM {table}"))[0]  # type: ignore[index]
                if copied != counts[table]:
                    raise Conflict(f"Table {table} : {counts[table]} lignes lues, "
                                   f"{copied} écrites. Rien n'a été copié.")
                if "id" in columns:
                    await tx.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")
            for table in TABLES:
                await tx.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            if before_commit is not None:
                await before_commit([(int(r[0]), str(r[1]), str(r[2])) for r in await tx.all(
                    "SELECT id, path, sha256 FROM documents ORDER BY id")])
        await src.execute("COMMIT")
    return CopyReport(version, counts)
