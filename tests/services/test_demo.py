"""Demo question banks and the demo loader."""

from __future__ import annotations

from collections import Counter

import pytest

from domain.bank import dump_bank, parse_bank
from domain.clock import FixedClock
from domain.passwords import verify_password
from services.demo import DEMO_ACCOUNTS, demo_bank_sources, load_demo
from store import Scope, Store
from tests.store.conftest import T0

SOURCES = demo_bank_sources()


def test_at_least_two_demo_banks():
    codes = {parse_bank(source).formation.code for source in SOURCES}
    assert len(SOURCES) >= 2 and {"PV-RES", "CESI"} <= codes


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: parse_bank(s).formation.code)
def test_demo_bank_is_a_real_draw(source):
    bank = parse_bank(source)
    f = bank.formation
    assert len(bank.questions) >= 45
    per_theme = Counter(q.theme for q in bank.questions)
    assert len(f.themes) >= 5 and set(per_theme) == set(f.themes)  # no empty theme
    assert (f.questions_per_qcm, f.pass_mark) == (30, 24)
    assert len(bank.questions) >= f.questions_per_qcm * 1.5
    # Correct answers are not always at the same letter.
    letters = Counter(q.correct for q in bank.questions)
    assert len(letters) == 4 and max(letters.values()) <= len(bank.questions) * 0.4
    assert parse_bank(dump_bank(bank)) == bank


async def test_load_demo_is_idempotent(backend):
    store = await backend.open(FixedClock(T0))
    try:
        first = await load_demo(store)
        assert [(login, password) for login, _, password in first.accounts] == [
            (login, password) for login, _, password in DEMO_ACCOUNTS]
        assert len(first.keys) == 5 and first.created
        second = await load_demo(store)
        assert second.created == [] and second.keys == first.keys
        admin = Scope.admin("test")
        assert len(await store.centres.centres(admin)) == 1
        assert len(await store.qcms.qcms(admin)) == 1
        assert {f.code for f in await store.banks.formations()} >= {"PV-RES", "CESI"}
        for login, role, password in DEMO_ACCOUNTS:
            account, digest = await store.centres.password_hash(login)
            assert account.role is role and verify_password(password, digest)
        # The demo keys open now: the session is running.
        ticket = await store.exam.open_key(first.keys[0], "tok")
        assert len(ticket.questions) == 30
    finally:
        await store.close()
