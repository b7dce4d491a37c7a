"""Focus and chosen states that show without colour, on the terminal itself.

Through a real SSH client at TERM=vt100 and TERM=linux, a pyte screen tells
which cells are in reverse video: the focused field's label (and only it)
must be, on every form; check boxes and radio buttons show their state in
the glyph."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ExamServer
from tests.e2e.test_candidate_e2e import open_key
from tests.e2e_helpers import RunningServer, ScreenClient, StaticAuthenticator, start_test_server
from tests.tui.centre_fixtures import documents, render_pool, world  # noqa: F401
from tui.centre_app import CentreApp

TERMS = ("vt100", "linux")


def reversed_runs(client: ScreenClient) -> list[str]:
    """Texts drawn in reverse video, one entry per run of cells (stripped)."""
    runs: list[str] = []
    screen = client.screen
    for y in range(screen.lines):
        run = ""
        for x in range(screen.columns):
            cell = screen.buffer[y][x]
            if cell.reverse:
                run += cell.data
            elif run:
                runs.append(run.strip())
                run = ""
        if run:
            runs.append(run.strip())
    return [r for r in runs if r]


async def focus_on(client: ScreenClient, label: str, others: tuple[str, ...]) -> None:
    """Wait until `label` is in reverse video and none of `others` is."""
    def shown() -> bool:
        runs = reversed_runs(client)
        return any(r.startswith(label) for r in runs) and not any(
            r.startswith(o) for r in runs for o in others)
    await client.wait_until(shown, what=f"focus marker on {label!r} only "
                                        f"(reverse video: {reversed_runs(client)})")


IDENTITY_LABELS = ("Civilité", "Nom", "Prénom", "Entreprise", "Adresse de l'entreprise",
                   "Code postal", "Ville", "Pays", "Email")


@pytest.mark.sqlite_only("what a monochrome terminal shows: the database takes no part")
@pytest.mark.parametrize("term", TERMS)
async def test_identity_form_focus_and_glyphs(exam_server: ExamServer, term: str) -> None:
    async with await exam_server.connect(term_type=term) as client:
        await open_key(client, exam_server.world.keys[0])
        await client.wait_for("Vos informations")
        await client.wait_for("( ) M.   ( ) Mme")  # nothing chosen yet: no dot
        await focus_on(client, "Civilité", IDENTITY_LABELS[1:])
        client.press("down", "enter")  # Mme, then on to « Nom »
        await client.wait_for("( ) M.   (•) Mme")
        await focus_on(client, "Nom", ("Civilité", "Prénom"))
        client.type("Dupont")
        client.press("tab")
        await focus_on(client, "Prénom", ("Civilité", "Nom"))
        client.press(*["tab"] * 7)  # to the « Second passage » box
        await focus_on(client, "Second passage", IDENTITY_LABELS)
        assert "[ ] oui" in client.text
        client.press("space")
        await client.wait_for("[x] oui")
        client.press("tab", "tab")  # past the retake number to « Valider »
        await focus_on(client, "Valider", IDENTITY_LABELS + ("Second passage",))
        # A VT100 has no ECH (erase characters): blanks are written as blanks.
        erased = re.search(rb"\x1b\[\d*X", bytes(client.raw))
        assert (erased is None) == (term == "vt100")


@pytest.mark.parametrize("term", TERMS)
async def test_centre_forms_focus_marker_follows_tab(tmp_path, world, documents,  # noqa: F811
                                                     term: str) -> None:
    def factory(principal: str, process) -> CentreApp:
        return CentreApp(world.store, world.account_a, world.clock, documents=documents)

    server = await start_test_server(tmp_path, factory,
                                     StaticAuthenticator(passwords={"alpha": "secret"}))
    try:
        async with await ScreenClient.connect(server.port, username="alpha", password="secret",
                                              term_type=term) as client:
            await client.wait_for("Aucun QCM")
            client.press("n")
            await client.wait_for("Nouveau QCM")
            await focus_on(client, "Formation", ("Intitulé",))
            client.press("tab")
            await focus_on(client, "Intitulé", ("Formation",))
            client.press("tab", "tab")  # « Annuler », « Créer »: buttons in reverse video
            await focus_on(client, "Créer", ("Formation", "Intitulé", "Annuler"))
    finally:
        await server.stop()


@pytest.mark.parametrize("term", TERMS)
async def test_admin_form_focus_marker_follows_tab(admin_server: RunningServer,
                                                  term: str) -> None:
    async with await ScreenClient.connect(admin_server.port, username="admin", password="secret",
                                          term_type=term) as client:
        await client.wait_for("Centres")
        client.press("2")
        await client.wait_for("Centre Alpha")
        client.press("n")
        await focus_on(client, "Nom", ("Adresse", "Code postal"))
        client.press("tab")
        await focus_on(client, "Adresse", ("Nom", "Code postal"))
        client.press("tab")
        await focus_on(client, "Code postal", ("Nom", "Adresse"))


ENGLISH = ("Do you want", "Press", "Dismiss", "menu", "quit the app", "Select")


async def test_textual_own_texts_are_french(admin_server: RunningServer) -> None:
    """Ctrl+C's reminder and an open drop-down's footer, through the real server."""
    async with await ScreenClient.connect(admin_server.port, username="admin", password="secret",
                                          term_type="xterm") as client:
        await client.wait_for("Centres")
        client.press("ctrl+c")
        await client.wait_for("Quitter ?")
        assert "Pour quitter, appuyez sur Ctrl+Q." in " ".join(client.text.split())
        client.press("3")  # oversight: its first control is a drop-down
        await client.wait_for("Tous les centres")
        await client.wait_quiet(0.2)
        client.press("enter")  # opens it
        await client.wait_for("Fermer la liste")
        assert "Échap Fermer la liste" in client.text
        for english in ENGLISH:
            assert english not in client.text, english


def test_every_drop_down_is_the_french_one() -> None:
    """Screens take `Select` from tui.widgets.select, never Textual's own."""
    import ast
    from pathlib import Path

    import tui
    offenders = []
    for path in Path(tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module == "textual.widgets"
                    and any(alias.name == "Select" for alias in node.names)
                    and path.name != "select.py"):
                offenders.append(path.name)
    assert offenders == []
