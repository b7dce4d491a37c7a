"""Access through the real worker (`start_worker`: router, store authenticator,
exec runner, SFTP): candidates reach nothing but the exam, wrong keys and
passwords are throttled per address (measured), locked data stays locked."""

from __future__ import annotations

import asyncio
import hashlib
import math
import sqlite3
from dataclasses import replace
from datetime import timedelta

import asyncssh
import pytest

from domain.keys import KEY_ALPHABET, KEY_LENGTH, new_key
from domain.models import DocumentKind, Role
from domain.passwords import hash_password
from services.config import Config, SecuritySettings, SshSettings
from sshserver.serve import start_worker
from store import Scope
from store.documents import NewDocument
from store.errors import Locked
from tests.e2e_helpers import ScreenClient
from tests.tui.conftest import IDENTITY, build_world

ADMIN = Scope.admin("test")


@pytest.fixture
async def worker(tmp_path):
    config = Config(data_dir=tmp_path, ssh=SshSettings(host="127.0.0.1", port=0, workers=1),
                    security=SecuritySettings())
    world = await build_world(config.database)
    await world.store.centres.add_account(ADMIN, "alpha", Role.CENTRE, world.centre_id,
                                          hash_password("bon-mot-de-passe"))
    running = await start_worker(config, clock=world.clock, port=0, render_workers=1,
                                 check_interval=0.05, renew_interval=0.2)
    try:
        yield world, running, config
    finally:
        await running.stop()
        await world.store.close()


async def candidate(port: int, **options) -> asyncssh.SSHClientConnection:
    options.setdefault("password", None)
    return await asyncssh.connect("127.0.0.1", port, username="candidat",
                                  known_hosts=None, agent_path=None, config=[], **options)


async def test_candidate_reaches_no_exec_sftp_or_forwarding(worker) -> None:
    world, running, _ = worker
    async with await candidate(running.port) as conn:
        result = await conn.run("qcm session list", check=False)
        assert result.exit_status != 0 and "QCM" not in str(result.stdout)
        with pytest.raises((asyncssh.Error, OSError)):
            async with conn.start_sftp_client() as sftp:
                await sftp.listdir(".")
        with pytest.raises((asyncssh.Error, OSError)):
            await conn.open_connection("127.0.0.1", running.port)
        with pytest.raises((asyncssh.Error, asyncssh.ChannelListenError, OSError)):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
    # A staff password sent with the candidate login changes nothing: still no exec.
    async with await candidate(running.port, password="bon-mot-de-passe") as conn:
        result = await conn.run("qcm session list", check=False)
        assert result.exit_status != 0 and "QCM" not in str(result.stdout)


@pytest.fixture
async def guarded(tmp_path):
    """The real worker with a small per-address limit and short per-connection delays."""
    config = Config(data_dir=tmp_path, ssh=SshSettings(host="127.0.0.1", port=0, workers=1),
                    security=SecuritySettings(failed_keys_per_hour=8, key_retry_delay=0.2,
                                              key_retry_delay_max=0.8))
    world = await build_world(config.database)
    running = await start_worker(config, clock=world.clock, port=0, render_workers=1,
                                 check_interval=0.05, renew_interval=0.2)
    try:
        yield world, running, config
    finally:
        await running.stop()
        await world.store.close()


