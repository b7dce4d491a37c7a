"""A centre staff member over real SSH: create a QCM, record a paper session
with two participants (one passing, one eligible for a retake), create the
attestations, and the data is then locked."""

from __future__ import annotations

from domain.models import DocumentKind, Practical
from tests.e2e_helpers import ScreenClient, StaticAuthenticator, start_test_server
from tests.tui.centre_fixtures import documents, render_pool, world  # noqa: F401
from tui.centre_app import CentreApp


async def keys(client: ScreenClient, *names: str) -> None:
    """Press keys one at a time, letting the screen settle after each."""
    for name in names:
        client.press(name)
        await client.wait_quiet(0.1)


async def text(client: ScreenClient, value: str) -> None:
    client.type(value)
    await client.wait_for(value)


def line_of(client: ScreenClient, label: str) -> str:
    return next((line for line in client.display if label in line), "")


async def choose(client: ScreenClient, label: str, options: tuple[str, ...], moves: list[str],
                 value: str) -> None:
    """Open the focused select, wait until its list shows, move and pick `value`.

    Each step waits for what the screen shows, not for a delay: a loaded CI
    machine may take longer than any fixed pause to open the list."""
    client.press("enter")
    await client.wait_until(lambda: all(o in client.text for o in options), what=f"{label} list")
    await client.wait_quiet(0.1)
    await keys(client, *moves, "enter")
    await client.wait_until(
        lambda: value in line_of(client, label) and not all(o in client.text for o in options),
        what=f"{label} = {value}")


async def participant(client: ScreenClient, civility_downs: int, last: str, first: str,
                      score: str) -> None:
    civility = ("M.", "Mme")[civility_downs - 1]
    await choose(client, "Civilité", ("M.", "Mme"), ["down"] * civility_downs, civility)
    for value in (last, first, "Soleil SARL", "3 avenue du Midi", "69003", "Lyon"):
        await keys(client, "tab")
        await text(client, value)
    await keys(client, "tab", "tab")  # country stays France
    await text(client, f"{first.lower()}@soleil.fr")
    await keys(client, "tab")
    await text(client, score)
    await keys(client, "tab")
    await choose(client, "Évaluation pratique", ("Favorable", "Défavorable", "Non connue"),
                 ["up", "up"], "Favorable")
    await keys(client, "ctrl+s")
    await client.wait_for(f"ajouté : {last.upper()} {first}")


async def test_centre_records_a_paper_session_and_attests_it(tmp_path, world, documents):
    store = world.store

    def factory(principal: str, process) -> CentreApp:
        assert principal == "alpha"
        return CentreApp(store, world.account_a, world.clock, documents=documents,
                         sftp_hint="sftp -P 2222 alpha@qcm.example.fr")

    server = await start_test_server(tmp_path, factory,
                                     StaticAuthenticator(passwords={"alpha": "secret"}))
    try:
        async with await ScreenClient.connect(server.port, username="alpha",
                                              password="secret", term_type="xterm") as client:
            await client.wait_for("Serveur : 04/07/2026 à 10:00 (Europe/Paris)")
            await client.wait_for("Aucun QCM")
            # §3.1: a QCM for PV-RES
            await keys(client, "n")
            await client.wait_for("Nouveau QCM")
            await choose(client, "Formation", ("CESI —", "PV-RES —"), ["down", "down"], "PV-RES")
            await keys(client, "tab")
            await text(client, "PV-RES_2026-07-04")
            await keys(client, "enter")
            await client.wait_for("QCM 1 créé")
            # §3.3: a paper session
            await keys(client, "h")
            await client.wait_for("Session papier — QCM 1")
            await keys(client, "tab", "tab", "tab")  # centre, trainer, date: prefilled
            await text(client, "Lyon, salle 2")
            await keys(client, "ctrl+s")
            await client.wait_for("Ajouter un participant")
            await participant(client, 1, "Dupont", "Gérard", "27")
            await participant(client, 2, "Martin", "Zoé", "18")
            await keys(client, "escape")  # « Retour à la liste »
            await client.wait_for("Résultat")
            assert "Reçu" in client.text and "Rattrapage" in client.text
            # §3.3.3: attestations, then locked
            await keys(client, "g")
            await client.wait_for("VERROUILLÉES")
            await keys(client, "tab", "enter")
            await client.wait_for("participants verrouillés", timeout=30)
            await client.wait_for("Verrouillé")
            assert "2 courrier(s) et 1 attestation(s) créés" in client.text
            await keys(client, "m")
            await client.wait_for("est verrouillé")
    finally:
        await server.stop()
    [session] = await store.sessions.sessions(world.scope_a)
    people = await store.sessions.participants(world.scope_a, session.id)
    assert [(p.identity.last_name, p.score, p.practical, p.locked) for p in people] == [
        ("Dupont", 27, Practical.FAVOURABLE, True), ("Martin", 18, Practical.FAVOURABLE, True)]
    kinds = sorted(d.kind.value for d in await store.documents.documents(world.scope_a))
    assert kinds == sorted([DocumentKind.LETTER.value] * 2 + [DocumentKind.CERTIFICATE.value])
