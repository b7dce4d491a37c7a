"""Centres and trainers (the certification body's part of the network), and
the outbox of documents to send."""

from __future__ import annotations

from domain.models import Centre, Trainer
from services.errors import text
from store import Scope, Store
from store.admin import Admin


async def add_centre(store: Store, scope: Scope, name: str, address: str = "",
                     postal_code: str = "", city: str = "",
                     timezone: str = "Europe/Paris") -> Centre:
    return await store.centres.add_centre(
        scope, text(name, "Nom du centre"), text(address, "Adresse", False),
        text(postal_code, "Code postal", False), text(city, "Ville", False),
        text(timezone, "Fuseau horaire"))


async def update_centre(store: Store, scope: Scope, centre_id: int, *,
                        name: str | None = None, address: str | None = None,
                        postal_code: str | None = None, city: str | None = None,
                        timezone: str | None = None) -> Centre:
    """Change what is given (None keeps the current value)."""
    c = await store.centres.centre(scope, centre_id)

    def pick(value: str | None, current: str, label: str, required: bool = False) -> str:
        return current if value is None else text(value, label, required)
    return await Admin(store).centres.update_centre(
        scope, centre_id, pick(name, c.name, "Nom du centre", True),
        pick(address, c.address, "Adresse"), pick(postal_code, c.postal_code, "Code postal"),
        pick(city, c.city, "Ville"), pick(timezone, c.timezone, "Fuseau horaire", True))


async def add_trainer(store: Store, scope: Scope, centre_id: int, name: str,
                      email: str = "") -> Trainer:
    return await store.centres.add_trainer(scope, centre_id, text(name, "Nom du formateur"),
                                           text(email, "Email", False))


async def update_trainer(store: Store, scope: Scope, trainer_id: int, *,
                         name: str | None = None, email: str | None = None) -> Trainer:
    t = await store.centres.trainer(scope, trainer_id)
    return await Admin(store).centres.update_trainer(
        scope, trainer_id, t.name if name is None else text(name, "Nom du formateur"),
        t.email if email is None else text(email, "Email", False))


async def set_trainer_active(store: Store, scope: Scope, trainer_id: int, active: bool) -> None:
    await Admin(store).centres.set_trainer_active(scope, trainer_id, active)


async def mark_sent(store: Store, scope: Scope, document_ids: list[int]) -> int:
    """Mark documents of the outbox as sent; return how many changed."""
    return await store.documents.mark_sent(scope, document_ids) if document_ids else 0