async def test_key_guesses_from_one_address(guarded, capsys) -> None:
    """Wrong keys on one connection are answered ever later (doubling delays);
    reconnecting does not reset the address's count; past the limit the address
    is refused, a right key too, until failures leave the hour."""
    world, running, config = guarded
    loop = asyncio.get_running_loop()
    allowed, counted_at = 0, []
    for _connection in range(3):  # reconnecting does not reset the count
        client = await ScreenClient.connect(running.port, username="candidat", password=None,
                                            term_type="xterm")
        await client.wait_for("Votre identifiant")
        counted_at.append([])
        for _ in range(5):
            client.type(new_key())
            client.press("enter")
            for _ in range(1000):  # until this guess is counted, or refused unread
                counted = await world.store.audit.failures("127.0.0.1", "key",
                                                           timedelta(hours=1))
                if counted > allowed or "Trop de clés erronées" in client.text:
                    break
                await client.wait_quiet(0.01)
            if "Trop de clés erronées" in client.text:
                break
            allowed += 1
            counted_at[-1].append(loop.time())
            await client.wait_for("Clé inconnue")
            await client.wait_quiet(0.05)
        blocked = "Trop de clés erronées" in client.text
        await client.close()
        if blocked:
            break
    # A right key is refused too while the address is over a full room's mistakes.
    client = await ScreenClient.connect(running.port, username="candidat", password=None,
                                        term_type="xterm")
    await client.wait_for("Votre identifiant")
    client.type(world.keys[0])
    client.press("enter")
    await client.wait_for("Trop de clés erronées")
    assert "ce poste" not in client.text and "votre réseau" in " ".join(client.text.split())
    await client.close()
    failures = await world.store.audit.failures("127.0.0.1", "key", timedelta(hours=1))
    first = counted_at[0]
    gaps = [round(b - a, 2) for a, b in zip(first, first[1:])]
    bits = KEY_LENGTH * math.log2(len(KEY_ALPHABET))
    with capsys.disabled():
        print(f"\n[brute force] wrong keys accepted per hour per address: {allowed} "
              f"(limit {config.security.failed_keys_per_hour}); seconds per guess on one "
              f"connection {gaps}; key entropy {bits:.1f} bits; failures recorded {failures}")
    assert allowed == config.security.failed_keys_per_hour
    assert failures == allowed and bits >= 74
    # On one connection each guess waited for the previous one's delay (0.2, 0.4, 0.8 s).
    # Observed by polling the database, which a loaded machine makes late by up to a
    # tenth of a second either side; without the delays the gaps are one round trip.
    assert [gap >= floor - 0.1 for gap, floor in zip(gaps, (0.2, 0.4, 0.8, 0.8))] == [True] * 4
    assert gaps[2] > gaps[0] + 0.3  # and they double
    logged = await world.store.db.one(
        "SELECT COUNT(*) FROM audit WHERE action = 'failed_key' AND actor = '127.0.0.1'")
    assert logged[0] == failures  # every wrong key is in the audit log
    # An hour later the address may try again.
    world.clock.advance(hours=1, seconds=1)
    assert await world.store.audit.failures("127.0.0.1", "key", timedelta(hours=1)) == 0


async def test_a_room_behind_one_address_is_never_refused(tmp_path, capsys) -> None:
    """30 candidates of one lab room share one NAT address; 6 of them mistype
    (10 wrong keys in all) while the others type their keys: every correct key
    is accepted, with the default settings."""
    config = Config(data_dir=tmp_path, ssh=SshSettings(host="127.0.0.1", port=0, workers=1))
    world = await build_world(config.database, keys=30)
    running = await start_worker(config, clock=world.clock, port=0, render_workers=1,
                                 check_interval=0.5, renew_interval=1.0)
    mistakes = [3, 2, 2, 1, 1, 1] + [0] * 24  # 10 wrong keys, from 6 candidates
    gate = asyncio.Semaphore(10)  # logins in waves, as a room arrives
    outcomes: list[str] = []

    async def candidate_of(key: str, wrong: int) -> None:
        async with gate:
            client = await ScreenClient.connect(running.port, username="candidat",
                                                password=None, term_type="xterm",
                                                login_timeout=60)
        try:
            await client.wait_for("Votre identifiant", timeout=60)
            for _ in range(wrong):
                client.type(new_key())
                client.press("enter")
                await client.wait_for("Clé inconnue", timeout=60)
                await client.wait_quiet(0.05, timeout=60)
            client.type(key)
            client.press("enter")
            await client.wait_until(lambda: "Vos informations" in client.text
                                    or "Trop de clés" in client.text, 60, "the key's outcome")
            outcomes.append("accepted" if "Vos informations" in client.text else "refused")
        finally:
            await client.close()

    try:
        await asyncio.gather(*(candidate_of(key, wrong)
                               for key, wrong in zip(world.keys, mistakes, strict=True)))
        failures = await world.store.audit.failures("127.0.0.1", "key", timedelta(hours=1))
    finally:
        await running.stop()
        await world.store.close()
    with capsys.disabled():
        print(f"\n[one room, one address] {outcomes.count('accepted')} of 30 keys accepted, "
              f"{failures} wrong keys counted")
    assert failures == 10
    assert outcomes.count("accepted") == 30


async def test_password_guesses_per_minute_from_one_address(worker, capsys) -> None:
    world, running, config = worker

    async def login(password: str) -> bool:
        try:
            conn = await asyncssh.connect(
                "127.0.0.1", running.port, username="alpha", password=password,
                known_hosts=None, agent_path=None, config=[], preferred_auth="password")
        except asyncssh.PermissionDenied:
            return False
        conn.close()
        return True

    wrong = 0
    while await login("bon-mot-de-passe"):
        assert wrong < 50, "no password throttle"
        await login("mauvais")
        wrong += 1
    allowed = wrong - 1  # the last wrong one tipped the count
    failures = await world.store.audit.failures("127.0.0.1", "password", timedelta(minutes=1))
    with capsys.disabled():
        print(f"\n[brute force] wrong passwords before the right one is refused: {allowed + 1} "
              f"(limit {config.security.failed_passwords_per_minute}/min); failures recorded "
              f"{failures}")
    assert wrong == config.security.failed_passwords_per_minute
    assert failures >= wrong


