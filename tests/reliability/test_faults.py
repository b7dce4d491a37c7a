"""Connections cut at random points: nothing acknowledged is lost, no key is
submitted twice or left unusable (seeded, ~10 cuts; `bench/soak.py` does 200)."""

from __future__ import annotations

from tests.reliability.faults import run_cuts, start_fault_server


async def test_random_cuts_lose_nothing(tmp_path, capsys) -> None:
    fs = await start_fault_server(tmp_path, keys=8)
    try:
        figures = await run_cuts(fs, cuts=10, seed=20260512)
    finally:
        await fs.stop()
    with capsys.disabled():
        print(f"\n[cuts] {figures.cuts} cuts {figures.by_phase}; acknowledged "
              f"{figures.acknowledged}, lost {figures.lost}, duplicate submissions "
              f"{figures.duplicate_submissions}, submitted keys {figures.submitted_keys}, "
              f"leases released {figures.lease_released} / expired {figures.lease_expired}")
    assert figures.cuts == 10
    assert figures.lost == 0 and figures.duplicate_submissions == 0 and figures.stuck_keys == 0
    assert figures.acknowledged > 0
