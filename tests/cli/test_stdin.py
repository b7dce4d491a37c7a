"""Standard input is read to its end (up to 16 MiB), whatever its chunks."""

from __future__ import annotations

import pytest

from cli.framework import CommandError
from cli.stdin import TOO_LARGE, read_all
from tests.big_bank import big_bank
from tests.cli.conftest import Qcm


def chunks_of(data: bytes, sizes: list[int]):
    """A reader handing out `data` in chunks of the given sizes, then b""."""
    pieces, start = [], 0
    for size in sizes:
        pieces.append(data[start:start + size])
        start += size
    pieces.append(data[start:])
    pieces = [p for p in pieces if p]

    async def read(n: int) -> bytes:
        return pieces.pop(0) if pieces else b""
    return read


async def test_a_character_split_between_chunks_stays_whole():
    text = "Égalité « é »\n"
    data = text.encode()
    split = data.index("é".encode()) + 1  # between the two bytes of « é »
    assert await read_all(chunks_of(data, [1, split - 1, 1])) == text
    assert await read_all(chunks_of(data, [1] * len(data))) == text


async def test_every_chunk_is_read_and_the_cap_refuses():
    data = b"x" * 300_000
    assert len(await read_all(chunks_of(data, [1000, 64 * 1024, 7]))) == 300_000
    assert await read_all(chunks_of(data, [10_000]), limit=300_000) == "x" * 300_000
    with pytest.raises(CommandError, match="16 Mio"):
        await read_all(chunks_of(data, [10_000]), limit=299_999)
    with pytest.raises(CommandError, match="UTF-8"):
        await read_all(chunks_of(b"caf\xe9", [2]))
    assert "Rien n'a été enregistré" in TOO_LARGE


def test_local_cli_imports_a_1_mb_bank_from_stdin(qcm: Qcm):
    source, count = big_bank("GROS", 1_000_000)
    assert len(source.encode()) >= 1_000_000
    qcm.ok("init")
    run = qcm.ok("bank", "import", "-", "--json", input=source)
    assert '"added": %d' % count in run.out
