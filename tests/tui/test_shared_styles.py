"""Parsed CSS shared by the apps of one worker (tui/shared_styles.py).

These tests also guard the private Textual API the sharing relies on: if
Textual renames `Stylesheet._parse_rules` or stops going through it, the
"same RuleSet objects" assertions fail."""

from __future__ import annotations

import inspect
from pathlib import Path

from textual.app import ComposeResult
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widgets import Input, Static

from tests.tui.conftest import enter_key, make_app, screen_text, wait_for, wait_screen
from tui import base
from tui.base import QcmApp
from tui.screens.identity_screen import IdentityScreen
from tui.shared_styles import SharedStyles, SharedStylesheet
from tui.widgets.text_field import TextField

CSS = "Static { color: $primary; background: $surface; }"
VARIABLES = {"primary": "#004578", "surface": "#ffffff"}


def same_objects(first: list, second: list) -> bool:
    return len(first) == len(second) and all(a is b for a, b in zip(first, second))


def shared_objects(first: list, second: list) -> set[int]:
    return {id(rule) for rule in first} & {id(rule) for rule in second}


# The stylesheet alone ----------------------------------------------------

def test_textual_parse_rules_still_has_the_shape_we_override():
    textual = list(inspect.signature(Stylesheet._parse_rules).parameters)
    assert textual == ["self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]
    assert list(inspect.signature(SharedStylesheet._parse_rules).parameters) == textual
    # Our reparse() replays Textual's: it must still set the same attributes.
    reparse = inspect.getsource(Stylesheet.reparse)
    for attribute in ("self._rules =", "self._rules_map =", "self.source =",
                      "self._require_parse =", "self._invalid_css.update"):
        assert attribute in reparse, attribute


def test_textual_apply_still_has_the_shape_we_cache():
    apply = inspect.getsource(Stylesheet.apply)
    for part in ("self.replace_rules(node, node_rules, animate=animate)",
                 "self.replace_rules(node, cached_result, animate=animate)",
                 "self._process_component_classes(node)", "node._has_hover_style =",
                 "node._has_focus_within =", "node._has_order_style =",
                 "node._has_odd_or_even =", "_check_rule", "css_path_nodes"):
        assert part in apply, part
    assert list(inspect.signature(Stylesheet.apply).parameters) == [
        "self", "node", "animate", "cache"]
    assert list(inspect.signature(Stylesheet.replace_rules).parameters) == [
        "node", "rules", "animate"]  # a classmethod
    # What a selector looks at: type, id, classes and pseudo classes.
    from textual.css import model
    assert "has_pseudo_classes" in inspect.getsource(model.Selector.check)
    assert set(model._CHECKS.values()) == {model._check_universal, model._check_type,
                                           model._check_class, model._check_id}
    checks = "".join(inspect.getsource(check) for check in model._CHECKS.values())
    for part in ("node.has_class(", "node._css_type_names", "node._classes", "node.id =="):
        assert part in checks, part


def test_same_variables_share_rules_other_variables_do_not():
    shared = SharedStyles()
    first = shared.stylesheet(dict(VARIABLES))
    second = shared.stylesheet(dict(VARIABLES))  # equal, not the same dict
    red = shared.stylesheet({**VARIABLES, "primary": "#ff0000"})
    for stylesheet in (first, second, red):
        stylesheet.add_source(CSS, read_from=("test", "CSS"))
    assert same_objects(first.rules, second.rules)
    assert not shared_objects(first.rules, red.rules)
    assert first.rules[0].styles.color.hex == "#004578"
    assert red.rules[0].styles.color.hex == "#FF0000"
    assert (shared.misses, shared.hits) == (2, 1)


def test_new_variables_are_parsed_with_the_new_values():
    shared = SharedStyles()
    stylesheet = shared.stylesheet(dict(VARIABLES))
    stylesheet.add_source(CSS, read_from=("test", "CSS"))
    before = stylesheet.rules
    stylesheet.set_variables({**VARIABLES, "primary": "#00ff00"})
    stylesheet.reparse()
    assert isinstance(stylesheet, SharedStylesheet)
    assert stylesheet.rules[0].styles.color.hex == "#00FF00"
    assert before[0].styles.color.hex == "#004578"  # the old rules were not touched
    again = shared.stylesheet(dict(VARIABLES))
    again.add_source(CSS, read_from=("test", "CSS"))
    assert same_objects(again.rules, before)


def test_every_parse_input_is_in_the_key():
    shared = SharedStyles()
    base = shared.stylesheet(dict(VARIABLES))
    base.add_source(CSS, read_from=("test", "CSS"))
    variants = [dict(read_from=("other", "CSS")), dict(read_from=("test", "CSS"), scope="Screen"),
                dict(read_from=("test", "CSS"), is_default_css=True),
                dict(read_from=("test", "CSS"), tie_breaker=-1)]
    for options in variants:
        stylesheet = shared.stylesheet(dict(VARIABLES))
        stylesheet.add_source(CSS, **options)
        assert not shared_objects(base.rules, stylesheet.rules), options
    assert shared.hits == 0


def test_the_cache_is_bounded():
    shared = SharedStyles(maxsize=2)
    for n in range(5):
        stylesheet = shared.stylesheet(dict(VARIABLES))
        stylesheet.add_source(CSS, read_from=("test", f"CSS{n}"))
        assert stylesheet.rules
    assert len(shared) == 2


# Real apps ---------------------------------------------------------------

async def test_an_app_without_shared_styles_keeps_its_own():
    from domain.clock import SystemClock
    first, second = QcmApp(SystemClock()), QcmApp(SystemClock())
    assert isinstance(first.stylesheet, SharedStylesheet)
    assert first.shared_styles is not second.shared_styles


async def test_two_candidate_apps_at_once_use_the_same_parsed_rules(world):
    shared = SharedStyles()
    first, second = make_app(world, styles=shared), make_app(world, styles=shared)
    assert first.shared_styles is shared
    async with first.run_test(size=(80, 24)) as one, second.run_test(size=(80, 24)) as two:
        await enter_key(one, world.keys[0])
        await enter_key(two, world.keys[1])
        await wait_screen(one, IdentityScreen)
        await wait_screen(two, IdentityScreen)
        misses = shared.misses
        assert any("qcm.tcss" in path for path, _ in first.stylesheet.source)
        assert same_objects(first.stylesheet.rules, second.stylesheet.rules)
        assert len(first.stylesheet.rules) > 100
    third = make_app(world, styles=shared)
    async with third.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[2])
        await wait_screen(pilot, IdentityScreen)
        assert same_objects(third.stylesheet.rules, first.stylesheet.rules)
    assert shared.misses == misses  # the third app parsed nothing


