"""PostgreSQL backend (asyncpg, one connection pool per process) behind the
same interface as `store.db.Database`: the repositories above do not know
which one runs.

The repositories write `?` placeholders; they become `$1, $2…` here, in one
place (`to_dollar`). Rows answer to an index and to a column name like
sqlite3.Row (the first column of that name wins, as in SQLite). Errors are
the store's: a trigger's `LOCKED: …` is `Locked`, a constraint is `Conflict`.

Unlike SQLite, whose `BEGIN IMMEDIATE` makes every write transaction wait
for the previous one, transactions run side by side (READ COMMITTED): a
repository that reads a row before deciding how to change it locks that row
with `tx.for_update(alias)`, which is empty on SQLite."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import zlib
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]

from store.errors import Conflict, Locked, SchemaTooNew, Unreachable
from store.schema_pg import MIGRATIONS

# Two nodes starting at once migrate one after the other (pg_advisory_xact_lock).
MIGRATION_LOCK = 0x71636D01  # "qcm" 1
# Advisory locks of `PgDatabase.singleton`: (LOCK_SPACE, crc32 of the name).
LOCK_SPACE = 0x71636D
# A node's liveness: the session advisory lock (NODE_SPACE, node id), held on
# a connection of its own while the node runs (store.nodes).
NODE_SPACE = 0x71636E

T = TypeVar("T")


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


@functools.lru_cache(maxsize=2048)
def to_dollar(sql: str) -> str:
    """`?` placeholders to `$1, $2…`, leaving string literals, quoted
    identifiers and comments alone."""
    out: list[str] = []
    number = 0
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == c:
                    if end + 1 < n and sql[end + 1] == c:  # doubled quote inside
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1])
            i = end + 1
        elif c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif c == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end])
            i = end
        elif c == "?":
            number += 1
            out.append(f"${number}")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def translate(exc: asyncpg.PostgresError) -> Exception:
    """Turn PostgreSQL constraint and trigger failures into store errors."""
    message = str(exc)
    if "LOCKED:" in message:
        return Locked(message.split("LOCKED:", 1)[1].strip())
    if "RULE:" in message:
        return Conflict(message.split("RULE:", 1)[1].strip())
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return Conflict(message)
    return exc


class PgRow:
    """A row read by index or by column name, like sqlite3.Row."""

    __slots__ = ("_index", "_names", "_values")

    def __init__(self, values: tuple, index: dict[str, int], names: tuple[str, ...]) -> None:
        self._values = values
        self._index = index
        self._names = names

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            try:
                return self._values[self._index[key.lower()]]
            except KeyError:
                raise IndexError(f"No item with that key: {key}") from None
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, PgRow) and self._names == other._names
                and self._values == other._values)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._names, self._values))!r})"


def _rows(records: Sequence[asyncpg.Record]) -> list[PgRow]:
    if not records:
        return []
    names = tuple(records[0].keys())
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name.lower(), i)
    return [PgRow(tuple(r.values()), index, names) for r in records]


@dataclass(frozen=True)
class Result:
    """What `Tx.execute` returns: how many rows the statement changed."""

    rowcount: int


def _rowcount(status: str) -> int:
    # "UPDATE 3", "DELETE 0", "INSERT 0 1", "SELECT 2"
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


class PgTx:
    """The handle given inside `PgDatabase.transaction()`."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        # PostgreSQL aborts the whole transaction on a failed statement (SQLite
        # undoes only that statement): remembered, so it is never committed.
        self.failed: Exception | None = None

    def _failure(self, exc: asyncpg.PostgresError) -> Exception:
        self.failed = translate(exc)
        return self.failed

    @staticmethod
    def for_update(alias: str) -> str:
        """Lock the rows read (of table `alias`) until the transaction ends."""
        return f" FOR UPDATE OF {alias}"

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        try:
            return Result(_rowcount(await self._conn.execute(to_dollar(sql), *params)))
        except asyncpg.PostgresError as exc:
            raise self._failure(exc) from exc

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(r) for r in rows]
        if not batch:
            return
        try:
            await self._conn.executemany(to_dollar(sql), batch)
        except asyncpg.PostgresError as exc:
            raise self._failure(exc) from exc

    async def copy_rows(self, table: str, columns: Sequence[str],
                        rows: list[tuple]) -> None:
        """Bulk load with COPY (moving a database: `store.copy`)."""
        try:
            await self._conn.copy_records_to_table(table, records=rows, columns=list(columns))
        except (asyncpg.PostgresError, TypeError, ValueError) as exc:  # server or encoder
            self.failed = Conflict(f"Table {table} : {exc}")
            raise self.failed from exc

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """An INSERT into a table with an `id` column: the new row's id."""
        row = await self.one(f"{sql} RETURNING id", params)
        return int(row[0]) if row else 0

    async def one(self, sql: str, params: Sequence[Any] = ()) -> PgRow | None:
        found = await self.all(sql, params)
        return found[0] if found else None

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[PgRow]:
        try:
            return _rows(await self._conn.fetch(to_dollar(sql), *params))
        except asyncpg.PostgresError as exc:
            raise self._failure(exc) from exc


