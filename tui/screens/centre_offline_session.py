"""Record a paper (offline) session (§3.3): the session form."""

from __future__ import annotations

from domain.models import Qcm
from services.sessions import create_paper_session
from tui.centre_context import CentreContext
from tui.screens.centre_participants import ParticipantsScreen
from tui.screens.centre_session_form import SessionFormScreen


class OfflineSessionScreen(SessionFormScreen):
    online = False

    def __init__(self, ctx: CentreContext, qcm: Qcm) -> None:
        super().__init__(ctx, qcm.formation_code)
        self.qcm = qcm

    def heading(self) -> str:
        return f"Session papier — QCM {self.qcm.id} : {self.qcm.title}"

    async def save(self) -> None:
        values, errors = self.read_values()
        if not self.show(errors) or values is None:
            return
        session = await create_paper_session(
            self.ctx.store, self.ctx.scope, self.qcm.id, values.trainer_id,  # type: ignore[arg-type]
            values.place, values.day, centre_name=values.centre_name)
        self.app.switch_screen(ParticipantsScreen(self.ctx, session, open_form=True))
