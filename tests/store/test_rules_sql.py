"""The certification rules the database states itself (store/schema.py STEP_3),
one test each, through a plain sqlite3 connection to the file: what someone
with the sqlite3 shell could do behind the application's back."""

from __future__ import annotations

import sqlite3

import pytest

from domain.models import Practical
from store.schema import STEP_3
from tests.store.conftest import identity, make_final, sql

RULE = "RULE"


def _insert_retake(conn: sqlite3.Connection, world, retake_of: str, number: str = "2026-900001",
                   practical: str = "favourable", score: int | None = 5) -> None:
    a = world.a
    conn.execute(
        "INSERT INTO participants (session_id, centre_id, number, last_name, score, practical, "
        "retake_of, created_at) VALUES (?, ?, ?, 'Retake', ?, ?, ?, 'x')",
        (a.offline.id, a.centre.id, number, score, practical, retake_of))


def _legacy_retake(conn: sqlite3.Connection, world, retake_of: str, score: int = 5) -> None:
    """A retake written without the rules (before STEP_3, or with the trigger
    dropped by hand): what the quoting rules must still protect."""
    conn.execute("DROP TRIGGER participants_retake_insert")
    _insert_retake(conn, world, retake_of, score=score)
    [create] = [s for s in STEP_3 if "participants_retake_insert" in s]
    conn.execute(create)


async def _add(store, world, score, practical, locked=False):
    a = world.a
    p = await store.sessions.add_participant(a.scope, a.offline.id, identity("Premier"), score,
                                             practical)
    if locked:
        await store.documents.publish(a.scope, a.centre.id, a.offline.id, [], lock=[p.id])
    return p


async def test_retake_of_a_first_attempt_not_final(store, world, db_path):
    conn = sql(db_path)
    with pytest.raises(sqlite3.IntegrityError, match=RULE):
        _insert_retake(conn, world, world.a.participant.number)  # eligible, not locked
    await make_final(store, world.a)
    _insert_retake(conn, world, world.a.participant.number)  # now accepted
    conn.close()


@pytest.mark.parametrize(("score", "practical"), [
    (4, Practical.FAVOURABLE),  # passed
    (1, Practical.UNFAVOURABLE),  # redo the training
    (5, Practical.UNFAVOURABLE),
])
async def test_retake_of_a_first_attempt_without_the_right(store, world, db_path, score,
                                                           practical):
    first = await _add(store, world, score, practical, locked=True)
    conn = sql(db_path)
    with pytest.raises(sqlite3.IntegrityError, match=RULE):
        _insert_retake(conn, world, first.number)
    conn.close()


async def test_retake_of_unknown_number_or_of_a_retake(store, world, db_path):
    await make_final(store, world.a)
    conn = sql(db_path)
    with pytest.raises(sqlite3.IntegrityError, match=RULE):
        _insert_retake(conn, world, "2026-999999")
    _insert_retake(conn, world, world.a.participant.number)
    with pytest.raises(sqlite3.IntegrityError, match=RULE):
        _insert_retake(conn, world, "2026-900001", number="2026-900002")  # a retake's retake
    conn.close()


async def test_retake_of_another_formation(store, world, db_path):
    from datetime import date

    from domain.models import SessionKind
    from tests.store.conftest import ADMIN, small_bank
    await store.banks.import_bank(small_bank("AUTRE"), ADMIN)
    a = world.a
    qcm = await store.qcms.create_qcm(a.scope, "AUTRE", "Autre")
    other = await store.sessions.create_session(a.scope, qcm.id, SessionKind.OFFLINE,
                                                a.trainer.id, "Salle", date(2026, 3, 11))
    first = await make_final(store, a)
    conn = sql(db_path)
    with pytest.raises(sqlite3.IntegrityError, match=RULE):
        conn.execute("INSERT INTO participants (session_id, centre_id, number, score, practical, "
                     "retake_of, created_at) VALUES (?, ?, '2026-900001', 5, 'favourable', ?, "
                     "'x')", (other.id, a.centre.id, first.number))
    conn.close()


async def test_retake_carries_a_favourable_practical(store, world, db_path):
    first = await make_final(store, world.a)
    conn = sql(db_path)
    with pytest.raises(sqlite3.IntegrityError, match=RULE):
        _insert_retake(conn, world, first.number, practical="unknown")
    _insert_retake(conn, world, first.number)
    with pytest.raises(sqlite3.IntegrityError, match=RULE):
        conn.execute("UPDATE participants SET practical = 'unfavourable' "
                     "WHERE number = '2026-900001'")
    conn.close()


