"""Commands that produce or check documents: paper QCMs, scoring, attestations."""

from __future__ import annotations

import argparse

from cli.admin_common import read_source
from cli.framework import (
    ADMIN,
    CENTRE,
    LOCAL,
    CommandError,
    Context,
    Registry,
    Result,
    table,
)
from services.documents import DocumentService, ScoringError, sftp_path


def _service(ctx: Context) -> DocumentService:
    service = ctx.extras.get("documents")
    if service is None:
        raise CommandError("Production de documents indisponible sur ce serveur.")
    return service


def register(reg: Registry) -> None:
    def paper_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("qcm", type=int, help="identifiant du QCM")
        p.add_argument("copies", type=int, help="nombre de participants (copies)")
        p.add_argument("--duration", type=int, help="durée de l'épreuve en minutes")

    @reg.command("paper generate", "Produit le PDF d'un QCM papier (copies et corrections)",
                 (ADMIN, CENTRE), paper_args)
    async def paper_generate(ctx: Context, args: argparse.Namespace) -> Result:
        service = _service(ctx)
        if not 1 <= args.copies <= 2000:
            raise CommandError("Nombre de copies : de 1 à 2000.", 2)
        batch, document = await service.generate_paper(ctx.scope, args.qcm, args.copies,
                                                       duration_minutes=args.duration)
        path = service.documents_dir / document.path
        remote = sftp_path(ctx.scope.centre_id, document.path)
        where = path if ctx.role == LOCAL else remote
        return Result({"batch": batch.id, "copies": batch.copies, "document": document.id,
                       "path": str(path), "sftp_path": remote, "sha256": document.sha256},
                      f"Lot {batch.id} : {batch.copies} copies -> {where}\n"
                      f"Téléchargement : scp -P {ctx.config.ssh.port} "
                      f"'{ctx.scope.actor if ctx.role != LOCAL else 'LOGIN'}@SERVEUR:{remote}' .")

    def score_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("batch", type=int, help="numéro du lot de copies")
        p.add_argument("file", help="CSV « copie;lettres » (- pour l'entrée standard)")

    @reg.command("paper score", "Note des copies papier à partir des lettres cochées (CSV)",
                 (ADMIN, CENTRE), score_args)
    async def paper_score(ctx: Context, args: argparse.Namespace) -> Result:
        service = _service(ctx)
        text = await read_source(ctx, args.file)
        try:
            scores = await service.score_batch_csv(ctx.scope, args.batch, text)
        except ScoringError as exc:
            raise CommandError(str(exc)) from None
        data = [{"line": s.line, "copy": s.copy_number, "letters": s.letters, "score": s.score,
                 "error": s.error} for s in scores]
        failed = [s for s in scores if s.error]
        result = Result(data, table(["Ligne", "Copie", "Note", "Erreur"],
                                    [(s.line, s.copy_number or "", "" if s.score is None
                                      else s.score, s.error or "") for s in scores]))
        if failed:
            ctx.write(result.text + "\n")
            raise CommandError(f"{len(failed)} ligne(s) non notée(s).")
        return result

    @reg.command("session publish", "Crée les attestations non générées d'une session "
                 "(lettres, attestations, verrouillage)", (ADMIN, CENTRE),
                 lambda p: p.add_argument("session", type=int))
    async def session_publish(ctx: Context, args: argparse.Namespace) -> Result:
        documents = await _service(ctx).publish_session(ctx.scope, args.session)
        data = [{"id": d.id, "kind": d.kind.value, "path": d.path, "participant": d.participant_id,
                 "verify_code": d.verify_code} for d in documents]
        if not documents:
            return Result(data, "Aucun participant à traiter (notes ou évaluations pratiques "
                                "manquantes, ou déjà verrouillés).")
        return Result(data, table(["Document", "Type", "Fichier"],
                                  [(d.id, d.kind.value, d.path) for d in documents]))

    @reg.command("verify", "Vérifie un code d'attestation", (ADMIN,),
                 lambda p: p.add_argument("code"))
    async def verify(ctx: Context, args: argparse.Namespace) -> Result:
        description = await _service(ctx).verify(args.code)
        if description is None:
            raise CommandError(f"Aucune attestation ne porte le code {args.code[:40]}.")
        return Result({"code": args.code, "valid": True, "description": description}, description)