class _Abandoned(Exception):
    """Raised in `run`'s worker thread at the statement after its caller was cancelled."""


class PgSyncTx:
    """The handle given to work run by `PgDatabase.run`, in a worker thread:
    the same calls as `store.db.SyncTx`, each statement sent to the event
    loop and run there on the connection `run` holds, the thread waiting
    for its result."""

    def __init__(self, tx: PgTx, loop: asyncio.AbstractEventLoop) -> None:
        self._tx = tx
        self._loop = loop
        self.abandoned = False  # the caller was cancelled: no further statement

    @staticmethod
    def for_update(alias: str) -> str:
        return PgTx.for_update(alias)

    def _wait(self, statement: Coroutine[Any, Any, T]) -> T:
        if self.abandoned:
            statement.close()
            raise _Abandoned("PgDatabase.run annulé")
        return asyncio.run_coroutine_threadsafe(statement, self._loop).result()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        return self._wait(self._tx.execute(sql, params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._wait(self._tx.executemany(sql, list(rows)))

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._wait(self._tx.insert(sql, params))

    def one(self, sql: str, params: Sequence[Any] = ()) -> PgRow | None:
        return self._wait(self._tx.one(sql, params))

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[PgRow]:
        return self._wait(self._tx.all(sql, params))


class PgDatabase:
    """A PostgreSQL database shared by every process of every node.

    `transaction()` takes a connection from the pool for the whole
    transaction; `one`/`all` run alone (autocommit); `report` reads a
    consistent snapshot in a read-only transaction."""

    def __init__(self, pool: asyncpg.Pool, url: str, threads: int = 10) -> None:
        self._pool = pool
        self.url = url
        # Where `run` calls its work: one thread per pooled connection, so a
        # run holding a connection never waits for a thread.
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="qcm-pg-run")
        self._node: asyncpg.Connection | None = None  # holds this node's lock (hold_node)

    @property
    def path(self) -> str:
        """Where the data lives, for messages (the URL without its password)."""
        return _redacted(self.url)

    @classmethod
    async def open(cls, url: str, migrate: bool = True, busy_timeout_ms: int = 10000,
                   min_size: int = 1, max_size: int = 10) -> PgDatabase:
        """`busy_timeout_ms`: how long a statement waits for a row or table
        lock held by another transaction before failing (`lock_timeout`)."""
        try:
            pool = await asyncpg.create_pool(
                url, min_size=min_size, max_size=max_size,
                server_settings={"lock_timeout": f"{int(busy_timeout_ms)}ms",
                                 "application_name": "qcm-ssh"})
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise Unreachable(f"Base PostgreSQL injoignable ({_redacted(url)}) : "
                              f"{exc}") from exc
        db = cls(pool, url, threads=max_size)
        try:
            if migrate:
                await db.migrate()
        except BaseException:
            await pool.close()
            raise
        return db

    async def close(self) -> None:
        await self.drop_node()
        await self._pool.close()
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def version(self) -> int:
        async with self._pool.acquire() as conn:
            return await _version(conn)

    async def migrate(self) -> int:
        """Apply pending migrations in one transaction, one node at a time."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " one_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one_row),"
                " version INTEGER NOT NULL)")
            await conn.execute("INSERT INTO schema_version (version) VALUES (0) "
                               "ON CONFLICT (one_row) DO NOTHING")
            current = await _version(conn)
            if current > len(MIGRATIONS):
                raise SchemaTooNew(
                    f"La base {self.path} est au schéma {current}, plus récent que "
                    f"celui de cette version de qcm-ssh ({len(MIGRATIONS)}) : "
                    "mettez qcm-ssh à jour.")
            for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in step:
                    await conn.execute(statement)
                await conn.execute("UPDATE schema_version SET version = $1", number)
        return len(MIGRATIONS)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTx]:
        """BEGIN … COMMIT on one pooled connection, rolled back on any error."""
        async with self._pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            handle = PgTx(conn)
            try:
                yield handle
            except BaseException:
                await tx.rollback()
                raise
            if handle.failed is not None:  # an error was caught inside: nothing is kept
                await tx.rollback()
                raise handle.failed
            try:
                await tx.commit()
            except asyncpg.PostgresError as exc:
                raise translate(exc) from exc

    async def run(self, work: Callable[[PgSyncTx], T], *, write: bool = False) -> T:
        """Run the synchronous `work` with a `PgSyncTx`, as `Database.run` does
        on SQLite: the repositories write their hot paths once for both.

        `work` runs in a worker thread; each of its statements goes to the
        event loop and runs on one pooled connection held for the whole work.
        With `write`, inside BEGIN … COMMIT (rolled back on any error);
        without, each statement commits alone, as on SQLite."""
        loop = asyncio.get_running_loop()
        async with self._pool.acquire() as conn:
            transaction = conn.transaction() if write else None
            if transaction is not None:
                await transaction.start()
            handle = PgTx(conn)
            sync = PgSyncTx(handle, loop)
            done = loop.run_in_executor(self._threads, work, sync)
            try:
                result = await asyncio.shield(done)
            except asyncio.CancelledError:
                # The thread may be running a statement on this connection:
                # it stops at its next one; only then is the connection given back.
                sync.abandoned = True
                await asyncio.wait([done])
                if not done.cancelled():
                    done.exception()  # retrieved: the work's end is of no interest now
                if transaction is not None:
                    await transaction.rollback()
                raise
            except BaseException:
                if transaction is not None:
                    await transaction.rollback()
                raise
            if transaction is not None:
                if handle.failed is not None:  # an error was caught inside: nothing is kept
                    await transaction.rollback()
                    raise handle.failed
                try:
                    await transaction.commit()
                except asyncpg.PostgresError as exc:
                    raise translate(exc) from exc
            return result

    @asynccontextmanager
    async def singleton(self, name: str) -> AsyncIterator[bool]:
        """True for the one holder of `name` across every process of every
        node (a session advisory lock, on a connection kept meanwhile: it is
        released when the block ends, or by the server if the node dies);
        False at once for anyone else."""
        key = zlib.crc32(name.encode()) & 0x7FFFFFFF
        async with self._pool.acquire() as conn:
            mine = await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", LOCK_SPACE, key)
            try:
                yield bool(mine)
            finally:
                if mine:
                    await conn.execute("SELECT pg_advisory_unlock($1, $2)", LOCK_SPACE, key)

    # Node liveness (store.nodes): the node's session advisory lock lives as
    # long as its connection, which the server closes when the process dies.

    async def hold_node(self, node_id: int) -> None:
        """Take (or take again, after a lost connection) node `node_id`'s lock."""
        await self.drop_node()
        try:
            conn = await asyncpg.connect(self.url, server_settings={
                "application_name": f"qcm-ssh node {int(node_id)}"})
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise Unreachable(f"Base PostgreSQL injoignable ({self.path}) : {exc}") from exc
        await conn.execute("SELECT pg_advisory_lock($1, $2)", NODE_SPACE, int(node_id))
        self._node = conn

    async def drop_node(self) -> None:
        if self._node is not None:
            conn, self._node = self._node, None
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await conn.close(timeout=5)

    def holds_node(self) -> bool:
        return self._node is not None and not self._node.is_closed()

    @staticmethod
    def node_lock_free(tx: PgSyncTx, node_id: int) -> bool:
        """True if no session holds node `node_id`'s lock (inside `run`'s work)."""
        return tx.one(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = ? AND objid = ? AND objsubid = 2",
            (NODE_SPACE, int(node_id))) is None

    def forget_node(self, node_id: int) -> None:
        """Nothing to remove: the lock went with its connection."""

    async def one(self, sql: str, params: Sequence[Any] = ()) -> PgRow | None:
        async with self._pool.acquire() as conn:
            return await PgTx(conn).one(sql, params)

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[PgRow]:
        async with self._pool.acquire() as conn:
            return await PgTx(conn).all(sql, params)

    async def report(self, sql: str, params: Sequence[Any] = ()) -> list[PgRow]:
        """A long read on its own pooled connection, in a read-only snapshot:
        candidates' answers keep being saved on the other connections."""
        async with self._pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            return await PgTx(conn).all(sql, params)


async def _version(conn: asyncpg.Connection) -> int:
    exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    return int(await conn.fetchval("SELECT version FROM schema_version") or 0)


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}@{host}" if user else f"{scheme}{sep}{host}"
