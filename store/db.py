"""One aiosqlite connection per process, explicit transactions, migrations."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from store.errors import Conflict, InUse, Locked, SchemaTooNew
from store.schema import MIGRATIONS

Row = sqlite3.Row
T = TypeVar("T")


def translate(exc: sqlite3.DatabaseError) -> Exception:
    """Turn SQLite constraint and trigger failures into store errors."""
    message = str(exc)
    if "LOCKED:" in message:
        return Locked(message.split("LOCKED:", 1)[1].strip())
    if "RULE:" in message:
        return Conflict(message.split("RULE:", 1)[1].strip())
    if isinstance(exc, sqlite3.IntegrityError):
        return Conflict(message)
    return exc


class Tx:
    """The handle given inside `Database.transaction()`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @staticmethod
    def for_update(alias: str) -> str:
        """Nothing on SQLite: `BEGIN IMMEDIATE` already holds the write lock
        (PostgreSQL's Tx locks the rows read: `FOR UPDATE OF alias`)."""
        return ""

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Cursor:
        try:
            return await self._conn.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise translate(exc) from exc

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            await self._conn.executemany(sql, rows)
        except sqlite3.DatabaseError as exc:
            raise translate(exc) from exc

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = await self.execute(sql, params)
        return int(cursor.lastrowid or 0)

    async def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        cursor = await self.execute(sql, params)
        return await cursor.fetchone()

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = await self.execute(sql, params)
        return list(await cursor.fetchall())


