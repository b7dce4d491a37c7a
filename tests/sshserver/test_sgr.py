"""SgrDelta's transitions draw exactly the target style (pyte as the terminal)."""

from __future__ import annotations

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st

from sshserver.sgr import SgrDelta

# The attributes pyte models (bold, italic, underline, blink, reverse, strike).
ATTRIBUTES = ["1", "3", "4", "5", "7", "9"]
COLOURS = ["", "31", "38;5;253", "38;2;1;2;3"]
BACKGROUNDS = ["", "42", "48;5;233", "48;2;4;5;6"]


@st.composite
def styles(draw: st.DrawFn) -> str:
    codes = draw(st.lists(st.sampled_from(ATTRIBUTES), unique=True, max_size=4))
    codes += [c for c in (draw(st.sampled_from(COLOURS)), draw(st.sampled_from(BACKGROUNDS))) if c]
    return ";".join(codes)


def drawn(*sequences: str) -> tuple[object, ...]:
    screen = pyte.Screen(4, 1)
    stream = pyte.Stream(screen)
    for sequence in sequences:
        stream.feed(sequence)
    stream.feed("x")
    c = screen.buffer[0][0]
    return (c.fg, c.bg, c.bold, c.italics, c.underscore, c.blink, c.reverse, c.strikethrough)


@settings(max_examples=400, deadline=None)
@given(current=styles(), target=styles())
def test_a_transition_draws_the_target_style(current: str, target: str) -> None:
    step = SgrDelta()(current, target)
    assert drawn(f"\x1b[0;{current}m", step) == drawn(f"\x1b[0;{target}m")
    assert len(step) <= len(f"\x1b[0;{target}m")


def test_ending_one_attribute_is_one_short_code() -> None:
    delta = SgrDelta()
    assert delta("7;38;5;253;48;5;23", "38;5;253;48;5;23") == "\x1b[27m"
    assert delta("1;38;5;253", "38;5;253") == "\x1b[22m"
    # 22 ends bold and faint alike: the one kept is set again.
    assert delta("1;2;38;5;253", "2;38;5;253") == "\x1b[22;2m"
    assert delta("4;21;48;5;23", "21;48;5;23") == "\x1b[24;21m"
