"""The fields shared by the session forms: formation, centre, trainer,
date (paper) or window (online), place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from domain.models import ExamSession, Formation, Trainer
from domain.text import safe_text
from domain.validation import ValidationError, check_text
from domain.window import parse_day, parse_local
from tui.centre_text import day_text, input_moment, plain
from tui.widgets.form_row import FormRow
from tui.widgets.select import Select


@dataclass(frozen=True)
class SessionValues:
    centre_name: str
    trainer_id: int
    place: str
    day: date
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class SessionFields(Vertical):
    """`online` switches the date for a start/end window. `printed_locked`
    makes centre, trainer, place and date read-only (they are already printed
    on validated results)."""

    def __init__(self, *, formation: Formation, centre_name: str, trainers: list[Trainer],
                 timezone: str, online: bool, today: date,
                 session: ExamSession | None = None, printed_locked: bool = False) -> None:
        super().__init__(id="session-fields")
        self.formation = formation
        self.timezone = timezone
        self.online = online
        self.printed_locked = printed_locked
        self.session = session
        self._centre_name = safe_text(session.centre_name if session else centre_name)
        self._trainers = trainers
        self._today = today

    def compose(self) -> ComposeResult:
        s, locked = self.session, self.printed_locked
        formation = f"{self.formation.code} — {self.formation.name}"
        yield FormRow("Formation", Input(formation, id="formation", disabled=True,
                                         compact=True), "formation")
        yield FormRow("Centre", Input(self._centre_name, id="centre_name", compact=True,
                                      disabled=locked, max_length=200), "centre_name")
        options = [(plain(t.name), t.id) for t in self._trainers]
        selected = s.trainer_id if s and s.trainer_id in {t.id for t in self._trainers} else (
            self._trainers[0].id if len(self._trainers) == 1 else Select.NULL)
        yield FormRow("Formateur", Select(options, prompt="Choisir un formateur", value=selected,
                                          id="trainer", compact=True, disabled=locked),
                      "trainer")
        if self.online:
            yield FormRow("Début (JJ/MM/AAAA HH:MM)", Input(
                input_moment(s.starts_at, self.timezone) if s else "", id="starts",
                placeholder=f"{day_text(self._today)} 09:00", compact=True), "starts")
            yield FormRow("Fin (JJ/MM/AAAA HH:MM)", Input(
                input_moment(s.ends_at, self.timezone) if s else "", id="ends",
                placeholder=f"{day_text(self._today)} 17:00", compact=True), "ends")
        else:
            yield FormRow("Date (JJ/MM/AAAA)", Input(
                day_text(s.day if s else self._today), id="day", compact=True,
                disabled=locked), "day")
        yield FormRow("Lieu", Input(safe_text(s.place) if s else "", id="place", compact=True,
                                    disabled=locked, max_length=200,
                                    placeholder="ville, salle"), "place")

    def read(self) -> SessionValues:
        """The typed values, or ValidationError with a French message per field.
        Read-only printed fields keep the session's values."""
        errors: dict[str, str] = {}
        if self.printed_locked and self.session is not None:
            s = self.session
            centre_name, place, trainer, day = s.centre_name, s.place, s.trainer_id, s.day
        else:
            centre_name, trainer, place, day = self._printed(errors)
        starts = ends = None
        if self.online:
            starts = self._moment("starts", "Début", errors)
            ends = self._moment("ends", "Fin", errors)
            if starts and ends and ends <= starts:
                errors["ends"] = "Fin : doit suivre le début de l'évaluation."
            if starts and not self.printed_locked:
                day = starts.date()
        if errors:
            raise ValidationError(errors)
        return SessionValues(centre_name, trainer, place, day, starts, ends)  # type: ignore[arg-type]

    def _printed(self, errors: dict[str, str]) -> tuple[str, object, str, date]:
        centre_name, error = check_text(self.query_one("#centre_name", Input).value, "Centre")
        if error:
            errors["centre_name"] = error
        place, error = check_text(self.query_one("#place", Input).value, "Lieu")
        if error:
            errors["place"] = error
        trainer = self.query_one("#trainer", Select).value
        if trainer is Select.NULL:
            errors["trainer"] = "Formateur : choisir dans la liste."
        day = self._today
        if not self.online:
            try:
                day = parse_day(self.query_one("#day", Input).value)
            except ValueError as exc:
                errors["day"] = str(exc)
        return centre_name, trainer, place, day

    def _moment(self, field: str, label: str, errors: dict[str, str]) -> datetime | None:
        text = self.query_one(f"#{field}", Input).value
        if not text.strip():
            errors[field] = f"{label} : champ obligatoire."
            return None
        try:
            return parse_local(text, self.timezone)
        except ValueError as exc:
            errors[field] = f"{label} : {exc}"
            return None
