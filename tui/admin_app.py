"""The certification body's application: routing only."""

from __future__ import annotations

from domain.clock import Clock
from domain.models import Account
from store import Store
from tui.admin_context import AdminContext
from tui.base import QcmApp
from tui.screens.admin_home import AdminHomeScreen


class AdminApp(QcmApp):
    """One per admin SSH connection. `account` must be an admin account."""

    TITLE = "qcm-ssh — Administration"

    def __init__(self, store: Store, account: Account, clock: Clock, **kwargs) -> None:
        super().__init__(clock, **kwargs)
        self.context = AdminContext.build(store, account, clock)
        self.sub_title = account.login

    def on_mount(self) -> None:
        self.push_screen(AdminHomeScreen(self.context))
