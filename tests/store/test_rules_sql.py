"""The certification rules the database states itself (STEP_3 of
store/schema.py and store/schema_pg.py), one test each, on both backends,
through a plain connection beside the application's: what someone with the
sqlite3 shell or psql could do behind its back."""

from __future__ import annotations

from datetime import date

import pytest

from domain.models import Practical, SessionKind
from store import schema, schema_pg
from tests.backends import DIRECT_ERRORS, Backend, DirectSql
from tests.store.conftest import ADMIN, identity, make_final, small_bank

RULE = "RULE"
UNIQUE = "(?i)unique"


async def _insert_retake(conn: DirectSql, world, retake_of: str, number: str = "2026-900001",
                         practical: str = "favourable", score: int | None = 5) -> None:
    a = world.a
    await conn.execute(
        "INSERT INTO participants (session_id, centre_id, number, last_name, score, practical, "
        "retake_of, created_at) VALUES (?, ?, ?, 'Retake', ?, ?, ?, 'x')",
        (a.offline.id, a.centre.id, number, score, practical, retake_of))


async def _without_trigger(backend: Backend, conn: DirectSql, name: str, table: str,
                           statement: str, params: tuple = ()) -> None:
    """Run `statement` with trigger `name` dropped by hand, then put it back
    as its migration step wrote it: data written before the rules."""
    if backend.is_pg:
        await conn.execute(f"DROP TRIGGER {name} ON {table}")
    else:
        await conn.execute(f"DROP TRIGGER {name}")
    await conn.execute(statement, params)
    step = schema_pg.STEP_3 if backend.is_pg else schema.STEP_3
    [create] = [s for s in step if f"TRIGGER {name} " in s]
    await conn.execute(create)


async def _legacy_retake(backend: Backend, conn: DirectSql, world, retake_of: str,
                         score: int = 5) -> None:
    """A retake written without the rules (before STEP_3, or with the trigger
    dropped by hand): what the quoting rules must still protect."""
    a = world.a
    await _without_trigger(
        backend, conn, "participants_retake_insert", "participants",
        "INSERT INTO participants (session_id, centre_id, number, last_name, score, practical, "
        "retake_of, created_at) VALUES (?, ?, '2026-900001', 'Retake', ?, 'favourable', ?, 'x')",
        (a.offline.id, a.centre.id, score, retake_of))


async def _add(store, world, score, practical, locked=False):
    a = world.a
    p = await store.sessions.add_participant(a.scope, a.offline.id, identity("Premier"), score,
                                             practical)
    if locked:
        await store.documents.publish(a.scope, a.centre.id, a.offline.id, [], lock=[p.id])
    return p


def _certificate(centre_id: int, path: str) -> str:
    return ("INSERT INTO documents (centre_id, participant_id, kind, path, sha256, created_at) "
            f"VALUES ({int(centre_id)}, ?, 'certificate', '{path}', 'x', 'x')")


async def test_retake_of_a_first_attempt_not_final(store, world, backend):
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match=RULE):
            await _insert_retake(conn, world, world.a.participant.number)  # eligible, not locked
        await make_final(store, world.a)
        await _insert_retake(conn, world, world.a.participant.number)  # now accepted


@pytest.mark.parametrize(("score", "practical"), [
    (4, Practical.FAVOURABLE),  # passed
    (1, Practical.UNFAVOURABLE),  # redo the training
    (5, Practical.UNFAVOURABLE),
])
async def test_retake_of_a_first_attempt_without_the_right(store, world, backend, score,
                                                           practical):
    first = await _add(store, world, score, practical, locked=True)
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match=RULE):
            await _insert_retake(conn, world, first.number)


async def test_retake_of_unknown_number_or_of_a_retake(store, world, backend):
    await make_final(store, world.a)
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match=RULE):
            await _insert_retake(conn, world, "2026-999999")
        await _insert_retake(conn, world, world.a.participant.number)
        with pytest.raises(DIRECT_ERRORS, match=RULE):  # a retake's retake
            await _insert_retake(conn, world, "2026-900001", number="2026-900002")


