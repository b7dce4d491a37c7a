"""Messages the candidate screens send to the candidate app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from domain.exam import KeyRefused


@dataclass
class KeyLost(Message):
    """The store refused a write: the key was taken, submitted or its window closed."""

    refusal: KeyRefused
