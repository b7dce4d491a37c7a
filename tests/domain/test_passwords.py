"""Password hashing (scrypt)."""

from domain.passwords import hash_password, new_password, verify_password


def test_hash_and_verify():
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$16384$8$1$")
    assert "correct horse" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)
    assert not verify_password("", stored)


def test_salted():
    assert hash_password("même mot") != hash_password("même mot")


def test_unicode_password():
    stored = hash_password("mot de passe éèà ☀")
    assert verify_password("mot de passe éèà ☀", stored)


def test_garbage_stored_values_never_verify():
    good = hash_password("secret-123")
    scheme, n, r, p, salt, digest = good.split("$")
    for stored in (None, "", "secret-123", "scrypt$x", "bcrypt$" + good.split("$", 1)[1],
                   "$".join([scheme, "0", r, p, salt, digest]),
                   "$".join([scheme, str(2**30), r, p, salt, digest]),  # memory bomb
                   "$".join([scheme, n, r, p, salt, "!!!"]),
                   "$".join([scheme, n, r, p, salt, digest[:-4] + "AAAA"])):
        assert not verify_password("secret-123", stored), stored


def test_new_password():
    first = new_password()
    assert len(first) == 14 and first != new_password()
    assert not set(first) & set("0O1lI")