async def test_retake_of_another_formation(store, world, backend):
    await store.banks.import_bank(small_bank("AUTRE"), ADMIN)
    a = world.a
    qcm = await store.qcms.create_qcm(a.scope, "AUTRE", "Autre")
    other = await store.sessions.create_session(a.scope, qcm.id, SessionKind.OFFLINE,
                                                a.trainer.id, "Salle", date(2026, 3, 11))
    first = await make_final(store, a)
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match=RULE):
            await conn.execute(
                "INSERT INTO participants (session_id, centre_id, number, score, practical, "
                "retake_of, created_at) VALUES (?, ?, '2026-900001', 5, 'favourable', ?, 'x')",
                (other.id, a.centre.id, first.number))


async def test_retake_carries_a_favourable_practical(store, world, backend):
    first = await make_final(store, world.a)
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match=RULE):
            await _insert_retake(conn, world, first.number, practical="unknown")
        await _insert_retake(conn, world, first.number)
        with pytest.raises(DIRECT_ERRORS, match=RULE):
            await conn.execute("UPDATE participants SET practical = 'unfavourable' "
                               "WHERE number = '2026-900001'")


async def test_retake_set_later_by_update(store, world, backend):
    other = await _add(store, world, 3, Practical.UNKNOWN)
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match=RULE):  # first attempt not final
            await conn.execute("UPDATE participants SET retake_of = ?, practical = 'favourable' "
                               "WHERE id = ?", (world.a.participant.number, other.id))
    assert (await store.sessions.participant(world.a.scope, other.id)).retake_of is None


async def test_one_retake_per_first_attempt(store, world, backend):
    first = await make_final(store, world.a)
    async with backend.sql() as conn:
        await _insert_retake(conn, world, first.number)
        with pytest.raises(DIRECT_ERRORS, match=UNIQUE):
            await _insert_retake(conn, world, first.number, number="2026-900002")


async def test_quoted_first_attempt_keeps_its_decision_and_stays(store, world, backend):
    """Rule 2 even for a first attempt that is not locked (a retake written
    before the rules): its score, practical result and attempt are frozen,
    and it cannot be deleted."""
    first = world.a.participant  # not locked
    async with backend.sql() as conn:
        await _legacy_retake(backend, conn, world, first.number)
        for statement in ("UPDATE participants SET score = 5 WHERE id = ?",
                          "UPDATE participants SET practical = 'unfavourable' WHERE id = ?",
                          "UPDATE participants SET number = '2026-800000' WHERE id = ?",
                          "DELETE FROM participants WHERE id = ?"):
            with pytest.raises(DIRECT_ERRORS, match=RULE):
                await conn.execute(statement, (first.id,))
        await conn.execute("UPDATE participants SET city = 'Nantes' WHERE id = ?", (first.id,))
    after = await store.sessions.participant(world.a.scope, first.id)
    assert (after.score, after.practical, after.identity.city) == (2, Practical.FAVOURABLE,
                                                                   "Nantes")


async def test_certificate_only_for_a_passed_result(store, world, backend):
    centre = world.a.centre.id
    failed = world.a.participant  # 2/6
    async with backend.sql() as conn:
        with pytest.raises(DIRECT_ERRORS, match=RULE):
            await conn.execute(_certificate(centre, "c.pdf"), (failed.id,))
        passed = await _add(store, world, 5, Practical.FAVOURABLE)
        await conn.execute(_certificate(centre, "c.pdf"), (passed.id,))
        with pytest.raises(DIRECT_ERRORS, match=UNIQUE):  # one certificate each
            await conn.execute(_certificate(centre, "d.pdf"), (passed.id,))


async def test_one_certificate_per_chain(store, world, backend):
    """Rule 3 against a chain written before the rules: A passed (26/30 in the
    issue), R quotes it. R's certificate would cite a passed first attempt;
    once R has one, A gets none."""
    centre = world.a.centre.id
    first = await _add(store, world, 5, Practical.FAVOURABLE)
    async with backend.sql() as conn:
        await _legacy_retake(backend, conn, world, first.number, score=6)
        [(retake_id,)] = await conn.all(
            "SELECT id FROM participants WHERE number = '2026-900001'")
        with pytest.raises(DIRECT_ERRORS, match="premier passage"):
            await conn.execute(_certificate(centre, "r.pdf"), (retake_id,))
        # The other way round: R certified first (with the trigger dropped), then A refused.
        await _without_trigger(backend, conn, "documents_certificate_rules", "documents",
                               _certificate(centre, "r.pdf"), (retake_id,))
        with pytest.raises(DIRECT_ERRORS, match="second passage est déjà attesté"):
            await conn.execute(_certificate(centre, "a.pdf"), (first.id,))