def identity_prepared(app) -> bool:
    form = app._identity.screen if app._identity is not None else None
    return form is not None and form.is_mounted and bool(form.query("#save"))


async def test_an_app_on_another_theme_never_gets_the_others_rules(world):
    shared = SharedStyles()
    dark, light = make_app(world, styles=shared), make_app(world, styles=shared)
    async with dark.run_test(size=(80, 24)) as first, light.run_test(size=(80, 24)) as pilot:
        # Each app's sources are the default CSS of the widgets it has mounted:
        # the key prompt's, and the identity form's, prepared meanwhile.
        await wait_for(first, lambda: identity_prepared(dark))
        await wait_for(pilot, lambda: identity_prepared(light))
        dark_rules = dark.stylesheet.rules
        dark_background = dark.screen.styles.background
        light.theme = "textual-light"
        await wait_for(pilot, lambda: light.screen.styles.background != dark_background)
        assert isinstance(light.stylesheet, SharedStylesheet)
        assert not shared_objects(light.stylesheet.rules, dark_rules)
        assert dark.stylesheet.rules is dark_rules
        assert dark.screen.styles.background == dark_background
    # A later light app shares the light rules, not the dark ones.
    later = make_app(world, styles=shared)
    async with later.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: identity_prepared(later))
        later.theme = "textual-light"
        await wait_for(pilot, lambda: later.screen.styles.background != dark_background)
        assert same_objects(later.stylesheet.rules, light.stylesheet.rules)


class CssScreen(Screen):
    CSS = "#note { color: $error; }"

    def compose(self) -> ComposeResult:
        yield Static("Note", id="note")


class CssApp(QcmApp):
    CSS_PATH = Path(base.__file__).with_name("qcm.tcss")  # not relative to this test

    def on_mount(self) -> None:
        super().on_mount()
        self.push_screen(CssScreen())