async def test_locked_data_refused_on_every_path(worker) -> None:
    world, running, config = worker
    store, key = world.store, world.keys[0]
    ticket = await store.exam.open_key(key, "t")
    identity = replace(ticket.participant.identity, civility="M.", **IDENTITY)
    await store.exam.save_identity(ticket.key.id, "t", identity, None)
    await store.exam.save_answer(ticket.key.id, "t", ticket.questions[0].id, 1)
    await store.exam.submit(ticket.key.id, "t")
    pid = ticket.participant.id
    # Store (what every screen and command goes through).
    with pytest.raises(Locked):
        await store.sessions.update_participant(ADMIN, pid, replace(identity, last_name="X"),
                                                30, ticket.participant.practical)
    with pytest.raises(Exception):  # KeyRefused: the key is submitted
        await store.exam.save_answer(ticket.key.id, "t", ticket.questions[1].id, 1)
    with pytest.raises(Locked):
        await store.exam.delete_key(ADMIN, ticket.key.id)
    # Direct SQL from another connection: the triggers refuse.
    conn = sqlite3.connect(config.database)
    try:
        for sql in ("UPDATE answers SET choice = 0 WHERE participant_id = ?",
                    "DELETE FROM answers WHERE participant_id = ?",
                    "UPDATE participants SET score = 30 WHERE id = ?",
                    "UPDATE participants SET last_name = 'X' WHERE id = ?",
                    "DELETE FROM participants WHERE id = ?"):
            with pytest.raises(sqlite3.DatabaseError, match="LOCKED"):
                conn.execute(sql, (pid,))
        with pytest.raises(sqlite3.DatabaseError, match="LOCKED"):
            conn.execute("UPDATE online_keys SET state = 'unused' WHERE id = ?",
                         (ticket.key.id,))
        with pytest.raises(sqlite3.DatabaseError, match="LOCKED"):
            conn.execute("INSERT INTO answers VALUES (?, ?, 0, 'x')",
                         (pid, ticket.questions[2].id))
    finally:
        conn.close()
    # Over SSH: the key screen refuses the submitted key; no exec command edits participants.
    client = await ScreenClient.connect(running.port, username="candidat", password=None,
                                        term_type="xterm")
    await client.wait_for("Votre identifiant")
    client.type(key)
    client.press("enter")
    await client.wait_for("déjà terminé")
    await client.close()
    answers = await world.stored_answers(key)
    assert list(answers.values()) == [1]


async def test_another_centre_gets_nothing_over_exec_and_sftp(worker) -> None:
    world, running, config = worker
    other = await world.store.centres.add_centre(ADMIN, "Centre Autre", "2 rue B", "75002",
                                                 "Paris", "Europe/Paris")
    await world.store.centres.add_account(ADMIN, "beta", Role.CENTRE, other.id,
                                          hash_password("autre-mot-de-passe"))
    secret = config.documents_dir / str(world.centre_id) / "attestation.pdf"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"%PDF-1.4 secret")
    # Recorded like a produced document: SFTP serves only those, checked by SHA-256.
    await world.store.documents.publish(
        Scope.centre(world.centre_id, "test"), world.centre_id, None,
        [NewDocument(DocumentKind.LETTER, f"{world.centre_id}/attestation.pdf",
                     hashlib.sha256(b"%PDF-1.4 secret").hexdigest())])
    session_id = world.session.id

    async def staff(login: str, password: str) -> asyncssh.SSHClientConnection:
        return await asyncssh.connect("127.0.0.1", running.port, username=login,
                                      password=password, known_hosts=None, agent_path=None,
                                      config=[], preferred_auth="password")

    async with await staff("beta", "autre-mot-de-passe") as conn:
        for command in (f"qcm session show {session_id}", f"qcm session export {session_id}"):
            result = await conn.run(command, check=False)
            assert result.exit_status != 0, command
            assert "Lyon" not in str(result.stdout) and "Dupont" not in str(result.stdout)
        listed = await conn.run("qcm session list --json", check=False)
        assert listed.exit_status == 0 and "Lyon, salle 1" not in str(listed.stdout)
        async with conn.start_sftp_client() as sftp:
            assert await sftp.listdir("/") in ([], [".", ".."])
            for path in (f"../{world.centre_id}/attestation.pdf",
                         f"/{world.centre_id}/attestation.pdf", "/../../qcm.sqlite3",
                         "../../qcm.sqlite3", "/attestation.pdf"):
                with pytest.raises(asyncssh.SFTPError):
                    async with sftp.open(path, "rb") as handle:
                        await handle.read()
    async with await staff("alpha", "bon-mot-de-passe") as conn:  # the owner reads it
        async with conn.start_sftp_client() as sftp:
            async with sftp.open("/attestation.pdf", "rb") as handle:
                assert await handle.read() == b"%PDF-1.4 secret"
        shown = await conn.run(f"qcm session show {session_id}", check=False)
        assert shown.exit_status == 0
