"""Turns of the event loop a candidate's screen changes take (prints figures).

On a loaded worker every turn of the loop lasts as long as the work all its
sessions have ready, tenths of a second in a room's first minutes, so a step
that needs many turns is slow whatever its CPU. This counts, for one
candidate app on an idle loop (Textual's pilot, a real SQLite file), the
turns from the app's start to the key prompt's paint, from the key's check
(its database read done) to the identity form's paint and from the identity saved to question 1 painted, with how many
widgets and how deep each screen is. Each screen is built while the candidate
is busy with the one before (the key, the identity): `--typing` seconds pass
before the key's Enter and before the form's filling. It also counts the turns
a Tab and a character on the form take to settle, as the SSH driver waits
before handing over the next key (sshserver/inputs.py). (Waiting for the
database thread is not counted: a loop with a task always ready spins
meanwhile.) With `--load S`, every turn also takes S seconds of CPU, as on a
busy worker: the full paths (Enter on the key → « Ouverture de la clé »
painted, and → identity form painted; Enter on « Valider » → question 1
painted) are then counted too, database waits and paint timers included, in
turns and seconds. The key's Enter is handed to the app as the SSH driver
hands it over (a Key message).

    .venv/bin/python bench/mount_turns.py [--load 0.1] [--typing 3]
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

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import Button  # noqa: E402

from sshserver.inputs import Pumps, settle  # noqa: E402
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


async def main(load: float, typing: float) -> None:
    turns = Turns(load)
    opened = CandidateApp.on_key_screen_opened

    async def on_opened(self, event):  # type: ignore[no-untyped-def]
        turns.mark("opened")
        return await opened(self, event)

    CandidateApp.on_key_screen_opened = on_opened  # type: ignore[method-assign]
    display = App._display
    say = KeyScreen._say
    identity_enter = IdentityScreen.action_enter

    def displaying(self, screen, *args, **kwargs):  # type: ignore[no-untyped-def]
        painted = {KeyScreen: "key painted", IdentityScreen: "identity painted",
                   ExamScreen: "exam painted"}
        if type(screen) in painted:
            turns.mark(painted[type(screen)])
        if type(screen) is KeyScreen and "opening said" in turns.marks:
            turns.mark("opening painted")
        return display(self, screen, *args, **kwargs)

    def saying(self, text, **kwargs):  # type: ignore[no-untyped-def]
        if "key enter" in turns.marks:
            turns.mark("opening said")
        return say(self, text, **kwargs)

    def enter_pressed(self):  # type: ignore[no-untyped-def]
        if isinstance(self.focused, Button):
            turns.mark("valider")
        return identity_enter(self)

    App._display = displaying  # type: ignore[method-assign]
    KeyScreen._say = saying  # type: ignore[method-assign]
    IdentityScreen.action_enter = enter_pressed  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as folder:
        world = await build_world(Path(folder) / "qcm.sqlite3", keys=1)
        app = make_app(world)
        counting = asyncio.create_task(turns.run())
        turns.mark("start")
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_screen(pilot, KeyScreen)
            shapes = {"key": (len(list(app.screen.walk_children())), depth(app.screen))}
            await asyncio.sleep(typing)  # the identity form is built meanwhile
            field = app.screen.query_one("#key")
            field.value = world.keys[0]  # type: ignore[attr-defined]
            field.focus()
            await pilot.pause()
            turns.mark("key enter")  # handed to the app as the SSH driver does
            app.post_message(events.Key("enter", "\r"))
            await wait_screen(pilot, IdentityScreen)
            shapes["identity"] = (len(list(app.screen.walk_children())), depth(app.screen))
            await pilot.pause()
            # Keys on the form, each handed over as the SSH driver does: the
            # next key waits until this one has settled.
            pumps, settled = Pumps(), {}
            for name, key in (("Tab on the identity form", events.Key("tab", None)),
                              ("a character typed in its field", events.Key("a", "a"))):
                began, at = turns.count, time.perf_counter()
                app.post_message(key)
                await settle(app, set(app.workers), pumps)
                settled[name] = (turns.count - began, time.perf_counter() - at)
                await pilot.pause()
            original_save = type(app.attempt).save_identity  # type: ignore[union-attr]

            async def save(attempt, *args, **kwargs):  # type: ignore[no-untyped-def]
                result = await original_save(attempt, *args, **kwargs)
                turns.mark("saved")
                return result

            type(app.attempt).save_identity = save  # type: ignore[method-assign,union-attr]
            await asyncio.sleep(typing)  # a candidate takes longer to type it all
            await fill_identity(pilot)
            await wait_screen(pilot, ExamScreen)
            turns.stop()
            await counting
            shapes["exam"] = (len(list(app.screen.walk_children())), depth(app.screen))
            for name, began, ended, shape in (
                    ("app started → key prompt painted", "start", "key painted", "key"),
                    ("key checked → identity form painted", "opened", "identity painted",
                     "identity"),
                    ("Enter on the key → « Ouverture de la clé » painted", "key enter",
                     "opening painted", "key"),
                    ("Enter on the key → identity form painted", "key enter", "identity painted",
                     "identity"),
                    ("identity saved → question 1 painted", "saved", "exam painted", "exam"),
                    ("Enter on « Valider » → question 1 painted", "valider", "exam painted",
                     "exam")):
                widgets, levels = shapes[shape]
                loaded = (f", {turns.times[ended] - turns.times[began]:.2f} s"
                          if load else "")
                print(f"{name}: {turns.marks[ended] - turns.marks[began]} turns{loaded} "
                      f"({widgets} widgets, {levels} levels deep)")
            for name, (count, seconds) in settled.items():
                print(f"{name} → settled (the next key waits): {count} turns"
                      + (f", {seconds:.2f} s" if load else ""))
            type(app.attempt).save_identity = original_save  # type: ignore[method-assign,union-attr]
        await world.store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=float, default=0.0,
                        help="seconds of CPU every loop turn also takes (a busy worker)")
    parser.add_argument("--typing", type=float, default=3.0,
                        help="seconds the key's typing and the identity's take")
    args = parser.parse_args()
    asyncio.run(main(args.load, args.typing))
