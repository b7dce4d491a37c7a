"""Exam time windows: candidates are admitted only between start and end."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo


class WindowState(str, enum.Enum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


def window_state(now: datetime, starts_at: datetime, ends_at: datetime) -> WindowState:
    """Judge `now` (UTC, from the server's clock) against [starts_at, ends_at)."""
    if now < starts_at:
        return WindowState.NOT_YET_OPEN
    if now >= ends_at:
        return WindowState.CLOSED
    return WindowState.OPEN


MAX_EXTRA_MINUTES = 720  # extra time one key may get (store/schema.py STEP_4 checks it too)


def own_end(session_end: datetime, extra_minutes: int) -> datetime:
    """A candidate's own end: the session's end plus the key's extra time."""
    return session_end + timedelta(minutes=extra_minutes)


def third_of(starts_at: datetime, ends_at: datetime) -> int:
    """One third of a session's duration, in whole minutes rounded up (the
    usual « tiers temps »)."""
    seconds = max(0, int((ends_at - starts_at).total_seconds()))
    return -(-seconds // 180)


def extra_time_text(code: str, minutes: int, end: datetime, tz: str) -> str:
    """What a centre reads after granting (or withdrawing) a key's extra time."""
    given = (f"{minutes} min de temps supplémentaire" if minutes
             else "temps supplémentaire retiré")
    return f"Clé {code} : {given}, fin le {local_text(end, tz)}."


def local_text(moment: datetime, tz: str) -> str:
    """A moment shown in a centre's time zone, French style."""
    local = moment.astimezone(ZoneInfo(tz))
    return local.strftime("%d/%m/%Y à %H:%M")


def parse_local(text: str, tz: str) -> datetime:
    """Parse 'JJ/MM/AAAA HH:MM' or ISO 'AAAA-MM-JJ HH:MM' typed in a centre's
    time zone, and return the aware moment (in that zone; an hour repeated when
    summer time ends is taken at its first occurrence). A time skipped when
    summer time starts is refused. Raises ValueError in French."""
    value = " ".join(text.split())
    for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            naive = datetime.strptime(value, fmt)
        except ValueError:
            continue
        zone = ZoneInfo(tz)
        moment = naive.replace(tzinfo=zone)
        if moment.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
            # Skipped by the change to summer time: refuse rather than shift it.
            raise ValueError(f"L'heure « {text} » n'existe pas dans le fuseau {tz} "
                             "(changement d'heure).")
        return moment
    raise ValueError(f"Date et heure invalides : « {text} » (attendu JJ/MM/AAAA HH:MM).")


def parse_day(text: str) -> date:
    """Parse a calendar day typed as 'JJ/MM/AAAA' (or ISO). Raises ValueError in French."""
    value = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"Date invalide : « {text} » (attendu JJ/MM/AAAA).")
