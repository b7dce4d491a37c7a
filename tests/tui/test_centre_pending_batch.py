"""« Noter une copie » offers only batches whose PDF is recorded: a batch still
being drawn (in another worker) has no printed copies yet."""

from __future__ import annotations

from datetime import date

from textual.widgets import Select

from domain.models import SessionKind
from tests.tui.centre_fixtures import (  # noqa: F401
    documents,
    open_participants,
    render_pool,
    screen_text,
    wait_for,
    world,
)
from tui.centre_app import CentreApp
from tui.modals.score_copy import ScoreCopyModal
from tui.screens.centre_participant_form import ParticipantFormScreen


async def test_a_batch_being_drawn_is_not_offered_for_scoring(world, documents):
    store, scope = world.store, world.scope_a
    qcm = await store.qcms.create_qcm(scope, "PV-RES", "PAPIER")
    drawing = await store.qcms.create_paper_batch(scope, qcm.id, 5)  # no PDF yet
    session = await store.sessions.create_session(scope, qcm.id, SessionKind.OFFLINE,
                                                  world.trainer_a.id, "Lyon", date(2026, 7, 4))
    app = CentreApp(store, world.account_a, world.clock, documents=documents)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot, session, add=True)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: "Aucun lot de copies papier" in screen_text(app))
        assert isinstance(app.screen, ParticipantFormScreen)

        printed, _ = await documents.generate_paper(scope, qcm.id, 3)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, ScoreCopyModal))
        select = app.screen.query_one("#batch", Select)
        assert [b.id for b in app.screen.batches] == [printed.id]
        assert select.value == printed.id
        assert f"Lot n°{drawing.id}" not in screen_text(app)
