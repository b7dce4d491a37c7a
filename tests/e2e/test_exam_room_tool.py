"""`bench/exam_room.py` in its smallest configuration, end to end: a real
`qcm serve` with 2 workers, candidates over SSH through the whole flow.
Checks what the tool reports (no failure, every phase), not its timings."""

from __future__ import annotations

from bench import exam_room


async def test_smallest_exam_room_reports_every_phase(capsys) -> None:
    args = exam_room.parse(["--candidates", "4", "--arrival", "1", "--cps", "50",
                            "--pace", "0.05", "--read", "0.1", "--ends-window", "1",
                            "--timeout", "60"])
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
