"""Exam windows and the centre's local time, across daylight saving changes."""

from datetime import datetime, timedelta, timezone

import pytest

from domain.window import WindowState, local_text, parse_local, window_state

UTC = timezone.utc
START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
END = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


def test_window_boundaries():
    assert window_state(START - TICK, START, END) is WindowState.NOT_YET_OPEN
    assert window_state(START, START, END) is WindowState.OPEN  # start included
    assert window_state(END - TICK, START, END) is WindowState.OPEN
    assert window_state(END, START, END) is WindowState.CLOSED  # end excluded
    assert window_state(END + timedelta(days=1), START, END) is WindowState.CLOSED


def test_window_compares_moments_not_wall_clocks():
    paris = START.astimezone(timezone(timedelta(hours=2)))
    assert window_state(paris, START, END) is WindowState.OPEN


@pytest.mark.parametrize(("typed", "utc"), [
    ("15/01/2026 10:00", datetime(2026, 1, 15, 9, 0, tzinfo=UTC)),  # CET, +1
    ("15/07/2026 10:00", datetime(2026, 7, 15, 8, 0, tzinfo=UTC)),  # CEST, +2
    ("2026-07-15 10:00", datetime(2026, 7, 15, 8, 0, tzinfo=UTC)),
    ("2026-07-15T10:00", datetime(2026, 7, 15, 8, 0, tzinfo=UTC)),
    ("  15/07/2026   10:00 ", datetime(2026, 7, 15, 8, 0, tzinfo=UTC)),
    # The night of the change to summer time (29 March 2026, 02:00 -> 03:00).
    ("29/03/2026 01:59", datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
    ("29/03/2026 03:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    # Back to winter time (25 October 2026, 03:00 -> 02:00): 02:30 happens
    # twice; the first one (summer time) is taken.
    ("25/10/2026 02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ("25/10/2026 03:30", datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
])
def test_parse_local_in_paris(typed, utc):
    # Compared in UTC: Python never finds an ambiguous local time equal to a
    # moment of another zone (PEP 495), so the test converts first.
    assert parse_local(typed, "Europe/Paris").astimezone(UTC) == utc


def test_parse_local_other_time_zone():
    assert parse_local("15/07/2026 10:00", "America/Cayenne").astimezone(UTC) == datetime(
        2026, 7, 15, 13, 0, tzinfo=UTC)


def test_parse_local_refuses_a_time_that_does_not_exist():
    # 02:30 on 29 March 2026 is skipped in Paris: refuse it rather than
    # silently store another time.
    with pytest.raises(ValueError, match="n'existe pas"):
        parse_local("29/03/2026 02:30", "Europe/Paris")


@pytest.mark.parametrize("typed", ["", "32/01/2026 10:00", "15/13/2026 10:00",
                                   "15/01/2026", "15/01/2026 25:00", "demain 10h"])
def test_parse_local_refuses_garbage(typed):
    with pytest.raises(ValueError, match="JJ/MM/AAAA HH:MM"):
        parse_local(typed, "Europe/Paris")


def test_local_text_in_summer_and_winter():
    assert local_text(datetime(2026, 1, 15, 9, 0, tzinfo=UTC), "Europe/Paris") == "15/01/2026 à 10:00"
    assert local_text(datetime(2026, 7, 15, 8, 0, tzinfo=UTC), "Europe/Paris") == "15/07/2026 à 10:00"
    # Both moments shown as 02:30 on the night back to winter time.
    assert local_text(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Europe/Paris") == "25/10/2026 à 02:30"
    assert local_text(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Europe/Paris") == "25/10/2026 à 02:30"


def test_parse_then_show_round_trips_every_quarter_hour_of_a_year():
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year == 2026:
        shown = local_text(moment, "Europe/Paris").replace(" à ", " ")
        back = parse_local(shown, "Europe/Paris")
        assert local_text(back, "Europe/Paris") == local_text(moment, "Europe/Paris")
        moment += timedelta(minutes=15)
