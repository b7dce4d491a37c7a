"""Rows to domain objects, in one place. Timestamps are stored as UTC text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from sqlite3 import Row as SqliteRow
from typing import Any

from domain.models import (
    Account,
    Centre,
    Document,
    DocumentKind,
    ExamSession,
    Formation,
    Identity,
    KeyState,
    OnlineKey,
    PaperBatch,
    Participant,
    Practical,
    Qcm,
    Question,
    Role,
    SessionKind,
    Trainer,
)
from store.pg import PgRow
from store.schema import IDENTITY_COLUMNS

# A row of either backend, or a dict of one (columns by name).
Row = SqliteRow | PgRow | Mapping[str, Any]

_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"


def ts(moment: datetime) -> str:
    """A moment as sortable UTC text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return moment.astimezone(timezone.utc).strftime(_FMT)


def from_ts(text: str | None) -> datetime | None:
    if text is None:
        return None
    return moment(text)


def moment(text: str) -> datetime:
    """The moment of a timestamp the schema guarantees (a NOT NULL column, or an
    online session's times): `from_ts` for the others."""
    return datetime.strptime(text, _FMT).replace(tzinfo=timezone.utc)


def formation(row: Row, themes: tuple[str, ...]) -> Formation:
    return Formation(row["code"], row["name"], row["questions_per_qcm"], row["pass_mark"],
                     themes, bool(row["active"]))


def question(row: Row, theme: str) -> Question:
    return Question(row["id"], theme, row["text"],
                    (row["choice_a"], row["choice_b"], row["choice_c"], row["choice_d"]),
                    row["correct"], bool(row["active"]))


def centre(row: Row) -> Centre:
    return Centre(row["id"], row["name"], row["address"], row["postal_code"], row["city"],
                  row["timezone"])


def trainer(row: Row) -> Trainer:
    return Trainer(row["id"], row["centre_id"], row["name"], row["email"])


def account(row: Row) -> Account:
    return Account(row["id"], row["login"], Role(row["role"]), row["centre_id"],
                   bool(row["disabled"]))


def qcm(row: Row, question_ids: tuple[int, ...] = ()) -> Qcm:
    return Qcm(row["id"], row["centre_id"], row["formation_code"], row["title"],
               from_ts(row["created_at"]), question_ids)  # type: ignore[arg-type]


def paper_batch(row: Row) -> PaperBatch:
    return PaperBatch(row["id"], row["qcm_id"], row["copies"], row["seed"],
                      from_ts(row["created_at"]), row["document_id"])  # type: ignore[arg-type]


def session(row: Row) -> ExamSession:
    return ExamSession(
        row["id"], row["qcm_id"], row["centre_id"], SessionKind(row["kind"]),
        row["formation_code"], row["centre_name"], row["trainer_name"], row["place"],
        date.fromisoformat(row["day"]), from_ts(row["starts_at"]), from_ts(row["ends_at"]),
        row["trainer_id"], from_ts(row["created_at"]),
    )


def identity(row: Row) -> Identity:
    return Identity(**{c: row[c] for c in IDENTITY_COLUMNS})


def participant(row: Row) -> Participant:
    return Participant(
        row["id"], row["session_id"], row["number"], identity(row), row["score"],
        Practical(row["practical"]), row["retake_of"], from_ts(row["locked_at"]),
        row["copy_number"],
    )


def online_key(row: Row) -> OnlineKey:
    return OnlineKey(row["id"], row["session_id"], row["code"], row["participant_id"],
                     KeyState(row["state"]), row["seed"], from_ts(row["started_at"]),
                     from_ts(row["submitted_at"]), row["position"],
                     row["extra_minutes"])


def document(row: Row) -> Document:
    return Document(row["id"], row["centre_id"], row["session_id"], row["participant_id"],
                    DocumentKind(row["kind"]), row["path"], row["sha256"],
                    from_ts(row["created_at"]), row["verify_code"],  # type: ignore[arg-type]
                    from_ts(row["sent_at"]))
