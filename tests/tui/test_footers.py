"""Every screen's footer, at 80 columns, shows each key with its French label.

The footer cut « esc Re » on the keys screen once « t Temps suppl. » was added,
and named Escape « esc »: the width is checked for every screen and modal of
the three apps, and key names come from `QcmApp.get_key_display`."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, datetime

from textual.binding import Binding
from textual.screen import Screen

import tui.modals
import tui.screens
from domain.clock import FixedClock
from tui.base import QcmApp

WIDTH = 80


def screens() -> list[type[Screen]]:
    found: set[type[Screen]] = set()
    for package in (tui.screens, tui.modals):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found.update(value for value in vars(module).values()
                         if isinstance(value, type) and issubclass(value, Screen)
                         and value.__module__ == module.__name__)
    return sorted(found, key=lambda cls: cls.__qualname__)


def footer_width(app: QcmApp, bindings: list[Binding]) -> int:
    """Columns of a compact footer: « key label » items one space apart."""
    items = [f"{app.get_key_display(b)} {b.description}" for b in bindings if b.show]
    return sum(len(item) for item in items) + len(items) - 1


def shown_bindings(cls: type) -> list[Binding]:
    """A class's bindings as the footer shows them: one item per action, under
    its first key (« s,delete » shows as « s »)."""
    bindings: dict[str, Binding] = {}
    for klass in reversed(cls.__mro__):
        for binding in Binding.make_bindings(
                b for b in vars(klass).get("BINDINGS", []) if isinstance(b, Binding)):
            bindings.setdefault(binding.action, binding)
    return list(bindings.values())


def test_every_footer_fits_80_columns_in_french():
    app = QcmApp(FixedClock(datetime(2026, 5, 12, 8, 0, tzinfo=UTC)))
    quit_binding = shown_bindings(QcmApp)
    found = screens()
    assert len(found) > 25  # the scan sees the apps' screens and modals
    too_wide, english = [], []
    for cls in found:
        bindings = shown_bindings(cls) + quit_binding
        if footer_width(app, bindings) > WIDTH:
            too_wide.append(f"{cls.__qualname__}: {footer_width(app, bindings)}")
        english += [f"{cls.__qualname__}: {app.get_key_display(b)}" for b in bindings
                    if b.show and app.get_key_display(b) in ("esc", "enter", "delete", "space")]
    assert too_wide == [] and english == []
