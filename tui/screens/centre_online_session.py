"""Create an online session (§3.4): number of participants, then the form."""

from __future__ import annotations

from textual.widgets import Input

from domain.models import Qcm
from services.sessions import MAX_KEYS, create_online_session
from tui.centre_context import CentreContext
from tui.modals.count import parse_count
from tui.screens.centre_keys import KeysScreen
from tui.screens.centre_session_form import SessionFormScreen
from tui.widgets.form_row import FormRow


class OnlineSessionScreen(SessionFormScreen):
    online = True

    def __init__(self, ctx: CentreContext, qcm: Qcm) -> None:
        super().__init__(ctx, qcm.formation_code)
        self.qcm = qcm

    def heading(self) -> str:
        return f"Session en ligne — QCM {self.qcm.id} : {self.qcm.title}"

    def extra_fields(self) -> list:
        return [FormRow("Nombre de participants", Input(id="count", restrict=r"\d*",
                                                        max_length=3, compact=True), "count")]

    async def save(self) -> None:
        values, errors = self.read_values()
        try:
            count = parse_count(self.query_one("#count", Input).value,
                                "Nombre de participants", MAX_KEYS)
        except ValueError as exc:
            errors["count"] = str(exc)
        if not self.show(errors) or values is None:
            return
        session, _ = await create_online_session(
            self.ctx.store, self.ctx.scope, self.qcm.id, count, values.trainer_id,  # type: ignore[arg-type]
            values.place, values.starts_at, values.ends_at, day=values.day,  # type: ignore[arg-type]
            centre_name=values.centre_name)
        self.app.switch_screen(KeysScreen(self.ctx, session))
