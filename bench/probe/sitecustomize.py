"""Measurement probe for `bench/exam_room.py --probe` (never used by the product).

Loaded by every Python process started with this folder on PYTHONPATH; in a
`qcm serve` worker it measures, and logs every 5 s to the server's log:
- the event loop's lag (a 20 ms sleep's lateness),
- the database: waiting for the process's connection lock, holding it (per
  transaction / read), and BEGIN IMMEDIATE (waiting for the other process),
  one-trip operations (`run_read`, `run_write`: asked for → result),
- full collections run by the worker's collector,
- Textual's message handling per message type (time and count).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import defaultdict

if os.environ.get("QCM_PROBE"):
    from sshserver import collector as collector_module
    from sshserver import serve
    from store import db

    stats: dict[str, list[float]] = defaultdict(list)

    def record(name: str, value: float) -> None:
        stats[name].append(value)

    def summary() -> str:
        parts = []
        for name in sorted(stats):
            values = sorted(stats[name])
            n = len(values)
            parts.append(f"{name} n={n} sum={sum(values) * 1000:.0f}ms "
                         f"p50={values[n // 2] * 1000:.1f} p99={values[min(n - 1, int(n * .99))] * 1000:.1f} "
                         f"max={values[-1] * 1000:.0f}")
        stats.clear()
        return " | ".join(parts)

    original_transaction = db.Database.transaction

    class Timed:
        def __init__(self, database, kind):
            self.database, self.kind = database, kind

        async def __aenter__(self):
            self.called = time.perf_counter()
            self.inner = original_transaction(self.database)
            result = await self.inner.__aenter__()
            self.entered = time.perf_counter()
            return result

        async def __aexit__(self, *exc):
            try:
                return await self.inner.__aexit__(*exc)
            finally:
                done = time.perf_counter()
                record("tx_total", done - self.called)
                record("tx_after_begin", done - self.entered)

    def transaction(self):
        return Timed(self, "tx")

    db.Database.transaction = transaction  # type: ignore[method-assign]

    original_lock_acquire = asyncio.Lock.acquire

    for name in ("one", "all"):
        original = getattr(db.Database, name)

        def wrap(original=original, name=name):
            async def timed(self, sql, params=()):
                began = time.perf_counter()
                try:
                    return await original(self, sql, params)
                finally:
                    record(f"read_{name}", time.perf_counter() - began)
            return timed

        setattr(db.Database, name, wrap())

    original_db_run = db.Database.run

    async def timed_run(self, work, write=False):
        """A one-trip store operation, from asking to its result (waiting
        for the database thread and, for a write, for the lock included)."""
        began = time.perf_counter()
        try:
            return await original_db_run(self, work, write=write)
        finally:
            record("run_write" if write else "run_read", time.perf_counter() - began)

    db.Database.run = timed_run  # type: ignore[method-assign]

    original_run = collector_module.Collector._run

    def run(self, reason):
        began = time.perf_counter()
        original_run(self, reason)
        record(f"gc_full({reason})", time.perf_counter() - began)

    collector_module.Collector._run = run  # type: ignore[method-assign]

    original_start = serve.start_worker

    async def lag_and_log() -> None:
        last = time.monotonic()
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.02)
            record("loop_lag", time.perf_counter() - before - 0.02)
            if time.monotonic() - last >= 5:
                last = time.monotonic()
                print(f"PROBE {time.time():.1f} {os.getpid()} {summary()}", file=sys.stderr, flush=True)

    async def start_worker(*args, **kwargs):
        worker = await original_start(*args, **kwargs)
        asyncio.ensure_future(lag_and_log())
        return worker

    serve.start_worker = start_worker

    from textual.message_pump import MessagePump

    original_dispatch = MessagePump._dispatch_message

    async def dispatch(self, message):
        began = time.perf_counter()
        try:
            return await original_dispatch(self, message)
        finally:
            record(f"msg_{type(message).__name__}", time.perf_counter() - began)

    MessagePump._dispatch_message = dispatch  # type: ignore[method-assign]

    # « Valider », step by step: Enter delivered → action → save (validation
    # and write) → Saved handled by the app → exam screen mounted → its first
    # paint. Each record is the time since the step before, per candidate.
    from sshserver import driver as driver_module
    from tui import candidate_app
    from tui.screens import exam_screen, identity_screen

    marks: dict[int, float] = {}

    def mark(app, name: str, first: str | None = None) -> None:
        now = time.perf_counter()
        key = id(app)
        if first is not None:
            marks[key] = now
            record(f"valider_{name}", 0.0)
            return
        if key in marks:
            record(f"valider_{name}", now - marks[key])
            marks[key] = now

    original_deliver = driver_module.SSHDriver._deliver

    def deliver(self, message):
        app = self._app
        if (getattr(message, "key", None) == "enter" and app.screen_stack
                and isinstance(app.screen, identity_screen.IdentityScreen)
                and type(app.screen.focused).__name__ == "Button"):
            mark(app, "0_delivered", first="yes")
        return original_deliver(self, message)

    driver_module.SSHDriver._deliver = deliver  # type: ignore[method-assign]

    from textual._context import active_app

    from services import attempt as attempt_module

    original_action = identity_screen.IdentityScreen.action_enter

    def action_enter(self):
        mark(self.app, "1_action")
        return original_action(self)

    identity_screen.IdentityScreen.action_enter = action_enter  # type: ignore[method-assign]

    original_save_identity = attempt_module.Attempt.save_identity

    async def save_identity(self, *args, **kwargs):
        app = active_app.get()
        mark(app, "2_to_pressed")
        try:
            return await original_save_identity(self, *args, **kwargs)
        finally:
            mark(app, "3_write")

    attempt_module.Attempt.save_identity = save_identity  # type: ignore[method-assign]

    original_saved = candidate_app.CandidateApp.on_identity_screen_saved

    async def saved(self, event):
        mark(self, "4_to_app")
        return await original_saved(self, event)

    candidate_app.CandidateApp.on_identity_screen_saved = saved  # type: ignore[method-assign]

    original_exam_mount = exam_screen.ExamScreen.on_mount

    def exam_mount(self):
        mark(self.app, "5_exam_mounted")
        return original_exam_mount(self)

    exam_screen.ExamScreen.on_mount = exam_mount  # type: ignore[method-assign]

    original_write = driver_module.SSHDriver.write

    def write(self, data):
        app = self._app
        if id(app) in marks and app.screen_stack and isinstance(
                app.screen, exam_screen.ExamScreen) and app.screen._ready:
            mark(app, "6_first_paint")
            marks.pop(id(app), None)
        return original_write(self, data)

    driver_module.SSHDriver.write = write  # type: ignore[method-assign]

    # Every collection CPython runs, by generation (young ones included), and
    # what each full collection of the worker's collector freed.
    import gc as gc_module

    gc_started: list[float] = [0.0]

    def gc_timer(phase: str, info: dict) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            record(f"gc_gen{info['generation']}", time.perf_counter() - gc_started[0])
            if info["generation"] == 2:
                stats[f"gc_gen2_freed({info['collected']})"].append(0.0)

    gc_module.callbacks.append(gc_timer)
