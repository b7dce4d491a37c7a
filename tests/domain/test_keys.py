"""Online keys and participant numbers."""

import math
import re

from domain.keys import (
    KEY_ALPHABET,
    KEY_LENGTH,
    format_participant_number,
    key_problem,
    new_key,
    normalize_key,
    normalize_participant_number,
)


def test_entropy_at_least_60_bits():
    assert len(set(KEY_ALPHABET)) == len(KEY_ALPHABET)  # no symbol counted twice
    bits = KEY_LENGTH * math.log2(len(KEY_ALPHABET))
    assert bits >= 60


def test_alphabet_is_readable():
    for confusable in "0O1IL":
        assert confusable not in KEY_ALPHABET
        assert confusable.lower() not in KEY_ALPHABET
    assert KEY_ALPHABET == KEY_ALPHABET.upper()


def test_new_key_format_uses_only_the_alphabet():
    for _ in range(200):
        key = new_key()
        assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}", key)
        assert all(c in KEY_ALPHABET for c in key.replace("-", ""))
        assert len(key.replace("-", "")) == KEY_LENGTH


def test_new_keys_are_unique_over_10k_draws():
    keys = [new_key() for _ in range(10_000)]
    assert len(set(keys)) == len(keys)
    # Every symbol of the alphabet shows up: the draw covers it.
    assert set("".join(keys).replace("-", "")) == set(KEY_ALPHABET)


def test_normalize_key_ignores_case_dashes_and_spaces():
    key = new_key()
    raw = key.replace("-", "")
    assert normalize_key(key) == key
    assert normalize_key(key.lower()) == key
    assert normalize_key(raw.lower()) == key
    assert normalize_key(f"  {raw[:3]} {raw[3:8]}-{raw[8:]}  ") == key
    assert normalize_key(raw[:7] + "--" + raw[7:]) == key


def test_normalize_key_refuses_what_cannot_be_a_key():
    key = new_key().replace("-", "")
    assert normalize_key("") is None
    assert normalize_key(key[:-1]) is None  # too short
    assert normalize_key(key + "A") is None  # too long
    assert normalize_key("O" + key[1:]) is None  # not in the alphabet, not guessed
    assert normalize_key("0" + key[1:]) is None
    assert normalize_key("l" + key[1:]) is None
    assert normalize_key("é" + key[1:]) is None


def test_a_malformed_key_is_explained():
    key = new_key().replace("-", "")
    assert key_problem(key) is None
    assert key_problem(key[:-1]) == ("Ce n'est pas une clé valide : 14 lettres et chiffres "
                                     "saisis (sans les tirets), une clé en compte 15.")
    assert key_problem(f"{key[:5]}-{key[5:]}A").startswith(  # type: ignore[union-attr]
        "Ce n'est pas une clé valide : 16 lettres")
    assert key_problem("O" + key[1:]) == (
        "Ce n'est pas une clé valide : « O » n'y figure jamais (une clé n'a que des lettres "
        "sans accent et des chiffres, sauf 0, O, 1, I et L).")
    assert "« 1 », « É » n'y figurent jamais" in key_problem("é1" + key[2:])  # type: ignore[operator]
    # A control character typed is not echoed back.
    assert key_problem("\x1b" + key[1:]) == (
        "Ce n'est pas une clé valide : une clé n'a que des lettres sans accent et des "
        "chiffres, sauf 0, O, 1, I et L.")


def test_participant_numbers():
    assert format_participant_number(2026, 123) == "2026-000123"
    assert format_participant_number(2027, 1) == "2027-000001"
    assert normalize_participant_number(" 2026-000123 ") == "2026-000123"
    assert normalize_participant_number("2026-123") is None
    assert normalize_participant_number("2026000123") is None
