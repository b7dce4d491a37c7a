"""« Modifier » a session: the window at any time; centre, trainer, place and
date only until a candidate has submitted or been locked."""

from __future__ import annotations

from textual.widgets import Static

from domain.models import ExamSession, KeyState, SessionKind
from services.sessions import change_session
from tui.centre_context import CentreContext
from tui.centre_text import kind_text
from tui.screens.centre_session_form import SessionFormScreen
from tui.widgets.session_fields import SessionFields

FROZEN_HINT = ("Centre, formateur, lieu et date figurent déjà sur des résultats validés : "
               "ils ne peuvent plus changer.")
WINDOW_HINT = "La plage horaire reste modifiable, même pendant l'évaluation."


class SessionEditScreen(SessionFormScreen):
    def __init__(self, ctx: CentreContext, session: ExamSession) -> None:
        super().__init__(ctx, session.formation_code)
        self.session = session
        self.online = session.kind is SessionKind.ONLINE
        self.printed_locked = False

    def heading(self) -> str:
        return f"Modifier la session {kind_text(self.session).lower()} {self.session.id}"

    async def load(self) -> None:
        store, scope, sid = self.ctx.store, self.ctx.scope, self.session.id
        self.session = await store.sessions.session(scope, sid)  # type: ignore[arg-type]
        participants = await store.sessions.participants(scope, sid)  # type: ignore[arg-type]
        submitted = False
        if self.online:
            submitted = any(k.state is KeyState.SUBMITTED
                            for k, _ in await store.exam.keys(scope, sid))  # type: ignore[arg-type]
        self.printed_locked = submitted or any(p.locked for p in participants)

    def make_fields(self, session: ExamSession | None = None,
                    printed_locked: bool = False) -> SessionFields:
        return super().make_fields(self.session, self.printed_locked)

    async def after_fields(self) -> None:
        hints = [FROZEN_HINT] if self.printed_locked else []
        if self.online:
            hints.append(WINDOW_HINT)
        if hints:
            await self.query_one("#form").mount(Static("\n".join(hints), classes="hint",
                                                       id="edit-hint"))

    async def save(self) -> None:
        values, errors = self.read_values()
        if not self.show(errors) or values is None:
            return
        changes: dict = {}
        if self.online:
            changes.update(starts_at=values.starts_at, ends_at=values.ends_at)
        if not self.printed_locked:
            changes.update(trainer_id=values.trainer_id, place=values.place, day=values.day,
                           centre_name=values.centre_name)
        self.session = await change_session(
            self.ctx.store, self.ctx.scope, self.session.id, **changes)  # type: ignore[arg-type]
        self.dismiss(self.session)
