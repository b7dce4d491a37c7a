"""One connection's hold on an opened online key, without any user interface.

The screens of the candidate app go through this object: it keeps the key's
lease token, the answers already written and the question shown, and it writes
every change to the database before anyone may show it."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from domain.exam import ExamTicket
from domain.models import Identity, Participant, Question
from domain.validation import IDENTITY_LABELS, validate_identity
from store import Store


async def open_key(store: Store, typed: str, token: str) -> ExamTicket:
    """Take the lease on a typed key for one connection (raises KeyRefused)."""
    return await store.exam.open_key(typed, token)


class Attempt:
    def __init__(self, store: Store, ticket: ExamTicket, token: str) -> None:
        self.store = store
        self.ticket = ticket
        self.token = token
        self.answers: dict[int, int] = dict(ticket.answers)  # question id -> bank index
        last = max(len(ticket.questions) - 1, 0)
        self.position = min(max(ticket.key.position, 0), last)
        self._saved_position = self.position
        self.ends_at: datetime = ticket.ends_at

    @property
    def key_id(self) -> int:
        return self.ticket.key.id  # type: ignore[return-value]

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.ticket.questions

    @property
    def participant(self) -> Participant:
        return self.ticket.participant

    @property
    def has_identity(self) -> bool:
        return bool(self.participant.identity.last_name)

    def display_order(self, question: Question) -> tuple[int, ...]:
        return self.ticket.display_order(question)

    def shown_choice(self, question: Question) -> int | None:
        """Display position (0..3) of the saved answer, or None."""
        chosen = self.answers.get(question.id)  # type: ignore[arg-type]
        return None if chosen is None else self.display_order(question).index(chosen)

    def unanswered(self) -> list[int]:
        """Question numbers (from 1) without an answer."""
        return [n for n, q in enumerate(self.questions, start=1) if q.id not in self.answers]

    async def choose(self, question: Question, shown: int) -> None:
        """Save the choice shown at position `shown`; raises if it was not saved."""
        choice = self.display_order(question)[shown]
        position = self.position  # the question shown is saved with its answer
        await self.store.exam.save_answer(self.key_id, self.token, question.id, choice,  # type: ignore[arg-type]
                                          position)
        self.answers[question.id] = choice  # type: ignore[index]
        self._saved_position = position

    async def save_identity(self, identity: Identity, retake_of: str | None) -> Participant:
        # Checked here too, whoever sends it (raises ValidationError in French).
        identity = validate_identity({name: getattr(identity, name) for name in IDENTITY_LABELS})
        participant = await self.store.exam.save_identity(self.key_id, self.token, identity,
                                                          retake_of)
        self.ticket = dataclasses.replace(self.ticket, participant=participant)
        return participant

    async def heartbeat(self) -> bool:
        """Keep the lease, remember the position, follow window changes.

        False when this connection no longer holds the key."""
        position = self.position if self.position != self._saved_position else None
        ends_at = await self.store.exam.beat(self.key_id, self.token, position)
        if ends_at is None:
            return False
        if position is not None:
            self._saved_position = position
        self.ends_at = ends_at
        return True

    async def save_position(self) -> None:
        if self.position != self._saved_position:
            if await self.store.exam.save_position(self.key_id, self.token, self.position):
                self._saved_position = self.position

    async def release(self) -> None:
        """Give the key back (answers stay; the key opens again elsewhere)."""
        await self.save_position()
        await self.store.exam.release(self.key_id, self.token)

    async def submit(self) -> int:
        return await self.store.exam.submit(self.key_id, self.token)

    async def reload(self) -> ExamTicket:
        """The key as stored now (after a submission made elsewhere, for instance)."""
        self.ticket = await self.store.exam.ticket(self.key_id)
        return self.ticket
