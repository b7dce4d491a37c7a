"""Staff accounts and their SSH keys: one function per administration action."""

from __future__ import annotations

import asyncio
import re

from domain.models import Account, Role
from domain.passwords import hash_password
from domain.public_keys import key_fingerprint
from services.errors import Invalid
from store import Scope, Store

LOGIN = re.compile(r"[a-z][a-z0-9._-]{1,31}")
MIN_PASSWORD = 8


def check_login(login: str) -> str:
    login = login.strip()
    if not LOGIN.fullmatch(login):
        raise Invalid("Identifiant : 2 à 32 caractères parmi a-z, 0-9, . _ - "
                      "(commençant par une lettre).")
    return login


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"Mot de passe trop court : {MIN_PASSWORD} caractères au moins.")
    return password


async def _hashed(password: str) -> str:
    """scrypt is CPU-heavy: never on the event loop."""
    return await asyncio.get_running_loop().run_in_executor(
        None, hash_password, check_password(password))


async def add_account(store: Store, scope: Scope, login: str, role: Role,
                      centre_id: int | None, password: str) -> Account:
    login = check_login(login)
    return await store.centres.add_account(scope, login, role, centre_id,
                                           await _hashed(password))


async def set_password(store: Store, scope: Scope, login: str, password: str) -> None:
    await store.centres.set_password(scope, login, await _hashed(password))


async def set_disabled(store: Store, scope: Scope, login: str, disabled: bool) -> None:
    """A disabled account cannot log in; nobody disables their own account."""
    if disabled and login == scope.actor:
        raise Invalid("Vous ne pouvez pas désactiver votre propre compte.")
    await store.centres.set_disabled(scope, login, disabled)


async def add_public_key(store: Store, scope: Scope, login: str, line: str) -> str:
    """Add an authorized_keys line to an account; return its fingerprint.
    One parser (domain.public_keys) for the screen and the commands."""
    line = " ".join(line.split())
    try:
        fingerprint = key_fingerprint(line)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    await store.centres.add_public_key(scope, login, line, fingerprint)
    return fingerprint


async def remove_public_key(store: Store, scope: Scope, login: str, fingerprint: str) -> None:
    await store.centres.remove_public_key(scope, login, fingerprint)
