"""Widgets a session is done with are freed at once, not by a full collection.

Textual builds reference cycles into every node: a node's CSS styles point
back at it (`Styles.node`), a timer at its node's method, a screen's
compositor at the screen, an `LRUCache` is a circular list, and each
component class (an Input has four) is a virtual `DOMNode` whose styles
point back at it, made anew each time the node is styled. Reference counting
never frees a cycle; Python's collector does, and a cycle that lived through
a few seconds of typing on a loaded worker reaches the oldest generation,
which only a full collection walks. Measured in the 500-candidate room
(`bench/exam_room.py --probe`): full collections of 6 to 12 s each, freeing
10,000 to 25,000 objects per candidate, mostly the key screen and the
identity form left behind, and the app of a session that ended.

So the cycles are cut where a node's life ends, and what the node held goes
by reference counting as soon as nothing else refers to it:

- `released_on_exit(nodes)` when Textual removes nodes (`QcmApp._prune`:
  a screen popped or switched, a widget removed, every screen at exit): once
  a removed node's task has ended, each node of its subtree is cut loose;
- `release_replaced(styles)` when a node is styled again, for the virtual
  nodes of its previous component styles (`SharedStylesheet`);
- `release_app(app)` once a session's app has ended (sshserver/session.py);
- `ReleasingWorkers` when a worker ends: its task's context names the
  worker (`active_worker`), which names its node, so the key screen stayed
  alive through the whole exam behind the worker that opened the key.

The compositor's own cycles (each frame's lines, each layout's map) are cut
in tui/visible_renders.py.

Only the links Textual itself no longer uses after the end are cut, and the
next styling of a live node makes new component nodes before the old ones are
cut. It reaches into private attributes (`_css_styles`, `_inline_styles`,
`Timer._callback`, `RichVisual._widget`, `LRUCache._head`, a screen's
`_compositor`, `_callbacks`, `_result_callbacks` and `_layout_widgets`, the app's
`_driver`, `_workers`, `_logger` and `_animator`, `Worker._task`):
tests/tui/test_release.py fails if they change shape, and pyproject pins
Textual to a minor range.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import partial
from typing import Any

from textual.app import App
from textual.cache import LRUCache
from textual.css.styles import RenderStyles
from textual.dom import DOMNode
from textual.timer import Timer
from textual.visual import RichVisual
from textual.widget import Widget
from textual.worker import Worker
from textual.worker_manager import WorkerManager

Doomed = list[tuple[DOMNode, list[RenderStyles], list[list[Any]]]]
"""Nodes being removed, each with its component styles and the rings of its
LRU caches at the time (Textual empties both on removal, leaving the cycles)."""


def doomed(nodes: Iterable[DOMNode]) -> Doomed:
    """Each node of these subtrees with what its removal will drop."""
    return [(node, list(node._component_styles.values()), _rings(node))
            for root in nodes for member in root.walk_children(with_self=True)
            for node in (member, *_scrollbars(member))]


def _scrollbars(node: DOMNode) -> Iterable[Widget]:
    return node._get_virtual_dom() if isinstance(node, Widget) else ()


def released_on_exit(nodes: Iterable[DOMNode]) -> None:
    """Release each subtree once its root's message loop has ended."""
    for root in nodes:
        task = root._task
        if task is not None and not task.done():
            task.add_done_callback(partial(_release_doomed, doomed([root])))


def _release_doomed(nodes: Doomed, _task: asyncio.Task[Any] | None = None) -> None:
    for node, components, rings in nodes:
        release_node(node)
        release_replaced(components)
        for ring in rings:
            _cut(ring)


def release_replaced(components: Iterable[RenderStyles]) -> None:
    """Cut the virtual nodes behind component styles nobody reads any more."""
    for styles in components:
        virtual = styles.node
        if virtual is not None:
            virtual._css_styles.node = None
            virtual._inline_styles.node = None


def release_node(node: DOMNode) -> None:
    """Cut the cycles through a node that has left the DOM for good."""
    node._css_styles.node = None
    node._inline_styles.node = None
    _drop_back_links(node)
    for ring in _rings(node):
        _cut(ring)
    compositor = getattr(node, "_compositor", None)
    if compositor is not None:
        compositor.root = None
    # A screen's: callbacks still waiting for a paint that will never come
    # (each held with the node that asked, maybe another screen), results,
    # the widgets of its last layout.
    for held in ("_callbacks", "_result_callbacks", "_layout_widgets"):
        if container := getattr(node, held, None):
            container.clear()


class ReleasingWorkers(WorkerManager):
    """Textual's worker manager, forgetting each worker's task once it ended
    (a finished worker is waited on or cancelled without it)."""

    def _remove_worker(self, worker: Worker[Any]) -> None:
        super()._remove_worker(worker)
        worker._task = None


def release_app(app: App[Any]) -> None:
    """Cut the cycles through an app that has ended: its driver, its workers'
    manager, its animator and its logger point back at it. A late call on the
    app itself (the driver's `exit()` when the client's end of file comes
    after) still works; starting a worker or an animation on it does not."""
    release_node(app)
    release_replaced(app._component_styles.values())
    app._driver = None
    app._workers._app = None  # type: ignore[assignment]
    app._logger._log = _ignore
    animator = app._animator
    animator.app = None  # type: ignore[assignment]
    app._animate._obj = None
    _drop_back_links(animator)


def _drop_back_links(owner: object) -> None:
    """Cut what an object's own parts point back at it with: its (stopped)
    timers' callbacks, its Rich renderable's visual (`RichVisual._widget`)."""
    for value in vars(owner).values():
        if isinstance(value, Timer):
            value._callback = None  # type: ignore[assignment]
        elif isinstance(value, RichVisual) and value._widget is owner:
            value._widget = None  # type: ignore[assignment]


def _ignore(*_args: object, **_kwargs: object) -> None:
    """What an ended app's logger logs to."""


def _rings(node: DOMNode) -> list[list[Any]]:
    """The circular lists of a node's LRU caches (one entry of each)."""
    return [value._head for value in vars(node).values()
            if isinstance(value, LRUCache) and value._head]


def _cut(entry: list[Any]) -> None:
    """Empty every entry of an LRUCache's circular list, from any one of them
    (an entry is [previous, next, key, value]; evicted ones still lead in)."""
    while entry:
        following = entry[1]
        entry.clear()
        entry = following
