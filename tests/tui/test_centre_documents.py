"""Paper QCM generation and attestations, with and without a document service."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, ProgressBar

from domain.models import DocumentKind, Practical, SessionKind
from domain.shuffle import answer_key
from tests.tui.centre_fixtures import (  # noqa: F401
    IDENTITY,
    documents,
    error_of,
    fill_form,
    flat_text,
    identity,
    open_participants,
    render_pool,
    screen_text,
    wait_for,
    world,
)
from tui.centre_app import CentreApp
from tui.modals.score_copy import ScoreCopyModal
from tui.screens.centre_home import CentreHomeScreen
from tui.screens.centre_paper import PaperScreen
from tui.screens.centre_participant_form import ParticipantFormScreen

HINT = "scp -P 2222 alpha@qcm.example.fr:{path} ."


async def open_paper(pilot) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CentreHomeScreen))
    await pilot.pause()
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PaperScreen))
    await pilot.pause()


async def test_paper_without_service_says_so_and_records_nothing(world):
    qcm = await world.store.qcms.create_qcm(world.scope_a, "PV-RES", "PAPIER")
    app = CentreApp(world.store, world.account_a, world.clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_paper(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert error_of(app, "copies") == "Nombre de participants : nombre entier de 1 à 2000."
        app.screen.query_one("#copies", Input).value = "2001"
        await pilot.press("enter")
        await pilot.pause()
        assert error_of(app, "copies") == "Nombre de participants : nombre entier de 1 à 2000."
        await pilot.press("ctrl+a", "ctrl+k", "1", "2", "enter")
        await wait_for(pilot, lambda: "aucun lot n'a été créé" in flat_text(app))
        assert error_of(app, "copies") == ""
    assert await world.store.qcms.paper_batches(world.scope_a, qcm.id, pending=True) == []


async def test_paper_with_service_shows_progress_path_and_command(world, documents):
    qcm = await world.store.qcms.create_qcm(world.scope_a, "PV-RES", "PAPIER")
    app = CentreApp(world.store, world.account_a, world.clock, documents=documents,
                    sftp_hint=HINT)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_paper(pilot)
        await pilot.press("3", "0", "enter")
        await wait_for(pilot, lambda: "Fichier :" in screen_text(app))
        text = screen_text(app)
        [batch] = await world.store.qcms.paper_batches(world.scope_a, qcm.id)
        document = await world.store.documents.document(world.scope_a, batch.document_id)
        path = "/" + document.path.split("/", 1)[1]  # the centre's own folder is / over SFTP
        assert f"Fichier : {path}" in text
        assert f"scp -P 2222 alpha@qcm.example.fr:{path} ." in text
        bar = app.screen.query_one(ProgressBar)
        assert bar.total and bar.progress == bar.total  # finished
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CentreHomeScreen))
    pdf = world.tmp / "documents" / document.path
    assert pdf.read_bytes().startswith(b"%PDF")


async def test_full_offline_path_with_attestations(world, documents):
    """Create a QCM, record a paper session with one passing participant and
    one eligible for a retake, create the attestations, then everything is locked."""
    store, scope = world.store, world.scope_a
    qcm = await store.qcms.create_qcm(scope, "PV-RES", "PV-RES_2026-07-04")
    session = await store.sessions.create_session(scope, qcm.id, SessionKind.OFFLINE,
                                                  world.trainer_a.id, "Lyon", date(2026, 7, 4))
    passing = await store.sessions.add_participant(scope, session.id, identity(), 26,
                                                   Practical.FAVOURABLE)
    retake = await store.sessions.add_participant(scope, session.id,
                                                  identity(last_name="Martin"), 19,
                                                  Practical.FAVOURABLE)
    waiting = await store.sessions.add_participant(scope, session.id,
                                                   identity(last_name="Attente"), 25,
                                                   Practical.UNKNOWN)
    app = CentreApp(store, world.account_a, world.clock, documents=documents, sftp_hint=HINT)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, session)
        assert not app.screen.query_one("#attest").disabled
        await pilot.press("g")
        await wait_for(pilot, lambda: "VERROUILLÉES" in screen_text(app))
        text = screen_text(app)
        assert "2 participant(s)" in text and "1 participant(s) sans note" in text
        await pilot.press("escape")  # cancel: nothing happens
        await wait_for(pilot, lambda: "annulée" in screen_text(app))
        assert await store.documents.documents(scope) == []
        await pilot.click("#attest")
        await wait_for(pilot, lambda: "VERROUILLÉES" in screen_text(app))
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: "participants verrouillés" in screen_text(app))
        text = screen_text(app)
        assert "2 courrier(s) et 1 attestation(s) créés" in text
        assert text.count("participants verrouillés") == 1  # one status block, not two
        assert text.count("Verrouillé") >= 2
    by_id = {p.id: p for p in await store.sessions.participants(scope, session.id)}
    assert by_id[passing.id].locked and by_id[retake.id].locked
    assert not by_id[waiting.id].locked
    kinds = sorted((d.participant_id, d.kind) for d in await store.documents.documents(scope))
    assert kinds == sorted([(passing.id, DocumentKind.LETTER), (retake.id, DocumentKind.LETTER),
                            (passing.id, DocumentKind.CERTIFICATE)])


async def test_score_a_paper_copy_from_ticked_letters(world, documents):
    store, scope = world.store, world.scope_a
    qcm = await store.qcms.create_qcm(scope, "PV-RES", "PAPIER")
    batch, _ = await documents.generate_paper(scope, qcm.id, 5)
    key = answer_key(batch.seed, 3, await store.qcms.questions(scope, qcm.id))
    wrong = {"A": "B", "B": "C", "C": "D", "D": "A"}
    ticked = "".join(wrong[c] for c in key[:4]) + key[4:]  # 4 mistakes: 26/30
    session = await store.sessions.create_session(scope, qcm.id, SessionKind.OFFLINE,
                                                  world.trainer_a.id, "Lyon", date(2026, 7, 4))
    app = CentreApp(store, world.account_a, world.clock, documents=documents)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, session, add=True)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, ScoreCopyModal))
        await pilot.press("9", "tab", *key, "enter")
        await wait_for(pilot, lambda: error_of(app, "copy") != "")
        assert "Copie n° 9 absente du lot" in error_of(app, "copy")
        app.screen.query_one("#copy", Input).value = "3"
        app.screen.query_one("#letters", Input).value = key[:-1]
        await pilot.press("enter")
        await wait_for(pilot, lambda: error_of(app, "letters") != "")
        assert "29 réponses saisies, 30 attendues" in error_of(app, "letters")
        app.screen.query_one("#letters", Input).value = ticked.lower()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "26/30" in screen_text(app))
        await pilot.press("enter")  # « Utiliser cette note »
        await wait_for(pilot, lambda: isinstance(app.screen, ParticipantFormScreen))
        await pilot.pause()
        assert app.screen.query_one("#score", Input).value == "26"
        fill_form(app, {"civility": "M.", **IDENTITY, "practical": Practical.FAVOURABLE})
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "ajouté" in screen_text(app))
    [p] = await store.sessions.participants(scope, session.id)
    assert (p.score, p.copy_number) == (26, 3)

    # The ticked letters are kept as answers, so question statistics count this copy.
    recorded = await store.exam.answers(p.id)
    questions = await store.qcms.questions(scope, qcm.id)
    right = sum(recorded.get(q.id) == q.correct for q in questions)
    assert len(recorded) == 30 and right == 26
