"""The participant actions of centre staff, one function each, shared by the
screens and the commands: add, edit, delete a participant of a paper session,
record a practical result, record the scores of paper copies.

Each action validates its input (French messages keyed by field, as
`ValidationError`), then makes one store call, which is one transaction that
checks the certification rules of `domain.invariants` (refusals are
`StoreError`s with a French reason) and writes nothing if anything is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.keys import normalize_participant_number
from domain.models import ExamSession, Identity, Participant, Practical, SessionKind
from domain.stats import paper_answers
from domain.validation import ValidationError, validate_identity
from services.scoring import (
    CopyScore,
    ScoringError,
    normalize_letters,
    rows_of,
    score_letters,
)
from store import Conflict, NotFound, Scope, Store
from store.sessions import ScoreRecord


@dataclass(frozen=True)
class PaperCopy:
    """The letters ticked on one copy of a paper batch."""

    batch_id: int
    copy_number: int
    letters: str


@dataclass(frozen=True)
class ScoredCopy:
    """One line of a CSV of paper copies, scored and matched to a participant."""

    line: int
    copy_number: int | None
    letters: str
    score: int | None
    number: str | None = None  # participant number
    error: str | None = None


# One participant -------------------------------------------------------------

async def add_participant(store: Store, scope: Scope, session_id: int, identity: Identity, score: int | None,
              practical: Practical, retake_of: str | None = None,
              copy: PaperCopy | None = None,
              copy_number: int | None = None) -> Participant:
    """Add a participant to a paper session. With `copy`, the score is the
    copy's and its ticked answers are kept; `copy_number` alone is the copy
    handed to the participant, to be scored later (`record_copies`)."""
    session = await store.sessions.session(scope, session_id)
    values = await _values(store, scope, session, identity, score, retake_of, copy)
    return await store.sessions.add_participant(
        scope, session_id, values["identity"], values["score"], practical,
        values["retake_of"], values["copy_number"] or copy_number, values["answers"])

async def edit_participant(store: Store, scope: Scope, participant_id: int, identity: Identity,
               score: int | None, practical: Practical, retake_of: str | None = None,
               copy: PaperCopy | None = None,
               copy_number: int | None = None) -> Participant:
    """Change a participant; refused (naming the second attempt) when it is a
    first attempt quoted by a retake and the change would alter its decision."""
    current = await store.sessions.participant(scope, participant_id)
    session = await store.sessions.session(scope, current.session_id)
    values = await _values(store, scope, session, identity, score, retake_of, copy)
    kept_copy = values["copy_number"] or copy_number
    if kept_copy is None and values["score"] == current.score:
        kept_copy = current.copy_number  # the same score still comes from that copy
    return await store.sessions.update_participant(
        scope, participant_id, values["identity"], values["score"], practical,
        values["retake_of"], kept_copy, values["answers"])

async def delete_participant(store: Store, scope: Scope, participant_id: int) -> None:
    """Delete a participant typed by mistake; refused for a locked one and
    for a first attempt that a second attempt quotes."""
    await store.sessions.delete_participant(scope, participant_id)

async def record_practical(store: Store, scope: Scope, participant_id: int,
                           practical: Practical) -> None:
    """The practical result of a participant (online sessions type it after
    the QCM); a retake carries its first attempt's."""
    await store.sessions.set_practical(scope, participant_id, practical)

async def edit_refusal(store: Store, scope: Scope, participant: Participant) -> str | None:
    """Why the form would refuse any change of `participant`, before it opens."""
    if not participant.locked:
        return None
    reason = (f"{participant.number} est verrouillé : ses documents sont créés, ses "
              "données ne changent plus")
    quoted = await store.sessions.quoting(scope, participant.number)
    if quoted is not None:
        reason += f" ; il est le premier passage cité par le second passage n° {quoted}"
    return reason + "."

async def score_copy(store: Store, scope: Scope, session_id: int, copy: PaperCopy) -> int:
    """The score of the letters ticked on one copy (nothing recorded)."""
    session = await store.sessions.session(scope, session_id)
    score, _ = await _score_copy(store, scope, session, copy)
    return score

async def _values(store: Store, scope: Scope, session: ExamSession, identity: Identity,
                  score: int | None, retake_of: str | None,
                  copy: PaperCopy | None) -> dict:
    if session.kind is not SessionKind.OFFLINE:
        raise Conflict("Les participants d'une session en ligne viennent de ses clés.")
    errors: dict[str, str] = {}
    try:
        identity = validate_identity(dataclasses.asdict(identity))
    except ValidationError as exc:
        errors.update(exc.errors)
    formation = await store.banks.formation(session.formation_code)
    answers: Mapping[int, int] | None = None
    if copy is not None:
        try:
            score, answers = await _score_copy(store, scope, session, copy)
        except ScoringError as exc:
            errors["score"] = str(exc)
    if score is not None and not 0 <= score <= formation.questions_per_qcm:
        errors["score"] = f"Note : nombre entier de 0 à {formation.questions_per_qcm}."
    number = None
    if retake_of:
        number = normalize_participant_number(retake_of)
        if number is None:
            errors["retake_of"] = ("N° du premier passage : format AAAA-NNNNNN "
                                   "(exemple : 2026-000123), indiqué sur son courrier.")
    if errors:
        raise ValidationError(errors)
    return {"identity": identity, "score": score, "retake_of": number, "answers": answers,
            "copy_number": copy.copy_number if copy else None}

