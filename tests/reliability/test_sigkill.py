"""SIGKILL of `qcm serve` (2 workers) with 10 candidates answering."""

from __future__ import annotations

from tests.reliability.sigkill import kill_and_restart


async def test_sigkill_mid_exam_then_restart(tmp_path, capsys) -> None:
    figures = await kill_and_restart(tmp_path, candidates=10)
    with capsys.disabled():
        print(f"\n[sigkill] {figures}")
    assert figures.acknowledged >= 20
    assert figures.lost == 0
    assert figures.resumed_same_key == 10
