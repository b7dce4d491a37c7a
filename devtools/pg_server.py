"""A throwaway PostgreSQL server: `initdb` + `pg_ctl` in a temporary
directory, listening only on a unix socket there. The tests start one per
test session (tests/pg_server.py), the benchmarks one per run.

As root (CI), the server runs as an unprivileged account (`postgres`, made
by Debian's package, else `nobody`): PostgreSQL refuses to run as root.
The binaries are looked for in $QCM_PG_BIN (only there when set), else in
/usr/lib/postgresql/*/bin (newest first), then $PATH."""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "qcm"


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
    """`durable`: fsync and synchronous commits on (benchmarks); off for tests.
    `max_connections`: enough for every pool of every process using it."""

    def __init__(self, durable: bool = False, max_connections: int = 200) -> None:
        self.durable = durable
        self.max_connections = max_connections
        self.bin = find_bin()
        self.user = _unprivileged_user()
        self.root = Path(tempfile.mkdtemp(prefix="qcm-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.started = False

    def _run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
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
        # Only a unix socket in our directory.
        options = (f"-k {self.root} -c listen_addresses='' "
                   f"-c max_connections={self.max_connections}")
        if not self.durable:  # durability is not under test
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

    def postmaster_pid(self) -> int:
        """The server's first process (every other one is its child)."""
        return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])

    async def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import asyncpg

        conn = await asyncpg.connect(self.url("postgres"))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)

    def stop(self) -> None:
        if self.started:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
