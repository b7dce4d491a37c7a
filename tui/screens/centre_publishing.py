"""Produce letters and certificates for a session, then lock its participants.

Shared by the paper session list and the online keys table."""

from __future__ import annotations

from textual.screen import Screen

from domain.models import DocumentKind, ExamSession
from store import StoreError
from tui.centre_context import CentreContext
from tui.centre_text import can_publish
from tui.modals.confirm import ConfirmModal
from tui.widgets.work_progress import WorkProgress

UNAVAILABLE = ("Service de documents indisponible sur ce serveur : les attestations "
               "ne peuvent pas encore être créées.")


async def publish(screen: Screen, ctx: CentreContext, session: ExamSession,
                  progress: WorkProgress) -> str:
    """Ask for confirmation, then generate and lock. Runs inside a worker
    (it awaits a modal). Returns the French message for the screen's status
    line: empty once the work has started, since `progress` shows its
    outcome (showing it twice printed every status block twice)."""
    if ctx.documents is None:
        return UNAVAILABLE
    participants = await ctx.store.sessions.participants(ctx.scope, session.id)  # type: ignore[arg-type]
    ready = [p for p in participants if can_publish(p)]
    if not ready:
        return ("Aucun participant à attester : il faut une note et un résultat "
                "pratique connus, et des données non encore verrouillées.")
    waiting = sum(1 for p in participants if not p.locked) - len(ready)
    message = (
        f"Créer les courriers de résultats de {len(ready)} participant(s) et les "
        "attestations de ceux qui ont réussi ?\n\nLeurs données seront ensuite "
        "VERROUILLÉES : plus aucune modification ni suppression possible.")
    if waiting:
        message += f"\n\n{waiting} participant(s) sans note ou résultat pratique attendront."
    if not await screen.app.push_screen_wait(
            ConfirmModal(message, confirm="Créer et verrouiller")):
        return "Création des attestations annulée."
    progress.start(f"Création des documents de {len(ready)} participant(s)…", total=len(ready))
    try:
        documents = await ctx.documents.publish_session(ctx.scope, session.id,  # type: ignore[arg-type]
                                                        progress=progress.callback())
    except StoreError as exc:
        progress.fail(str(exc))
        return ""
    except Exception as exc:  # the service failed: nothing was locked
        screen.log.error(f"publish failed: {exc!r}")
        progress.fail("La création des documents a échoué : rien n'a été verrouillé.")
        return ""
    letters = sum(1 for d in documents if d.kind is DocumentKind.LETTER)
    certificates = sum(1 for d in documents if d.kind is DocumentKind.CERTIFICATE)
    summary = (f"{letters} courrier(s) et {certificates} attestation(s) créés ; "
               "participants verrouillés.")
    if documents:
        folder = _folder(documents[0].path)
        summary += f"\nDossier SFTP : {ctx.sftp_path(folder)}"
        if command := ctx.fetch_command(folder + "*"):
            summary += f"\nRécupération : {command}"
    progress.finish(summary)
    return ""


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] + "/" if "/" in path else path
