"""TOML (the project's own format): round trip and broken files."""

from pathlib import Path

import pytest

from domain.bank import BankError, dump_bank, parse_bank
from tests.domain.special_bank import special_bank

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_toml_round_trip_keeps_special_characters():
    bank = special_bank()
    assert parse_bank(dump_bank(bank)) == bank


def test_toml_fixture_reads_and_round_trips():
    bank = parse_bank((FIXTURES / "bank_ok.toml").read_text(encoding="utf-8"))
    assert bank.formation.code == "ESSAI"
    assert [q.correct for q in bank.questions] == [1, 1, 0, 0]
    assert parse_bank(dump_bank(bank)) == bank


def test_toml_broken_fixture_lists_each_problem():
    with pytest.raises(BankError) as caught:
        parse_bank((FIXTURES / "bank_broken.toml").read_text(encoding="utf-8"))
    problems = caught.value.problems
    assert any("Question 1" in p and "4 propositions" in p for p in problems)
    assert any("Question 2" in p and "Inconnu" in p for p in problems)
    assert any("Question 2" in p and "lettre de A à D" in p for p in problems)
