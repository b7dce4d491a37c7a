"""The database is busy (another process holds the write lock longer than the
busy timeout) or the disk is full while a candidate answers: told NOT saved,
nothing already saved lost."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest

from store import Store
from tests.e2e.conftest import exam_server  # noqa: F401
from tests.tui.conftest import ExamWorld, build_world, make_app, screen_text, start_exam, wait_for
from tui.screens.exam_screen import NOT_SAVED


@pytest.fixture
async def busy_world(tmp_path) -> AsyncIterator[ExamWorld]:
    """An exam world whose store gives up on a locked database after 200 ms."""
    path = tmp_path / "db.sqlite3"
    world = await build_world(path)
    await world.store.close()
    world.store = await Store.open(path, world.clock, busy_timeout_ms=200)
    try:
        yield world
    finally:
        await world.store.close()


@contextmanager
def another_writer(world: ExamWorld) -> Iterator[None]:
    """Another process holds the write lock (past the store's busy timeout)
    until the block ends, then rolls back."""
    blocker = sqlite3.connect(world.store.db.path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        yield
        blocker.execute("ROLLBACK")
    finally:
        blocker.close()


async def answer_the_first_question(pilot, world: ExamWorld, key: str) -> None:
    """Open the exam with `key` and answer question 1, saved."""
    await start_exam(pilot, world, key)
    await pilot.press("a")
    await wait_for(pilot, lambda: "Réponses 1/30" in screen_text(pilot.app))


async def test_answer_refused_while_the_database_is_locked(busy_world) -> None:
    world = busy_world
    key = world.keys[0]
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_the_first_question(pilot, world, key)
        saved = await world.stored_answers(key)
        assert len(saved) == 1
        await pilot.press("n")
        with another_writer(world):
            await pilot.press("b")
            await wait_for(pilot, lambda: NOT_SAVED in screen_text(app))
            text = screen_text(app)
            assert "Question 2 : Réponse NON enregistrée" in " ".join(text.split())
            assert "Réponses 1/30" in text
        assert await world.stored_answers(key) == saved
        await pilot.press("b")  # the lock is gone: pressing again saves it
        await wait_for(pilot, lambda: "Réponses 2/30" in screen_text(app))
        assert NOT_SAVED not in screen_text(app)
    stored = await world.stored_answers(key)
    assert len(stored) == 2 and all(stored[q] == c for q, c in saved.items())


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs (needs root, as on the project's machines and CI)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(directory) -> None:
    """Write a file until the file system is full."""
    with open(directory / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


async def test_answer_refused_when_the_disk_is_full(small_disk) -> None:
    world = await build_world(small_disk / "db.sqlite3")
    key = world.keys[0]
    try:
        app = make_app(world)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_exam(pilot, world, key)
            await pilot.press("a")
            await wait_for(pilot, lambda: "Réponses 1/30" in screen_text(app))
            saved = await world.stored_answers(key)
            await pilot.press("n")
            fill(small_disk)
            for letter in "bcd":  # every attempt is refused, and said so
                await pilot.press(letter)
                await wait_for(pilot, lambda: NOT_SAVED in screen_text(app))
                assert "Réponses 1/30" in screen_text(app)
            (small_disk / "filler").unlink()
            assert await world.stored_answers(key) == saved
            await pilot.press("b")
            await wait_for(pilot, lambda: "Réponses 2/30" in screen_text(app))
        stored = await world.stored_answers(key)
        assert len(stored) == 2 and all(stored[q] == c for q, c in saved.items())
    finally:
        await world.store.close()


async def test_busy_database_the_candidate_sees_the_save_under_way(exam_server) -> None:  # noqa: F811
    """Another process holds the write lock for 2 s (less than the busy
    timeout): within a second the candidate reads that the answer is being
    saved, then sees it chosen; it is stored."""
    import asyncio

    from tests.e2e.test_candidate_e2e import answer, shown, start_exam
    from tui.screens.exam_screen import SAVING

    world = exam_server.world
    key = world.keys[0]
    async with await exam_server.connect() as client:
        await start_exam(client, key)
        await answer(client, "a")
        client.press("n")
        await client.wait_until(lambda: shown(client)[0] == 2, what="question 2")
        async with exam_server.backend.hold_writes():
            loop = asyncio.get_running_loop()
            pressed = loop.time()
            client.press("b")
            await client.wait_until(lambda: SAVING in " ".join(client.text.split()),
                                    timeout=1.0, what="the save under way, within 1 s")
            told = loop.time() - pressed
            assert shown(client)[3] is None  # not shown chosen before it is written
            await asyncio.sleep(2.0 - told)  # the other writer keeps the lock 2 s
        await client.wait_until(lambda: shown(client)[3] == "b", timeout=15, what="(b) chosen")
        await client.wait_for("Réponses 2/30")
        assert SAVING not in " ".join(client.text.split()) and NOT_SAVED not in client.text
    assert len(await world.stored_answers(key)) == 2


async def test_a_submission_refused_by_a_locked_database_can_be_made_again(busy_world) -> None:
    """« Terminer le QCM » confirmed while another process holds the write lock
    past the busy timeout: the confirmation (which said « Validation … en
    cours ») closes, the questions are back with the reason, nothing is
    submitted; confirming again once the lock is gone submits.
    (tests/e2e/test_candidate_e2e.py sees « en cours » over SSH.)"""
    from tui.modals.confirm import ConfirmModal
    from tui.screens.result_screen import ResultScreen

    world = busy_world
    key = world.keys[0]
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await answer_the_first_question(pilot, world, key)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        with another_writer(world):
            await pilot.press("tab", "enter")
            await wait_for(pilot, lambda: any(
                "n'a pas pu être enregistrée" in str(n.message)
                for n in app._notifications))
            assert not isinstance(app.screen, ConfirmModal)
            assert "Réponses 1/30" in screen_text(app)
        assert (await world.key_row(key))["state"] == "in_progress"
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen))
    assert (await world.key_row(key))["state"] == "submitted"
