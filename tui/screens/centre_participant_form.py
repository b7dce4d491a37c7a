"""Type one participant of a paper session (§3.3.1, §3.3.2)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Input, Static

from domain.keys import normalize_participant_number
from domain.models import ExamSession, Formation, Participant, Practical
from domain.text import safe_text
from domain.validation import (
    CIVILITIES,
    IDENTITY_LABELS,
    ValidationError,
    parse_score,
    validate_identity,
)
from services.participants import PaperCopy, add_participant, edit_participant
from store import Conflict, StoreError
from tui.centre_context import CentreContext
from tui.centre_text import PRACTICAL_CHOICES, person
from tui.layout_first import LayoutFirst
from tui.modals.score_copy import ScoreCopyModal
from tui.widgets.centre_header import CentreHeader
from tui.widgets.form_row import FormRow, show_errors
from tui.widgets.plain import Plain
from tui.widgets.select import Select
from tui.widgets.toggles import TickBox

TEXT_FIELDS = ("last_name", "first_name", "company", "company_address", "postal_code",
               "city", "country", "email")
RETAKE_HINT = "Second passage : l'évaluation pratique reprend celle du premier passage."


class ParticipantFormScreen(LayoutFirst):
    """« Ajouter » saves and clears for the next participant; « Annuler »
    clears what was typed since the last « Ajouter ». With `participant`,
    the form edits it and goes back to the list once saved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Enregistrer", id="participant_form.save"),
        Binding("ctrl+z", "reset", "Effacer", id="participant_form.reset"),
        Binding("ctrl+t", "score_copy", "Noter une copie", id="participant_form.score_copy"),
        Binding("escape", "back", "Retour", key_display="Échap",
                id="participant_form.back"),
    ]

    def __init__(self, ctx: CentreContext, session: ExamSession, formation: Formation,
                 participant: Participant | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.formation = formation
        self.participant = participant
        self.saved: list[Participant] = []
        self.copy_score: tuple[int, int] | None = None  # (score, copy) computed from a copy
        self.copy_letters: tuple[int, str] | None = None  # (batch, letters) ticked on it

    def compose(self) -> ComposeResult:
        verb = f"Modifier {self.participant.number}" if self.participant else "Ajouter un participant"
        yield CentreHeader(self.ctx)
        yield Plain(f"{verb} — session papier {self.session.id}", classes="title")
        with VerticalScroll(id="form"):
            yield FormRow("Civilité", Select([(c, c) for c in CIVILITIES], id="civility",
                                             prompt="Choisir", compact=True), "civility")
            for name in TEXT_FIELDS:
                yield FormRow(IDENTITY_LABELS[name], Input(id=name, compact=True,
                                                           max_length=200), name)
            yield FormRow(f"Note QCM (0 à {self.formation.questions_per_qcm})",
                          Input(id="score", restrict=r"\d*", max_length=3, compact=True),
                          "score")
            yield FormRow("Évaluation pratique", Select(PRACTICAL_CHOICES, id="practical",
                                                        allow_blank=False, compact=True),
                          "practical")
            yield FormRow("Second passage", TickBox("rattrapage du QCM seul", id="retake",
                                                     compact=True), "retake")
            yield FormRow("N° du premier passage", Input(
                id="retake_of", placeholder="AAAA-NNNNNN", max_length=11, compact=True,
                disabled=True), "retake_of")
        yield Plain("", id="status")
        with Horizontal(classes="buttons"):
            yield Button("Enregistrer" if self.participant else "Ajouter", id="save",
                         variant="primary", compact=True)
            yield Button("Annuler", id="reset", compact=True)
            yield Button("Retour à la liste", id="back", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_reset()

    @work(exclusive=True, group="score-copy")
    async def action_score_copy(self) -> None:
        batches = await self.ctx.store.qcms.paper_batches(self.ctx.scope, self.session.qcm_id)
        if not batches:
            self.say("Aucun lot de copies papier pour ce QCM : saisissez la note.", error=True)
            return
        result = await self.app.push_screen_wait(
            ScoreCopyModal(self.ctx, self.session.id, batches,  # type: ignore[arg-type]
                           self.formation.questions_per_qcm))
        if result is not None:
            score, copy, batch_id, letters = result
            self.copy_score = (score, copy)
            self.copy_letters = (batch_id, letters)
            self.query_one("#score", Input).value = str(score)
            show_errors(self, {})
            self.say(f"Note {score} calculée d'après la copie n°{copy}.")

    # Form state -------------------------------------------------------------

    def fill(self, participant: Participant | None) -> None:
        identity = participant.identity if participant else None
        civility = self.query_one("#civility", Select)
        if identity and identity.civility in CIVILITIES:
            civility.value = identity.civility
        else:
            civility.clear()
        for name in TEXT_FIELDS:
            value = safe_text(getattr(identity, name)) if identity else (
                "France" if name == "country" else "")
            self.query_one(f"#{name}", Input).value = value
        score = participant.score if participant else None
        self.query_one("#score", Input).value = "" if score is None else str(score)
        self.query_one("#practical", Select).value = (
            participant.practical if participant else Practical.UNKNOWN)
        retake = participant.retake_of if participant else None
        self.query_one("#retake", Checkbox).value = retake is not None
        self.query_one("#retake_of", Input).value = retake or ""

    @on(Checkbox.Changed, "#retake")
    def retake_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#retake_of", Input).disabled = not event.value
        practical = self.query_one("#practical", Select)
        practical.disabled = event.value
        if event.value:
            practical.value = Practical.FAVOURABLE
            self.say(RETAKE_HINT)

    def say(self, message: str, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(message)
        status.set_class(error, "error")

    def action_reset(self) -> None:
        p = self.participant
        self.copy_score = (p.score, p.copy_number) if p and p.copy_number and p.score is not None \
            else None
        self.fill(self.participant)
        show_errors(self, {})
        self.say("")
        self.query_one("#civility", Select).focus()

    # Saving ------------------------------------------------------------------

    def read(self) -> tuple[dict, dict[str, str]]:
        errors: dict[str, str] = {}
        fields = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        civility = self.query_one("#civility", Select).value
        fields["civility"] = "" if civility is Select.NULL else str(civility)
        values: dict = {}
        try:
            values["identity"] = validate_identity(fields)
        except ValidationError as exc:
            errors.update(exc.errors)
        try:
            values["score"] = parse_score(self.query_one("#score", Input).value,
                                          self.formation.questions_per_qcm)
        except ValidationError as exc:
            errors.update(exc.errors)
        values["practical"] = self.query_one("#practical", Select).value
        values["retake_of"] = None
        values["copy_number"] = None
        if self.copy_score and values.get("score") == self.copy_score[0]:
            values["copy_number"] = self.copy_score[1]  # kept only if the score was not retyped
        if self.query_one("#retake", Checkbox).value:
            number = normalize_participant_number(self.query_one("#retake_of", Input).value)
            if number is None:
                errors["retake_of"] = ("N° du premier passage : format AAAA-NNNNNN "
                                       "(exemple : 2026-000123), indiqué sur son courrier.")
            values["retake_of"] = number
        return values, errors

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    async def action_save(self) -> None:
        values, errors = self.read()
        show_errors(self, errors)
        if errors:
            self.say("Corrigez les champs signalés.", error=True)
            return
        copy = None
        if values["copy_number"] is not None and self.copy_letters:
            # Keep the ticked answers too: question statistics count paper copies.
            batch_id, letters = self.copy_letters
            copy = PaperCopy(batch_id, values["copy_number"], letters)
        try:
            if self.participant is None:
                saved = await add_participant(self.ctx.store, self.ctx.scope, self.session.id,  # type: ignore[arg-type]
                                              copy=copy, **values)
            else:
                saved = await edit_participant(self.ctx.store, self.ctx.scope,
                                               self.participant.id, copy=copy, **values)  # type: ignore[arg-type]
        except ValidationError as exc:
            show_errors(self, exc.errors)
            self.say("Corrigez les champs signalés.", error=True)
            return
        except Conflict as exc:
            if values["retake_of"] and "second passage n°" not in str(exc):
                show_errors(self, {"retake_of": str(exc)})  # the rules refused the retake
            self.say(str(exc), error=True)
            return
        except StoreError as exc:
            self.say(str(exc), error=True)
            return
        self.copy_letters = None
        self.saved.append(saved)
        if self.participant is not None:
            self.dismiss(saved)
            return
        self.action_reset()
        self.say(f"Participant {saved.number} ajouté : {person(saved)}. "
                 "Saisissez le suivant ou revenez à la liste.")

    @on(Button.Pressed, "#reset")
    def reset_pressed(self) -> None:
        self.action_reset()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)
