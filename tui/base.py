"""What every qcm-ssh application shares: one stylesheet, no eye candy."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from domain.clock import Clock


class QcmApp(App):
    """Base of the three applications (centre, candidate, administration).

    Collaborators come through the constructor: many apps share one process,
    so nothing is global. Subclasses stay thin: routing and modes only."""

    CSS_PATH = "qcm.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "qcm-ssh"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quitter", priority=True, id="quit"),
    ]

    def __init__(self, clock: Clock, **kwargs) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.animation_level = "none"
