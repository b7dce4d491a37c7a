"""The certification body's repositories, built on a Store's connection.

    admin = Admin(store)
    await admin.banks.edit_question(scope, 12, ...)

Kept apart from `Store` so that its construction does not change; cheap to
build (no state of its own)."""

from __future__ import annotations

from store.admin_banks import AdminBankRepo
from store.admin_centres import AdminCentreRepo
from store.oversight import OversightRepo
from store.stats import StatsRepo
from store.store import Store


class Admin:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.banks = AdminBankRepo(store.db, store.clock, store.banks)
        self.centres = AdminCentreRepo(store.db, store.clock)
        self.oversight = OversightRepo(store.db, store.clock)
        self.stats = StatsRepo(store.db, store.clock, store.banks)
