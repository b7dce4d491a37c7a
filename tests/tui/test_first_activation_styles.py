"""A screen's first activation does not apply the stylesheet to it a second
time (tui/layout_first.py): its nodes were styled as they were mounted. The
candidate's screens, one after the other, each styled once and styled right:
applying the stylesheet again to any node gives it the rules it has."""

from __future__ import annotations

from collections import Counter

from textual.app import App
from textual.css.stylesheet import RulesMap

from tests.tui.conftest import enter_key, fill_identity, make_app, wait_screen
from tui.modals.overview import OverviewModal
from tui.screens.exam_screen import ExamScreen
from tui.screens.identity_screen import IdentityScreen
from tui.shared_styles import SharedStyles, SharedStylesheet


def restyled_differently(app: App) -> list[str]:
    """Nodes of the active screen whose rules a fresh application changes."""
    stylesheet = app.stylesheet
    assert isinstance(stylesheet, SharedStylesheet)
    wrong = []
    for node in app.screen.walk_children(with_self=True):
        given = stylesheet._given.get(node)
        stylesheet._capturing = [node, None]
        stylesheet.apply(node)
        now: RulesMap | None = stylesheet._capturing[1]
        stylesheet._capturing = None
        if given is not None and now is not None and dict(given[0]) != dict(now):
            wrong.append(repr(node))
    return wrong


async def test_each_candidate_screen_is_styled_once_on_its_first_activation(world, monkeypatch):
    applied: Counter[int] = Counter()
    apply = SharedStylesheet.apply

    def counting(self, node, *args, **kwargs):  # type: ignore[no-untyped-def]
        applied[id(node)] += 1
        return apply(self, node, *args, **kwargs)

    monkeypatch.setattr(SharedStylesheet, "apply", counting)
    app = make_app(world, styles=SharedStyles())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for step in ("identity", "exam", "overview"):
            applied.clear()
            if step == "identity":
                await enter_key(pilot, world.keys[0])
                await wait_screen(pilot, IdentityScreen)
            elif step == "exam":
                await fill_identity(pilot)
                await wait_screen(pilot, ExamScreen)
            else:
                await pilot.press("v")
                await wait_screen(pilot, OverviewModal)
            await pilot.pause()
            nodes = list(app.screen.walk_children(with_self=True))
            twice = [node for node in nodes if applied[id(node)] > 1
                     and not node.has_pseudo_class("focus")]
            # Textual's resume pass styled every node a second time.
            assert len(twice) <= len(nodes) // 2, (step, len(twice), len(nodes))
            assert restyled_differently(app) == [], step
