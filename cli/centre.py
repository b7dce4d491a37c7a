"""Commands of centre staff (and of the certification body, naming a centre)."""

from __future__ import annotations

import argparse

from cli.framework import ADMIN, CENTRE, CommandError, Context, Registry, Result, table
from domain.models import SessionKind
from domain.validation import check_text
from domain.window import local_text, parse_local
from services.export import RESULT_HEADERS, result_rows, to_csv


def register(reg: Registry) -> None:
    @reg.command("qcm list", "Liste les QCM du centre", (ADMIN, CENTRE))
    async def qcm_list(ctx: Context, args: argparse.Namespace) -> Result:
        qcms = await ctx.store.qcms.qcms(ctx.scope)
        data = [{"id": q.id, "created_at": q.created_at.isoformat(), "title": q.title,
                 "formation": q.formation_code, "centre_id": q.centre_id} for q in qcms]
        return Result(data, table(["Id", "Créé le", "Intitulé", "Formation"],
                                  [(q.id, q.created_at.strftime("%d/%m/%Y"), q.title,
                                    q.formation_code) for q in qcms]))

    def qcm_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("formation", help="code de la formation")
        p.add_argument("title", help="intitulé, par exemple CESI_2010-07-04")
        p.add_argument("--centre", type=int, help="centre (organisme certificateur seulement)")

    @reg.command("qcm create", "Crée un QCM (tirage des questions)", (ADMIN, CENTRE), qcm_args)
    async def qcm_create(ctx: Context, args: argparse.Namespace) -> Result:
        title = _text(args.title, "Intitulé")
        qcm = await ctx.store.qcms.create_qcm(ctx.scope, args.formation, title, args.centre)
        return Result({"id": qcm.id, "title": qcm.title, "formation": qcm.formation_code,
                       "questions": len(qcm.question_ids)},
                      f"QCM {qcm.id} créé : {qcm.title} ({len(qcm.question_ids)} questions)")

    @reg.command("session list", "Liste les sessions du centre", (ADMIN, CENTRE))
    async def session_list(ctx: Context, args: argparse.Namespace) -> Result:
        sessions = await ctx.store.sessions.sessions(ctx.scope)
        counts = await ctx.store.sessions.participant_counts(ctx.scope)
        data = [{"id": s.id, "kind": s.kind.value, "qcm_id": s.qcm_id, "day": s.day.isoformat(),
                 "starts_at": s.starts_at.isoformat() if s.starts_at else None,
                 "ends_at": s.ends_at.isoformat() if s.ends_at else None,
                 "place": s.place, "participants": counts.get(s.id, 0)} for s in sessions]
        return Result(data, table(
            ["Id", "Type", "QCM", "Date", "Lieu", "Participants"],
            [(s.id, "en ligne" if s.kind is SessionKind.ONLINE else "papier", s.qcm_id,
              s.day.strftime("%d/%m/%Y"), s.place, counts.get(s.id, 0)) for s in sessions]))

    def online_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("qcm", type=int, help="identifiant du QCM")
        p.add_argument("--participants", type=int, required=True)
        p.add_argument("--start", required=True, help="début, « JJ/MM/AAAA HH:MM » heure du centre")
        p.add_argument("--end", required=True, help="fin, « JJ/MM/AAAA HH:MM » heure du centre")
        p.add_argument("--trainer", type=int, required=True, help="identifiant du formateur")
        p.add_argument("--place", required=True, help="lieu de l'évaluation")

    @reg.command("session create-online", "Crée une session en ligne et ses clés",
                 (ADMIN, CENTRE), online_args)
    async def session_create_online(ctx: Context, args: argparse.Namespace) -> Result:
        qcm = await ctx.store.qcms.qcm(ctx.scope, args.qcm)
        centre = await ctx.store.centres.centre(ctx.scope, qcm.centre_id)
        try:
            starts = parse_local(args.start, centre.timezone)
            ends = parse_local(args.end, centre.timezone)
        except ValueError as exc:
            raise CommandError(str(exc), 2) from None
        place = _text(args.place, "Lieu")
        if not 1 <= args.participants <= 500:  # checked before anything is written
            raise CommandError("Nombre de participants : de 1 à 500.", 2)
        session = await ctx.store.sessions.create_session(
            ctx.scope, qcm.id, SessionKind.ONLINE, args.trainer, place,
            starts.date(), starts, ends)
        keys = await ctx.store.exam.create_keys(ctx.scope, session.id, args.participants)
        return Result({"session": session.id, "keys": [k.code for k in keys]},
                      f"Session {session.id} créée, du {local_text(starts, centre.timezone)} "
                      f"au {local_text(ends, centre.timezone)}.\nClés :\n"
                      + "\n".join(f"  {k.code}" for k in keys))

    @reg.command("session show", "Montre une session, ses participants et ses clés",
                 (ADMIN, CENTRE), lambda p: p.add_argument("session", type=int))
    async def session_show(ctx: Context, args: argparse.Namespace) -> Result:
        s = await ctx.store.sessions.session(ctx.scope, args.session)
        participants = await ctx.store.sessions.participants(ctx.scope, s.id)
        keys = {p.id: k for k, p in await ctx.store.exam.keys(ctx.scope, s.id)}
        data = {"id": s.id, "kind": s.kind.value, "qcm_id": s.qcm_id,
                "formation": s.formation_code, "centre": s.centre_name,
                "trainer": s.trainer_name, "place": s.place, "day": s.day.isoformat(),
                "starts_at": s.starts_at.isoformat() if s.starts_at else None,
                "ends_at": s.ends_at.isoformat() if s.ends_at else None,
                "participants": [
                    {"number": p.number, "last_name": p.identity.last_name,
                     "first_name": p.identity.first_name, "score": p.score,
                     "practical": p.practical.value, "retake_of": p.retake_of,
                     "locked": p.locked,
                     "key": keys[p.id].code if p.id in keys else None,
                     "state": keys[p.id].state.value if p.id in keys else None}
                    for p in participants]}
        head = (f"Session {s.id} ({'en ligne' if s.kind is SessionKind.ONLINE else 'papier'}) — "
                f"QCM {s.qcm_id}, {s.formation_code}, {s.place}, {s.day.strftime('%d/%m/%Y')}, "
                f"formateur {s.trainer_name}")
        rows = [(p["number"], p["key"] or "", (keys[pp.id].state.label if pp.id in keys else ""),
                 f"{p['first_name']} {p['last_name']}".strip(),
                 "" if p["score"] is None else p["score"])
                for p, pp in zip(data["participants"], participants)]
        return Result(data, head + "\n" + table(["Numéro", "Clé", "État", "Candidat", "Note"], rows))

    @reg.command("session export", "Exporte les résultats d'une session (CSV)", (ADMIN, CENTRE),
                 lambda p: p.add_argument("session", type=int))
    async def session_export(ctx: Context, args: argparse.Namespace) -> Result:
        s = await ctx.store.sessions.session(ctx.scope, args.session)
        participants = await ctx.store.sessions.participants(ctx.scope, s.id)
        formation = await ctx.store.banks.formation(s.formation_code)
        rows = result_rows(s, participants, formation.pass_mark)
        return Result({"headers": list(RESULT_HEADERS), "rows": rows},
                      to_csv(RESULT_HEADERS, rows), raw=True)


def _text(value: str, label: str) -> str:
    value, error = check_text(value, label)
    if error:
        raise CommandError(error, 2)
    return value
