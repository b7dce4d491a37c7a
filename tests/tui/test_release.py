"""What a candidate leaves behind is freed by reference counting
(tui/release.py, tui/visible_renders.py): with Python's collector off,
nothing is left of the screens they went through, of the component styles a
restyle replaced, of the lines painted or of the layouts replaced."""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from textual.dom import DOMNode
from textual.widget import Widget

from tests.tui.conftest import (
    enter_key,
    fill_identity,
    make_app,
    screen_text,
    wait_for,
    wait_screen,
)
from tui.modals.confirm import ConfirmModal
from tui.screens.exam_screen import ExamScreen
from tui.screens.identity_screen import IdentityScreen
from tui.widgets.text_field import TextField


@contextmanager
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def every_node(root: DOMNode) -> list[weakref.ref[DOMNode]]:
    """The subtree, its scrollbars, and the virtual nodes of its component styles."""
    nodes: list[DOMNode] = []
    for node in root.walk_children(with_self=True):
        nodes.append(node)
        if isinstance(node, Widget):
            nodes.extend(node._get_virtual_dom())
        nodes.extend(styles.node for styles in node._component_styles.values()
                     if styles.node is not None)
    return [weakref.ref(node) for node in nodes]


def alive(refs: list[weakref.ref[DOMNode]]) -> list[str]:
    return [repr(node) for ref in refs if (node := ref()) is not None]


async def test_screens_left_behind_are_freed_without_a_collection(world):
    app = make_app(world)
    with collector_off():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            key_screen = every_node(app.screen)
            await enter_key(pilot, world.keys[0])
            await wait_screen(pilot, IdentityScreen)
            identity_screen = every_node(app.screen)
            for _ in range(4):  # focus moves: each restyles two fields
                await pilot.press("tab")
            await fill_identity(pilot)
            await wait_screen(pilot, ExamScreen)
            await pilot.pause()
            assert len(key_screen) > 10 and len(identity_screen) > 40
            assert alive(key_screen) == []
            assert alive(identity_screen) == []
            exam_screen = every_node(app.screen)
            assert len(alive(exam_screen)) == len(exam_screen)  # what the candidate sees
            await pilot.press("a", "n", "b")
        # The app has ended: its screens are gone too (a choice line's text
        # is a Rich table, whose visual names the line).
        assert alive(exam_screen) == []


async def test_a_screen_left_before_its_next_paint_is_freed_without_a_collection(world):
    """Textual keeps a screen's after-paint callbacks, each with the node that
    asked for it (a screen whose own method it is, or another screen: the
    identity form held the key screen for the driver's `settle`): a screen
    that leaves before it paints again never runs them, and drops them."""
    app = make_app(world)
    with collector_off():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            left = ConfirmModal("Quitter ?")
            await app.push_screen(left)
            await pilot.pause()
            nodes = every_node(left)
            # As the screen leaves, what handling a `call_after_refresh` does
            # (Textual's footer update after a focus move): kept for a paint
            # that will not come.
            popping = app.pop_screen()
            left._invoke_later(left.refresh_bindings, left)
            await popping
            del left
            assert len(nodes) > 5
            # The screen under it holds it until its own next paint (Textual's
            # footer update after the focus came back), then lets it go.
            await wait_for(pilot, lambda: alive(nodes) == [], timeout=2.0)


async def test_a_restyle_frees_the_component_styles_it_replaces(world):
    app = make_app(world)
    with collector_off():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            field = app.screen.query_one("#key", TextField)
            replaced = [weakref.ref(styles.node) for styles in field._component_styles.values()
                        if styles.node is not None]
            assert replaced
            app.stylesheet.apply(field)  # what a focus or class change does
            await pilot.pause()
            assert alive(replaced) == []
            # The field still draws with its new component styles.
            assert all(styles.node is not None for styles in field._component_styles.values())
            field.value = "ABC"
            await pilot.pause()
            assert "ABC" in "".join(strip.text for strip in field.render_lines(field.region.reset_offset))


async def test_typing_and_moving_leave_no_cyclic_garbage(world):
    """Every frame cuts lines into the screen's cuts; a line needing no cut
    cached itself in itself (tui/visible_renders.py), and each reflow left
    its map in a cycle: with the collector off, typing in the identity form
    and moving between its fields leaves none of them to collect."""
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        await pilot.pause()
        with collector_off():
            for text in ("Dupont", "Jeanne", "Soleil SARL"):
                await pilot.press("tab", *text)
                await pilot.pause()
            gc.set_debug(gc.DEBUG_SAVEALL)
            try:
                gc.collect()
                left = Counter(type(thing).__name__ for thing in gc.garbage)
            finally:
                gc.set_debug(0)
                gc.garbage.clear()
        assert "Dupont" in screen_text(app)
        assert left["Strip"] == 0 and left["MapGeometry"] == 0, left
