"""Centres, trainers, staff accounts and their SSH keys."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.models import Account, Centre, Role, Trainer
from store import rows
from store.base import Repo
from store.errors import Conflict, NotFound
from store.scope import Scope


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Conflict(f"Fuseau horaire inconnu : {name}.") from None


def _admin_only(scope: Scope) -> None:
    if not scope.is_admin:
        raise NotFound("Opération réservée à l'organisme certificateur.")


class CentreRepo(Repo):
    async def add_centre(self, scope: Scope, name: str, address: str = "", postal_code: str = "",
                         city: str = "", timezone: str = "Europe/Paris") -> Centre:
        _admin_only(scope)
        _check_timezone(timezone)
        async with self.db.transaction() as tx:
            if await tx.one("SELECT 1 FROM centres WHERE name = ?", (name,)):
                raise Conflict(f"Le centre « {name} » existe déjà.")
            centre_id = await tx.insert(
                "INSERT INTO centres (name, address, postal_code, city, timezone) "
                "VALUES (?, ?, ?, ?, ?)", (name, address, postal_code, city, timezone))
            await self.audit(tx, scope, "add_centre", "centre", centre_id, name)
        return Centre(centre_id, name, address, postal_code, city, timezone)

    async def centres(self, scope: Scope) -> list[Centre]:
        where, params = scope.clause("id")
        return [rows.centre(r) for r in await self.db.all(
            f"SELECT * FROM centres WHERE {where} ORDER BY name", params)]

    async def centre(self, scope: Scope, centre_id: int) -> Centre:
        where, params = scope.clause("id")
        row = await self.db.one(f"SELECT * FROM centres WHERE id = ? AND {where}",
                                (centre_id, *params))
        if row is None:
            raise NotFound(f"Centre introuvable : {centre_id}.")
        return rows.centre(row)

    async def centre_by_name(self, scope: Scope, name: str) -> Centre:
        where, params = scope.clause("id")
        row = await self.db.one(f"SELECT * FROM centres WHERE name = ? AND {where}",
                                (name, *params))
        if row is None:
            raise NotFound(f"Centre introuvable : {name}.")
        return rows.centre(row)

    async def add_trainer(self, scope: Scope, centre_id: int, name: str, email: str = "") -> Trainer:
        await self.centre(scope, centre_id)
        async with self.db.transaction() as tx:
            if await tx.one("SELECT 1 FROM trainers WHERE centre_id = ? AND name = ?",
                            (centre_id, name)):
                raise Conflict(f"Le formateur « {name} » existe déjà dans ce centre.")
            trainer_id = await tx.insert(
                "INSERT INTO trainers (centre_id, name, email) VALUES (?, ?, ?)",
                (centre_id, name, email))
            await self.audit(tx, scope, "add_trainer", "trainer", trainer_id, name)
        return Trainer(trainer_id, centre_id, name, email)

    async def trainers(self, scope: Scope, centre_id: int) -> list[Trainer]:
        await self.centre(scope, centre_id)
        return [rows.trainer(r) for r in await self.db.all(
            "SELECT * FROM trainers WHERE centre_id = ? AND active = 1 ORDER BY name",
            (centre_id,))]

    async def trainer(self, scope: Scope, trainer_id: int) -> Trainer:
        where, params = scope.clause()
        row = await self.db.one(f"SELECT * FROM trainers WHERE id = ? AND {where}",
                                (trainer_id, *params))
        if row is None:
            raise NotFound(f"Formateur introuvable : {trainer_id}.")
        return rows.trainer(row)

    # Accounts -----------------------------------------------------------

    async def add_account(self, scope: Scope, login: str, role: Role, centre_id: int | None,
                          password_hash: str | None) -> Account:
        _admin_only(scope)
        if role is Role.CENTRE:
            if centre_id is None:
                raise Conflict("Un compte centre doit être rattaché à un centre.")
            await self.centre(scope, centre_id)
        else:
            centre_id = None
        async with self.db.transaction() as tx:
            if await tx.one("SELECT 1 FROM accounts WHERE login = ?", (login,)):
                raise Conflict(f"L'identifiant « {login} » existe déjà.")
            account_id = await tx.insert(
                "INSERT INTO accounts (login, role, centre_id, password_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (login, role.value, centre_id, password_hash, self.now_text()))
            await self.audit(tx, scope, "add_account", "account", account_id, login)
        return Account(account_id, login, role, centre_id)

    async def account(self, login: str) -> Account:
        row = await self.db.one("SELECT * FROM accounts WHERE login = ?", (login,))
        if row is None:
            raise NotFound(f"Compte inconnu : {login}.")
        return rows.account(row)

    async def accounts(self, scope: Scope) -> list[Account]:
        where, params = scope.clause()
        return [rows.account(r) for r in await self.db.all(
            f"SELECT * FROM accounts WHERE {where} ORDER BY login", params)]

    async def password_hash(self, login: str) -> tuple[Account, str | None] | None:
        """The account and its stored hash, for authentication (None if unknown)."""
        row = await self.db.one("SELECT * FROM accounts WHERE login = ?", (login,))
        return None if row is None else (rows.account(row), row["password_hash"])

    async def set_password(self, scope: Scope, login: str, password_hash: str) -> None:
        _admin_only(scope)
        async with self.db.transaction() as tx:
            cursor = await tx.execute("UPDATE accounts SET password_hash = ? WHERE login = ?",
                                      (password_hash, login))
            if cursor.rowcount == 0:
                raise NotFound(f"Compte inconnu : {login}.")
            await self.audit(tx, scope, "set_password", "account", login)

    async def set_disabled(self, scope: Scope, login: str, disabled: bool) -> None:
        _admin_only(scope)
        async with self.db.transaction() as tx:
            cursor = await tx.execute("UPDATE accounts SET disabled = ? WHERE login = ?",
                                      (int(disabled), login))
            if cursor.rowcount == 0:
                raise NotFound(f"Compte inconnu : {login}.")
            await self.audit(tx, scope, "disable" if disabled else "enable", "account", login)

    async def add_public_key(self, scope: Scope, login: str, key_line: str,
                             fingerprint: str) -> None:
        _admin_only(scope)
        account = await self.account(login)
        async with self.db.transaction() as tx:
            if await tx.one("SELECT 1 FROM account_keys WHERE account_id = ? AND fingerprint = ?",
                            (account.id, fingerprint)):
                raise Conflict(f"Cette clé est déjà enregistrée pour {login}.")
            await tx.insert(
                "INSERT INTO account_keys (account_id, key_line, fingerprint, added_at) "
                "VALUES (?, ?, ?, ?)", (account.id, key_line, fingerprint, self.now_text()))
            await self.audit(tx, scope, "add_key", "account", login, fingerprint)

    async def remove_public_key(self, scope: Scope, login: str, fingerprint: str) -> None:
        _admin_only(scope)
        account = await self.account(login)
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "DELETE FROM account_keys WHERE account_id = ? AND fingerprint = ?",
                (account.id, fingerprint))
            if cursor.rowcount == 0:
                raise NotFound(f"Clé inconnue pour {login} : {fingerprint}.")
            await self.audit(tx, scope, "remove_key", "account", login, fingerprint)

    async def public_keys(self, login: str) -> list[tuple[str, str]]:
        """(fingerprint, authorized_keys line) of an account's SSH keys."""
        return [(r["fingerprint"], r["key_line"]) for r in await self.db.all(
            "SELECT k.fingerprint, k.key_line FROM account_keys k "
            "JOIN accounts a ON a.id = k.account_id WHERE a.login = ? ORDER BY k.id", (login,))]
