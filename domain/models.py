"""Plain data classes of the exam domain. No I/O, no framework."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

CHOICES_PER_QUESTION = 4
CHOICE_LETTERS = "ABCD"


class Role(str, enum.Enum):
    ADMIN = "admin"
    CENTRE = "centre"


class SessionKind(str, enum.Enum):
    OFFLINE = "offline"
    ONLINE = "online"


class Practical(str, enum.Enum):
    UNKNOWN = "unknown"
    FAVOURABLE = "favourable"
    UNFAVOURABLE = "unfavourable"

    @property
    def label(self) -> str:
        return {"unknown": "Non connue", "favourable": "Favorable",
                "unfavourable": "Défavorable"}[self.value]


class KeyState(str, enum.Enum):
    UNUSED = "unused"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"

    @property
    def label(self) -> str:
        return {"unused": "Non utilisée", "in_progress": "En cours",
                "submitted": "Validée"}[self.value]


class DocumentKind(str, enum.Enum):
    PAPER = "paper"
    LETTER = "letter"
    CERTIFICATE = "certificate"


@dataclass(frozen=True)
class Theme:
    id: int | None
    name: str
    position: int = 0


@dataclass(frozen=True)
class Question:
    """One version of a question. Question rows are immutable once stored."""

    id: int | None
    theme: str
    text: str
    choices: tuple[str, str, str, str]
    correct: int  # index into choices, 0..3
    active: bool = True

    @property
    def correct_text(self) -> str:
        return self.choices[self.correct]


@dataclass(frozen=True)
class Formation:
    code: str
    name: str
    questions_per_qcm: int = 30
    pass_mark: int = 24
    themes: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True)
class QuestionBank:
    formation: Formation
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Centre:
    id: int | None
    name: str
    address: str = ""
    postal_code: str = ""
    city: str = ""
    timezone: str = "Europe/Paris"


@dataclass(frozen=True)
class Trainer:
    id: int | None
    centre_id: int
    name: str
    email: str = ""


@dataclass(frozen=True)
class Account:
    id: int | None
    login: str
    role: Role
    centre_id: int | None
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class Qcm:
    id: int | None
    centre_id: int
    formation_code: str
    title: str
    created_at: datetime
    question_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class PaperBatch:
    id: int | None
    qcm_id: int
    copies: int
    seed: str
    created_at: datetime
    document_id: int | None = None


@dataclass(frozen=True)
class ExamSession:
    id: int | None
    qcm_id: int
    centre_id: int
    kind: SessionKind
    formation_code: str
    centre_name: str
    trainer_name: str
    place: str
    day: date
    starts_at: datetime | None = None  # UTC, online only
    ends_at: datetime | None = None  # UTC, online only
    trainer_id: int | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class Identity:
    civility: str = ""
    last_name: str = ""
    first_name: str = ""
    company: str = ""
    company_address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "France"
    email: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.civility, self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class Participant:
    id: int | None
    session_id: int
    number: str  # e.g. 2026-000123
    identity: Identity = field(default_factory=Identity)
    score: int | None = None
    practical: Practical = Practical.UNKNOWN
    retake_of: str | None = None  # participant number of the first attempt
    locked_at: datetime | None = None
    copy_number: int | None = None  # paper copy, when scored by machine

    @property
    def is_retake(self) -> bool:
        return self.retake_of is not None

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


@dataclass(frozen=True)
class OnlineKey:
    id: int | None
    session_id: int
    code: str
    participant_id: int
    state: KeyState
    seed: str
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    position: int = 0  # index of the question the candidate was on
    extra_minutes: int = 0  # granted beyond the session's end (aménagement d'épreuve)


@dataclass(frozen=True)
class Document:
    id: int | None
    centre_id: int
    session_id: int | None
    participant_id: int | None
    kind: DocumentKind
    path: str  # relative to the documents directory
    sha256: str
    created_at: datetime
    verify_code: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int | None
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: str = ""
