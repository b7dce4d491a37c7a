"""The management space of one centre's staff member (§3 of the manual).

Thin: builds the screens' shared context and shows the home screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on

from domain.clock import Clock
from domain.models import Account
from store import Scope, Store
from tui.base import QcmApp, SessionGuard
from tui.centre_context import CentreContext
from tui.screens.centre_home import CentreHomeScreen
from tui.shared_styles import SharedStyles

if TYPE_CHECKING:
    from services.documents import DocumentService


class CentreApp(QcmApp):
    TITLE = "qcm-ssh — espace centre"

    def __init__(self, store: Store, account: Account, clock: Clock, *,
                 documents: DocumentService | None = None, sftp_hint: str = "",
                 guard: SessionGuard | None = None, styles: SharedStyles | None = None,
                 refresh_seconds: float = 15.0) -> None:
        if account.is_admin or account.centre_id is None:
            raise ValueError("CentreApp is for centre accounts")
        super().__init__(clock, guard, styles=styles)
        self.store = store
        self.account = account
        self.centre_id: int = account.centre_id  # checked above: a centre account
        self.documents = documents
        self.sftp_hint = sftp_hint
        self.refresh_seconds = refresh_seconds
        self.context: CentreContext | None = None

    # Not `on_mount`: Textual calls every class's handler (QcmApp's starts the
    # session guard), and this one is a coroutine where QcmApp's is not.
    @on(events.Mount)
    async def open_home(self) -> None:
        scope = Scope.of(self.account)
        centre = await self.store.centres.centre(scope, self.centre_id)
        self.context = CentreContext(self.store, self.account, scope, centre, self.clock,
                                     self.documents, self.sftp_hint, self.refresh_seconds)
        await self.push_screen(CentreHomeScreen(self.context))
