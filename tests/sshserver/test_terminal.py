"""Colour system choice and colour downgrade: pure functions."""

from __future__ import annotations

import pytest

from sshserver.colours import ColourDowngrade
from sshserver.sgr import SgrDelta, parse_sgr
from sshserver.terminal import (
    MAX_SIZE,
    TerminalProfile,
    clamp_size,
    color_system_for,
    erases_with_background,
)


@pytest.mark.parametrize(
    ("term", "env", "expected"),
    [
        ("xterm-256color", {"COLORTERM": "truecolor"}, "truecolor"),
        ("xterm", {"COLORTERM": "24bit"}, "truecolor"),
        ("xterm-direct", {}, "truecolor"),
        ("xterm-256color", {}, "256"),
        ("screen-256color", {}, "256"),
        ("tmux-256color", {"COLORTERM": ""}, "256"),
        ("xterm", {}, "standard"),
        ("linux", {}, "standard"),
        ("vt100", {}, "standard"),
        ("screen", {}, "standard"),
        ("", {}, "standard"),
        (None, {}, "standard"),
    ],
)
def test_colour_system_from_term_and_colorterm(
    term: str | None, env: dict[str, str], expected: str
) -> None:
    assert color_system_for(term, env) == expected


def test_profile_defaults_and_clamps_the_size() -> None:
    assert TerminalProfile.from_request("xterm", (0, 0), {}).size == (80, 24)
    assert TerminalProfile.from_request("xterm", (100000, 100000), {}).size == MAX_SIZE
    assert clamp_size(-5, 3) == (1, 3)


def test_truecolor_is_downgraded_to_256_and_16_colours() -> None:
    params = "0;1;38;2;255;0;0;48;2;18;18;18"
    assert ColourDowngrade("truecolor")(params) == params
    eight_bit = ColourDowngrade("256")(params)
    assert eight_bit.startswith("0;1;38;5;") and ";48;5;" in eight_bit
    assert ColourDowngrade("standard")(params) == "0;1;31;40"
    assert ColourDowngrade("standard")("38;5;196") == "31"


def test_downgrade_leaves_other_parameters_and_bad_colours_alone() -> None:
    downgrade = ColourDowngrade("standard")
    assert downgrade("7;31;42") == "7;31;42"
    assert downgrade("38;5;999") == "38;5;999"
    assert downgrade("38;2;1") == "38;2;1"


def test_sgr_transitions_are_short_and_exact() -> None:
    change = SgrDelta()
    assert change(None, "1;31") == "\x1b[0;1;31m"
    assert change("", "1;31") == "\x1b[1;31m"
    assert change("1;31", "") == "\x1b[m"
    assert change("38;5;253;48;5;235", "38;5;233;48;5;253") == "\x1b[38;5;233;48;5;253m"
    assert change("31;42", "7;31;42") == "\x1b[7m"
    assert change("7;31;42", "31;42") == "\x1b[27m"  # one end code (tests/sshserver/test_sgr.py)
    assert change("31;42", "42") == "\x1b[39m"
    assert change("4:3;31", "31") == "\x1b[0;31m"  # unknown forms: reset and set
    assert parse_sgr("0;1;38;2;1;2;3") == (frozenset({"1"}), "38;2;1;2;3", None)
    assert parse_sgr("38;5") is None


def test_line_erase_is_used_only_where_it_paints_the_background() -> None:
    for term in ("xterm", "xterm-256color", "tmux-256color", "linux", "vt100", "rxvt-unicode"):
        assert erases_with_background(term), term
    for term in ("screen", "screen-256color", "dumb", "", None, "weird-terminal"):
        assert not erases_with_background(term), term
