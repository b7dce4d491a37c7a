"""The administration's home: one entry per area."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from domain.text import safe_text
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.screens.admin_centres import CentresScreen
from tui.screens.admin_formations import FormationsScreen
from tui.screens.admin_outbox import OutboxScreen
from tui.screens.admin_oversight import OversightScreen
from tui.screens.admin_stats import StatsScreen

SECTIONS = (
    ("formations", "1  Formations et banques de questions"),
    ("centres", "2  Centres, formateurs et comptes"),
    ("oversight", "3  Supervision : QCM, sessions, participants, documents"),
    ("outbox", "4  Courrier à envoyer (lettres et attestations)"),
    ("stats", "5  Statistiques"),
)


class AdminHomeScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Administration"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(n), f"open('{key}')", label, show=False, id=f"admin.home.{key}")
        for n, (key, label) in enumerate(SECTIONS, start=1)
    ]

    def __init__(self, context: AdminContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Organisme certificateur — {safe_text(self.context.account.login)}"),
                     classes="title")
        yield OptionList(*(Option(Text(label), id=key) for key, label in SECTIONS),
                         id="sections")
        yield Static("Entrée ou chiffre : ouvrir. Échap : revenir ici. Ctrl+Q : quitter.",
                     classes="hint")
        yield Footer()

    @on(OptionList.OptionSelected, "#sections")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open(event.option.id or "")

    def action_open(self, key: str) -> None:
        screens = {"formations": FormationsScreen, "centres": CentresScreen,
                   "oversight": OversightScreen, "outbox": OutboxScreen, "stats": StatsScreen}
        if key in screens:
            self.app.push_screen(screens[key](self.context))