async def test_retake_set_later_by_update(store, world, db_path):
    other = await _add(store, world, 3, Practical.UNKNOWN)
    conn = sql(db_path)
    with pytest.raises(sqlite3.IntegrityError, match=RULE):  # first attempt not final
        conn.execute("UPDATE participants SET retake_of = ?, practical = 'favourable' "
                     "WHERE id = ?", (world.a.participant.number, other.id))
    conn.close()
    assert (await store.sessions.participant(world.a.scope, other.id)).retake_of is None


async def test_one_retake_per_first_attempt(store, world, db_path):
    first = await make_final(store, world.a)
    conn = sql(db_path)
    _insert_retake(conn, world, first.number)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        _insert_retake(conn, world, first.number, number="2026-900002")
    conn.close()


async def test_quoted_first_attempt_keeps_its_decision_and_stays(store, world, db_path):
    """Rule 2 even for a first attempt that is not locked (a retake written
    before the rules): its score, practical result and attempt are frozen,
    and it cannot be deleted."""
    first = world.a.participant  # not locked
    conn = sql(db_path)
    _legacy_retake(conn, world, first.number)
    for statement in ("UPDATE participants SET score = 5 WHERE id = ?",
                      "UPDATE participants SET practical = 'unfavourable' WHERE id = ?",
                      "UPDATE participants SET number = '2026-800000' WHERE id = ?",
                      "DELETE FROM participants WHERE id = ?"):
        with pytest.raises(sqlite3.IntegrityError, match=RULE):
            conn.execute(statement, (first.id,))
    conn.execute("UPDATE participants SET city = 'Nantes' WHERE id = ?", (first.id,))
    conn.close()
    after = await store.sessions.participant(world.a.scope, first.id)
    assert (after.score, after.practical, after.identity.city) == (2, Practical.FAVOURABLE,
                                                                   "Nantes")


async def test_certificate_only_for_a_passed_result(store, world, db_path):
    conn = sql(db_path)
    failed = world.a.participant  # 2/6
    with pytest.raises(sqlite3.IntegrityError, match=RULE):
        conn.execute("INSERT INTO documents (centre_id, participant_id, kind, path, sha256, "
                     "created_at) VALUES (?, ?, 'certificate', 'c.pdf', 'x', 'x')",
                     (world.a.centre.id, failed.id))
    passed = await _add(store, world, 5, Practical.FAVOURABLE)
    conn.execute("INSERT INTO documents (centre_id, participant_id, kind, path, sha256, "
                 "created_at) VALUES (?, ?, 'certificate', 'c.pdf', 'x', 'x')",
                 (world.a.centre.id, passed.id))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # one certificate each
        conn.execute("INSERT INTO documents (centre_id, participant_id, kind, path, sha256, "
                     "created_at) VALUES (?, ?, 'certificate', 'd.pdf', 'x', 'x')",
                     (world.a.centre.id, passed.id))
    conn.close()


async def test_one_certificate_per_chain(store, world, db_path):
    """Rule 3 against a chain written before the rules: A passed (26/30 in the
    issue), R quotes it. R's certificate would cite a passed first attempt;
    once R has one, A gets none."""
    a = world.a
    first = await _add(store, world, 5, Practical.FAVOURABLE)
    conn = sql(db_path)
    _legacy_retake(conn, world, first.number, score=6)
    retake_id = conn.execute("SELECT id FROM participants WHERE number = '2026-900001'").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="premier passage"):
        conn.execute("INSERT INTO documents (centre_id, participant_id, kind, path, sha256, "
                     "created_at) VALUES (?, ?, 'certificate', 'r.pdf', 'x', 'x')",
                     (a.centre.id, retake_id))
    # The other way round: R certified first (with the trigger dropped), then A refused.
    conn.execute("DROP TRIGGER documents_certificate_rules")
    conn.execute("INSERT INTO documents (centre_id, participant_id, kind, path, sha256, "
                 "created_at) VALUES (?, ?, 'certificate', 'r.pdf', 'x', 'x')",
                 (a.centre.id, retake_id))
    [create] = [s for s in STEP_3 if "documents_certificate_rules" in s]
    conn.execute(create)
    with pytest.raises(sqlite3.IntegrityError, match="second passage est déjà attesté"):
        conn.execute("INSERT INTO documents (centre_id, participant_id, kind, path, sha256, "
                     "created_at) VALUES (?, ?, 'certificate', 'a.pdf', 'x', 'x')",
                     (a.centre.id, first.id))
    conn.close()
