"""Garbage over the SSH channel: truncated escapes, invalid UTF-8, escape
sequences typed into fields, a 1 MB paste, resizes to 1x1 and 500x200. The
session survives or ends alone; a second candidate keeps answering."""

from __future__ import annotations

from tests.e2e.test_candidate_e2e import answer, next_question
from tests.reliability.faults import fill_identity_partly, open_screen, start_fault_server
from tests.reliability.hostile import ESCAPE_BYTES
from tests.tui.centre_fixtures import world  # noqa: F401

GARBAGE = [b"\x1b[", b"\x1b]52;c;", b"\x1bO", b"\x1b[<0;1", b"\xff\xfe\xc3", b"\xe2\x82",
           b"\x1b[200~", b"\x00\x00", b"\x1b[999999999999;1H", b"\x9b\x9d"]


async def test_garbage_keystrokes_and_resizes(tmp_path) -> None:
    fs = await start_fault_server(tmp_path, keys=2)
    try:
        witness = await fs.connect()
        assert await open_screen(witness, fs.world.keys[1]) == "identity"
        await fill_identity_partly(witness, 8)
        await witness.wait_for("Question 1/30")

        victim = await fs.connect()
        assert await open_screen(victim, fs.world.keys[0]) == "identity"
        await victim.wait_quiet(0.1)
        victim.press("enter")  # civility chosen, on « Nom »
        for chunk in GARBAGE:  # into the « Nom » field
            victim.send(chunk)
        victim.send("\x1b]52;c;cm0gLXJmIH4=\x07Dupont\x1b[2J")
        await answer(witness, "a")
        victim.send(b"x" * 1_000_000)  # a 1 MB paste
        victim.send("\x1b[200~" + "y" * 100_000 + "\x1b[201~")  # bracketed paste
        await next_question(witness, 2)
        await answer(witness, "b")
        for cols, rows in ((1, 1), (500, 200), (1, 1), (80, 24)):
            victim.resize(cols, rows)
            witness.press("n")
        await witness.wait_for("Question 6/30")
        for chunk in GARBAGE:
            victim.send(chunk)
        await answer(witness, "c")
        await victim.wait_quiet(0.3, timeout=30)
        # The victim either survived (and the form refuses the garbage) or ended alone.
        if not victim.closed:
            victim.resize(80, 24)
            victim.press("ctrl+s", "escape")
            await victim.wait_quiet(0.2, timeout=30)
        for marker in ESCAPE_BYTES:
            assert marker not in bytes(victim.raw), marker
        assert len(await fs.world.stored_answers(fs.world.keys[1])) == 3
        assert (await fs.world.key_row(fs.world.keys[0]))["state"] != "submitted"
        participant = await fs.world.store.db.one(
            "SELECT p.last_name FROM participants p JOIN online_keys k "
            "ON k.participant_id = p.id WHERE k.code = ?", (fs.world.keys[0],))
        assert "\x1b" not in (participant[0] or "")
        victim.abort()
        witness.abort()
    finally:
        await fs.stop()


async def test_garbage_against_the_centre_app(tmp_path, world) -> None:  # noqa: F811
    """Same garbage against a centre session; another centre session keeps working."""
    from tests.e2e_helpers import ScreenClient, StaticAuthenticator, start_test_server
    from tui.centre_app import CentreApp

    def factory(principal: str, process) -> CentreApp:
        return CentreApp(world.store, world.account_a, world.clock)

    server = await start_test_server(tmp_path, factory,
                                     StaticAuthenticator(passwords={"alpha": "secret"}))
    try:
        witness = await ScreenClient.connect(server.port, username="alpha", password="secret",
                                             term_type="xterm")
        victim = await ScreenClient.connect(server.port, username="alpha", password="secret",
                                            term_type="xterm")
        await witness.wait_for("Aucun QCM", timeout=10)
        await victim.wait_for("Aucun QCM", timeout=10)
        victim.press("n")  # a form with text fields
        await victim.wait_for("Conseil : formation")
        for chunk in GARBAGE:
            victim.send(chunk)
        victim.send(b"z" * 1_000_000)
        for cols, rows in ((1, 1), (500, 200), (1, 1), (80, 24)):
            victim.resize(cols, rows)
        for chunk in GARBAGE:
            victim.send(chunk)
        for _ in range(3):  # the witness opens and closes a form meanwhile
            witness.press("n")
            await witness.wait_for("Conseil : formation", timeout=10)
            witness.press("escape")
            await witness.wait_gone("Conseil : formation", timeout=10)
        await victim.wait_quiet(0.3, timeout=30)
        if not victim.closed:
            victim.press("escape", "escape")
            await victim.wait_quiet(0.2, timeout=30)
        for marker in ESCAPE_BYTES:
            assert marker not in bytes(victim.raw), marker
        assert (await world.store.db.one("SELECT COUNT(*) FROM qcms"))[0] == 0
        witness.abort()
        victim.abort()
    finally:
        await server.stop()
