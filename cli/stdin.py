"""Standard input read to its end, for SSH exec and the local CLI alike.

One `read()` returns whatever has arrived (over SSH, the first window of a few
tens of KB): a bank cut there could retire questions instead of failing. This
reads chunks until the end, refuses beyond the cap, and decodes once at the
end so a character split between two chunks stays whole."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from cli.framework import CommandError

MAX_INPUT = 16 * 1024 * 1024  # bytes accepted on standard input
CHUNK = 64 * 1024

TOO_LARGE = "Entrée standard trop volumineuse : 16 Mio au plus. Rien n'a été enregistré."
NOT_UTF8 = "Entrée standard : texte UTF-8 attendu. Rien n'a été enregistré."


async def read_all(read: Callable[[int], Awaitable[bytes]], limit: int = MAX_INPUT) -> str:
    """Call `read(n)` until it returns b"" (end of input); the whole text,
    decoded as UTF-8 (a leading BOM dropped). Raises CommandError beyond
    `limit` bytes or on bytes that are not UTF-8."""
    chunks: list[bytes] = []
    size = 0
    while True:
        data = await read(CHUNK)
        if not data:
            break
        size += len(data)
        if size > limit:
            raise CommandError(TOO_LARGE)
        chunks.append(data)
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(NOT_UTF8) from None
