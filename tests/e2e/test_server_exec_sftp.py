"""Exec commands and SFTP through the real worker."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re

import asyncssh
import pytest

from store import Scope
from tests.e2e.server_fixtures import OTHER_LOGIN, OTHER_PASSWORD, Served, serve, served  # noqa: F401

KEY = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b")


async def demo(served: Served, command: str, input: str | None = None):
    return await served.run("demo", "demo-demo", command, input)


async def test_exec_qcm_and_session_commands(served: Served) -> None:
    listed = await demo(served, "qcm list --json")
    assert listed.exit_status == 0, listed.stderr
    assert [q["title"] for q in json.loads(listed.stdout)] == ["DEMO_PV-RES_session-en-ligne"]

    created = await demo(served, "qcm create PV-RES PV-RES_2030-12-01")
    assert created.exit_status == 0, created.stderr
    qcms = json.loads((await demo(served, "qcm list --json")).stdout)
    new = next(q for q in qcms if q["title"] == "PV-RES_2030-12-01")

    [trainer] = await served.store.centres.trainers(Scope.admin("test"), qcms[0]["centre_id"])
    session = await demo(served, f"session create-online {new['id']} --participants 3 "
                                 "--start '01/12/2030 09:00' --end '01/12/2030 12:00' "
                                 f"--trainer {trainer.id} --place 'Lyon, salle 4'")
    assert session.exit_status == 0, session.stderr
    keys = KEY.findall(session.stdout)
    assert len(keys) == 3

    listed = json.loads((await demo(served, "session list --json")).stdout)
    new_session = next(s for s in listed if s["place"] == "Lyon, salle 4")
    shown = await demo(served, f"session show {new_session['id']} --json")
    assert shown.exit_status == 0, shown.stderr
    assert sorted(KEY.findall(shown.stdout)) == sorted(keys)

    exported = await demo(served, f"session export {served.demo_session}")
    assert exported.exit_status == 0, exported.stderr
    assert exported.stdout.startswith("\ufeff")
    assert ";" in exported.stdout.splitlines()[0]


async def test_exec_help_errors_and_scope(served: Served) -> None:
    helped = await demo(served, "help")
    assert helped.exit_status == 0 and "qcm list" in helped.stdout
    assert "centre add" not in helped.stdout  # admin commands are not offered

    unknown = await demo(served, "frobnicate --now")
    assert unknown.exit_status == 2
    assert unknown.stdout == "" and len(unknown.stderr.strip().splitlines()) == 1

    admin_only = await demo(served, "centre add Pirate")
    assert admin_only.exit_status != 0 and admin_only.stdout == ""
    centres = await served.store.centres.centres(Scope.admin("test"))
    assert "Pirate" not in [c.name for c in centres]

    for command in (f"session show {served.other_session}",
                    f"session export {served.other_session}",
                    f"session show {served.other_session} --json"):
        stolen = await demo(served, command)
        assert stolen.exit_status != 0, command
        assert stolen.stdout == "" and "Rennes" not in stolen.stderr

    mine = await served.run(OTHER_LOGIN, OTHER_PASSWORD, f"session show {served.other_session}")
    assert mine.exit_status == 0 and "Rennes" in mine.stdout

    async with await served.connect("candidat") as conn:
        refused = await conn.run("qcm list", check=False)
    assert refused.exit_status != 0 and refused.stdout == ""
    assert "candidats" in refused.stderr


async def test_sftp_read_only_documents_by_scope(served: Served) -> None:
    generated = await demo(served, "paper generate 1 3")
    assert generated.exit_status == 0, generated.stderr
    [document] = await served.store.documents.documents(Scope.centre(1, "test"))
    centre_path = "/" + document.path.split("/", 1)[1]

    async with await served.connect("demo", "demo-demo") as conn:
        async with conn.start_sftp_client() as sftp:
            found = [p async for p in _walk(sftp, "/")]
            assert found == [centre_path]
            data = await _read(sftp, centre_path)
            assert hashlib.sha256(data).hexdigest() == document.sha256
            with pytest.raises(asyncssh.SFTPError):
                async with sftp.open("/new.txt", "w") as file:
                    await file.write("x")
            with pytest.raises(asyncssh.SFTPError):
                await sftp.remove(centre_path)
            with pytest.raises(asyncssh.SFTPError):
                await sftp.rename(centre_path, "/moved.pdf")
            with pytest.raises(asyncssh.SFTPError):
                await sftp.mkdir("/folder")
            with pytest.raises(asyncssh.SFTPError):
                await sftp.listdir("/../2")  # chroot
            assert await _read(sftp, centre_path) == data  # still there, unchanged

    async with await served.connect(OTHER_LOGIN, OTHER_PASSWORD) as conn:
        async with conn.start_sftp_client() as sftp:
            assert [p async for p in _walk(sftp, "/")] == []

    async with await served.connect("admin", "admin-demo") as conn:
        async with conn.start_sftp_client() as sftp:
            assert [p async for p in _walk(sftp, "/")] == ["/" + document.path]
            data = await _read(sftp, "/" + document.path)
            assert hashlib.sha256(data).hexdigest() == document.sha256

    async with await served.connect("candidat") as conn:
        with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
            async with conn.start_sftp_client():
                pass


async def _walk(sftp: asyncssh.SFTPClient, folder: str):
    for name in sorted(await sftp.listdir(folder)):
        if name in (".", ".."):
            continue
        path = folder.rstrip("/") + "/" + name
        if await sftp.isdir(path):
            async for inner in _walk(sftp, path):
                yield inner
        else:
            yield path


async def _read(sftp: asyncssh.SFTPClient, path: str) -> bytes:
    async with sftp.open(path, "rb") as file:
        return await file.read()


async def test_a_command_whose_client_left_finishes_quietly(served: Served, caplog) -> None:
    """The client drops while a paper QCM is drawn: the batch is still made
    whole, and the worker does not log the lost output as a failure."""
    scope = Scope.admin("test")
    before = len(await served.store.qcms.paper_batches(scope, 1))
    conn = await served.connect("demo", "demo-demo")
    await conn.create_process("qcm paper generate 1 300")
    conn.abort()
    for _ in range(300):
        if len(await served.store.qcms.paper_batches(scope, 1)) > before:
            break
        await asyncio.sleep(0.05)
    assert len(await served.store.qcms.paper_batches(scope, 1)) == before + 1
    await asyncio.sleep(0.2)  # the command writes its output to the closed channel
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text


async def test_exec_paper_score_records_like_the_screen(served: Served) -> None:
    """`qcm paper score` over SSH exec: the CSV on stdin, the score and ticked
    answers recorded on the participant who was handed the copy; a refusal of
    the rules is one line with a non-zero status."""
    from domain.shuffle import answer_key
    scope = Scope.admin("test")
    made = json.loads((await demo(served, "paper generate 1 2 --json")).stdout)
    [trainer] = await served.store.centres.trainers(scope, 1)
    created = await demo(served, f"session create-paper 1 --trainer {trainer.id} "
                                 "--place 'Lyon' --day 04/07/2026 --json")
    assert created.exit_status == 0, created.stderr
    session = json.loads(created.stdout)["id"]
    added = await demo(served, f"participant add {session} --civility Mme --last-name Roux "
                               "--first-name Léa --company 'Sol SA' --address '1 rue' "
                               "--postal-code 69001 --city Lyon --email lea@sol.fr --copy 2 "
                               "--practical favorable --json")
    assert added.exit_status == 0, added.stderr
    number = json.loads(added.stdout)["number"]
    batch = await served.store.qcms.paper_batch(scope, made["batch"])
    key = answer_key(batch.seed, 2, await served.store.qcms.questions(scope, batch.qcm_id))
    scored = await demo(served, f"paper score {made['batch']} - --json", input=f"2;{key}\n")
    assert scored.exit_status == 0, scored.stderr
    assert json.loads(scored.stdout)[0]["participant"] == number
    stored = await served.store.sessions.participant_by_number(scope, number)
    assert (stored.score, stored.copy_number) == (30, 2)
    assert len(await served.store.exam.answers(stored.id)) == 30
    published = await demo(served, f"session publish {session}")
    assert published.exit_status == 0, published.stderr
    again = await demo(served, f"paper score {made['batch']} -", input=f"2;{key}\n")
    assert again.exit_status == 1 and len(again.stderr.strip().splitlines()) == 1
    assert "verrouillé" in again.stderr
