"""How centre screens word and format domain values (French, plain text)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from domain.models import (
    ExamSession,
    KeyState,
    OnlineKey,
    Participant,
    Practical,
    SessionKind,
)
from domain.oversight import SessionState
from domain.oversight import session_state as oversight_state
from domain.rules import Outcome, decide
from domain.text import safe_text
from domain.window import WindowState, window_state

OUTCOME_SHORT = {
    Outcome.PASSED: "Reçu",
    Outcome.RETAKE_ALLOWED: "Rattrapage",
    Outcome.REDO_TRAINING: "À refaire",
    Outcome.PENDING: "En attente",
}

WINDOW_LABELS = {
    WindowState.NOT_YET_OPEN: "À venir",
    WindowState.OPEN: "Ouverte",
    WindowState.CLOSED: "Fermée",
}

PRACTICAL_CHOICES = (
    ("Favorable", Practical.FAVOURABLE),
    ("Défavorable", Practical.UNFAVOURABLE),
    ("Non connue", Practical.UNKNOWN),
)


def plain(value: object, limit: int | None = None) -> Text:
    """Text typed by someone, made safe to show (never read as markup)."""
    return Text(safe_text("" if value is None else str(value), limit), no_wrap=True,
                overflow="ellipsis")


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def input_moment(moment: datetime | None, tz: str) -> str:
    """A moment as typed back in a form (JJ/MM/AAAA HH:MM, centre time)."""
    return "" if moment is None else local(moment, tz).strftime("%d/%m/%Y %H:%M")


def window_text(session: ExamSession, tz: str) -> str:
    """'04/07/2026 09:00-17:00' or '04/07 09:00-05/07 17:00' (centre time)."""
    if session.starts_at is None or session.ends_at is None:
        return day_text(session.day)
    start, end = local(session.starts_at, tz), local(session.ends_at, tz)
    if start.date() == end.date():
        return f"{start:%d/%m/%Y %H:%M}-{end:%H:%M}"
    return f"{start:%d/%m %H:%M}-{end:%d/%m %H:%M}"


def session_state(session: ExamSession, now: datetime, count: int, locked: int) -> str:
    """The domain's state (the certification body reads the same), with the
    paper session's progress: « Saisie » or « 2/3 att. »."""
    state = oversight_state(session.kind, now, session.starts_at, session.ends_at, count, locked)
    if state is SessionState.ATTESTED:
        return state.label
    if session.kind is SessionKind.ONLINE and session.starts_at and session.ends_at:
        return WINDOW_LABELS[window_state(now, session.starts_at, session.ends_at)]
    return f"{locked}/{count} att." if locked else "Saisie"


def kind_text(session: ExamSession) -> str:
    return "En ligne" if session.kind is SessionKind.ONLINE else "Papier"


def outcome(participant: Participant, pass_mark: int) -> Outcome:
    return decide(participant.score, participant.practical, pass_mark, participant.is_retake)


def person(participant: Participant) -> str:
    i = participant.identity
    return " ".join(p for p in (i.last_name.upper(), i.first_name) if p)


def key_state_text(key: OnlineKey, participant: Participant) -> str:
    if participant.locked:
        return "Verrouillée"
    return key.state.label


def can_publish(participant: Participant) -> bool:
    """Unlocked, with a known score and a known practical result."""
    return (not participant.locked and participant.score is not None
            and participant.practical is not Practical.UNKNOWN)


def is_submitted(key: OnlineKey) -> bool:
    return key.state is KeyState.SUBMITTED
