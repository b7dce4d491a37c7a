"""What a person sees through a real SSH client with a pty."""

from __future__ import annotations

import random
import time
from pathlib import Path

from sshserver.session import SessionOptions
from tests.e2e_helpers import colour_modes
from tests.sshserver.conftest import Harness, serve_tiny_app


async def test_first_screen_appears(harness: Harness) -> None:
    async with await harness.connect() as client:
        await client.wait_for("Bonjour alice")
        await client.wait_for("Votre nom")
        await client.wait_until(lambda: "80x24" in client.display[23], what="bottom line")
    app = harness.record.apps[0]()
    assert app is not None and app.animation_level == "none"


async def test_a_mouse_click_reaches_the_app(harness: Harness) -> None:
    async with await harness.connect() as client:
        await client.wait_for("[Saluer]")
        client.type("Léa")
        await client.wait_for("Léa")
        col, row = client.find("[Saluer]")
        client.click(col + 2, row)
        await client.wait_for("Salut Léa !")


async def test_typing_and_a_binding_change_the_screen(harness: Harness) -> None:
    async with await harness.connect() as client:
        await client.wait_for("Votre nom")
        client.type("Zoé")
        await client.wait_for("Zoé")
        client.press("f5")
        await client.wait_for("Salut Zoé !")


async def test_resize_lays_the_screen_out_again(harness: Harness) -> None:
    async with await harness.connect() as client:
        await client.wait_until(lambda: "80x24" in client.display[23], what="80x24 layout")
        client.resize(100, 30)
        await client.wait_until(lambda: "100x30" in client.display[29], what="100x30 layout")
        assert len(client.display) == 30 and len(client.display[0]) == 100
        assert "80x24" not in client.text
        client.type("après")
        await client.wait_for("après")


async def test_sixteen_colours_for_plain_xterm(harness: Harness) -> None:
    async with await harness.connect(term_type="xterm") as client:
        await client.wait_for("Votre nom")
        client.type("abc")
        await client.wait_for("abc")
        assert colour_modes(bytes(client.raw)) == {"standard"}
        assert b"38;2;" not in client.raw and b"48;2;" not in client.raw


async def test_256_colours_for_a_256color_term(harness: Harness) -> None:
    async with await harness.connect(term_type="xterm-256color") as client:
        await client.wait_for("Votre nom")
        assert "256" in colour_modes(bytes(client.raw))
        assert "truecolor" not in colour_modes(bytes(client.raw))


async def test_truecolor_when_colorterm_says_so(harness: Harness) -> None:
    async with await harness.connect(env={"COLORTERM": "truecolor"}) as client:
        await client.wait_for("Votre nom")
        assert "truecolor" in colour_modes(bytes(client.raw))


def escape_noise(rng: random.Random, count: int) -> bytes:
    """Printable and high bytes mixed with truncated or bogus escape sequences."""
    pieces: list[bytes] = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.4:
            pieces.append(bytes(rng.randrange(0x20, 0x100) for _ in range(rng.randint(1, 6))))
        elif kind < 0.8:
            body = bytes(rng.choice(b"0123456789;:<>?$ ") for _ in range(rng.randint(0, 12)))
            pieces.append(b"\x1b[" + body + bytes([rng.randrange(0x40, 0x7f)]))
        else:
            pieces.append(b"\x1b" + bytes([rng.randrange(0x20, 0x7f)]))
    return b"".join(pieces)


async def test_invalid_utf8_and_garbage_escapes_do_not_crash(tmp_path: Path) -> None:
    noise = escape_noise(random.Random(1234), 300)
    fast = SessionOptions(max_input_rate=1e6)
    async with serve_tiny_app(tmp_path, session_options=fast) as harness, \
            await harness.connect() as client:
        await client.wait_for("Votre nom")
        client.send(b"\xff\xfe\xc3(\xed\xa0\x80 \xf0\x28\x8c\xbc")  # invalid UTF-8
        client.send(b"\x1b[999;999;999M\x1b[<0;5000;5000M\x1b[<64;1;1M\x1b[M!!!")  # mouse
        client.send(b"\x1b[48;9999;9999;1;1t")  # in-band resize: ignored
        client.send(b"\x1b[?2026;2$y\x1b]52;c;AAAA\x07\x1bP+q\x1b\\\x1b[" + b"9" * 200 + b"m")
        client.send(b"\x1b[200~coll\xc3\xa9\x1b[201~")  # bracketed paste
        client.send(noise)
        client.send(b"\x1b")  # a lone Escape, resolved by the parser's timeout
        client.press("ctrl+u")  # Input: delete to start of line
        client.press("end", "ctrl+u")
        client.type("fin")
        client.press("f5")
        await client.wait_for("Salut", timeout=10)
        await client.wait_until(lambda: "80x24" in client.display[23], what="size kept")
        assert not client.closed


async def test_an_input_flood_is_paced(tmp_path: Path) -> None:
    slow = SessionOptions(max_input_rate=20)
    async with serve_tiny_app(tmp_path, session_options=slow) as harness, \
            await harness.connect() as client:
        await client.wait_for("Votre nom")
        started = time.monotonic()
        client.type("a" * 30 + "Z")
        await client.wait_for("a" * 30 + "Z", timeout=10)
        # 20 events at once, then 20 per second: the last 11 need >= 0.55 s.
        assert time.monotonic() - started >= 0.5
