"""Commands of the certification body: oversight across centres, outbox,
period exports and statistics."""

from __future__ import annotations

import argparse

from cli.admin_common import add_filters, admin, day, filters, rate_text, short
from cli.framework import ADMIN, CommandError, Context, Registry, Result, table
from domain.models import DocumentKind, SessionKind
from domain.oversight import DocumentState, Filters, ParticipantState, SessionState
from domain.stats import Summary, histogram_lines
from services.documents import sftp_path
from services.export import RESULT_HEADERS, to_csv
from services.results_export import period_rows
from store.oversight import DocumentRow


def register(reg: Registry) -> None:
    _oversight(reg)
    _outbox(reg)
    _stats(reg)


def _document_data(r: DocumentRow) -> dict:
    d = r.document
    return {"id": d.id, "kind": d.kind.value, "centre_id": d.centre_id,
            "centre": r.centre_name, "session": d.session_id,
            "participant": r.participant_number, "name": r.participant_name,
            "recipient": r.recipient, "path": d.path, "sftp_path": sftp_path(None, d.path),
            "created_at": d.created_at.isoformat(),
            "sent_at": d.sent_at.isoformat() if d.sent_at else None, "state": r.state.value,
            "verify_code": d.verify_code}


_KIND_LABELS = {"paper": "copies", "letter": "lettre", "certificate": "attestation"}


def _documents_table(found: list[DocumentRow]) -> str:
    return table(["Id", "Type", "Centre", "Participant", "Nom", "Fichier", "État"],
                 [(r.document.id, _KIND_LABELS[r.document.kind.value], short(r.centre_name, 20),
                   r.participant_number, short(r.participant_name, 24), r.document.path,
                   r.state.label) for r in found])


