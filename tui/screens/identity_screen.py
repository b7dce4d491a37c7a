"""The candidate's identity form, before the QCM and again until submission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioSet,
    Static,
)

from domain.exam import KeyRefused
from domain.keys import normalize_participant_number
from domain.models import Identity
from domain.text import safe_text
from domain.validation import (
    CIVILITIES,
    IDENTITY_LABELS,
    ValidationError,
    validate_identity,
)
from services.attempt import Attempt
from store import StoreError
from tui.layout_first import LayoutFirst
from tui.quiet import QuietFocus, QuietFooter
from tui.screens.exam_messages import KeyLost
from tui.widgets.text_field import TextField
from tui.widgets.toggles import RadioChoice, TickBox

TEXT_FIELDS = ("last_name", "first_name", "company", "company_address", "postal_code",
               "city", "country", "email")
RETAKE_FORMAT = "N° du premier passage : format AAAA-NNNNNN (par exemple 2026-000123)."


class IdentityScreen(QuietFocus, LayoutFirst):
    """Saves the identity (and a retake's first number) for the opened key."""

    AUTO_FOCUS = "#civility"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Retour au QCM", id="identity.back"),
        # Priority: on every field Enter does what the hint says (the radio
        # buttons, the checkbox and the text fields would each do otherwise).
        Binding("enter", "enter", show=False, priority=True, id="identity.enter"),
    ]

    @dataclass
    class Saved(Message):
        """The identity is stored; `first` is True before the QCM has started."""

        first: bool

    def __init__(self, attempt: Attempt | None, *, first: bool) -> None:
        """Without an attempt the form is built empty, ahead of the key's
        opening (`show_attempt` fills it in then)."""
        super().__init__()
        self.attempt = attempt
        self.first = first
        self._saving = False  # being saved, or saved: Enter or a click again does nothing

    def compose(self) -> ComposeResult:
        # Shallow on purpose: the screen itself scrolls, each line is one row
        # under it. Textual mounts a tree level by level, a few turns of the
        # event loop each, and on a loaded worker every turn lasts as long as
        # all its sessions' ready work (bench/mount_turns.py).
        yield Static("Vos informations", classes="title")
        yield Static("Entrée ou Tab : champ suivant ; Espace coche. « Valider » enregistre"
                     + (" et commence le QCM." if self.first else " et revient au QCM."),
                     classes="hint")
        yield Static("", id="number", markup=False)
        with Horizontal(classes="field-row"):
            yield Label(IDENTITY_LABELS["civility"], classes="field-label")
            with RadioSet(id="civility", compact=True):
                for civility in CIVILITIES:
                    yield RadioChoice(civility, compact=True)
        yield Static("", id="civility-error", classes="field-error", markup=False)
        for name in TEXT_FIELDS:
            with Horizontal(classes="field-row"):
                yield Label(IDENTITY_LABELS[name], classes="field-label")
                yield TextField(id=name, max_length=200, compact=True)
            yield Static("", id=f"{name}-error", classes="field-error", markup=False)
        with Horizontal(classes="field-row"):
            yield Label("Second passage", classes="field-label")
            yield TickBox("oui, n° du 1er passage :", id="is-retake", compact=True)
            yield TextField(id="retake_of", max_length=20, placeholder="AAAA-NNNNNN",
                            compact=True, disabled=True)
        yield Static("", id="retake_of-error", classes="field-error", markup=False)
        yield Static("", id="form-error", classes="field-error", markup=False)
        with Horizontal(id="identity-buttons"):
            yield Button("Valider", id="save", variant="primary", compact=True)
        yield QuietFooter()

    def on_mount(self) -> None:
        if self.attempt is not None:
            self.show_attempt(self.attempt)

    def show_attempt(self, attempt: Attempt) -> None:
        """Fills the mounted form in with what is stored for the attempt."""
        self.attempt = attempt
        participant = attempt.participant
        identity = participant.identity
        self.query_one("#number", Static).update(
            f"N° de participant : {participant.number} "
            "(à garder : il sert en cas de second passage)")
        for choice in self.query(RadioChoice):
            choice.value = identity.civility == str(choice.label)
        for name in TEXT_FIELDS:
            value = getattr(identity, name) or ("France" if name == "country" else "")
            self.query_one(f"#{name}", Input).value = safe_text(value)
        self.query_one("#is-retake", Checkbox).value = participant.is_retake
        retake_of = self.query_one("#retake_of", Input)
        retake_of.value = participant.retake_of or ""
        retake_of.disabled = not participant.is_retake

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return not self.first
        return True

    def action_back(self) -> None:
        if not self.first:
            self.dismiss()

    @on(Checkbox.Changed, "#is-retake")
    def _retake_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#retake_of", Input).disabled = not event.value

    async def action_enter(self) -> None:
        """Enter goes to the next field; on Civilité it first chooses the
        highlighted civility if none is chosen; on « Valider » it saves (at
        once: the button's Pressed message would bubble up to this screen, a
        turn of the event loop per container, before the saving began)."""
        focused = self.focused
        if isinstance(focused, RadioSet):
            if focused.pressed_button is None:
                focused.action_toggle_button()
            self.focus_next()
        elif isinstance(focused, (Input, Checkbox)):
            self.focus_next()
        elif isinstance(focused, Button) and focused.id == "save":
            await self.save()
        else:
            raise SkipAction()

    @on(Button.Pressed, "#save")
    async def save(self) -> None:
        attempt = self.attempt
        # No attempt: not shown before it is known. Saving, or saved: once.
        if attempt is None or self._saving:
            return
        fields = {name: self.query_one(f"#{name}", Input).value for name in TEXT_FIELDS}
        pressed = self.query_one("#civility", RadioSet).pressed_button
        fields["civility"] = str(pressed.label) if pressed is not None else ""
        errors: dict[str, str] = {}
        identity: Identity | None = None
        try:
            identity = validate_identity(fields)
        except ValidationError as exc:
            errors.update(exc.errors)
            if "civility" in errors:
                errors["civility"] = "Civilité : choisir M. ou Mme (flèches puis Entrée)."
        retake_of: str | None = None
        if self.query_one("#is-retake", Checkbox).value:
            retake_of = normalize_participant_number(self.query_one("#retake_of", Input).value)
            if retake_of is None:
                errors["retake_of"] = RETAKE_FORMAT
        if errors or identity is None:
            self._show_errors(errors)
            return
        self._saving = True
        try:
            await attempt.save_identity(identity, retake_of)
        except KeyRefused as refusal:
            self.post_message(KeyLost(refusal))
        except StoreError as exc:  # Conflict: the decision table refuses the retake
            self._saving = False
            self._show_errors({"retake_of" if retake_of else "form": str(exc)})
        else:
            self.post_message(self.Saved(self.first))

    def _show_errors(self, errors: dict[str, str]) -> None:
        first_bad: str | None = None
        for name in ("civility", *TEXT_FIELDS, "retake_of", "form"):
            message = errors.get(name, "")
            label = self.query_one(f"#{name}-error", Static)
            label.update(safe_text(message))
            label.set_class(bool(message), "-shown")
            if message and first_bad is None and name != "form":
                first_bad = name
        if first_bad is not None:
            self.query_one(f"#{first_bad}").focus()
        elif errors:
            self.query_one("#form-error").scroll_visible()
