"""Input safety: Textual's parser hardened for untrusted clients, and pacing."""

from __future__ import annotations

import time

from textual import events
from textual._xterm_parser import XTermParser


class InputParser(XTermParser):
    """Textual's parser, hardened for untrusted input in a long-lived process.

    ``XTermParser._parse_extended_key`` (private) is a process-wide
    ``lru_cache`` keyed on the parser: it kept up to 1024 finished parsers, and
    the key events they made, alive. It also raises ValueError/OverflowError
    on input such as ``ESC [ 884: u``, which killed the parser and dropped the
    input after it. Here it is called uncached, and such a sequence is unknown.
    """

    def _parse_extended_key(self, sequence: str) -> list[events.Key] | None:  # type: ignore[override]
        try:
            return _PARSE_EXTENDED_KEY(self, sequence)
        except (ValueError, OverflowError):
            return None


_PARSE_EXTENDED_KEY = XTermParser._parse_extended_key.__wrapped__


class TokenBucket:
    """Allows `rate` events per second on average, in bursts of up to `rate`."""

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._tokens = rate
        self._stamp = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(self._rate, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def allowance(self) -> int:
        """How many characters to parse next (about one event each)."""
        self._refill()
        return max(1, int(self._tokens))

    def spend(self, count: int) -> float:
        """Take `count` tokens; return how long to wait before reading on."""
        self._refill()
        self._tokens -= count
        return 0.0 if self._tokens >= 0 else -self._tokens / self._rate