def _oversight(reg: Registry) -> None:
    @reg.command("oversight qcms", "QCM de tous les centres (filtres)", (ADMIN,),
                 lambda p: add_filters(p, ("used", "unused")))
    async def oversight_qcms(ctx: Context, args: argparse.Namespace) -> Result:
        found = await admin(ctx).oversight.qcms(ctx.scope, filters(args))
        data = [{"id": r.qcm.id, "centre_id": r.qcm.centre_id, "centre": r.centre_name,
                 "formation": r.qcm.formation_code, "title": r.qcm.title,
                 "created_at": r.qcm.created_at.isoformat(), "sessions": r.sessions,
                 "participants": r.participants} for r in found]
        return Result(data, table(
            ["Id", "Créé le", "Centre", "Formation", "Intitulé", "Sessions", "Part."],
            [(r.qcm.id, r.qcm.created_at.strftime("%d/%m/%Y"), short(r.centre_name, 20),
              r.qcm.formation_code, short(r.qcm.title, 30), r.sessions, r.participants)
             for r in found]))

    @reg.command("oversight sessions", "Sessions de tous les centres (filtres)", (ADMIN,),
                 lambda p: add_filters(p, tuple(s.value for s in SessionState)))
    async def oversight_sessions(ctx: Context, args: argparse.Namespace) -> Result:
        found = await admin(ctx).oversight.sessions(ctx.scope, filters(args))
        data = [{"id": r.session.id, "centre_id": r.session.centre_id,
                 "centre": r.session.centre_name, "formation": r.session.formation_code,
                 "qcm_id": r.session.qcm_id, "kind": r.session.kind.value,
                 "day": r.session.day.isoformat(), "place": r.session.place,
                 "trainer": r.session.trainer_name, "state": r.state.value,
                 "participants": r.participants, "scored": r.scored, "locked": r.locked}
                for r in found]
        return Result(data, table(
            ["Id", "Date", "Centre", "Formation", "Type", "État", "Part.", "Notés", "Verr."],
            [(r.session.id, r.session.day.strftime("%d/%m/%Y"), short(r.session.centre_name, 20),
              r.session.formation_code,
              "en ligne" if r.session.kind is SessionKind.ONLINE else "papier", r.state.label,
              r.participants, r.scored, r.locked) for r in found]))

    @reg.command("oversight participants", "Participants de tous les centres (filtres)",
                 (ADMIN,), lambda p: add_filters(p, tuple(s.value for s in ParticipantState)))
    async def oversight_participants(ctx: Context, args: argparse.Namespace) -> Result:
        found = await admin(ctx).oversight.participants(ctx.scope, filters(args))
        data = [{"id": r.participant.id, "number": r.participant.number,
                 "session": r.session.id, "centre_id": r.session.centre_id,
                 "centre": r.session.centre_name, "formation": r.session.formation_code,
                 "day": r.session.day.isoformat(),
                 "last_name": r.participant.identity.last_name,
                 "first_name": r.participant.identity.first_name,
                 "score": r.participant.score, "practical": r.participant.practical.value,
                 "retake_of": r.participant.retake_of, "state": r.state.value,
                 "outcome": r.outcome.value} for r in found]
        return Result(data, table(
            ["Numéro", "Session", "Centre", "Nom", "Note", "État", "Décision"],
            [(r.participant.number, r.session.id, short(r.session.centre_name, 16),
              short(f"{r.participant.identity.first_name} {r.participant.identity.last_name}",
                    24), "" if r.participant.score is None else r.participant.score,
              r.state.label, short(r.outcome.label, 30)) for r in found]))

    def document_args(p: argparse.ArgumentParser) -> None:
        add_filters(p, tuple(s.value for s in DocumentState))
        p.add_argument("--kind", choices=[k.value for k in DocumentKind])

    @reg.command("oversight documents", "Documents produits par tous les centres (filtres)",
                 (ADMIN,), document_args)
    async def oversight_documents(ctx: Context, args: argparse.Namespace) -> Result:
        kinds = (DocumentKind(args.kind),) if args.kind else ()
        found = await admin(ctx).oversight.documents(ctx.scope, filters(args), kinds)
        return Result([_document_data(r) for r in found], _documents_table(found))

    def export_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--from", dest="date_from", required=True, help="JJ/MM/AAAA (inclus)")
        p.add_argument("--to", dest="date_to", required=True, help="JJ/MM/AAAA (inclus)")
        p.add_argument("--centre", type=int)
        p.add_argument("--formation")

    @reg.command("export results", "Résultats d'une période en CSV (Excel français)", (ADMIN,),
                 export_args)
    async def export_results(ctx: Context, args: argparse.Namespace) -> Result:
        start, end = day(args.date_from), day(args.date_to)
        if start and end and end < start:
            raise CommandError("La fin de la période précède son début.", 2)
        found = await admin(ctx).oversight.results(
            ctx.scope, Filters(args.centre, args.formation, start, end))
        rows = period_rows(found)
        return Result({"headers": list(RESULT_HEADERS), "rows": rows},
                      to_csv(RESULT_HEADERS, rows), raw=True)


def _outbox(reg: Registry) -> None:
    @reg.command("outbox list", "Lettres et attestations à envoyer", (ADMIN,),
                 lambda p: p.add_argument("--centre", type=int))
    async def outbox_list(ctx: Context, args: argparse.Namespace) -> Result:
        found = await admin(ctx).oversight.outbox(ctx.scope, args.centre)
        text = _documents_table(found) + (
            "\nFichiers à récupérer par SFTP (chemins depuis la racine « / »)." if found else "")
        return Result([_document_data(r) for r in found], text)

    def sent_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("ids", type=int, nargs="*", help="identifiants des documents")
        p.add_argument("--all", action="store_true", help="tout le courrier en attente")
        p.add_argument("--centre", type=int, help="avec --all : un seul centre")

    @reg.command("outbox mark-sent", "Marque des documents comme envoyés", (ADMIN,), sent_args)
    async def outbox_mark_sent(ctx: Context, args: argparse.Namespace) -> Result:
        pending = await admin(ctx).oversight.outbox(ctx.scope, args.centre)
        if args.all == bool(args.ids):
            raise CommandError("Donnez des identifiants de documents, ou --all.", 2)
        waiting = {r.document.id for r in pending}
        ids = sorted(waiting) if args.all else args.ids
        unknown = [i for i in ids if i not in waiting]
        if unknown:
            raise CommandError("Pas dans le courrier en attente : "
                               + ", ".join(map(str, unknown)) + ".")
        count = await ctx.store.documents.mark_sent(ctx.scope, ids) if ids else 0
        return Result({"marked": count, "ids": ids}, f"{count} document(s) marqué(s) envoyé(s).")


