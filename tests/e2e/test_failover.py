"""Two `qcm serve` nodes on one PostgreSQL: candidates start on node A, node
A is killed (SIGKILL to its whole process group), they reconnect to node B
with the same key, land back at their question with every answer their
screen acknowledged, and finish; a centre connected to node B follows it
all in its keys table. Both nodes present the same host key."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import asyncpg
import asyncssh

from tests.e2e.two_nodes import (
    CENTRE_LOGIN,
    CENTRE_PASSWORD,
    Candidate,
    Node,
    position,
    seed,
)
from tests.e2e_helpers import ScreenClient

CANDIDATES = 3


def key_row(centre: ScreenClient, code: str) -> str:
    """The keys table's line of `code` on the centre's screen ('' if not shown)."""
    return next((line for line in centre.display if code in line), "")


async def open_keys_table(centre: ScreenClient, codes: list[str]) -> None:
    await centre.wait_for("Sessions", 30)
    centre.press("tab")  # from the QCMs to the sessions
    centre.press("enter")  # the only session: its keys
    await centre.wait_until(lambda: all(key_row(centre, c) for c in codes), 30, "the keys")


async def test_candidates_finish_on_node_b_after_node_a_is_killed(tmp_path: Path,
                                                                   pg_url: str) -> None:
    room = await seed(pg_url, CANDIDATES)
    a, b = Node(tmp_path, "a", pg_url), Node(tmp_path, "b", pg_url)
    a.start()
    b.start()
    centre: ScreenClient | None = None
    try:
        first_a, first_b = await asyncio.gather(a.ready(), b.ready())
        found = re.search(r"SHA256:\S+", first_a)
        assert found, first_a
        fingerprint = found.group(0)
        assert fingerprint in first_b  # one host key for every node, kept in the database
        for node in (a, b):
            async with asyncssh.connect("127.0.0.1", node.port, username="candidat",
                                        known_hosts=None, config=[], agent_path=None) as conn:
                key = conn.get_server_host_key()
                assert key is not None and key.get_fingerprint("sha256") == fingerprint
            assert not (node.data / "ssh_host_ed25519_key").exists()

        candidates = [Candidate(code) for code in room.keys]

        async def on_a(index: int, candidate: Candidate) -> None:
            await candidate.connect(a.port)
            await candidate.open_key()
            await candidate.fill_identity()
            last = 4 + index
            for number in range(1, last + 1):
                await candidate.answer("abcd"[(number + index) % 4])
                if number < last:
                    await candidate.go_to(number + 1)

        await asyncio.gather(*(on_a(i, c) for i, c in enumerate(candidates)))
        centre = await ScreenClient.connect(b.port, username=CENTRE_LOGIN,
                                            password=CENTRE_PASSWORD, term_type="xterm")
        await open_keys_table(centre, room.keys)
        await centre.wait_until(lambda: all("En cours" in key_row(centre, c)
                                            for c in room.keys), 30, "keys in progress on A")

        a.kill()
        for candidate in candidates:  # their connections drop with the node
            await candidate.screen.wait_closed(30)

        async def on_b(candidate: Candidate) -> int:
            last = max(candidate.acknowledged)
            await candidate.connect(b.port)
            await candidate.open_key(timeout=15)  # a dead node's lease: no 30-s wait
            client = candidate.screen
            await client.wait_until(lambda: position(client)[:2] == (
                last, len(candidate.acknowledged)), 30, f"back at question {last}")
            for number in sorted(candidate.acknowledged, reverse=True):
                await candidate.go_to(number)
                assert position(client)[2] == candidate.acknowledged[number], client.text
            for number in (last + 1, last + 2):
                await candidate.go_to(number)
                await candidate.answer("b")
            return await candidate.finish()

        scores = await asyncio.gather(*(on_b(c) for c in candidates))

        conn = await asyncpg.connect(pg_url)
        try:
            for candidate, score in zip(candidates, scores):
                row = await conn.fetchrow(
                    "SELECT k.id, k.state, k.lease_token, p.score, p.submitted, "
                    "(SELECT COUNT(*) FROM answers a WHERE a.participant_id = p.id) AS answers "
                    "FROM online_keys k JOIN participants p ON p.id = k.participant_id "
                    "WHERE k.code = $1", candidate.key)
                assert (row["state"], row["lease_token"], row["score"], row["submitted"]) == (
                    "submitted", None, score, 1)
                assert row["answers"] == len(candidate.acknowledged)
                submissions = await conn.fetch(
                    "SELECT action FROM audit WHERE object_type = 'key' AND object_id = $1 "
                    "AND action IN ('submit', 'auto_submit')", str(row["id"]))
                assert [s["action"] for s in submissions] == ["submit"]
                opened = await conn.fetch(
                    "SELECT detail FROM audit WHERE object_type = 'key' AND object_id = $1 "
                    "AND action = 'open_key' ORDER BY id", str(row["id"]))
                assert len(opened) == 2 and opened[1]["detail"].startswith("repris du nœud")
        finally:
            await conn.close()

        await centre.wait_until(lambda: all(
            "Validée" in key_row(centre, c) and key_row(centre, c).rstrip().endswith(str(s))
            for c, s in zip(room.keys, scores)), 30, "keys submitted on B")
    finally:
        if centre is not None:
            await centre.close()
        a.close()
        b.close()
    for node in (a, b):
        assert "Traceback" not in node.log.read_text(), node.log.read_text()


async def test_on_sqlite_a_killed_server_restarted_gives_the_keys_back_at_once(
        tmp_path: Path) -> None:
    """One node on SQLite, killed and started again: its previous run is a
    dead node, whose leases the start frees; candidates reopen their keys
    at once (no « already open elsewhere »), at their question."""
    node = Node(tmp_path, "solo")
    room = await seed(node.database, 2)
    candidates = [Candidate(code) for code in room.keys]
    node.start()
    try:
        await node.ready()

        async def before(candidate: Candidate) -> None:
            await candidate.connect(node.port)
            await candidate.open_key()
            await candidate.fill_identity()
            await candidate.answer("c")
            await candidate.go_to(2)
            await candidate.answer("a")

        await asyncio.gather(*(before(c) for c in candidates))
        node.kill()
        for candidate in candidates:
            await candidate.screen.wait_closed(30)
        node.start()
        await node.ready()

        async def after(candidate: Candidate) -> None:
            await candidate.connect(node.port)
            await candidate.open_key(timeout=15)
            client = candidate.screen
            await client.wait_until(lambda: position(client) == (2, 2, "a"), 30, "question 2")
            assert candidate.retries == 0

        await asyncio.gather(*(after(c) for c in candidates))
        for candidate in candidates:
            await candidate.screen.close()
    finally:
        node.close()
    assert "Traceback" not in node.log.read_text(), node.log.read_text()
