"""Input safety and order: Textual's parser hardened for untrusted clients,
pacing, and waiting for an input event's consequences before the next one."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.messages import InvokeLater

from tui.base import BACKGROUND
from tui.widgets.text_field import TextField

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message
    from textual.message_pump import MessagePump
    from textual.screen import Screen
    from textual.worker import Worker


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


SETTLE_LIMIT = 20.0
"""Seconds an input event may wait for the previous one's consequences (more
than the database busy timeout); past it, it is delivered anyway."""
SLOW = 0.05
"""Seconds after which the screen may paint while an event's effects go on."""
SETTLE_SLICE = 0.5
"""Seconds between checks of the app's state while waiting."""
WORKER_POLL = 0.005


WORK, REFRESH = "work", "refresh"


def _pending(node: MessagePump) -> str | None:
    """What `node` still has to do: WORK (a message queued or being handled,
    callbacks due), REFRESH (only callbacks that run after its next paint, for
    a screen), or None.

    Textual's message queue keeps no count of messages in hand: a pump whose
    queue is empty is idle only while its task waits for the next message."""
    if node._closed or node._closing:
        return None
    queue: Any = node._message_queue  # textual._queue.Queue
    if queue.values or node._pending_message is not None or node._next_callbacks:
        return WORK
    if node._running and not queue.ready_event._waiters:
        return WORK
    return REFRESH if _waits_for_paint(node) else None


def _waits_for_paint(node: MessagePump) -> bool:
    """Whether a screen holds callbacks to run after its next paint, other
    than the footer's update that Textual schedules on every focus move
    (`Screen.refresh_bindings`, in a partial): no key depends on that one, and
    waiting for a paint made a Tab cost twice the turns of the event loop."""
    callbacks: list[tuple[Any, MessagePump]] | None = getattr(node, "_callbacks", None)
    if not callbacks:  # a widget, or a screen with none (most calls)
        return False
    footer = getattr(node, "refresh_bindings", None)
    return any(getattr(callback, "func", callback) != footer for callback, _ in callbacks)


async def _drained(node: MessagePump, reason: str, timeout: float) -> None:
    """Wait until `node` has handled what it holds now (at most `timeout`).

    For WORK, one callback queued behind it; for REFRESH, one callback run
    after the screen's next paint, behind those waiting. Either way one
    message: polling a screen that waits for its paint would flood its queue
    (and a screen holds its paint while messages are queued to it)."""
    done = asyncio.Event()
    # What `call_later` and `call_after_refresh` post, without their
    # `functools.partial`: Textual counts a callback's parameters with
    # `inspect.signature` each time for a new partial, once for a method.
    callback = events.Callback(callback=done.set) if reason == WORK else InvokeLater(done.set)
    if not node.post_message(callback):
        await asyncio.sleep(0)
        return
    # `wait_for` resumes this two turns after the callback (its own task):
    # waking one turn after it (`asyncio.timeout`) found work still going on
    # and cost a typed character one more turn in all (bench/mount_turns.py).
    try:
        await asyncio.wait_for(done.wait(), timeout)
    except TimeoutError:
        pass


def typed_ahead(app: App[Any], message: Message, following: Message) -> bool:
    """Whether `following` may be handed to the app without waiting for
    `message`'s consequences: both are keys that the focused text field takes
    as text (so Textual gives no ancestor's binding a chance at them, priority
    or not), the field binds neither itself, and its typing is local
    (`TextField.typing_is_local`). The app forwards them in order to that
    field, which stays focused; their paints are one.

    On a loaded server, waiting after each character cost a candidate two
    turns of the event loop and a paint per character: characters typed ahead
    queued up faster than they were shown, and « Valider » waited behind them.
    """
    focused = app.focused
    if not (isinstance(focused, TextField) and focused.typing_is_local):
        return False
    own = focused._bindings.key_to_bindings
    return all(isinstance(key, events.Key) and key.key not in own
               and focused.check_consume_key(key.key, key.character)
               for key in (message, following))


class Pumps:
    """The message pumps whose work an input event may set off: the app,
    every screen of the stack, every widget of the active screen.

    Walking the active screen's widgets was half of a typed character's CPU
    (a form has ~45), so the walk is kept while that screen's tree is
    unchanged: Textual counts the changes below a node in its node list
    (private `_nodes._updates`, bumped on every ancestor by a mount or a
    removal; tests/sshserver/test_settle.py checks it)."""

    def __init__(self) -> None:
        self._screen: weakref.ref[Screen[Any]] | None = None
        self._version = -1
        self._widgets: Sequence[MessagePump] = ()

    def __call__(self, app: App[Any]) -> Iterator[MessagePump]:
        yield app
        stack = app.screen_stack
        if not stack:
            return
        yield from stack[:-1]
        screen = stack[-1]
        version = screen._nodes._updates
        if (self._screen is None or self._screen() is not screen
                or version != self._version):
            self._screen, self._version = weakref.ref(screen), version
            self._widgets = screen.walk_children(with_self=True)
        yield from self._widgets


async def settle(app: App[Any], workers_before: set[Worker[Any]], pumps: Pumps, *,
                 on_slow: Callable[[], None] | None = None,
                 limit: float = SETTLE_LIMIT) -> bool:
    """Wait until the app has handled everything an input event set off.

    That is: the app, every screen of the stack and every widget of the active
    screen have an empty message queue, no handler running and no callback due
    (bindings run once a key has bubbled back up; focus moves, screen pushes
    and list changes are messages too), and every worker started meanwhile
    has ended or changed the active screen (a worker waiting for a modal's
    answer waits for later keys; `BACKGROUND` work, such as a lease renewal,
    is nobody's consequence). False if `limit` seconds went by first.
    `on_slow` is called once if it takes more than `SLOW` seconds.
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    deadline = start + limit
    screen = app.screen if app.screen_stack else None
    while app.is_running and not (app._exit or app._closing):
        if on_slow is not None and loop.time() - start > SLOW:
            on_slow()
            on_slow = None
        busy, reason = next(((node, reason) for node in pumps(app)
                             if (reason := _pending(node)) is not None), (None, None))
        if busy is not None and reason is not None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            slice_ = SLOW if on_slow is not None else SETTLE_SLICE
            await _drained(busy, reason, min(remaining, slice_))
            continue
        active = app.screen if app.screen_stack else None
        if active is screen and any(
                not worker.is_finished for worker in app.workers
                if worker not in workers_before and worker.group != BACKGROUND):
            if loop.time() >= deadline:
                return False
            await asyncio.sleep(WORKER_POLL)
            continue
        return True
    return True