def _summary_data(s: Summary) -> dict:
    return {"registered": s.registered, "candidates": s.candidates, "passed": s.passed,
            "retakes": s.retakes, "pass_rate": s.pass_rate, "retake_rate": s.retake_rate,
            "mean": s.mean, "median": s.median, "outcomes": s.outcomes,
            "distribution": list(s.distribution) if s.distribution is not None else None}


def _summary_text(s: Summary, pass_mark: int | None = None) -> list[str]:
    lines = [f"Inscrits {s.registered}, candidats notés {s.candidates}, "
             f"réussite au QCM {rate_text(s.pass_rate)} ({s.passed}), "
             f"seconds passages {rate_text(s.retake_rate)} ({s.retakes}).",
             "Moyenne " + ("—" if s.mean is None else f"{s.mean:.1f}")
             + ", médiane " + ("—" if s.median is None else f"{s.median:g}") + "."]
    if s.distribution is not None and s.candidates:
        lines += ["Répartition des notes (▶ seuil) :",
                  *histogram_lines(s.distribution, 30, pass_mark)]
    return lines


def _stats(reg: Registry) -> None:
    def formation_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("code")
        p.add_argument("--centre", type=int)
        p.add_argument("--from", dest="date_from")
        p.add_argument("--to", dest="date_to")

    def period(args: argparse.Namespace, code: str | None = None) -> Filters:
        return Filters(getattr(args, "centre", None), code, day(args.date_from),
                       day(args.date_to))

    @reg.command("stats formation", "Statistiques d'une formation", (ADMIN,), formation_args)
    async def stats_formation(ctx: Context, args: argparse.Namespace) -> Result:
        f = await ctx.store.banks.formation(args.code)
        s = await admin(ctx).stats.formation_summary(ctx.scope, f.code, period(args))
        return Result({"formation": f.code, "pass_mark": f.pass_mark, **_summary_data(s)},
                      "\n".join([f"{f.code} — {f.name}", *_summary_text(s, f.pass_mark)]))

    def centre_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("centre", type=int)
        p.add_argument("--from", dest="date_from")
        p.add_argument("--to", dest="date_to")

    @reg.command("stats centre", "Statistiques d'un centre, par formation", (ADMIN,),
                 centre_args)
    async def stats_centre(ctx: Context, args: argparse.Namespace) -> Result:
        centre = await ctx.store.centres.centre(ctx.scope, args.centre)
        overall, per = await admin(ctx).stats.centre_summary(
            ctx.scope, args.centre, Filters(None, None, day(args.date_from), day(args.date_to)))
        lines = [f"{centre.name} — toutes formations", *_summary_text(overall)]
        for code, s in per.items():
            mark = (await ctx.store.banks.formation(code)).pass_mark
            lines += ["", f"Formation {code}", *_summary_text(s, mark)]
        return Result({"centre": centre.id, "name": centre.name, **_summary_data(overall),
                       "formations": {c: _summary_data(s) for c, s in per.items()}},
                      "\n".join(lines))

    @reg.command("stats questions", "Facilité et discrimination des questions", (ADMIN,),
                 formation_args)
    async def stats_questions(ctx: Context, args: argparse.Namespace) -> Result:
        await ctx.store.banks.formation(args.code)
        found = await admin(ctx).stats.question_stats(ctx.scope, args.code, period(args))
        data = [{"id": s.question.id, "theme": s.question.theme, "text": s.question.text,
                 "active": s.question.active, "presented": s.stats.presented,
                 "correct": s.stats.correct, "facility": s.stats.facility,
                 "discrimination": s.stats.discrimination, "item_rest": s.stats.item_rest,
                 "review": s.stats.reasons} for s in found]

        def num(value: float | None) -> str:
            return "—" if value is None else f"{value:.2f}"
        return Result(data, table(
            ["Id", "Question", "N", "Facilité", "D (27 %)", "r", "À revoir"],
            [(s.question.id, short(s.question.text, 34), s.stats.presented,
              rate_text(s.stats.facility), num(s.stats.discrimination), num(s.stats.item_rest),
              ", ".join(s.stats.reasons)) for s in found])
            + "\nD : part de bonnes réponses des 27 % meilleurs moins celle des 27 % plus faibles ;"
              "\nr : corrélation point-bisériale avec le reste de la note.")

