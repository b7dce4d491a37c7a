"""`bench/exam_room.py` in its smallest configuration, end to end: a real
`qcm serve` with 2 workers, candidates over SSH through the whole flow; and
two nodes sharing a PostgreSQL server the tool starts.
Checks what the tool reports (no failure, every phase), not its timings."""

from __future__ import annotations

import pytest

from bench import exam_room
from tests.pg_server import postgres_wanted

SMALLEST = ["--candidates", "4", "--arrival", "1", "--cps", "50", "--pace", "0.05",
            "--read", "0.1", "--ends-window", "1", "--timeout", "60"]


async def test_smallest_exam_room_reports_every_phase(capsys) -> None:
    args = exam_room.parse(SMALLEST)
    figures = await exam_room.main(args)
    out = capsys.readouterr().out
    assert figures["failed"] == 0, out
    assert figures["completed"] == 4, out
    assert figures["tracebacks"] == 0, out
    for phase in exam_room.PHASES:
        assert figures["phases"][phase]["kinds"], f"nothing measured in {phase}:\n{out}"
    measured = figures["phases"]["overall"]["kinds"]
    assert set(measured) == set(exam_room.KINDS), out
    assert measured["answer"]["count"] == 4 * 30 and measured["next"]["count"] == 4 * 29
    assert len(figures["prompt"]) == len(figures["to_form"]) == 4
    assert all(size > 10_000 for size in figures["exam_bytes"]), out
    for phase in (*exam_room.PHASES, "overall"):
        assert f"-- {phase}:" in out


async def test_two_nodes_on_postgresql_both_serve_candidates(capsys) -> None:
    if not postgres_wanted():
        pytest.skip("QCM_TEST_POSTGRES=0 : PostgreSQL non testé")
    args = exam_room.parse([*SMALLEST, "--backend", "postgresql", "--nodes", "2"])
    figures = await exam_room.main(args)
    out = capsys.readouterr().out
    assert figures["backend"] == "postgresql" and figures["nodes"] == 2
    assert figures["failed"] == 0, out
    assert figures["completed"] == 4, out
    assert figures["node_completed"] == [2, 2], out  # round robin over the nodes
    assert figures["node_tracebacks"] == [0, 0], out
    overall = figures["phases"]["overall"]
    assert set(overall["kinds"]) == set(exam_room.KINDS), out
    assert len(overall["server_cpu"]) == len(overall["cpu_wait"]) == 2 * 2  # every worker
    assert overall["postgres_cpu"] > 0, out  # 4 × 30 answers committed by PostgreSQL


def test_nodes_need_postgresql() -> None:
    with pytest.raises(SystemExit):
        exam_room.parse(["--nodes", "2"])
    with pytest.raises(SystemExit):
        exam_room.parse(["--compare", "--backend", "sqlite"])
    assert exam_room.parse(["--compare"]).nodes == 2
    assert exam_room.parse(["--backend", "postgresql"]).nodes == 1
