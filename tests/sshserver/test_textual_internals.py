"""Canaries for the private parts of Textual and Rich that qcm-ssh relies on.

Each names where it is used and why; each fails if the internal changes shape,
so a Textual or Rich upgrade is checked here first (pyproject pins Textual to
a minor range). The shared stylesheet's internals (`Stylesheet._parse_rules`,
`reparse`, `copy`) have their own canary in tests/tui/test_shared_styles.py."""

from __future__ import annotations

import inspect
import io
import sys

from rich.color import ColorSystem
from rich.console import Console
from textual._xterm_parser import XTermParser
from textual.app import App

from sshserver.inputs import InputParser
from sshserver.session import configure_app
from sshserver.terminal import TerminalProfile


def test_xterm_parser_extended_keys_are_a_cached_method():
    """sshserver/inputs.py: `XTermParser._parse_extended_key` is an lru_cache
    shared by the whole process (it kept finished parsers alive) that raises on
    some input; InputParser calls the uncached function through `__wrapped__`."""
    cached = XTermParser._parse_extended_key
    assert hasattr(cached, "cache_info") and hasattr(cached, "__wrapped__")
    assert "_parse_extended_key(sequence)" in inspect.getsource(XTermParser)
    parser = InputParser()
    assert parser._parse_extended_key("\x1b[884:u") is None  # raised ValueError in Textual


def test_rich_console_colour_system_is_a_private_field():
    """sshserver/session.py: every app renders in truecolor (Textual shares
    rendered strips between apps); Textual has no per-app setting, so the
    console's `_color_system` is set, and `color_system` must follow it."""
    console = Console(color_system="standard", force_terminal=True)
    console._color_system = ColorSystem.TRUECOLOR
    assert console.color_system == "truecolor"


def test_app_print_capture_is_taken_from_private_fields():
    """sshserver/session.py: Textual redirects sys.stdout/stderr to
    `App._capture_stdout/_capture_stderr` while an app runs; with many apps in
    one process, each is pointed at the current streams instead."""
    source = inspect.getsource(App)
    assert "redirect_stdout(self._capture_stdout)" in source
    assert "redirect_stderr(self._capture_stderr)" in source
    app: App = App()
    assert hasattr(app, "_capture_stdout") and hasattr(app, "_capture_stderr")
    configure_app(app, TerminalProfile("xterm", 80, 24, "standard"), io.StringIO())
    assert app._capture_stdout is sys.stdout and app._capture_stderr is sys.stderr
    assert app.console.color_system == "truecolor"

