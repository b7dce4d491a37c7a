"""What the exam flow needs to know about one opened key."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from domain.models import ExamSession, Formation, OnlineKey, Participant, Question
from domain.shuffle import choice_order
from domain.window import own_end


class KeyRefusal(str, enum.Enum):
    UNKNOWN = "unknown"
    SUBMITTED = "submitted"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    IN_USE = "in_use"


@dataclass(frozen=True)
class ExamTicket:
    """An opened key: everything the candidate's screens show."""

    key: OnlineKey
    participant: Participant
    session: ExamSession
    formation: Formation
    timezone: str
    questions: tuple[Question, ...]
    answers: dict[int, int] = field(default_factory=dict)  # question id -> bank choice

    def display_order(self, question: Question) -> tuple[int, ...]:
        """Bank indices of the choices in this key's own order."""
        return choice_order(self.key.seed, self.key.code, question.id)  # type: ignore[arg-type]

    @property
    def ends_at(self) -> datetime:
        """The candidate's own end: the session's end plus the key's extra time."""
        assert self.session.ends_at is not None
        return own_end(self.session.ends_at, self.key.extra_minutes)


@dataclass(eq=False)  # not frozen: raising sets __traceback__ on the exception
class KeyRefused(Exception):
    reason: KeyRefusal
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str = "Europe/Paris"
