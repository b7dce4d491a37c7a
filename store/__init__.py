"""Persistence of qcm-ssh on SQLite (aiosqlite). Nothing above this package writes SQL."""

from store.errors import Conflict, Locked, NotFound, StoreError
from store.scope import Scope
from store.store import Store

__all__ = ["Conflict", "Locked", "NotFound", "Scope", "Store", "StoreError"]
