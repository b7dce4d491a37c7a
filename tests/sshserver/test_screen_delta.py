"""ScreenDelta must never change what the client ends up seeing."""

from __future__ import annotations

import random

import pyte
import pytest

from sshserver.screen_delta import ScreenDelta

STYLES = ["", "1", "7;38;5;32;48;5;233", "38;5;253;48;5;235", "38;2;10;20;30;48;2;1;2;3",
          "3;4", "31;42", "2;9"]
TEXTS = ["a", "Bonjour", "▔▔▔▔", "éàç", "中文", "x\u0301y", "   ", "▊", "—", "🙂"]
LINKS = ["", "id=1;https://exemple.fr/a", "id=2;https://exemple.fr/b"]


def cells(screen: pyte.Screen, delta: ScreenDelta) -> list[list[tuple[object, ...] | None]]:
    """What each cell looks like, where the model claims to know the cell.

    A wide character half-overwritten is drawn differently by each terminal;
    the model marks such cells unknown (and never skips writing them).
    """
    return [
        [
            look(c) if delta.is_known(x, y) else None
            for x, c in ((x, screen.buffer[y][x]) for x in range(screen.columns))
        ]
        for y in range(screen.lines)
    ]


def look(c: pyte.screens.Char) -> tuple[object, ...]:
    """What a person sees in a cell: a blank shows its background only (unless
    underlined, struck through or reversed)."""
    if c.data == " " and not (c.underscore or c.strikethrough or c.reverse):
        return (" ", c.bg)
    return (c.data, c.fg, c.bg, c.bold, c.italics, c.underscore, c.strikethrough, c.reverse)


def textual_like_frame(rng: random.Random, width: int, height: int) -> str:
    """Writes shaped like Textual's: position, style, text, reset; links sometimes."""
    parts: list[str] = []
    for _ in range(rng.randint(1, 12)):
        y = rng.randrange(height)
        x = rng.randrange(width)
        parts.append(f"\x1b[{y + 1};{x + 1}H")
        budget = width - x
        for _ in range(rng.randint(1, 4)):
            text = rng.choice(TEXTS) * rng.randint(1, 3)
            text = text[:budget]
            length = sum(2 if ord(ch) > 0x2E80 else (0 if ch == "\u0301" else 1) for ch in text)
            if length > budget or not text:
                break
            budget -= length
            style = rng.choice(STYLES)
            link = rng.choice(LINKS) if rng.random() < 0.1 else ""
            chunk = f"\x1b[{style}m{text}\x1b[0m" if style else text
            if link:
                chunk = f"\x1b]8;{link}\x1b\\{chunk}\x1b]8;;\x1b\\"
            parts.append(chunk)
        if rng.random() < 0.3 and y < height - 1:
            parts.append("\n")  # Textual's line break, never on the last row
    if rng.random() < 0.1:
        parts.append(rng.choice(["\x07", "\x1b]22;default\x07", "\x1b[?2004h", "\x1b[?25l"]))
    parts.append(f"\x1b[{rng.randrange(height) + 1};{rng.randrange(width) + 1}H")
    return "".join(parts)


