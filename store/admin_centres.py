"""Centre, trainer and account operations the certification body needs
beyond `store.centres`, and the check the SSH server polls so that a
disabled account's open sessions end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.models import Account, Centre, Trainer
from store import rows
from store.base import Repo
from store.centres import _check_timezone
from store.errors import Conflict, NotFound
from store.scope import Scope


@dataclass(frozen=True)
class AccountRow:
    account: Account
    centre_name: str
    keys: int
    has_password: bool


def _admin_only(scope: Scope) -> None:
    if not scope.is_admin:
        raise NotFound("Opération réservée à l'organisme certificateur.")


class AdminCentreRepo(Repo):
    async def update_centre(self, scope: Scope, centre_id: int, name: str, address: str,
                            postal_code: str, city: str, timezone: str) -> Centre:
        """Change a centre's details. Sessions keep the centre name they were
        created with (it is printed on results)."""
        _admin_only(scope)
        _check_timezone(timezone)
        async with self.db.transaction() as tx:
            if not await tx.one("SELECT 1 FROM centres WHERE id = ?", (centre_id,)):
                raise NotFound(f"Centre introuvable : {centre_id}.")
            if await tx.one("SELECT 1 FROM centres WHERE name = ? AND id != ?",
                            (name, centre_id)):
                raise Conflict(f"Le centre « {name} » existe déjà.")
            await tx.execute(
                "UPDATE centres SET name = ?, address = ?, postal_code = ?, city = ?, "
                "timezone = ? WHERE id = ?", (name, address, postal_code, city, timezone,
                                              centre_id))
            await self.audit(tx, scope, "update_centre", "centre", centre_id, name)
        return Centre(centre_id, name, address, postal_code, city, timezone)

    async def all_trainers(self, scope: Scope, centre_id: int) -> list[tuple[Trainer, bool]]:
        """Every trainer of a centre with whether they are active."""
        _admin_only(scope)
        return [(rows.trainer(r), bool(r["active"])) for r in await self.db.all(
            "SELECT * FROM trainers WHERE centre_id = ? ORDER BY active DESC, name",
            (centre_id,))]

    async def update_trainer(self, scope: Scope, trainer_id: int, name: str,
                             email: str) -> Trainer:
        _admin_only(scope)
        async with self.db.transaction() as tx:
            row = await tx.one("SELECT * FROM trainers WHERE id = ?", (trainer_id,))
            if row is None:
                raise NotFound(f"Formateur introuvable : {trainer_id}.")
            if await tx.one("SELECT 1 FROM trainers WHERE centre_id = ? AND name = ? AND id != ?",
                            (row["centre_id"], name, trainer_id)):
                raise Conflict(f"Le formateur « {name} » existe déjà dans ce centre.")
            await tx.execute("UPDATE trainers SET name = ?, email = ? WHERE id = ?",
                             (name, email, trainer_id))
            await self.audit(tx, scope, "update_trainer", "trainer", trainer_id, name)
        return Trainer(trainer_id, row["centre_id"], name, email)

    async def set_trainer_active(self, scope: Scope, trainer_id: int, active: bool) -> None:
        """An inactive trainer is no longer offered for new sessions."""
        _admin_only(scope)
        async with self.db.transaction() as tx:
            cursor = await tx.execute("UPDATE trainers SET active = ? WHERE id = ?",
                                      (int(active), trainer_id))
            if cursor.rowcount == 0:
                raise NotFound(f"Formateur introuvable : {trainer_id}.")
            await self.audit(tx, scope, "activate" if active else "deactivate",
                             "trainer", trainer_id)

    async def account_rows(self, scope: Scope) -> list[AccountRow]:
        _admin_only(scope)
        return [AccountRow(rows.account(r), r["centre_name"] or "", r["n_keys"],
                           r["password_hash"] is not None)
                for r in await self.db.all(
                    "SELECT a.*, c.name AS centre_name, "
                    "(SELECT COUNT(*) FROM account_keys k WHERE k.account_id = a.id) AS n_keys "
                    "FROM accounts a LEFT JOIN centres c ON c.id = a.centre_id ORDER BY a.login")]

    # What the SSH server polls ------------------------------------------

    async def login_allowed(self, login: str) -> bool:
        """False once the account is disabled (or gone): refuse it, end its sessions."""
        row = await self.db.one("SELECT disabled FROM accounts WHERE login = ?", (login,))
        return row is not None and not row["disabled"]

    async def disabled_logins(self, logins: Iterable[str]) -> set[str]:
        """Among `logins` (the staff connected to one server process), those
        that may no longer be logged in. One query for any number of sessions."""
        wanted = sorted(set(logins))
        if not wanted:
            return set()
        marks = ",".join("?" * len(wanted))
        allowed = {r[0] for r in await self.db.all(
            f"SELECT login FROM accounts WHERE disabled = 0 AND login IN ({marks})", wanted)}
        return set(wanted) - allowed