async def test_reparsing_keeps_sharing():
    """Textual reparses all the CSS when a screen with CSS comes and on
    refresh_css (any theme or colour change): that goes through our reparse."""
    from domain.clock import SystemClock
    shared = SharedStyles()
    first, second = CssApp(SystemClock(), styles=shared), CssApp(SystemClock(), styles=shared)
    for app in (first, second):
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_screen(pilot, CssScreen)
            error = Color.parse(app.theme_variables["error"])
            assert app.screen.query_one("#note").styles.color == error
            before = app.stylesheet.rules
            app.refresh_css(animate=False)
            assert app.stylesheet.rules is not before  # really parsed again
            assert same_objects(app.stylesheet.rules, before)
            assert app.screen.query_one("#note").styles.color == error
    assert any(name == "CssScreen.CSS" for _, name in second.stylesheet.source)
    assert same_objects(first.stylesheet.rules, second.stylesheet.rules)


def _look(app) -> tuple[str, str, list]:
    """The screen as text, as an SVG with colours, and every widget's styles."""
    for field in app.screen.query(Input):
        field.cursor_blink = False
    # str(): a node's Layout object has no __eq__ (each node has its own).
    styles = [(type(node).__name__, node.id, sorted(map(str, node.styles.base._rules.items())),
               str(node.rich_style)) for node in app.screen.walk_children(with_self=True)]
    return screen_text(app), app.export_screenshot(title="look"), styles


async def test_shared_rules_look_exactly_like_textual_s_own(world):
    """Textual's own Stylesheet, ours with a private cache, and the second
    app on a shared cache render the key and identity screens the same."""
    plain = make_app(world)
    plain.stylesheet = Stylesheet(variables=plain.get_css_variables())
    shared = SharedStyles()
    apps = [plain, make_app(world), make_app(world, styles=shared), make_app(world, styles=shared)]
    looks = []
    for app in apps:  # one after the other, on the same key (it shows its number)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            key_screen = _look(app)
            await enter_key(pilot, world.keys[0])
            await wait_screen(pilot, IdentityScreen)
            await pilot.pause()
            identity = _look(app)
            await pilot.press("tab", "tab", "D", "tab")  # focus and focus-within move
            await pilot.pause()
            looks.append((key_screen, identity, _look(app)))
    assert type(plain.stylesheet) is Stylesheet
    assert same_objects(apps[2].stylesheet.rules, apps[3].stylesheet.rules)
    assert shared.applied.hits > 100  # the fourth app styled its nodes from the third's
    for look in looks[1:]:
        assert look == looks[0]


async def test_rules_a_node_already_has_are_not_set_again(world, monkeypatch):
    """Styling a node again with the same shared rules skips Textual's
    replace_rules (a setattr per rule); a change made to its CSS styles since
    (an animation, say) is undone as Textual would."""
    replaced: list[object] = []
    replace = Stylesheet.replace_rules.__func__  # type: ignore[attr-defined]

    def counting(cls, node, rules, animate=False):  # type: ignore[no-untyped-def]
        replaced.append(node)
        replace(cls, node, rules, animate)

    app = make_app(world, styles=SharedStyles())
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        await pilot.pause()
        field = app.screen.query_one("#last_name", Input)
        background = field.styles.background
        app.stylesheet.apply(field)  # the rules its path gives now
        monkeypatch.setattr(Stylesheet, "replace_rules", classmethod(counting))
        app.stylesheet.apply(field)
        assert field not in replaced and field.styles.background == background
        field.styles.base.background = Color(1, 2, 3)
        app.stylesheet.apply(field)
        assert field in replaced and field.styles.background == background


async def test_a_node_is_styled_when_mounted_not_while_it_is_built(world, monkeypatch):
    """Textual restyles a node whenever one of its classes changes, in the DOM
    or not: a compact text field took a pass of the stylesheet in its
    constructor (tui/base.py). Out of the DOM, it is styled once it is
    mounted, with every class it has by then."""
    styled: list[object] = []
    update_nodes = Stylesheet.update_nodes

    def counting(self, nodes, animate=False):  # type: ignore[no-untyped-def]
        nodes = list(nodes)
        styled.extend(nodes)
        update_nodes(self, nodes, animate)

    app = make_app(world, styles=SharedStyles())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(Stylesheet, "update_nodes", counting)
        field = TextField(id="late", compact=True)  # built while the app runs
        field.add_class("-invalid")
        assert styled == []
        await app.screen.mount(field)
        await pilot.pause()
        assert field.styles.height is not None and field.styles.height.value == 1  # compact
        assert field.styles.border_top[0] in ("", "none")
        assert field.styles.background_tint.a > 0  # compact and invalid
        field.remove_class("-invalid")  # in the DOM: restyled at once
        assert field in styled and field.styles.background_tint.a == 0
