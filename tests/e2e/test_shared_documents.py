"""Two server nodes (each its own data_dir and host key) sharing one
PostgreSQL database and one documents folder (`documents_dir`): a document
drawn through node A is downloaded over SFTP from node B, intact; a file
absent from B's folder or altered on disk is refused with a French reason."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest

from domain.clock import SystemClock
from services.config import Config, DatabaseSettings, SshSettings
from sshserver.serve import Worker, start_worker
from store import Scope
from tests.e2e.server_fixtures import seed


def node_config(tmp_path: Path, name: str, url: str, documents: Path) -> Config:
    return Config(data_dir=tmp_path / name,
                  ssh=SshSettings(host="127.0.0.1", port=0, workers=1),
                  database_settings=DatabaseSettings(url=url),
                  documents_location=documents)


@pytest.fixture
async def nodes(tmp_path: Path, pg_url: str) -> AsyncIterator[tuple[Worker, Worker]]:
    shared = tmp_path / "partage-nfs"
    shared.mkdir()
    a, b = (node_config(tmp_path, n, pg_url, shared) for n in ("noeud-a", "noeud-b"))
    await seed(a)
    started: list[Worker] = []
    try:
        for config in (a, b):
            started.append(await start_worker(config, clock=SystemClock(), render_workers=1))
        yield started[0], started[1]
    finally:
        for worker in started:
            await worker.stop()


def connect(worker: Worker) -> asyncssh.connection._ConnectionContext:
    return asyncssh.connect("127.0.0.1", worker.port, username="demo", password="demo-demo",
                            known_hosts=None, agent_path=None, config=[], client_keys=None)


async def fetch(worker: Worker, path: str) -> bytes:
    async with connect(worker) as conn, conn.start_sftp_client() as sftp:
        async with sftp.open(path, "rb") as file:
            return await file.read()


async def test_a_document_drawn_on_node_a_is_served_by_node_b(
        nodes: tuple[Worker, Worker], tmp_path: Path) -> None:
    node_a, node_b = nodes
    assert node_a.port != node_b.port
    async with connect(node_a) as conn:
        made = await conn.run("qcm paper generate 1 3 --json", check=False)
    assert made.exit_status == 0, made.stderr
    produced = json.loads(made.stdout)
    remote = produced["sftp_path"]

    # Node B has never seen this file being drawn; its own data_dir holds no documents.
    assert not (tmp_path / "noeud-b" / "documents").exists()
    data = await fetch(node_b, remote)
    assert hashlib.sha256(data).hexdigest() == produced["sha256"]
    document = await node_b.store.documents.document(Scope.admin("test"), produced["document"])
    assert document.sha256 == produced["sha256"] and data.startswith(b"%PDF")

    # Node B lists it like node A does.
    async with connect(node_b) as conn, conn.start_sftp_client() as sftp:
        assert await sftp.exists(remote)

    # Altered on the shared disk: node B refuses it and says why.
    on_disk = tmp_path / "partage-nfs" / document.path
    on_disk.write_bytes(data[:-1] + b"X")
    with pytest.raises(asyncssh.SFTPFailure) as altered:
        await fetch(node_b, remote)
    assert "altéré" in altered.value.reason and f"Document {document.id}" in altered.value.reason

    # Absent (the share not mounted on that node, or the file lost): said so.
    on_disk.unlink()
    with pytest.raises(asyncssh.SFTPNoSuchFile) as absent:
        await fetch(node_b, remote)
    assert "absent du dossier des documents" in absent.value.reason

    # Back as it was produced: served again.
    on_disk.write_bytes(data)
    assert await fetch(node_b, remote) == data

    # A file nobody recorded is not a document, even in the account's own folder.
    (on_disk.parent / "glisse.pdf").write_bytes(b"%PDF-1.4 pas un document")
    with pytest.raises(asyncssh.SFTPNoSuchFile) as unknown:
        await fetch(node_b, str(Path(remote).parent / "glisse.pdf"))
    assert unknown.value.reason == f"Document inconnu : {Path(remote).parent.as_posix()[1:]}/glisse.pdf."
