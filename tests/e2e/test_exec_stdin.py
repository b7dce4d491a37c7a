"""Standard input over SSH exec is read to its end, then refused past 16 MiB."""

from __future__ import annotations

import json

from tests.big_bank import big_bank
from tests.e2e.server_fixtures import Served, serve, served  # noqa: F401


async def test_a_1_mb_bank_arrives_whole_over_ssh_exec(served: Served) -> None:
    source, count = big_bank("GROS", 1_000_000)
    assert len(source.encode()) >= 1_000_000
    done = await served.run("admin", "admin-demo", "qcm bank import - --json", input=source)
    assert done.exit_status == 0, done.stderr
    assert json.loads(done.stdout)["added"] == count
    assert len(await served.store.banks.questions("GROS")) == count


async def test_a_character_split_across_writes_arrives_whole(served: Served) -> None:
    source, count = big_bank("COUPE", 200_000)
    data = source.encode()
    cut = data.index("é".encode(), 150_000) + 1  # inside a two-byte character
    async with await served.connect("admin", "admin-demo") as conn:
        process = await conn.create_process("qcm bank import - --json", encoding=None)
        process.stdin.write(data[:cut])
        await process.stdin.drain()
        process.stdin.write(data[cut:])
        process.stdin.write_eof()
        done = await process.wait()
    assert done.exit_status == 0, done.stderr
    assert json.loads(done.stdout)["added"] == count
    texts = [q.text for q in await served.store.banks.questions("COUPE")]
    assert all("\ufffd" not in t for t in texts) and len(texts) == count


async def test_more_than_16_mib_is_refused_in_french(served: Served) -> None:
    too_much = "x" * (16 * 1024 * 1024 + 1)
    done = await served.run("admin", "admin-demo", "qcm bank import -", input=too_much)
    assert done.exit_status == 1 and done.stdout == ""
    assert done.stderr.startswith("Erreur : Entrée standard trop volumineuse : 16 Mio au plus.")


async def test_exec_errors_share_the_format_and_neutralise_escapes(served: Served) -> None:
    quoted = await served.run("demo", "demo-demo", "qcm session show 'x\x1b[2J\x07'")
    assert quoted.exit_status == 2 and quoted.stdout == ""
    assert quoted.stderr.startswith("Erreur : ") and "\x1b" not in quoted.stderr
    assert "\x07" not in quoted.stderr and quoted.stderr.count("\n") == 1
    broken = await served.run("demo", "demo-demo", "qcm session show 'unterminated")
    assert broken.exit_status == 2 and broken.stderr.startswith("Erreur : Ligne de commande")
    async with await served.connect("candidat") as conn:
        refused = await conn.run("qcm list", check=False)
    assert refused.stderr == "Erreur : Les candidats n'ont accès à aucune commande.\n"
