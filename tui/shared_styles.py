"""Parsed CSS shared by the apps of one worker process.

Every Textual App parses its stylesheet (qcm.tcss and the widgets'
DEFAULT_CSS) into RuleSet objects of its own: some 350-400 kB per session for
the same rules again and again. `SharedStyles` keeps the parsed rules once
per worker; `SharedStylesheet` (installed by `QcmApp`) asks it before
parsing.

The key holds everything the parse depends on: the CSS text, where it was
read from, whether it is a widget default, its tie breaker and scope, and a
digest of the CSS variables (theme colours) the app parses with. Two apps on
different themes therefore never get each other's rules.

Sharing is sound because Textual treats parsed rules as read-only: a node's
styles copy the values out of a RuleSet (`Stylesheet.apply` and
`replace_rules`), and a `layout` value is turned into a new Layout object per
node. Textual itself hands the same RuleSet objects to every node of an app.

Applying the rules to a node is shared too. Textual matches every rule
against the node's path (the App, the screen, the containers, the node) each
time a widget is mounted, gains or loses a class, focus or hover, and again
for each of its component classes (an Input has four): building the identity
form applied the stylesheet some 280 times, most of a screen change's CPU
after rendering. What `Stylesheet.apply` computes depends only on the
stylesheet's rules and, for each node of that path, its type, id, classes and
those pseudo classes the rules name; `SharedStylesheet.apply` keeps the result
under that key (`SharedStyles.applied`), so the same form built for the next
candidate, or an Input focused again, costs a look-up.

This overrides private parts of Textual's `Stylesheet` (`_parse_rules`,
`reparse`, `copy`, `apply`'s body), which is why pyproject pins Textual to a
minor range; tests/tui/test_shared_styles.py fails if they change shape."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from weakref import WeakKeyDictionary

from textual.cache import LRUCache
from textual.css.model import RuleSet
from textual.css.stylesheet import RulesMap, Stylesheet
from textual.css.types import CSSLocation
from textual.dom import DOMNode

from tui.release import release_replaced

Applied = tuple[RulesMap | None, tuple[bool, bool, bool, bool]]
"""What applying the rules to a node gives: its rules (None: no rule matched,
the node keeps what it has) and its flags (hover, focus-within, order and
odd/even styles)."""


def variables_digest(variables: Mapping[str, str]) -> bytes:
    """A short fingerprint of a set of CSS variables (order does not matter)."""
    text = json.dumps(sorted(variables.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).digest()


class SharedStyles:
    """A bounded cache of parsed CSS, one per worker process.

    One app parses about 20 sources (qcm.tcss and widgets' defaults); the
    default bound leaves room for several themes."""

    def __init__(self, maxsize: int = 256, applied_maxsize: int = 4096) -> None:
        self._rules: LRUCache[tuple, list[RuleSet]] = LRUCache(maxsize)
        self.hits = 0
        self.misses = 0
        self.applied: LRUCache[tuple, Applied] = LRUCache(applied_maxsize)
        # Each distinct list of rules (by its RuleSet objects) gets a small
        # number and the pseudo-classes its selectors name; the list is kept
        # so that those objects' ids stay unique.
        self._rule_lists: dict[tuple[int, ...], tuple[int, tuple[str, ...], list[RuleSet]]] = {}

    def rules_token(self, rules: list[RuleSet]) -> tuple[int, tuple[str, ...]]:
        """A number for this list of rules, the same for an equal list, and
        the pseudo-classes its selectors name (sorted)."""
        ids = tuple(map(id, rules))
        known = self._rule_lists.get(ids)
        if known is None:
            pseudo_classes = tuple(sorted(
                {pseudo for rule in rules for selector_set in rule.selector_set
                 for selector in selector_set.selectors for pseudo in selector.pseudo_classes}))
            known = self._rule_lists[ids] = (len(self._rule_lists), pseudo_classes, list(rules))
        return known[0], known[1]

    def __len__(self) -> int:
        return len(self._rules)

    def get(self, key: tuple) -> list[RuleSet] | None:
        rules = self._rules.get(key)
        if rules is None:
            self.misses += 1
        else:
            self.hits += 1
        return rules

    def put(self, key: tuple, rules: list[RuleSet]) -> None:
        self._rules[key] = rules

    def stylesheet(self, variables: dict[str, str] | None = None) -> SharedStylesheet:
        return SharedStylesheet(self, variables=variables)


class SharedStylesheet(Stylesheet):
    """A Textual Stylesheet that takes its parsed rules from a `SharedStyles`."""

    def __init__(self, shared: SharedStyles, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self.shared = shared
        self._digested: dict[str, str] | None = None  # the variables `_digest` is for
        self._digest = b""
        self._tokened: list[RuleSet] | None = None  # the rules `_token` is for
        self._token = 0
        self._pseudo_classes: tuple[str, ...] = ()  # those the rules name
        self._capturing: list | None = None  # [node, the rules apply() gave it]
        self._memo: dict | None = None  # node -> its path, while a node is styled
        # node -> the rules replace_rules gave it, and its CSS styles' update count then
        self._given: WeakKeyDictionary[DOMNode, tuple[RulesMap, int]] = WeakKeyDictionary()

    def _variables_key(self) -> bytes:
        # Textual replaces `_variables` with a new dict (set_variables) when
        # the theme changes; a change of object means a new digest.
        if self._digested is not self._variables:
            self._digested = self._variables
            self._digest = variables_digest(self._variables)
        return self._digest

    def _parse_rules(self, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        key = (self._variables_key(), css, read_from, is_default_rules, tie_breaker, scope)
        rules = self.shared.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            self.shared.put(key, rules)
        return rules

    def _rules_key(self) -> int:
        rules = self.rules
        if self._tokened is not rules:
            self._tokened = rules
            self._token, self._pseudo_classes = self.shared.rules_token(rules)
        return self._token

    def _path(self, node: DOMNode, memo: dict) -> tuple:
        """What the rules can see of `node` and its ancestors."""
        path = memo.get(node)
        if path is None:
            parent = node._parent
            checks = node._PSEUDO_CLASSES
            path = (self._path(parent, memo) if isinstance(parent, DOMNode) else ()) + ((
                type(node), node._id, frozenset(node._classes),
                tuple([name in checks and checks[name](node)  # type: ignore[arg-type]
                       for name in self._pseudo_classes]),
            ),)
            memo[node] = path
        return path

    def apply(self, node: DOMNode, *, animate: bool = False,
              cache: dict[tuple, RulesMap] | None = None) -> None:
        """Textual's apply, its result shared by equal nodes on equal paths.

        The paths are remembered while one batch of nodes (`cache`, as
        Textual's own cache for siblings) or one node with its component
        classes is styled: nothing the rules see changes meanwhile."""
        token = self._rules_key()
        outer = self._memo
        outermost = outer is None
        memo: dict
        if cache is not None:
            memo = cache.setdefault(("qcm-paths",), {})  # type: ignore[arg-type, assignment]
        elif outer is None:
            memo = {}
        else:
            memo = outer
        if outermost:
            self._memo = memo
        try:
            self._apply(node, animate, cache, (token, self._path(node, memo)))
        finally:
            if outermost:
                self._memo = None

    def _apply(self, node: DOMNode, animate: bool, cache: dict[tuple, RulesMap] | None,
               key: tuple) -> None:
        applied = self.shared.applied.get(key)
        if applied is None:
            outer, self._capturing = self._capturing, [node, None]
            try:
                super().apply(node, animate=animate, cache=cache)
            finally:
                captured, self._capturing = self._capturing, outer
            applied = (captured[1], (node._has_hover_style, node._has_focus_within,
                                     node._has_order_style, node._has_odd_or_even))
            self.shared.applied[key] = applied
            return
        rules, flags = applied
        (node._has_hover_style, node._has_focus_within,
         node._has_order_style, node._has_odd_or_even) = flags
        if rules is not None:
            self.replace_rules(node, rules, animate=animate)
        self._process_component_classes(node)

    def _process_component_classes(self, node: DOMNode) -> None:
        # Textual makes new virtual nodes for the component classes each time:
        # the old ones are cycles (tui/release.py).
        replaced = list(node._component_styles.values())
        super()._process_component_classes(node)
        release_replaced(replaced)

    def replace_rules(self, node: DOMNode, rules: RulesMap,  # type: ignore[override]
                      animate: bool = False) -> None:
        """Textual's replace_rules, skipped when the node already has exactly
        these rules: the same (shared) rules object it was given last time,
        and nothing has changed its CSS styles since (their update count)."""
        capturing = self._capturing
        if capturing is not None and capturing[0] is node:
            capturing[1] = rules
        base = node.styles.base
        given = self._given.get(node)
        if given is not None and given[0] is rules and given[1] == base._updates:
            node.notify_style_update()
            return
        Stylesheet.replace_rules(node, rules, animate=animate)
        self._given[node] = (rules, base._updates)

    def copy(self) -> SharedStylesheet:
        stylesheet = SharedStylesheet(self.shared, variables=self._variables.copy())
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        """Textual's reparse, but the fresh stylesheet it parses into is a
        shared one (Textual's builds a plain Stylesheet, which would parse
        everything again for this app alone, e.g. after a theme change)."""
        stylesheet = self.copy()
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        self._rules = stylesheet.rules
        self._rules_map = None
        self.source = stylesheet.source
        self._require_parse = False
