"""French wording of times on the candidate screens."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tui.formatting import clock_text, time_left_text

NOON_PARIS = datetime(2026, 7, 4, 10, 0, tzinfo=timezone.utc)


def test_the_end_shows_its_day_only_when_it_is_not_today_in_the_centre_zone() -> None:
    assert clock_text(NOON_PARIS, "Europe/Paris") == "12:00"
    late = NOON_PARIS - timedelta(hours=11)  # 23:00 UTC on 03/07
    assert clock_text(NOON_PARIS, "Europe/Paris", late) == "12:00"  # 01:00 on 04/07 in Paris
    # In Cayenne (UTC-3) it is still 20:00 on 03/07, and the end is 07:00 on 04/07.
    assert clock_text(NOON_PARIS, "America/Cayenne", late) == "04/07 à 07:00"
    assert clock_text(NOON_PARIS, "Europe/Paris", NOON_PARIS - timedelta(days=2)) == "04/07 à 12:00"


def test_time_left_is_whole_minutes_rounded_down() -> None:
    assert time_left_text(timedelta(hours=2)) == "2 h 00"
    assert time_left_text(timedelta(minutes=42, seconds=59)) == "42 min"
    assert time_left_text(timedelta(seconds=59)) == "moins d'1 min"
    assert time_left_text(timedelta(0)) == "temps écoulé"
