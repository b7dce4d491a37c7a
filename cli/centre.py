"""Commands of centre staff (and of the certification body, naming a centre)."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from cli.framework import ADMIN, CENTRE, CommandError, Context, Registry, Result, table
from domain.models import ExamSession, OnlineKey, SessionKind
from domain.window import extra_time_text, local_text, own_end, parse_day, parse_local
from services import qcms, sessions
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
        qcm = await qcms.create_qcm(ctx.store, ctx.scope, args.formation, args.title, args.centre)
        return Result({"id": qcm.id, "title": qcm.title, "formation": qcm.formation_code,
                       "questions": len(qcm.question_ids)},
                      f"QCM {qcm.id} créé : {qcm.title} ({len(qcm.question_ids)} questions)")

    @reg.command("session list", "Liste les sessions du centre", (ADMIN, CENTRE))
    async def session_list(ctx: Context, args: argparse.Namespace) -> Result:
        found = await ctx.store.sessions.sessions(ctx.scope)
        counts = await ctx.store.sessions.participant_counts(ctx.scope)
        data = [{"id": s.id, "kind": s.kind.value, "qcm_id": s.qcm_id, "day": s.day.isoformat(),
                 "starts_at": s.starts_at.isoformat() if s.starts_at else None,
                 "ends_at": s.ends_at.isoformat() if s.ends_at else None,
                 "place": s.place, "participants": counts.get(s.id or 0, 0)} for s in found]
        return Result(data, table(
            ["Id", "Type", "QCM", "Date", "Lieu", "Participants"],
            [(s.id, "en ligne" if s.kind is SessionKind.ONLINE else "papier", s.qcm_id,
              s.day.strftime("%d/%m/%Y"), s.place, counts.get(s.id or 0, 0)) for s in found]))

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
        timezone = await _timezone(ctx, qcm_id=args.qcm)
        starts, ends = _when(args.start, timezone), _when(args.end, timezone)
        session, keys = await sessions.create_online_session(
            ctx.store, ctx.scope, args.qcm, args.participants, args.trainer, args.place,
            starts, ends)
        return Result({"session": session.id, "keys": [k.code for k in keys]},
                      f"Session {session.id} créée, du {local_text(starts, timezone)} "
                      f"au {local_text(ends, timezone)}.\nClés :\n"
                      + "\n".join(f"  {k.code}" for k in keys))

    def paper_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("qcm", type=int, help="identifiant du QCM")
        p.add_argument("--day", required=True, help="date de l'évaluation, JJ/MM/AAAA")
        p.add_argument("--trainer", type=int, required=True, help="identifiant du formateur")
        p.add_argument("--place", required=True, help="lieu de l'évaluation")

    @reg.command("session create-paper", "Crée une session papier (participants ensuite)",
                 (ADMIN, CENTRE), paper_args)
    async def session_create_paper(ctx: Context, args: argparse.Namespace) -> Result:
        session = await sessions.create_paper_session(
            ctx.store, ctx.scope, args.qcm, args.trainer, args.place, _day(args.day))
        return Result(_session_data(session), f"Session papier {session.id} créée.")

    def window_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("session", type=int)
        p.add_argument("--start", help="début, « JJ/MM/AAAA HH:MM » heure du centre")
        p.add_argument("--end", help="fin, « JJ/MM/AAAA HH:MM » heure du centre")

    @reg.command("session window", "Change l'horaire d'une session en ligne (à tout moment)",
                 (ADMIN, CENTRE), window_args)
    async def session_window(ctx: Context, args: argparse.Namespace) -> Result:
        if args.start is None and args.end is None:
            raise CommandError("Précisez --start, --end ou les deux.", 2)
        timezone = await _timezone(ctx, session_id=args.session)
        session = await sessions.change_session(
            ctx.store, ctx.scope, args.session,
            starts_at=None if args.start is None else _when(args.start, timezone),
            ends_at=None if args.end is None else _when(args.end, timezone))
        return Result(_session_data(session),
                      f"Session {session.id} : du "
                      f"{local_text(session.starts_at, timezone)} "  # type: ignore[arg-type]
                      f"au {local_text(session.ends_at, timezone)}.")  # type: ignore[arg-type]

    def edit_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("session", type=int)
        p.add_argument("--trainer", type=int, help="identifiant du formateur")
        p.add_argument("--place", help="lieu de l'évaluation")
        p.add_argument("--day", help="date, JJ/MM/AAAA")

    @reg.command("session edit", "Modifie le formateur, le lieu ou la date d'une session "
                 "(avant toute validation)", (ADMIN, CENTRE), edit_args)
    async def session_edit(ctx: Context, args: argparse.Namespace) -> Result:
        session = await sessions.change_session(
            ctx.store, ctx.scope, args.session, trainer_id=args.trainer, place=args.place,
            day=None if args.day is None else _day(args.day))
        return Result(_session_data(session), f"Session {session.id} modifiée.")

    def key_add_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("session", type=int)
        p.add_argument("count", type=int, help="nombre de clés à ajouter")

    @reg.command("key add", "Ajoute des clés à une session en ligne", (ADMIN, CENTRE),
                 key_add_args)
    async def key_add(ctx: Context, args: argparse.Namespace) -> Result:
        keys = await sessions.add_keys(ctx.store, ctx.scope, args.session, args.count)
        return Result({"session": args.session, "keys": [k.code for k in keys]},
                      _keys_text(keys, "ajoutée(s)"))

    def key_delete_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("session", type=int)
        p.add_argument("codes", nargs="*", help="clés à supprimer")
        p.add_argument("--unused", action="store_true", help="toutes les clés non utilisées")

    @reg.command("key delete", "Supprime des clés non utilisées d'une session en ligne",
                 (ADMIN, CENTRE), key_delete_args)
    async def key_delete(ctx: Context, args: argparse.Namespace) -> Result:
        if bool(args.codes) == args.unused:
            raise CommandError("Donnez les clés à supprimer, ou --unused (pas les deux).", 2)
        deleted = await sessions.delete_keys(ctx.store, ctx.scope, args.session,
                                             None if args.unused else args.codes)
        return Result({"session": args.session, "deleted": deleted},
                      f"{len(deleted)} clé(s) supprimée(s)."
                      + "".join(f"\n  {c}" for c in deleted))

    def key_extra_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("session", type=int)
        p.add_argument("code", help="clé du candidat")
        p.add_argument("minutes", type=int, nargs="?",
                       help="minutes au-delà de la fin de la session (0 pour retirer)")
        p.add_argument("--third", action="store_true",
                       help="un tiers de la durée de la session (tiers temps)")

    @reg.command("key extra-time", "Accorde du temps supplémentaire à une clé "
                 "(aménagement d'épreuve)", (ADMIN, CENTRE), key_extra_args)
    async def key_extra_time(ctx: Context, args: argparse.Namespace) -> Result:
        if (args.minutes is None) != args.third:
            raise CommandError("Donnez un nombre de minutes, ou --third (pas les deux).", 2)
        key = await sessions.grant_extra_time(ctx.store, ctx.scope, args.session, args.code,
                                              None if args.third else args.minutes)
        s = await ctx.store.sessions.session(ctx.scope, args.session)
        timezone = await _timezone(ctx, session_id=args.session)
        end = own_end(s.ends_at, key.extra_minutes)  # type: ignore[arg-type]
        return Result({"session": args.session, "code": key.code,
                       "extra_minutes": key.extra_minutes, "ends_at": end.isoformat()},
                      extra_time_text(key.code, key.extra_minutes, end, timezone))

    @reg.command("session show", "Montre une session, ses participants et ses clés",
                 (ADMIN, CENTRE), lambda p: p.add_argument("session", type=int))
    async def session_show(ctx: Context, args: argparse.Namespace) -> Result:
        s = await ctx.store.sessions.session(ctx.scope, args.session)
        participants = await ctx.store.sessions.participants(ctx.scope, args.session)
        keys = {p.id: k for k, p in await ctx.store.exam.keys(ctx.scope, args.session)}
        listed: list[dict[str, Any]] = [
            {"number": p.number, "last_name": p.identity.last_name,
             "first_name": p.identity.first_name, "score": p.score,
             "practical": p.practical.value, "retake_of": p.retake_of, "locked": p.locked,
             "key": keys[p.id].code if p.id in keys else None,
             "state": keys[p.id].state.value if p.id in keys else None,
             "extra_minutes": keys[p.id].extra_minutes if p.id in keys else 0}
            for p in participants]
        data = {"id": s.id, "kind": s.kind.value, "qcm_id": s.qcm_id,
                "formation": s.formation_code, "centre": s.centre_name,
                "trainer": s.trainer_name, "place": s.place, "day": s.day.isoformat(),
                "starts_at": s.starts_at.isoformat() if s.starts_at else None,
                "ends_at": s.ends_at.isoformat() if s.ends_at else None,
                "participants": listed}
        head = (f"Session {s.id} ({'en ligne' if s.kind is SessionKind.ONLINE else 'papier'}) — "
                f"QCM {s.qcm_id}, {s.formation_code}, {s.place}, {s.day.strftime('%d/%m/%Y')}, "
                f"formateur {s.trainer_name}")
        rows = [(p["number"], p["key"] or "", (keys[pp.id].state.label if pp.id in keys else ""),
                 f"{p['first_name']} {p['last_name']}".strip(),
                 "" if p["score"] is None else p["score"])
                for p, pp in zip(listed, participants)]
        return Result(data, head + "\n" + table(["Numéro", "Clé", "État", "Candidat", "Note"], rows))

    @reg.command("session export", "Exporte les résultats d'une session (CSV)", (ADMIN, CENTRE),
                 lambda p: p.add_argument("session", type=int))
    async def session_export(ctx: Context, args: argparse.Namespace) -> Result:
        s = await ctx.store.sessions.session(ctx.scope, args.session)
        participants = await ctx.store.sessions.participants(ctx.scope, args.session)
        formation = await ctx.store.banks.formation(s.formation_code)
        extra = ({p.id or 0: k.extra_minutes
                  for k, p in await ctx.store.exam.keys(ctx.scope, args.session)}
                 if s.kind is SessionKind.ONLINE else {})
        rows = result_rows(s, participants, formation.pass_mark, extra)
        return Result({"headers": list(RESULT_HEADERS), "rows": rows},
                      to_csv(RESULT_HEADERS, rows), raw=True)


async def _timezone(ctx: Context, *, qcm_id: int | None = None,
                    session_id: int | None = None) -> str:
    """The timezone of the centre a QCM or session belongs to (dates are typed in it)."""
    if session_id is not None:
        centre_id = (await ctx.store.sessions.session(ctx.scope, session_id)).centre_id
    else:
        centre_id = (await ctx.store.qcms.qcm(ctx.scope, qcm_id)).centre_id  # type: ignore[arg-type]
    return (await ctx.store.centres.centre(ctx.scope, centre_id)).timezone


def _when(value: str, timezone: str) -> datetime:
    try:
        return parse_local(value, timezone)
    except ValueError as exc:
        raise CommandError(str(exc), 2) from None


def _day(value: str) -> date:
    try:
        return parse_day(value)
    except ValueError as exc:
        raise CommandError(str(exc), 2) from None


def _session_data(s: ExamSession) -> dict:
    return {"id": s.id, "kind": s.kind.value, "qcm_id": s.qcm_id, "day": s.day.isoformat(),
            "starts_at": s.starts_at.isoformat() if s.starts_at else None,
            "ends_at": s.ends_at.isoformat() if s.ends_at else None,
            "place": s.place, "trainer": s.trainer_name, "trainer_id": s.trainer_id}


def _keys_text(keys: list[OnlineKey], verb: str) -> str:
    return f"{len(keys)} clé(s) {verb} :" + "".join(f"\n  {k.code}" for k in keys)
