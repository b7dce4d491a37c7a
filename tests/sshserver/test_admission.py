"""The door (sshserver/admission.py) on a real event loop: places, the line,
people who leave while waiting, leases, and the loop's lag."""

from __future__ import annotations

import asyncio
import time

import pytest

from sshserver.admission import LoopLag, StartGate, Ticket


class Waiter:
    """Someone at the door: what they were told, whether they have left."""

    def __init__(self, gate: StartGate) -> None:
        self.told: list[int] = []
        self.left = False
        self.task = asyncio.ensure_future(gate.enter(self.told.append, lambda: self.left,
                                                     report_every=0.05))

    async def ticket(self) -> Ticket | None:
        return await asyncio.wait_for(self.task, 5)


async def until(check, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


async def test_a_place_is_given_at_once_while_there_is_room() -> None:
    gate = StartGate(2)
    first, second = Waiter(gate), Waiter(gate)
    assert await first.ticket() is not None and await second.ticket() is not None
    assert first.told == second.told == []  # nobody was told to wait
    assert gate.inside == 2 and gate.waiting == 0


async def test_the_line_moves_in_arrival_order_and_everyone_knows_their_place() -> None:
    gate = StartGate(1)
    inside = await Waiter(gate).ticket()
    assert inside is not None
    second, third = Waiter(gate), Waiter(gate)
    await until(lambda: second.told and third.told)
    assert second.told == [1] and third.told == [2]
    inside.release()
    assert (await second.ticket()) is not None
    await until(lambda: third.told == [2, 1])
    assert not third.task.done() and gate.inside == 1


async def test_a_place_given_back_twice_counts_once() -> None:
    gate = StartGate(1)
    ticket = await Waiter(gate).ticket()
    assert ticket is not None
    waiting = Waiter(gate)
    ticket.release()
    ticket.release()
    assert await waiting.ticket() is not None
    assert gate.inside == 1


async def test_someone_who_leaves_the_line_takes_no_place() -> None:
    gate = StartGate(1)
    ticket = await Waiter(gate).ticket()
    assert ticket is not None
    leaving, staying = Waiter(gate), Waiter(gate)
    await until(lambda: staying.told == [2])
    leaving.left = True
    assert await leaving.ticket() is None
    await until(lambda: staying.told == [2, 1])
    ticket.release()
    assert await staying.ticket() is not None
    assert gate.inside == 1 and gate.waiting == 0


async def test_a_waiting_session_cancelled_leaves_no_trace() -> None:
    gate = StartGate(1)
    ticket = await Waiter(gate).ticket()
    assert ticket is not None
    cancelled = Waiter(gate)
    await until(lambda: cancelled.told == [1])
    cancelled.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled.task
    assert gate.waiting == 0
    ticket.release()
    assert gate.inside == 0
    assert await Waiter(gate).ticket() is not None


async def test_a_place_let_in_as_its_session_is_cancelled_is_given_back() -> None:
    gate = StartGate(1)
    ticket = await Waiter(gate).ticket()
    assert ticket is not None
    cancelled = Waiter(gate)
    await until(lambda: cancelled.told == [1])
    ticket.release()  # lets `cancelled` in: its turn is set, its task not resumed yet
    cancelled.task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled.task
    assert gate.inside == 0


async def test_a_lease_frees_the_place_of_someone_who_takes_too_long() -> None:
    gate = StartGate(1, lease=0.2)
    slow = await Waiter(gate).ticket()
    assert slow is not None
    waiting = Waiter(gate)
    assert await waiting.ticket() is not None  # once the lease ran out
    assert slow.released


async def test_the_lag_of_a_blocked_loop_is_read() -> None:
    lag = LoopLag(interval=0.05, window=5)
    lag.start()
    try:
        await asyncio.sleep(0.12)
        assert lag.recent < 0.1
        time.sleep(0.3)  # the loop is blocked, as by a long callback
        await asyncio.sleep(0.06)
        assert lag.recent >= 0.2
        await asyncio.sleep(0.4)  # five quiet readings later
        assert lag.recent < 0.1
    finally:
        lag.stop()


async def test_nobody_comes_in_while_the_loop_runs_late() -> None:
    gate = StartGate(10, max_lag=0.1, lag=LoopLag(interval=0.05, window=5))
    ticket = await Waiter(gate).ticket()  # someone inside: the lag is watched
    assert ticket is not None
    await asyncio.sleep(0.06)
    time.sleep(0.3)
    await asyncio.sleep(0.06)
    late = Waiter(gate)
    await until(lambda: late.told == [1])  # room for ten, but the loop is late
    began = time.monotonic()
    assert await late.ticket() is not None
    assert time.monotonic() - began > 0.05  # let in once the lag was read low again


async def test_an_idle_gate_does_not_watch_the_loop() -> None:
    gate = StartGate(1)
    ticket = await Waiter(gate).ticket()
    assert ticket is not None
    assert gate.lag._handle is not None
    ticket.release()
    assert gate.lag._handle is None
