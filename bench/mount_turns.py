"""Turns of the event loop a candidate's screen changes take (prints figures).

On a loaded worker every turn of the loop lasts as long as the work all its
sessions have ready, tenths of a second in a room's first minutes, so a step
that needs many turns is slow whatever its CPU. This counts, for one
candidate app on an idle loop (Textual's pilot, a real SQLite file), the
turns from the key's check (its database read done) to the identity form's
mount and from « Valider » (the identity saved) to the question screen's
mount, with how many widgets and how deep each screen is. (Waiting for the
database thread is not counted: a loop with a task always ready spins
meanwhile.) With `--load S`, every turn also takes S seconds of CPU, as on a
busy worker: the full paths (Enter on the key → identity form painted, Enter on
« Valider » → question 1 painted) are then counted too, database waits and
paint timers included, in turns and seconds.

    .venv/bin/python bench/mount_turns.py [--load 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.app import App  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import Button  # noqa: E402

from tests.tui.conftest import build_world, fill_identity, make_app, wait_screen  # noqa: E402
from tui.candidate_app import CandidateApp  # noqa: E402
from tui.screens.exam_screen import ExamScreen  # noqa: E402
from tui.screens.identity_screen import IdentityScreen  # noqa: E402
from tui.screens.key_screen import KeyScreen  # noqa: E402


class Turns:
    """Counts turns of the running loop (a task that yields once per turn).

    With `load`, each turn also takes that many seconds of CPU, as the other
    sessions' work does on a busy worker; then `times` holds when each mark
    came (a database read or a paint timer then costs the turns it overlaps)."""

    def __init__(self, load: float = 0.0) -> None:
        self.count = 0
        self.load = load
        self.marks: dict[str, int] = {}
        self.times: dict[str, float] = {}
        self._stop = asyncio.Event()

    async def run(self) -> None:
        while not self._stop.is_set():
            self.count += 1
            if self.load:
                ends = time.perf_counter() + self.load
                while time.perf_counter() < ends:
                    pass
            await asyncio.sleep(0)

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, self.count)
        self.times.setdefault(name, time.perf_counter())

    def stop(self) -> None:
        self._stop.set()


def depth(screen: Screen) -> int:
    def level(node, at: int) -> int:  # type: ignore[no-untyped-def]
        return max([at, *(level(child, at + 1) for child in node.children)])
    return level(screen, 0)


async def main(load: float) -> None:
    turns = Turns(load)
    originals = {cls: cls._on_mount for cls in (IdentityScreen, ExamScreen)}

    def marking(cls: type[Screen], name: str):  # type: ignore[no-untyped-def]
        def on_mount(self, event):  # type: ignore[no-untyped-def]
            turns.mark(name)
            return originals[cls](self, event)
        return on_mount

    IdentityScreen._on_mount = marking(IdentityScreen, "identity")  # type: ignore[method-assign]
    opened = CandidateApp.on_key_screen_opened

    async def on_opened(self, event):  # type: ignore[no-untyped-def]
        turns.mark("opened")
        return await opened(self, event)

    CandidateApp.on_key_screen_opened = on_opened  # type: ignore[method-assign]
    ExamScreen._on_mount = marking(ExamScreen, "exam")  # type: ignore[method-assign]
    display = App._display
    key_enter = KeyScreen.open_key
    identity_enter = IdentityScreen.action_enter

    def displaying(self, screen, *args, **kwargs):  # type: ignore[no-untyped-def]
        painted = {IdentityScreen: "identity painted", ExamScreen: "exam painted"}
        if type(screen) in painted:
            turns.mark(painted[type(screen)])
        return display(self, screen, *args, **kwargs)

    async def open_pressed(self, typed):  # type: ignore[no-untyped-def]
        turns.mark("key enter")
        return await key_enter(self, typed)

    def enter_pressed(self):  # type: ignore[no-untyped-def]
        if isinstance(self.focused, Button):
            turns.mark("valider")
        return identity_enter(self)

    App._display = displaying  # type: ignore[method-assign]
    KeyScreen.open_key = open_pressed  # type: ignore[method-assign]
    IdentityScreen.action_enter = enter_pressed  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as folder:
        world = await build_world(Path(folder) / "qcm.sqlite3", keys=1)
        app = make_app(world)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            counting = asyncio.create_task(turns.run())
            field = app.screen.query_one("#key")
            field.value = world.keys[0]  # type: ignore[attr-defined]
            field.focus()
            await pilot.pause()
            await pilot.press("enter")
            await wait_screen(pilot, IdentityScreen)
            shapes = {"identity": (len(list(app.screen.walk_children())), depth(app.screen))}
            await pilot.pause()
            original_save = type(app.attempt).save_identity  # type: ignore[union-attr]

            async def save(attempt, *args, **kwargs):  # type: ignore[no-untyped-def]
                result = await original_save(attempt, *args, **kwargs)
                turns.mark("saved")
                return result

            type(app.attempt).save_identity = save  # type: ignore[method-assign,union-attr]
            await fill_identity(pilot)
            await wait_screen(pilot, ExamScreen)
            turns.stop()
            await counting
            shapes["exam"] = (len(list(app.screen.walk_children())), depth(app.screen))
            for name, began, ended in (
                    ("key checked → identity form mounted", "opened", "identity"),
                    ("Enter on the key → identity form painted", "key enter", "identity painted"),
                    ("identity saved → question screen mounted", "saved", "exam"),
                    ("Enter on « Valider » → question 1 painted", "valider", "exam painted")):
                widgets, levels = shapes[ended.split()[0]]
                loaded = (f", {turns.times[ended] - turns.times[began]:.2f} s"
                          if load else "")
                print(f"{name}: {turns.marks[ended] - turns.marks[began]} turns{loaded} "
                      f"({widgets} widgets, {levels} levels deep)")
            type(app.attempt).save_identity = original_save  # type: ignore[method-assign,union-attr]
        await world.store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=float, default=0.0,
                        help="seconds of CPU every loop turn also takes (a busy worker)")
    asyncio.run(main(parser.parse_args().load))