class SyncTx:
    """The handle given to work run by `Database.run`, in the database's thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @staticmethod
    def for_update(alias: str) -> str:
        return Tx.for_update(alias)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise translate(exc) from exc

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(self.execute(sql, params).lastrowid or 0)

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.execute(sql, params).fetchall()


def _run_in_thread(connection: aiosqlite.Connection, work: Callable[[SyncTx], T],
                   write: bool) -> T:
    conn = connection._conn  # aiosqlite's sqlite3 connection; we are in its thread
    if not write:
        return work(SyncTx(conn))
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(SyncTx(conn))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        conn.execute("ROLLBACK")
        raise translate(exc) from exc
    return result


def in_use_lock(path: Path | str) -> Path:
    """The lock file beside a database: every process using the database
    holds a shared flock on it (`Database.open` until `close`, `qcm serve`
    for its whole life); `qcm restore` takes it exclusively. The kernel
    releases a flock when its process ends, even killed: the lock is never
    left stale."""
    return Path(f"{path}.in-use.lock")


def _flock(path: Path | str, mode: int) -> int | None:
    """An fd holding `mode` (LOCK_SH or LOCK_EX) on the database's lock
    file, or None if another process holds a conflicting one."""
    fd = os.open(in_use_lock(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def shared_use(path: Path | str) -> int:
    """Mark the database in use by this process (an fd to close when done)."""
    fd = _flock(path, fcntl.LOCK_SH)
    if fd is None:
        raise InUse(f"La base {path} est en cours de restauration : réessayez "
                    "quand elle sera terminée.")
    return fd


@contextmanager
def shared_use_while(path: Path | str) -> Iterator[None]:
    fd = shared_use(path)
    try:
        yield
    finally:
        os.close(fd)


@contextmanager
def exclusive_use(path: Path | str) -> Iterator[None]:
    """No other process has the database open for as long as this lasts
    (nor can open it): InUse otherwise."""
    fd = _flock(path, fcntl.LOCK_EX)
    if fd is None:
        raise InUse(f"La base {path} est ouverte par un autre processus (le serveur "
                    "qcm serve ou une commande qcm) : arrêtez-le d'abord.")
    try:
        yield
    finally:
        os.close(fd)


class Database:
    """A SQLite file shared by every session of one process.

    A multi-statement `transaction()` (and migrating, closing) holds one
    asyncio lock, so that its statements are never interleaved with another
    task's on the same connection; one-trip work (`run`) waits only while
    that lock is held. Transactions do not nest."""

    def __init__(self, conn: aiosqlite.Connection, path: Path,
                 busy_timeout_ms: int = 10000, in_use: int | None = None) -> None:
        self._conn = conn
        self._in_use = in_use  # the fd of the shared lock (in_use_lock)
        self._lock = asyncio.Lock()
        self._free = asyncio.Event()  # set while `_lock` is free
        self._free.set()
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._reader: aiosqlite.Connection | None = None  # for report(), opened on first use
        self._reader_lock = asyncio.Lock()
        self._node_fd: int | None = None  # this process's node lock (hold_node)

    @classmethod
    async def open(cls, path: Path | str, migrate: bool = True,
                   busy_timeout_ms: int = 10000) -> Database:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        in_use = shared_use(path)
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except BaseException:
            os.close(in_use)
            raise
        db = cls(conn, path, busy_timeout_ms, in_use)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            if migrate:
                await db.migrate()
        except BaseException:
            await db.close()
            raise
        return db

    async def close(self) -> None:
        await self.drop_node()
        async with self._reader_lock:
            if self._reader is not None:
                await self._reader.close()
                self._reader = None
        async with self._exclusive():
            await self._conn.close()
        if self._in_use is not None:
            os.close(self._in_use)
            self._in_use = None

    async def version(self) -> int:
        row = await self.one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply pending migrations in one exclusive transaction."""
        async with self._exclusive():
            await self._conn.execute("BEGIN EXCLUSIVE")
            try:
                cursor = await self._conn.execute("PRAGMA user_version")
                row = await cursor.fetchone()
                assert row is not None  # PRAGMA user_version always answers one row
                current = row[0]
                if current > len(MIGRATIONS):
                    raise SchemaTooNew(
                        f"La base {self.path} est au schéma {current}, plus récent que "
                        f"celui de cette version de qcm-ssh ({len(MIGRATIONS)}) : "
                        "mettez qcm-ssh à jour."
                    )
                for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
                    for statement in step:
                        await self._conn.execute(statement)
                    await self._conn.execute(f"PRAGMA user_version = {number}")
                await self._conn.execute("COMMIT")
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            return len(MIGRATIONS)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        async with self._exclusive():
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn)
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                try:
                    await self._conn.execute("COMMIT")
                except sqlite3.DatabaseError as exc:
                    await self._conn.execute("ROLLBACK")
                    raise translate(exc) from exc

    async def run(self, work: Callable[[SyncTx], T], *, write: bool = False) -> T:
        """Run `work` in the database's thread: one round trip from the event loop.

        With `write`, inside BEGIN IMMEDIATE ... COMMIT (rolled back on any
        error). Each `await` inside `transaction()` is a round trip that waits
        for the event loop's next turn, which is long when hundreds of sessions
        share the loop; meanwhile the connection, and SQLite's write lock that
        the other worker processes wait for, stay held. Here the statements
        run back to back and the lock is held only while they do.
        (aiosqlite's private `_execute` queues a function on its thread.)

        The connection's thread runs queued work in order, one at a time, so
        `run` waits only while a `transaction()` is open (its statements must
        not be interleaved with others), and then every waiting `run` is queued
        at once. (It used to take the lock in turn: under load each hand-over
        of the lock cost a turn of the event loop, 0.1-0.3 s with 250 sessions,
        and the runs queued behind one short transaction of the sweeper waited
        up to 28 s in a 500-candidate room for work the thread does in
        milliseconds.) Checking the lock and queuing the work happen with no
        `await` between them: work is queued either before the transaction's
        BEGIN or after its COMMIT."""
        while self._lock.locked():
            await self._free.wait()
        return await self._conn._execute(_run_in_thread, self._conn, work, write)

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        async with self._lock:
            self._free.clear()
            try:
                yield
            finally:
                self._free.set()

    @asynccontextmanager
    async def singleton(self, name: str) -> AsyncIterator[bool]:
        """True for the one holder of `name` among the processes sharing this
        file (an exclusive flock on `<database>.<name>.lock`, released when
        the block ends or the process dies); False at once for the others."""
        fd = os.open(f"{self.path}.{name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # Node liveness (store.nodes): each node holds an exclusive flock on
    # `<database>.node-<id>.lock` while it runs; the kernel drops it with the
    # process, however it ends.

    def _node_lock_path(self, node_id: int) -> str:
        return f"{self.path}.node-{int(node_id)}.lock"

    async def hold_node(self, node_id: int) -> None:
        """Take this process's liveness lock as node `node_id`."""
        await self.drop_node()
        fd = os.open(self._node_lock_path(node_id), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new id: nobody else has it
        self._node_fd = fd

    async def drop_node(self) -> None:
        """Give the liveness lock back (the node leaves)."""
        if self._node_fd is not None:
            os.close(self._node_fd)
            self._node_fd = None

    def holds_node(self) -> bool:
        return self._node_fd is not None

    def node_lock_free(self, tx: SyncTx, node_id: int) -> bool:
        """True if no process holds node `node_id`'s lock (it died or left);
        called inside `run`'s work. Another open file description: this
        process's own lock counts as held."""
        try:
            fd = os.open(self._node_lock_path(node_id), os.O_RDWR)
        except FileNotFoundError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)  # also gives back the lock just taken
        return True

    def forget_node(self, node_id: int) -> None:
        """Remove a dead node's lock file (its id is never used again)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._node_lock_path(node_id))

    async def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return await self.run(lambda tx: tx.one(sql, params))

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await self.run(lambda tx: tx.all(sql, params))

    async def report(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """A long read (statistics over thousands of candidates) on a second,
        read-only connection: under WAL it reads a consistent snapshot while
        the main connection keeps saving candidates' answers, instead of
        making them wait behind it."""
        async with self._reader_lock:
            if self._reader is None:
                reader = await aiosqlite.connect(f"{self.path.resolve().as_uri()}?mode=ro",
                                                 uri=True)
                reader.row_factory = sqlite3.Row
                await reader.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
                self._reader = reader
            return await Tx(self._reader).all(sql, params)
