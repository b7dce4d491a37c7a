"""French wording of times for the candidate screens."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def clock_text(moment: datetime, tz: str, now: datetime | None = None) -> str:
    """'15:30' in the centre's time zone; '26/12 à 15:30' if `now` is given
    and falls on another day there (a window over several days)."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    if now is not None and now.astimezone(zone).date() != local.date():
        return local.strftime("%d/%m à %H:%M")
    return local.strftime("%H:%M")


def time_left_text(remaining: timedelta) -> str:
    """Whole minutes left, never rounded up: '1 h 05', '42 min', '< 1 min'."""
    seconds = int(remaining.total_seconds())
    if seconds <= 0:
        return "temps écoulé"
    if seconds < 60:
        return "moins d'1 min"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"
