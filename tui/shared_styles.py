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

This overrides private parts of Textual's `Stylesheet` (`_parse_rules`,
`reparse`, `copy`), which is why pyproject pins Textual to a minor range;
tests/tui/test_shared_styles.py fails if they change shape."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from textual.cache import LRUCache
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation


def variables_digest(variables: Mapping[str, str]) -> bytes:
    """A short fingerprint of a set of CSS variables (order does not matter)."""
    text = json.dumps(sorted(variables.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).digest()


class SharedStyles:
    """A bounded cache of parsed CSS, one per worker process.

    One app parses about 20 sources (qcm.tcss and widgets' defaults); the
    default bound leaves room for several themes."""

    def __init__(self, maxsize: int = 256) -> None:
        self._rules: LRUCache[tuple, list[RuleSet]] = LRUCache(maxsize)
        self.hits = 0
        self.misses = 0

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
