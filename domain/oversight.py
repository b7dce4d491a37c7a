"""States shown to the certification body when it oversees the centres."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from domain.models import KeyState, SessionKind
from domain.window import WindowState, window_state


class SessionState(str, enum.Enum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    PAPER = "paper"
    ATTESTED = "attested"  # every participant's documents produced (locked)

    @property
    def label(self) -> str:
        return {"upcoming": "À venir", "open": "Ouverte", "closed": "Close",
                "paper": "Papier", "attested": "Attestée"}[self.value]


class ParticipantState(str, enum.Enum):
    WAITING = "waiting"  # no score yet, key not started
    IN_PROGRESS = "in_progress"  # online key opened, not submitted
    SCORED = "scored"  # a score, documents not generated
    LOCKED = "locked"  # documents generated: nothing changes any more

    @property
    def label(self) -> str:
        return {"waiting": "En attente", "in_progress": "En cours", "scored": "Noté",
                "locked": "Verrouillé"}[self.value]


class DocumentState(str, enum.Enum):
    UNSENT = "unsent"
    SENT = "sent"

    @property
    def label(self) -> str:
        return {"unsent": "À envoyer", "sent": "Envoyé"}[self.value]


def session_state(kind: SessionKind, now: datetime, starts_at: datetime | None,
                  ends_at: datetime | None, participants: int = 0,
                  locked: int = 0) -> SessionState:
    """One rule for the centre and the certification body: a session whose
    participants are all locked (documents produced) is attested."""
    if participants and locked == participants:
        return SessionState.ATTESTED
    if kind is SessionKind.OFFLINE or starts_at is None or ends_at is None:
        return SessionState.PAPER
    return {WindowState.NOT_YET_OPEN: SessionState.UPCOMING, WindowState.OPEN: SessionState.OPEN,
            WindowState.CLOSED: SessionState.CLOSED}[window_state(now, starts_at, ends_at)]


def participant_state(score: int | None, locked: bool,
                      key_state: KeyState | None) -> ParticipantState:
    if locked:
        return ParticipantState.LOCKED
    if score is not None:
        return ParticipantState.SCORED
    if key_state is KeyState.IN_PROGRESS:
        return ParticipantState.IN_PROGRESS
    return ParticipantState.WAITING


@dataclass(frozen=True)
class Filters:
    """What the oversight lists are narrowed to; None means any."""

    centre_id: int | None = None
    formation: str | None = None
    date_from: date | None = None  # inclusive
    date_to: date | None = None  # inclusive
    state: str | None = None  # a value of the listed objects' state enum

    def day_ok(self, day: date) -> bool:
        return ((self.date_from is None or day >= self.date_from)
                and (self.date_to is None or day <= self.date_to))
