"""Formations: list, create, edit (size, pass mark, themes in order), deactivate."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from domain.models import Formation
from store import StoreError
from tui.admin_context import AdminContext
from tui.layout_first import LayoutFirst
from tui.modals.admin_form import Field, FormModal
from tui.modals.confirm import ConfirmModal
from tui.screens.admin_questions import QuestionsScreen
from tui.widgets.admin_table import AdminTable


def _int(value: str, label: str) -> int:
    value = value.strip()
    if not value.isdigit():
        raise ValueError(f"{label} : nombre entier attendu.")
    return int(value)


def _themes(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class FormationsScreen(LayoutFirst):
    BINDING_GROUP_TITLE = "Formations"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "questions", "Questions", id="admin.formations.questions"),
        Binding("n", "create", "Nouvelle", id="admin.formations.create"),
        Binding("e", "edit", "Modifier", id="admin.formations.edit"),
        Binding("d", "toggle", "(Dés)activer", id="admin.formations.toggle"),
        Binding("escape", "app.pop_screen", "Retour", id="admin.formations.back"),
    ]

    def __init__(self, context: AdminContext) -> None:
        super().__init__()
        self.context = context
        self.formations: dict[str, Formation] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Formations", classes="title")
        yield AdminTable(id="formations")
        yield Static("Entrée : questions de la formation. Les thèmes se modifient avec « e », "
                     "un par ligne, dans l'ordre.", classes="hint")
        yield Footer()

    async def on_screen_resume(self) -> None:
        """On arrival and after every form or sub-screen closes."""
        await self.reload()

    async def reload(self) -> None:
        banks = self.context.store.banks
        found = await banks.formations(include_inactive=True)
        counts = await self.context.admin.banks.question_counts()
        self.formations = {f.code: f for f in found}
        self.query_one(AdminTable).fill(
            ["Code", "Formation", "Questions", "Par QCM", "Seuil", "Thèmes", "État"],
            [(f.code, (f.code, f.name, counts.get(f.code, 0), f.questions_per_qcm, f.pass_mark,
                       len(f.themes), "active" if f.active else "désactivée")) for f in found])

    @property
    def current(self) -> Formation | None:
        key = self.query_one(AdminTable).selected_key
        return self.formations.get(key) if key else None

    @on(DataTable.RowSelected)
    def _chosen(self) -> None:
        self.action_questions()

    def action_questions(self) -> None:
        if self.current:
            self.app.push_screen(QuestionsScreen(self.context, self.current.code))

    def _form(self, title: str, f: Formation | None, submit) -> FormModal:
        fields = [] if f else [Field("code", "Code", placeholder="ex. PV-RES")]
        fields += [
            Field("name", "Intitulé", f.name if f else ""),
            Field("per_qcm", "Questions/QCM", str(f.questions_per_qcm) if f else "30"),
            Field("pass_mark", "Seuil", str(f.pass_mark) if f else "24"),
            Field("themes", "Thèmes", "\n".join(f.themes) if f else "", multiline=True),
        ]
        return FormModal(title, fields, submit)

    def action_create(self) -> None:
        async def submit(values: dict[str, str]) -> str | None:
            try:
                f = Formation(values["code"].strip().upper(), values["name"],
                              _int(values["per_qcm"], "Questions par QCM"),
                              _int(values["pass_mark"], "Seuil"), tuple(_themes(values["themes"])))
                await self.context.admin.banks.create_formation(self.context.scope, f)
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify(f"Formation {f.code} créée.", markup=False)
            return None
        self.app.push_screen(self._form("Nouvelle formation", None, submit))

    def action_edit(self) -> None:
        f = self.current
        if f is None:
            return

        async def submit(values: dict[str, str]) -> str | None:
            try:
                await self.context.admin.banks.update_formation(
                    self.context.scope, f.code, name=values["name"],
                    questions_per_qcm=_int(values["per_qcm"], "Questions par QCM"),
                    pass_mark=_int(values["pass_mark"], "Seuil"),
                    themes=_themes(values["themes"]))
            except (ValueError, StoreError) as exc:
                return str(exc)
            self.notify(f"Formation {f.code} modifiée.", markup=False)
            return None
        self.app.push_screen(self._form(f"Modifier {f.code}", f, submit))

    def action_toggle(self) -> None:
        f = self.current
        if f is None:
            return
        question = (f"Désactiver {f.code} ? Plus aucun QCM ne pourra être créé ; les QCM "
                    "existants restent utilisables." if f.active else f"Réactiver {f.code} ?")

        async def done(ok: bool | None) -> None:
            if ok:
                await self.context.admin.banks.set_formation_active(self.context.scope, f.code,
                                                                    not f.active)
                await self.reload()
        self.app.push_screen(ConfirmModal(question, "Désactiver" if f.active else "Réactiver"),
                             done)
