"""Errors raised by the store. Messages are French: they reach users."""


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class NotFound(StoreError):
    """The object does not exist, or is not visible in the caller's scope."""


class Conflict(StoreError):
    """The change contradicts what is stored (duplicate, wrong state...)."""


class Locked(StoreError):
    """The data is locked (documents generated or QCM submitted)."""


class Unreachable(StoreError):
    """The database server cannot be reached (or refuses the connection)."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of qcm-ssh."""


class InUse(StoreError):
    """The SQLite file is held by another process (or being restored)."""