@pytest.mark.parametrize(("erase", "erase_chars"), [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("seed", range(6))
def test_random_frames_render_identically(seed: int, erase: bool, erase_chars: bool) -> None:
    rng = random.Random(seed)
    width, height = 30, 8
    plain, optimized = pyte.Screen(width, height), pyte.Screen(width, height)
    plain_stream, optimized_stream = pyte.Stream(plain), pyte.Stream(optimized)
    delta = ScreenDelta(width, height, erase=erase, erase_chars=erase_chars)
    setup = "\x1b[?1049h\x1b[?7l"
    plain_stream.feed(setup)
    optimized_stream.feed(delta(setup))
    sent = raw = unknown = total = 0
    for index in range(300):
        if index == 150:  # a resize: the model forgets everything
            width, height = 24, 10
            plain.resize(height, width)
            optimized.resize(height, width)
            delta.reset(width, height)
        frame = textual_like_frame(rng, width, height)
        output = delta(frame)
        raw += len(frame)
        sent += len(output)
        plain_stream.feed(frame)
        optimized_stream.feed(output)
        assert cells(optimized, delta) == cells(plain, delta), f"frame {index}: {frame!r} -> {output!r}"
        unknown += sum(not delta.is_known(x, y) for x in range(width) for y in range(height))
        total += width * height
    assert sent < raw
    assert unknown < 0.1 * total  # the comparison covers most cells


def test_repainting_the_same_frame_sends_nothing() -> None:
    delta = ScreenDelta(20, 3)
    frame = "\x1b[1;1H\x1b[38;5;32mBonjour\x1b[0m\x1b[2;1H\x1b[7m  \x1b[0m\x1b[1;1H"
    assert delta(frame) != ""
    assert delta(frame) == ""


def test_only_the_changed_cell_is_sent() -> None:
    delta = ScreenDelta(20, 1)
    delta("\x1b[1;1H\x1b[1mabcdef\x1b[0m\x1b[1;1H")
    assert delta("\x1b[1;1H\x1b[1mabcXef\x1b[0m\x1b[1;1H") == "\x1b[3CX\r"


def test_unknown_sequences_pass_through_and_reset_the_model() -> None:
    delta = ScreenDelta(10, 2)
    frame = "\x1b[1;1Habc"
    delta(frame)
    assert delta("\x1b[2J") == "\x1b[2J"
    assert "abc" in delta(frame)


def test_alternate_screen_switch_resets_the_model() -> None:
    delta = ScreenDelta(10, 2)
    delta("\x1b[1;1Habc")
    assert delta("\x1b[?1049l\x1b[?1049h") == "\x1b[?1049l\x1b[?1049h"
    assert "abc" in delta("\x1b[1;1Habc")


def test_identical_cells_share_one_object() -> None:
    """A session's screen model costs one tuple per distinct cell, not per cell."""
    delta = ScreenDelta(80, 24)
    frame = "".join(f"\x1b[{y + 1};1H\x1b[38;5;253;48;5;235m{' ' * 77}Fin\x1b[0m" for y in range(24))
    delta(frame)
    distinct = {id(cell) for row in delta._model for cell in row}
    assert len(distinct) == 4  # " ", "F", "i", "n" in one style
    assert delta(frame) == ""


@pytest.mark.parametrize("later", [False, True])
def test_narrow_text_over_half_a_wide_character_forgets_its_other_half(later: bool) -> None:
    """Text of one-cell characters takes a shorter path, except in a row that
    holds a wide character (in the same frame or an earlier one): the half it
    does not overwrite is drawn differently by each terminal, so unknown."""
    delta = ScreenDelta(10, 2)
    wide = "\x1b[1;1H中文"
    narrow = "\x1b[1;2Hab\x1b[2;1Hcd"
    if later:
        delta(wide)
        delta(narrow)
    else:
        delta(wide + narrow)
    assert [delta.is_known(x, 0) for x in range(5)] == [False, True, True, False, False]
    assert [delta.is_known(x, 1) for x in range(3)] == [True, True, False]
    # Once the row holds no wide character, its narrow text is modelled cell by cell.
    delta("\x1b[1;1Hxyzw")
    assert [delta.is_known(x, 0) for x in range(5)] == [True] * 4 + [False]
    assert delta("\x1b[1;1Hxyzw") == ""


@pytest.mark.parametrize(("style", "erased"), [("38;5;253;48;5;233", True), ("1;31;42", True),
                                               ("4;48;5;233", False), ("7", False)])
def test_a_line_end_turning_blank_is_erased_when_nothing_else_would_show(
        style: str, erased: bool) -> None:
    """EL paints the background only: used when spaces in that style look the same."""
    width, height = 40, 3
    plain, optimized = pyte.Screen(width, height), pyte.Screen(width, height)
    plain_stream, optimized_stream = pyte.Stream(plain), pyte.Stream(optimized)
    delta = ScreenDelta(width, height, erase=True)
    frames = [f"\x1b[2;1H\x1b[{style}m{'Question longue à effacer'.ljust(width)}\x1b[0m",
              f"\x1b[2;1H\x1b[{style}m{'Courte'.ljust(width)}\x1b[0m",
              f"\x1b[1;5H\x1b[{style}m{' ' * (width - 4)}\x1b[0m"]
    outputs = []
    for frame in frames:
        outputs.append(delta(frame))
        plain_stream.feed(frame)
        optimized_stream.feed(outputs[-1])
        assert cells(optimized, delta) == cells(plain, delta), f"{frame!r} -> {outputs[-1]!r}"
    assert ("\x1b[K" in outputs[1]) is erased
    if erased:
        assert len(outputs[1]) < 30  # "Courte" and one erase, not 34 spaces


def test_a_space_between_two_changed_words_is_sent_as_a_space() -> None:
    """One blank re-sent costs 1 byte, a cursor move over it 3 (« \\x1b[C »): a
    new question whose words start where the old one's did was full of them."""
    delta = ScreenDelta(30, 1)
    delta("\x1b[1;1H\x1b[38;5;253;48;5;233mune question\x1b[0m\x1b[1;1H")
    output = delta("\x1b[1;1H\x1b[38;5;253;48;5;233mdes reponses\x1b[0m\x1b[1;1H")
    assert "\x1b[C" not in output
    assert "des reponses" in output
    # Not where the blank's background differs from the words' style.
    delta = ScreenDelta(30, 1)
    delta("\x1b[1;1H\x1b[38;5;253;48;5;233mab\x1b[48;5;17m \x1b[48;5;233mcd\x1b[0m\x1b[1;1H")
    output = delta("\x1b[1;1H\x1b[38;5;253;48;5;233mxy\x1b[48;5;17m \x1b[48;5;233mzt\x1b[0m\x1b[1;1H")
    assert "\x1b[C" in output


def test_the_cursor_is_left_where_the_frame_ended_unless_asked_to_follow() -> None:
    frame = "\x1b[1;1H\x1b[1mabc\x1b[0m\x1b[5;10H"
    following = ScreenDelta(20, 6)
    assert following(frame).endswith("\x1b[5;10H")
    still = ScreenDelta(20, 6)
    still.place_cursor = False
    assert still(frame) == "\x1b[H\x1b[0;1mabc"  # the client style is unknown at first
    still.place_cursor = True
    assert still("\x1b[5;10H") == "\x1b[5;10H"


def test_a_long_run_of_blanks_inside_a_line_is_one_erase() -> None:
    frame = "\x1b[1;1H\x1b[48;5;233mQCM" + " " * 30 + "|\x1b[0m\x1b[1;1H"
    before = "\x1b[1;1H\x1b[48;5;233m" + "x" * 34 + "\x1b[0m\x1b[1;1H"
    plain, erasing = ScreenDelta(40, 1), ScreenDelta(40, 1, erase_chars=True)
    plain(before)
    erasing(before)
    assert " " * 30 in plain(frame)
    sent = erasing(frame)
    assert "\x1b[30X\x1b[30C|" in sent and "  " not in sent
