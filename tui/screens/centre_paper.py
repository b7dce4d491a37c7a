"""Generate a paper QCM (§3.2): a number of copies, then the PDF."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Static

from domain.models import Qcm
from services.documents import MAX_COPIES
from store import StoreError
from tui.centre_context import CentreContext
from tui.layout_first import LayoutFirst
from tui.modals.count import parse_count
from tui.widgets.centre_header import CentreHeader
from tui.widgets.form_row import FormRow, show_errors
from tui.widgets.plain import Plain
from tui.widgets.work_progress import WorkProgress


class PaperScreen(LayoutFirst):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Retour à la liste", id="paper.back"),
    ]

    def __init__(self, ctx: CentreContext, qcm: Qcm) -> None:
        super().__init__()
        self.ctx = ctx
        self.qcm = qcm
        self.running = False

    def compose(self) -> ComposeResult:
        yield CentreHeader(self.ctx)
        yield Plain(f"QCM « papier » — QCM {self.qcm.id} : {self.qcm.title}",
                     classes="title")
        with Vertical(id="paper-body"):
            yield Static("Chaque copie a les mêmes questions, dans un ordre de réponses "
                         "propre ; le PDF contient aussi la correction de chaque copie.",
                         classes="hint")
            yield FormRow("Nombre de participants",
                          Input(id="copies", restrict=r"\d*", max_length=4, compact=True),
                          "copies")
            with Horizontal(classes="buttons"):
                yield Button("Générer", id="generate", variant="primary", compact=True)
                yield Button("Retour à la liste", id="back", compact=True)
            yield WorkProgress(id="progress")
            yield Plain("", id="result")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#copies", Input).focus()

    @on(Input.Submitted, "#copies")
    @on(Button.Pressed, "#generate")
    def generate(self) -> None:
        if self.running:
            return
        try:
            copies = parse_count(self.query_one("#copies", Input).value,
                                 "Nombre de participants", MAX_COPIES)
        except ValueError as exc:
            show_errors(self, {"copies": str(exc)})
            return
        show_errors(self, {})
        self.run_generation(copies)

    @work(exclusive=True, group="paper")
    async def run_generation(self, copies: int) -> None:
        self.running = True
        self.query_one("#generate", Button).disabled = True
        progress = self.query_one(WorkProgress)
        result = self.query_one("#result", Static)
        result.update("")
        try:
            if self.ctx.documents is None:  # a batch without its PDF would be half-written
                result.update("La production de documents n'est pas en place sur ce "
                              "serveur : aucun lot n'a été créé.")
                return
            progress.start(f"Génération de {copies} copies…", total=copies)
            assert self.qcm.id is not None  # a stored QCM
            batch, document = await self.ctx.documents.generate_paper(
                self.ctx.scope, self.qcm.id, copies, progress=progress.callback())
            progress.finish(f"Lot n°{batch.id} : {copies} copies prêtes.")
            lines = [f"Fichier : {self.ctx.sftp_path(document.path)} (dans vos documents SFTP)"]
            if command := self.ctx.fetch_command(document.path):
                lines += ["Pour le récupérer depuis votre poste :", f"  {command}"]
            result.update("\n".join(lines))
        except StoreError as exc:
            progress.fail(str(exc))
        except Exception as exc:  # the service failed: say so, keep the screen usable
            self.log.error(f"paper generation failed: {exc!r}")
            progress.fail("La génération a échoué ; réessayez ou prévenez l'organisme "
                          "certificateur.")
        finally:
            self.running = False
            self.query_one("#generate", Button).disabled = False

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.running:
            self.notify("Génération en cours : patientez jusqu'à la fin.", severity="warning")
            return
        self.dismiss()