async def _score_copy(store: Store, scope: Scope, session: ExamSession,
                      copy: PaperCopy) -> tuple[int, dict[int, int]]:
    batch = await store.qcms.paper_batch(scope, copy.batch_id)
    if batch.qcm_id != session.qcm_id:
        raise ScoringError(f"Le lot n° {batch.id} est celui d'un autre QCM.")
    questions = await store.qcms.questions(scope, batch.qcm_id)
    score = score_letters(batch, questions, copy.copy_number, copy.letters)
    ticked = normalize_letters(copy.letters, len(questions))
    return score, paper_answers(batch.seed, copy.copy_number, questions, ticked)

# A batch of paper copies ----------------------------------------------------------

async def record_copies(store: Store, scope: Scope, batch_id: int, text: str, *,
                        dry_run: bool = False) -> list[ScoredCopy]:
    """Score every line of a CSV of paper copies and, unless `dry_run`,
    record each score and its ticked answers on the participant it belongs
    to, all in one transaction. Lines are « copie;lettres » (the participant
    who was handed that copy) or « participant;copie;lettres » (AAAA-NNNNNN;
    the copy may be left empty when it was given at the participant's
    addition). With `dry_run`, « copie;lettres » lines are only scored.
    If any line has an error, nothing is recorded; each line carries its
    error. A refusal of the rules (locked, quoted...) raises StoreError."""
    batch = await store.qcms.paper_batch(scope, batch_id)
    questions = await store.qcms.questions(scope, batch.qcm_id)
    candidates = await _paper_participants(store, scope, batch.qcm_id)
    results: list[ScoredCopy] = []
    records: list[ScoreRecord] = []
    copies: set[int] = set()
    for line_no, cells in rows_of(text):
        number = normalize_participant_number(cells[0])
        copy_text = (cells[1] if len(cells) == 3 else "") if number else cells[0]
        letters = cells[-1] if len(cells) > 1 else ""
        copy = int(copy_text) if copy_text.isdigit() else None
        try:
            if len(cells) != (3 if number else 2):
                raise ScoringError("colonnes attendues : « copie;lettres » ou "
                                   "« participant;copie;lettres ».")
            target = None if dry_run and number is None else _match(
                candidates, number, copy_text)
            if target is not None and not copy_text:
                copy = target.copy_number
            if copy is None:
                raise ScoringError(f"numéro de copie invalide : « {copy_text} ».")
            if copy in copies:
                raise ScoringError(f"copie n° {copy} déjà notée plus haut.")
            if target is not None and target.id in {r.participant_id for r in records}:
                raise ScoringError(f"{target.number} est déjà noté plus haut.")
            score = score_letters(batch, questions, copy, letters)
        except ScoringError as exc:
            results.append(ScoredCopy(line_no, copy, letters, None, number, str(exc)))
            continue
        copies.add(copy)
        results.append(ScoredCopy(line_no, copy, letters, score,
                                  target.number if target else None))
        if target is not None:
            ticked = normalize_letters(letters, len(questions))
            records.append(ScoreRecord(target.id, score, copy,  # type: ignore[arg-type]
                                       paper_answers(batch.seed, copy, questions, ticked)))
    if not dry_run and records and all(r.error is None for r in results):
        await store.sessions.record_scores(scope, records)
    return results

async def _paper_participants(store: Store, scope: Scope, qcm_id: int) -> list[Participant]:
    found = []
    for session in await store.sessions.sessions(scope, qcm_id):
        if session.kind is SessionKind.OFFLINE:
            found.extend(await store.sessions.participants(scope, session.id))  # type: ignore[arg-type]
    return found


def _match(participants: Sequence[Participant], number: str | None,
           copy_text: str) -> Participant:
    """The participant a CSV line names (by number) or who was handed the copy."""
    if number is not None:
        for p in participants:
            if p.number == number:
                if not copy_text and p.copy_number is None:
                    raise ScoringError(f"{number} : numéro de copie manquant (aucune copie "
                                       "indiquée à son ajout).")
                return p
        raise ScoringError(f"{number} : aucun participant de ce numéro dans les sessions "
                           "papier de ce QCM.")
    if not copy_text.isdigit():
        raise ScoringError(f"numéro de copie invalide : « {copy_text} ».")
    holders = [p for p in participants if p.copy_number == int(copy_text)]
    if not holders:
        raise ScoringError(f"copie n° {copy_text} : aucun participant n'a reçu cette copie "
                           "(« participant;copie;lettres » pour le désigner).")
    if len(holders) > 1:
        raise ScoringError(f"copie n° {copy_text} : reçue par plusieurs participants "
                           f"({', '.join(p.number for p in holders)}) : indiquez le numéro "
                           "de participant.")
    return holders[0]


__all__ = ["CopyScore", "NotFound", "PaperCopy", "ScoredCopy"]
