"""The shared command layer: build the registry once per process."""

from cli import (
    admin,
    admin_accounts,
    admin_banks,
    admin_oversight,
    backup,
    centre,
    documents,
    participants,
)
from cli.framework import ADMIN, CENTRE, LOCAL, CommandError, Context, Registry, Result


def build_registry() -> Registry:
    registry = Registry()
    admin.register(registry)
    admin_banks.register(registry)
    admin_accounts.register(registry)
    admin_oversight.register(registry)
    centre.register(registry)
    documents.register(registry)
    participants.register(registry)
    backup.register(registry)
    return registry


__all__ = ["ADMIN", "CENTRE", "LOCAL", "CommandError", "Context", "Registry", "Result",
           "build_registry"]
