"""A real PostgreSQL server for the tests: `initdb` + `pg_ctl` in a temporary
directory, listening only on a unix socket there, one per test session.

As root (CI), the server runs as an unprivileged account (`postgres`, made
by Debian's package, else `nobody`): PostgreSQL refuses to run as root.
The binaries are looked for in $QCM_PG_BIN (only there when set), else in
/usr/lib/postgresql/*/bin (newest first), then $PATH."""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import asyncpg

from store.pg import PgDatabase

SUPERUSER = "qcm"
TEMPLATE = "qcm_template"


def postgres_wanted() -> bool:
    """False when QCM_TEST_POSTGRES=0: PostgreSQL tests are skipped, saying so.
    Otherwise they run, and fail if PostgreSQL is missing."""
    return os.environ.get("QCM_TEST_POSTGRES", "1").lower() not in ("0", "no", "false")


class PgUnavailable(RuntimeError):
    """No PostgreSQL binaries on this machine."""


def find_bin() -> Path:
    candidates: list[Path] = []
    if os.environ.get("QCM_PG_BIN"):  # named: that folder or nothing
        folder = Path(os.environ["QCM_PG_BIN"])
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
        raise PgUnavailable(f"QCM_PG_BIN={folder} : initdb et pg_ctl introuvables.")
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                      reverse=True)
    candidates += versions
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(Path(found).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise PgUnavailable(
        "PostgreSQL introuvable (initdb, pg_ctl) : installez le paquet postgresql, "
        "ou QCM_TEST_POSTGRES=0 pour ne tester que SQLite.")


def _unprivileged_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PgUnavailable("Aucun compte non privilégié pour lancer PostgreSQL.")


class PgServer:
    """`durable`: fsync and synchronous commits on (benchmarks); off for tests."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.bin = find_bin()
        self.user = _unprivileged_user()
        self.root = Path(tempfile.mkdtemp(prefix="qcm-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.started = False

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(a) for a in args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, cwd=self.root, capture_output=True, text=True,
                              timeout=120, check=False)

    def start(self) -> PgServer:
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o755)  # the tests (root or not) reach the socket here
        done = self._run(self.bin / "initdb", "-D", self.data, "-U", SUPERUSER,
                         "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync")
        if done.returncode:
            raise RuntimeError(f"initdb: {done.stderr or done.stdout}")
        # Only a unix socket in our directory; durability is not under test.
        options = f"-k {self.root} -c listen_addresses='' -c max_connections=200"
        if not self.durable:
            options += (" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                        " -c shared_buffers=32MB")
        done = self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options,
                         "-w", "-t", "60", "start")
        if done.returncode:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start: {done.stderr or done.stdout}\n{log}")
        self.started = True
        atexit.register(self.stop)  # also when the session is interrupted (Ctrl-C)
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.root}&port=5432"

    def stop(self) -> None:
        if self.started:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)


class PgDatabases:
    """The session's server, a migrated template, and a new database per test."""

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self._names = itertools.count(1)
        self._template_ready = False

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.server.url("postgres"))

    async def _prepare_template(self) -> None:
        """Once per session: a database migrated by the code under test."""
        conn = await self._admin()
        try:
            await conn.execute(f"CREATE DATABASE {TEMPLATE}")
        finally:
            await conn.close()
        db = await PgDatabase.open(self.server.url(TEMPLATE))
        await db.close()

    async def create(self, migrated: bool = True) -> str:
        if migrated and not self._template_ready:
            await self._prepare_template()
            self._template_ready = True
        name = f"test_{os.getpid()}_{next(self._names)}"
        conn = await self._admin()
        try:
            template = TEMPLATE if migrated else "template0"
            await conn.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        finally:
            await conn.close()
        return self.server.url(name)

    async def drop(self, url: str) -> None:
        name = url.split("/")[3].split("?")[0]
        conn = await self._admin()
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await conn.close()
