"""Extra time (aménagement d'épreuve): one key's own end, later than its session's.

The session runs 09:00-12:00 (Paris); +⅓ of its duration is 60 minutes, so
the candidate with extra time ends at 13:00 while the others end at 12:00."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.exam import KeyRefusal, KeyRefused
from services import sessions
from services.errors import Invalid
from store.errors import Locked, NotFound
from tests.tui.conftest import (
    ADMIN,
    NOW,
    flat,
    make_app,
    screen_text,
    start_exam,
    wait_for,
    wait_screen,
)
from tui.screens.exam_screen import ExamScreen
from tui.screens.result_screen import ResultScreen

ENDS = NOW + timedelta(hours=2)  # the session's end, 12:00 in Paris
OWN_END = ENDS + timedelta(hours=1)  # +⅓ of three hours


async def grant_third(world, code: str):
    return await sessions.grant_extra_time(world.store, ADMIN, world.session.id, code, None)


async def test_a_third_is_shown_warned_and_submitted_at_the_keys_own_end(world):
    key = await grant_third(world, world.keys[0])
    assert key.extra_minutes == 60
    app = make_app(world, check_interval=0.02, tick_spread=0)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        assert "Temps restant 3 h 00 (fin 13:00)" in screen_text(app)
        # Past the session's end, the candidate keeps working and saving.
        world.clock.set(ENDS + timedelta(minutes=30))
        await wait_for(pilot, lambda: "Temps restant 30 min (fin 13:00)" in screen_text(app))
        await pilot.press("b")
        await wait_for(pilot, lambda: "Réponses 1/30" in screen_text(app))
        assert len(await world.stored_answers(world.keys[0])) == 1
        assert not isinstance(app.screen, ResultScreen)
        # Warned five minutes before its own end, with its own time.
        world.clock.set(OWN_END - timedelta(minutes=4, seconds=59))
        await wait_for(pilot, lambda: "validé automatiquement à 13:00" in flat(screen_text(app)))
        assert exam.query_one("#progress").has_class("-ending")
        world.clock.set(OWN_END)
        await wait_screen(pilot, ResultScreen)
        assert "validé automatiquement" in flat(screen_text(app))
    assert (await world.key_row(world.keys[0]))["state"] == "submitted"


async def test_the_others_still_end_with_the_session(world):
    await grant_third(world, world.keys[0])
    app = make_app(world, check_interval=0.02, tick_spread=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[1])
        assert "(fin 12:00)" in screen_text(app)
        world.clock.set(ENDS)
        await wait_screen(pilot, ResultScreen)
    assert (await world.key_row(world.keys[1]))["state"] == "submitted"
    assert (await world.key_row(world.keys[0]))["state"] == "unused"


async def test_extra_time_granted_during_the_exam_reaches_the_screen(world):
    app = make_app(world, check_interval=0.02, renew_interval=0.05, tick_spread=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        assert "(fin 12:00)" in screen_text(app)
        await sessions.grant_extra_time(world.store, ADMIN, world.session.id,
                                        world.keys[0], 45)
        await wait_for(pilot, lambda: "(fin 12:45)" in screen_text(app))
        world.clock.set(ENDS + timedelta(minutes=10))
        await pilot.pause(0.2)
        assert isinstance(app.screen, ExamScreen)


async def test_the_key_opens_after_the_sessions_end_until_its_own_end(world):
    await grant_third(world, world.keys[0])
    world.clock.set(ENDS + timedelta(minutes=20))
    ticket = await world.store.exam.open_key(world.keys[0], "late")
    assert ticket.ends_at == OWN_END
    with pytest.raises(KeyRefused) as refused:
        await world.store.exam.open_key(world.keys[1], "late")
    assert refused.value.reason is KeyRefusal.CLOSED
    world.clock.set(OWN_END)
    await world.store.exam.release(ticket.key.id, "late")  # type: ignore[arg-type]
    with pytest.raises(KeyRefused) as refused:
        await world.store.exam.open_key(world.keys[0], "later")
    assert refused.value.reason is KeyRefusal.CLOSED
    assert refused.value.ends_at == OWN_END  # the refusal names the key's own end


async def test_the_sweeper_submits_each_key_at_its_own_end(world):
    await grant_third(world, world.keys[0])
    extra = await world.store.exam.open_key(world.keys[0], "a")
    plain = await world.store.exam.open_key(world.keys[1], "b")
    world.clock.set(ENDS)
    assert await world.store.exam.submit_expired() == [plain.key.id]
    assert (await world.key_row(world.keys[0]))["state"] == "in_progress"
    world.clock.set(OWN_END - timedelta(seconds=1))
    assert await world.store.exam.submit_expired() == []
    world.clock.set(OWN_END)
    assert await world.store.exam.submit_expired() == [extra.key.id]
    entries = await world.store.db.all(
        "SELECT action FROM audit WHERE object_type = 'key' AND object_id = ?",
        (str(extra.key.id),))
    assert [e[0] for e in entries][-1] == "auto_submit"


async def test_granting_is_audited_and_refused_when_submitted_or_unknown(world):
    key = await sessions.grant_extra_time(world.store, ADMIN, world.session.id,
                                          world.keys[2].lower(), 20)
    assert key.extra_minutes == 20
    audit = await world.store.db.all(
        "SELECT actor, detail FROM audit WHERE action = 'extra_time'")
    assert [tuple(r) for r in audit] == [("test", f"{world.keys[2]} : 0 -> 20 min")]
    for bad in (-1, 721):
        with pytest.raises(Invalid):
            await sessions.grant_extra_time(world.store, ADMIN, world.session.id,
                                            world.keys[2], bad)
    ticket = await world.store.exam.open_key(world.keys[2], "t")
    await world.store.exam.submit(ticket.key.id, "t")  # type: ignore[arg-type]
    with pytest.raises(Locked, match="déjà validée"):
        await sessions.grant_extra_time(world.store, ADMIN, world.session.id,
                                        world.keys[2], 30)
    assert (await world.key_row(world.keys[2]))["extra_minutes"] == 20
    with pytest.raises(NotFound):
        await sessions.grant_extra_time(world.store, ADMIN, world.session.id,
                                        "AAAAA-BBBBB-CCCCC", 10)
