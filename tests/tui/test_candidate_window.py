"""The end of the window: warning, automatic submission, moved end times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.tui.conftest import (
    ADMIN,
    NOW,
    enter_key,
    flat,
    make_app,
    screen_text,
    start_exam,
    wait_for,
    wait_screen,
)
from tui.modals.overview import OverviewModal
from tui.screens.exam_screen import tick_lead
from tui.screens.identity_screen import IdentityScreen
from tui.screens.result_screen import ResultScreen

ENDS = NOW + timedelta(hours=2)


async def test_time_left_is_shown_and_a_warning_comes_five_minutes_before(world):
    app = make_app(world, check_interval=0.02, tick_spread=0)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        assert "Temps restant 2 h 00 (fin 12:00)" in screen_text(app)
        world.clock.set(ENDS - timedelta(minutes=42, seconds=30))
        await wait_for(pilot, lambda: "Temps restant 42 min (fin 12:00)" in screen_text(app))
        assert not exam.query_one("#progress").has_class("-ending")
        world.clock.set(ENDS - timedelta(minutes=4, seconds=59))
        await wait_for(pilot, lambda: "Temps restant 4 min" in screen_text(app))
        assert exam.query_one("#progress").has_class("-ending")
        await wait_for(pilot, lambda: "validé automatiquement à 12:00" in flat(screen_text(app)))
        world.clock.set(ENDS - timedelta(seconds=20))
        await wait_for(pilot, lambda: "moins d'1 min" in screen_text(app))


async def test_each_session_shows_a_new_minute_a_little_early_never_late(world):
    """Hundreds of candidates share one end time: their screens must not all
    repaint in the same second (measured: keys delayed by up to 3 s)."""
    app = make_app(world, check_interval=0.02)  # the default spread, 10 s
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        lead = exam.lead.total_seconds()
        assert 0 < lead < 10
        world.clock.set(ENDS - timedelta(minutes=42, seconds=lead + 0.5))
        await wait_for(pilot, lambda: "Temps restant 42 min" in screen_text(app))
        world.clock.set(ENDS - timedelta(minutes=42, seconds=lead - 0.5))
        await wait_for(pilot, lambda: "Temps restant 41 min" in screen_text(app))


def test_leads_spread_evenly_over_the_spread():
    leads = [tick_lead(key_id, 10.0).total_seconds() for key_id in range(1, 501)]
    assert all(0 <= lead < 10 for lead in leads)
    per_second = [sum(1 for lead in leads if n <= lead < n + 1) for n in range(10)]
    assert min(per_second) >= 40 and max(per_second) <= 60, per_second


async def test_automatic_submission_at_the_end_shows_the_score(world):
    app = make_app(world, check_interval=0.02)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        await pilot.press("a", "n", "b", "n", "c")
        await wait_for(pilot, lambda: "Réponses 3/30" in screen_text(app))
        await pilot.press("v")  # a modal is open when the time runs out
        await wait_screen(pilot, OverviewModal)
        world.clock.set(ENDS)
        await wait_screen(pilot, ResultScreen)
        text = flat(screen_text(app))
        assert "validé automatiquement avec les réponses enregistrées" in text
        row = await world.key_row(world.keys[0])
        assert row["state"] == "submitted"
        participant = await world.store.sessions.participant(ADMIN, row["participant_id"])
        assert f"Votre note : {participant.score}/30" in text
        assert len(app.screen_stack) == 2  # nothing left underneath


async def test_automatic_submission_also_happens_on_the_identity_form(world):
    app = make_app(world, check_interval=0.02)
    async with app.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, IdentityScreen)
        world.clock.set(ENDS + timedelta(seconds=1))
        await wait_screen(pilot, ResultScreen)
        assert "Votre note : 0/30" in screen_text(app)


async def test_check_can_be_triggered_directly(world):
    app = make_app(world, check_interval=3600)  # the timer never fires in this test
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        world.clock.set(ENDS)
        await app.check_time()
        await wait_screen(pilot, ResultScreen)


async def test_an_end_moved_later_by_the_centre_is_followed(world):
    app = make_app(world, check_interval=0.02, renew_interval=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        await world.store.sessions.update_session(ADMIN, world.session.id,
                                                  ends_at=ENDS + timedelta(minutes=30))
        await wait_for(pilot, lambda: "(fin 12:30)" in screen_text(app))
        world.clock.set(ENDS + timedelta(minutes=1))
        await pilot.pause(0.1)
        assert app.screen is exam
        assert (await world.key_row(world.keys[0]))["state"] == "in_progress"


async def test_an_end_moved_earlier_submits_on_the_next_answer(world):
    app = make_app(world, check_interval=3600, renew_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        await pilot.press("a")
        await world.store.sessions.update_session(ADMIN, world.session.id,
                                                  ends_at=NOW + timedelta(minutes=1))
        world.clock.advance(minutes=2)
        await pilot.press("n", "b")  # refused by the store: the window is closed
        await wait_screen(pilot, ResultScreen)
        assert len(await world.stored_answers(world.keys[0])) == 1


async def test_the_servers_sweeper_submitting_first_still_shows_the_score(world):
    # The app's own clock check never runs here: with it every 20 ms, the app
    # could learn the new end (heartbeat) and submit before the sweeper did,
    # which made this test fail on a loaded machine. The heartbeat finds the
    # key submitted by the sweeper.
    app = make_app(world, check_interval=3600, renew_interval=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        await pilot.press("a")
        await wait_for(pilot, lambda: "Réponses 1/30" in screen_text(app))
        await world.store.sessions.update_session(ADMIN, world.session.id, ends_at=NOW)
        assert await world.store.exam.submit_expired()
        await wait_screen(pilot, ResultScreen)
        assert "Votre note :" in screen_text(app)


async def test_exam_screen_survives_many_clock_ticks_without_repainting(world):
    app = make_app(world, check_interval=0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        progress = exam.query_one("#progress")
        before = progress.render()
        await pilot.pause(0.2)  # about 20 ticks within the same minute
        assert progress.render() is before  # not re-rendered: no bytes sent


def test_the_clock_is_looked_at_when_something_it_shows_changes() -> None:
    from tui.candidate_app import next_check
    # 2 h left, no lead: « 2 h 00 » turns « 1 h 59 » just after now; then each minute.
    assert next_check(7200.0, 0.0, 300.0, 600.0) == pytest.approx(0.01)
    assert next_check(7199.0, 0.0, 300.0, 600.0) == pytest.approx(59.005)
    # With a 4-s lead the shown minute changes 4 s earlier.
    assert next_check(7199.0, 4.0, 300.0, 600.0) == pytest.approx(55.005)
    # The end's warning, 5 min before the end, comes before the next minute.
    assert next_check(330.0, 0.0, 300.0, 600.0) == pytest.approx(30.005)
    assert next_check(302.5, 0.0, 300.0, 600.0) == pytest.approx(2.505)
    # The end itself, in the last minute.
    assert next_check(42.0, 0.0, 300.0, 600.0) == pytest.approx(42.005)
    # Never longer than the longest interval (a window may be extended meanwhile).
    assert next_check(7199.0, 0.0, 300.0, 10.0) == 10.0
    # Past the end: at once.
    assert next_check(-3.0, 0.0, 300.0, 10.0) == pytest.approx(0.01)
