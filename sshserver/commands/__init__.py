"""The shared command layer: build the registry once per process."""

from sshserver.commands import admin, centre, documents
from sshserver.commands.framework import (ADMIN, CENTRE, LOCAL, CommandError, Context, Registry,
                                          Result)


def build_registry() -> Registry:
    registry = Registry()
    admin.register(registry)
    centre.register(registry)
    documents.register(registry)
    return registry


__all__ = ["ADMIN", "CENTRE", "LOCAL", "CommandError", "Context", "Registry", "Result",
           "build_registry"]
