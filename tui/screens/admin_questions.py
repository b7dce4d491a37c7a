"""One formation's question bank: by theme, search, add, edit, deactivate.

Editing never changes a stored question: it writes a new version, and QCMs
already drawn keep the one they drew."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Static

from domain.models import CHOICE_LETTERS, Formation, Question
from domain.text import safe_text
from services import banks
from store import StoreError
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.modals.admin_form import Field, FormModal
from tui.modals.confirm import ConfirmModal
from tui.widgets.admin_table import AdminTable
from tui.widgets.select import Select


def question_detail(q: Question) -> Text:
    """The full question, the right answer marked, as plain text."""
    text = Text(safe_text(q.text.replace("\n", " ")) + "\n", style="bold")
    for i, choice in enumerate(q.choices):
        mark = "✔" if i == q.correct else " "
        text.append(f" {mark} {CHOICE_LETTERS[i]}. {safe_text(choice)}\n",
                    style="bold" if i == q.correct else "")
    return text


class QuestionsScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Questions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Ajouter", id="admin.questions.add"),
        Binding("e", "edit", "Modifier", id="admin.questions.edit"),
        Binding("d", "toggle", "(Dés)activer", id="admin.questions.toggle"),
        Binding("slash", "search", "Chercher", id="admin.questions.search"),
        Binding("i", "inactive", "Voir retirées", id="admin.questions.inactive"),
        Binding("escape", "back", "Retour", id="admin.questions.back"),
    ]

    def __init__(self, context: AdminContext, code: str) -> None:
        super().__init__()
        self.context = context
        self.code = code
        self.formation: Formation | None = None
        self.questions: dict[str, Question] = {}
        self.show_inactive = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Questions de {safe_text(self.code)}"), classes="title",
                     id="questions-title")
        with Horizontal(id="question-filters", classes="filters gap"):
            yield Select([], prompt="Tous les thèmes", id="theme", compact=True)
            yield Input(placeholder="Chercher (texte ou propositions)…", id="search",
                        compact=True)
        yield AdminTable(id="questions")
        yield Static("", id="question-detail", classes="detail")
        yield Footer()

    async def on_mount(self) -> None:
        self.formation = await self.context.store.banks.formation(self.code)
        self.query_one("#theme", Select).set_options(
            [(Text(safe_text(t)), t) for t in self.formation.themes])
        self.query_one(AdminTable).focus()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        theme = self.query_one("#theme", Select).value
        query = self.query_one("#search", Input).value
        found = await self.context.admin.banks.search_questions(
            self.code, query, None if theme is Select.NULL else str(theme), self.show_inactive)
        self.questions = {str(q.id): q for q in found}
        self.query_one(AdminTable).fill(
            ["Id", "Thème", "Question", "Rép.", "État"],
            [(q.id, (q.id, q.theme[:18], q.text, CHOICE_LETTERS[q.correct],
                     "active" if q.active else "désactivée")) for q in found], limit=44)
        active = sum(1 for q in found if q.active)
        self.query_one("#questions-title", Static).update(Text(
            f"Questions de {safe_text(self.code)} — {len(found)} affichées, {active} actives"
            + (" (désactivées comprises)" if self.show_inactive else "")))
        self._show_detail()

    @property
    def current(self) -> Question | None:
        key = self.query_one(AdminTable).selected_key
        return self.questions.get(key) if key else None

    def _show_detail(self) -> None:
        q = self.current
        self.query_one("#question-detail", Static).update(question_detail(q) if q else "")

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _chosen(self) -> None:
        self.action_edit()

    @on(Select.Changed, "#theme")
    async def _theme_changed(self) -> None:
        await self.reload()

    @on(Input.Changed, "#search")
    async def _search_changed(self) -> None:
        await self.reload()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(AdminTable).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    async def action_inactive(self) -> None:
        self.show_inactive = not self.show_inactive
        await self.reload()

    def action_back(self) -> None:
        if self.focused is self.query_one("#search", Input):
            self.query_one(AdminTable).focus()
        else:
            self.app.pop_screen()

    def _form(self, title: str, q: Question | None, submit) -> FormModal:
        assert self.formation is not None
        return FormModal(title, [
            Field("theme", "Thème", q.theme if q else "",
                  choices=[(t, t) for t in self.formation.themes]),
            Field("text", "Énoncé", q.text if q else "", multiline=True),
            *(Field(f"choice{i}", f"Proposition {letter}", q.choices[i] if q else "")
              for i, letter in enumerate(CHOICE_LETTERS)),
            Field("correct", "Bonne réponse", CHOICE_LETTERS[q.correct] if q else "",
                  choices=[(letter, letter) for letter in CHOICE_LETTERS]),
        ], submit)

    @staticmethod
    def _parts(values: dict[str, str]) -> tuple[str, str, list[str], int]:
        if not values["theme"]:
            raise ValueError("Choisissez un thème.")
        if not values["correct"]:
            raise ValueError("Choisissez la bonne réponse.")
        return (values["theme"], values["text"], [values[f"choice{i}"] for i in range(4)],
                CHOICE_LETTERS.index(values["correct"]))

    def action_add(self) -> None:
        async def submit(values: dict[str, str]) -> str | None:
            try:
                q = await banks.add_question(self.context.store, self.context.scope, self.code,
                                             *self._parts(values))
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify(f"Question {q.id} ajoutée.", markup=False)
            return None
        self.app.push_screen(self._form(f"Nouvelle question — {self.code}", None, submit))

    def action_edit(self) -> None:
        q = self.current
        if q is None:
            return
        if not q.active:
            self.notify("Question désactivée : réactivez-la (d) avant de la modifier.",
                        severity="warning", markup=False)
            return

        async def submit(values: dict[str, str]) -> str | None:
            try:
                theme, statement, choices, correct = self._parts(values)
                new = await banks.edit_question(
                    self.context.store, self.context.scope, q.id, theme=theme,  # type: ignore[arg-type]
                    statement=statement, choices=choices, correct=correct)
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify(f"Question {q.id} remplacée par la version {new.id}.", markup=False)
            return None
        self.app.push_screen(self._form(
            f"Modifier la question {q.id} (nouvelle version ; les QCM déjà tirés gardent "
            "l'ancienne)", q, submit))

    def action_toggle(self) -> None:  # type: ignore[override]  # not DOMNode.action_toggle
        q = self.current
        if q is None:
            return
        prompt = (f"Retirer la question {q.id} des prochains tirages ?" if q.active
                  else f"Réactiver la question {q.id} ?")

        async def done(ok: bool | None) -> None:
            if not ok:
                return
            try:
                await banks.set_question_active(self.context.store, self.context.scope,
                                                q.id, not q.active)  # type: ignore[arg-type]
            except StoreError as exc:
                self.notify(str(exc), severity="error", markup=False)
            await self.reload()
        self.app.push_screen(ConfirmModal(prompt, "Retirer" if q.active else "Réactiver"), done)
