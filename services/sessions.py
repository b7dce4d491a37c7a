"""Exam sessions and their keys: every change a centre makes, one transaction each."""

from __future__ import annotations

from datetime import date, datetime

from domain.models import ExamSession, KeyState, OnlineKey, SessionKind
from domain.window import MAX_EXTRA_MINUTES, third_of
from services.errors import Invalid, count, text
from store import Scope, Store

MAX_KEYS = 500  # keys created at once (a session's participants, or keys added later)


async def create_online_session(store: Store, scope: Scope, qcm_id: int, participants: int,
                                trainer_id: int, place: str, starts_at: datetime,
                                ends_at: datetime, *, day: date | None = None,
                                centre_name: str | None = None,
                                ) -> tuple[ExamSession, list[OnlineKey]]:
    """An online session and one key per participant, in one transaction:
    no session is left without its keys."""
    count(participants, "Nombre de participants", MAX_KEYS)
    place = text(place, "Lieu")
    centre_name = None if centre_name is None else text(centre_name, "Centre")
    async with store.db.transaction() as tx:
        session_id = await store.sessions.insert_session(
            tx, scope, qcm_id, SessionKind.ONLINE, trainer_id, place,
            day or starts_at.date(), starts_at, ends_at, centre_name)
        key_ids = await store.exam.insert_keys(tx, scope, session_id, participants)
    return (await store.sessions.session(scope, session_id),
            await store.exam.keys_by_id(scope, key_ids))


async def create_paper_session(store: Store, scope: Scope, qcm_id: int, trainer_id: int,
                               place: str, day: date,
                               centre_name: str | None = None) -> ExamSession:
    place = text(place, "Lieu")
    centre_name = None if centre_name is None else text(centre_name, "Centre")
    return await store.sessions.create_session(scope, qcm_id, SessionKind.OFFLINE, trainer_id,
                                               place, day, centre_name=centre_name)


async def add_keys(store: Store, scope: Scope, session_id: int, number: int) -> list[OnlineKey]:
    count(number, "Nombre de clés", MAX_KEYS)
    return await store.exam.create_keys(scope, session_id, number)


async def delete_key(store: Store, scope: Scope, key_id: int) -> None:
    """Delete a key (and its participant); the store refuses a submitted one."""
    await store.exam.delete_key(scope, key_id)


async def delete_keys(store: Store, scope: Scope, session_id: int, codes: list[str] | None,
                      ) -> list[str]:
    """Delete the named keys of a session (by code), or every unused one when
    `codes` is None; return the deleted codes. Unknown codes are refused before
    anything is deleted; a key in use or submitted is never deleted here."""
    pairs = await store.exam.keys(scope, session_id)
    by_code = {k.code: k for k, _ in pairs}
    if codes is None:
        chosen = [k for k, _ in pairs if k.state is KeyState.UNUSED]
    else:
        wanted = [c.strip().upper() for c in codes]
        unknown = [c for c in wanted if c not in by_code]
        if unknown:
            raise Invalid(f"Clé inconnue dans la session {session_id} : {unknown[0][:20]}.")
        chosen = [by_code[c] for c in dict.fromkeys(wanted)]
        busy = [k.code for k in chosen if k.state is not KeyState.UNUSED]
        if busy:
            raise Invalid(f"Clé déjà utilisée, non supprimée : {busy[0]}.")
    async with store.db.transaction() as tx:
        for key in chosen:
            await store.exam.remove_key(tx, scope, key.id, unused_only=True)  # type: ignore[arg-type]
    return [k.code for k in chosen]


async def grant_extra_time(store: Store, scope: Scope, session_id: int, code: str,
                           minutes: int | None) -> OnlineKey:
    """Give one key extra time beyond its session's end (aménagement
    d'épreuve): `minutes`, or a third of the session's duration when None;
    0 withdraws it. Refused for a submitted key; audited."""
    session = await store.sessions.session(scope, session_id)
    if session.kind is not SessionKind.ONLINE or session.starts_at is None \
            or session.ends_at is None:
        raise Invalid("Le temps supplémentaire ne concerne que les sessions en ligne.")
    if minutes is None:
        minutes = third_of(session.starts_at, session.ends_at)
    if not 0 <= minutes <= MAX_EXTRA_MINUTES:
        raise Invalid(f"Temps supplémentaire : de 0 à {MAX_EXTRA_MINUTES} minutes.")
    return await store.exam.set_extra_time(scope, session_id, code.strip().upper(), minutes)


async def change_session(store: Store, scope: Scope, session_id: int, *,
                         starts_at: datetime | None = None, ends_at: datetime | None = None,
                         trainer_id: int | None = None, place: str | None = None,
                         day: date | None = None,
                         centre_name: str | None = None) -> ExamSession:
    """Change a session's window (any time) or its printed fields (refused by
    the database once a participant submitted or was locked)."""
    if starts_at is not None or ends_at is not None:
        current = await store.sessions.session(scope, session_id)
        if current.kind is not SessionKind.ONLINE:
            raise Invalid("Une session papier n'a pas d'horaire d'ouverture.")
    return await store.sessions.update_session(
        scope, session_id, starts_at=starts_at, ends_at=ends_at, trainer_id=trainer_id,
        place=None if place is None else text(place, "Lieu"), day=day,
        centre_name=None if centre_name is None else text(centre_name, "Centre"))
