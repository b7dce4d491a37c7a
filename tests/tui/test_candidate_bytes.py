"""What a keystroke costs on the wire (a candidate on a slow link pays every byte).

The app runs with a driver that counts what Textual writes, in 16 colours as
over SSH (the SSH session sets the console's colour system the same way)."""

from __future__ import annotations

from rich.console import ColorSystem
from textual.drivers.headless_driver import HeadlessDriver

from tests.tui.conftest import enter_key, fill_identity, make_app, wait_for, wait_screen
from tui.screens.exam_screen import ExamScreen
from tui.screens.identity_screen import IdentityScreen

# Ceilings well above what was measured (see the report printed with -s), far
# below a full screen (3-4 KB per full repaint at 80x24 in 16 colours).
CHOOSE_MAX = 600
MOVE_MAX = 1500
FIELD_MAX = 800
TICK_MAX = 0


class CountingDriver(HeadlessDriver):
    written: list[int] = []

    @property
    def is_headless(self) -> bool:
        return False  # make Textual render and write as it would to a terminal

    def write(self, data: str) -> None:
        CountingDriver.written.append(len(data.encode("utf-8")))


async def measure(pilot, *keys: str) -> int:
    await pilot.pause()
    before = sum(CountingDriver.written)
    await pilot.press(*keys)
    await pilot.pause(0.05)
    return sum(CountingDriver.written) - before


async def test_bytes_per_keystroke(world, capsys):
    CountingDriver.written = []
    app = make_app(world, check_interval=0.01)
    app.driver_class = CountingDriver
    app.console._color_system = ColorSystem.STANDARD  # 16 colours, as the SSH session sets
    async with app.run_test(size=(80, 24), headless=False) as pilot:
        await wait_for(pilot, lambda: sum(CountingDriver.written) > 0)
        await pilot.pause(0.1)
        key_screen = sum(CountingDriver.written)
        typed = [await measure(pilot, char) for char in "7kq4"]
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        tabs = [await measure(pilot, "tab") for _ in range(4)]
        await fill_identity(pilot)
        await wait_screen(pilot, ExamScreen)
        choose = [await measure(pilot, letter) for letter in "abcd"]
        move = [await measure(pilot, key) for key in ("n", "n", "p", "right", "left")]
        tick = await measure(pilot)  # ~5 clock checks within the same minute
        overview = await measure(pilot, "v")
        in_overview = [await measure(pilot, key) for key in ("right", "down", "u")]
        back = await measure(pilot, "escape")
    with capsys.disabled():
        print(f"\n[bytes, 80x24, 16 colours] key screen: {key_screen}; typing in the key field: "
              f"{typed}; tab between identity fields: {tabs}; choose an answer: {choose}; "
              f"next/previous question: {move}; idle clock ticks: {tick}; open the overview: "
              f"{overview}; move in the overview: {in_overview}; close it: {back}")
    assert max(typed) <= FIELD_MAX and max(tabs) <= FIELD_MAX
    assert max(choose) <= CHOOSE_MAX
    assert max(move) <= MOVE_MAX
    assert max(in_overview) <= CHOOSE_MAX
    assert tick <= TICK_MAX
