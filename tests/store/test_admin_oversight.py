"""Oversight lists across centres, filters, outbox."""

from datetime import date

import pytest

from domain.models import DocumentKind
from domain.oversight import Filters
from store import Scope
from tests.admin_seed import ADMIN, seed


@pytest.fixture
async def world(tmp_path, backend):
    s = await seed(tmp_path, target=backend.target)
    yield s
    await s.store.close()


async def test_qcms_across_centres_and_filters(world):
    o = world.admin.oversight
    rows = await o.qcms(ADMIN)
    assert [(r.qcm.id, r.centre_name, r.sessions, r.participants) for r in rows] == [
        (world.qcm_beta, "Centre Bêta", 1, 3), (world.qcm_alpha, "Centre Alpha", 1, 3)]
    assert [r.qcm.id for r in await o.qcms(ADMIN, Filters(centre_id=world.alpha))] == [world.qcm_alpha]
    assert await o.qcms(ADMIN, Filters(formation="AUTRE")) == []
    assert await o.qcms(ADMIN, Filters(state="unused")) == []
    assert await o.qcms(ADMIN, Filters(date_to=date(2026, 3, 11))) == []


async def test_sessions_states_and_dates(world):
    o = world.admin.oversight
    rows = await o.sessions(ADMIN)
    assert [(r.session.id, r.state.value, r.participants, r.scored, r.locked) for r in rows] == [
        (world.online_session, "open", 3, 3, 0), (world.paper_session, "paper", 3, 3, 2)]
    assert [r.session.id for r in await o.sessions(ADMIN, Filters(state="paper"))] == [
        world.paper_session]
    march_10 = Filters(date_from=date(2026, 3, 10), date_to=date(2026, 3, 10))
    assert [r.session.id for r in await o.sessions(ADMIN, march_10)] == [world.paper_session]
    world.clock.advance(hours=3)
    assert (await o.sessions(ADMIN, Filters(centre_id=world.alpha)))[0].state.value == "closed"


async def test_participants_states_and_outcomes(world):
    o = world.admin.oversight
    rows = await o.participants(ADMIN, Filters(centre_id=world.beta))
    assert [(r.participant.identity.last_name, r.state.value, r.outcome.value) for r in rows] == [
        ("Reussi", "locked", "passed"), ("Rate", "locked", "retake_allowed"),
        ("Rate", "scored", "passed")]
    locked = await o.participants(ADMIN, Filters(state="locked"))
    assert {r.participant.id for r in locked} == {world.participants["reussi"],
                                                  world.participants["rate"]}


async def test_a_centre_scope_sees_only_its_centre(world):
    o = world.admin.oversight
    alpha = Scope.centre(world.alpha, "alpha")
    assert {r.session.centre_id for r in await o.sessions(alpha)} == {world.alpha}
    assert await o.participants(alpha, Filters(centre_id=world.beta)) == []
    assert await o.documents(alpha) == []


async def test_documents_and_outbox(world):
    o = world.admin.oversight
    every = await o.documents(ADMIN)
    assert [r.document.kind for r in every] == [DocumentKind.LETTER, DocumentKind.CERTIFICATE,
                                                DocumentKind.LETTER, DocumentKind.PAPER]
    outbox = await o.outbox(ADMIN)
    assert [r.document.id for r in outbox] == [world.documents["certificate_reussi"],
                                               world.documents["letter_rate"]]
    first = outbox[0]
    assert first.participant_name == "M. Jean Reussi"
    assert first.recipient == "Soleil SARL, 1 rue du Four, 69001 Lyon, France"
    assert await o.outbox(ADMIN, world.alpha) == []
    assert await world.store.documents.mark_sent(ADMIN, [r.document.id for r in outbox]) == 2
    assert await o.outbox(ADMIN) == []
    sent = await o.documents(ADMIN, Filters(state="sent"))
    assert len(sent) == 3 and all(r.document.sent_at for r in sent)


async def test_period_results_oldest_session_first(world):
    o = world.admin.oversight
    rows = await o.results(ADMIN, Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)))
    assert [r.session.id for r in rows] == [world.paper_session] * 3 + [world.online_session] * 3
    rows = await o.results(ADMIN, Filters(centre_id=world.alpha, date_from=date(2026, 3, 12)))
    assert [r.participant.score for r in rows] == [4, 2, 0]
