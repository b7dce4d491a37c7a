"""Commands on the participants of paper sessions, calling the same
service as the screens (services/participants.py): same rules, same refusals."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable
from typing import Any

from cli.framework import ADMIN, CENTRE, CommandError, Context, Registry, Result, table
from domain.invariants import violations
from domain.models import Identity, Participant
from domain.rules import decide
from domain.validation import ValidationError, parse_practical
from services import participants as roster

IDENTITY_OPTIONS = (("civility", "--civility", "civilité : M. ou Mme"),
                    ("last_name", "--last-name", "nom"),
                    ("first_name", "--first-name", "prénom"),
                    ("company", "--company", "entreprise"),
                    ("company_address", "--address", "adresse de l'entreprise"),
                    ("postal_code", "--postal-code", "code postal"),
                    ("city", "--city", "ville"),
                    ("country", "--country", "pays (France par défaut)"),
                    ("email", "--email", "email du candidat"))


def _participant_args(p: argparse.ArgumentParser) -> None:
    for name, option, label in IDENTITY_OPTIONS:
        p.add_argument(option, dest=name, help=label)
    p.add_argument("--score", type=int, help="note QCM")
    p.add_argument("--practical", help="évaluation pratique : favorable, defavorable, inconnu")
    p.add_argument("--retake-of", help="second passage : n° du premier passage (AAAA-NNNNNN)")
    p.add_argument("--no-retake", action="store_true", help="n'est plus un second passage")
    p.add_argument("--copy", type=int, help="n° de la copie papier remise au participant")


async def _checked(action: Awaitable[Any]) -> Any:
    """Field errors of the service as one line (exit status 2)."""
    try:
        return await action
    except ValidationError as exc:
        raise CommandError(" ".join(exc.errors.values()), 2) from None


def _data(p: Participant, pass_mark: int) -> dict:
    return {"id": p.id, "number": p.number, "session": p.session_id,
            "civility": p.identity.civility, "last_name": p.identity.last_name,
            "first_name": p.identity.first_name, "score": p.score,
            "practical": p.practical.value, "retake_of": p.retake_of, "copy": p.copy_number,
            "locked": p.locked,
            "decision": decide(p.score, p.practical, pass_mark, p.is_retake).label}


def register(reg: Registry) -> None:
    def session_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("session", type=int, help="identifiant de la session")

    def number_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("number", help="n° du participant (AAAA-NNNNNN)")

    @reg.command("participant list", "Liste les participants d'une session et leur résultat",
                 (ADMIN, CENTRE), session_arg)
    async def participant_list(ctx: Context, args: argparse.Namespace) -> Result:
        session = await ctx.store.sessions.session(ctx.scope, args.session)
        formation = await ctx.store.banks.formation(session.formation_code)
        found = await ctx.store.sessions.participants(ctx.scope, args.session)
        data = [_data(p, formation.pass_mark) for p in found]
        return Result(data, table(
            ["Numéro", "Candidat", "Note", "Pratique", "2nd passage de", "Copie", "Décision"],
            [(d["number"], f"{d['first_name']} {d['last_name']}".strip(),
              "" if d["score"] is None else d["score"], p.practical.label, d["retake_of"] or "",
              d["copy"] or "", ("[verrouillé] " if p.locked else "") + d["decision"])
             for d, p in zip(data, found)]))

    def add_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("session", type=int, help="identifiant de la session papier")
        _participant_args(p)

    @reg.command("participant add", "Ajoute un participant à une session papier",
                 (ADMIN, CENTRE), add_args)
    async def participant_add(ctx: Context, args: argparse.Namespace) -> Result:
        fields = {name: getattr(args, name) or "" for name, _, _ in IDENTITY_OPTIONS}
        fields["country"] = fields["country"] or "France"
        saved = await _checked(roster.add_participant(
            ctx.store, ctx.scope, args.session, Identity(**fields), args.score,
            _practical(args.practical or ""), args.retake_of, copy_number=args.copy))
        return await _shown(ctx, saved, "ajouté")

    def edit_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("number", help="n° du participant (AAAA-NNNNNN)")
        _participant_args(p)

    @reg.command("participant edit", "Modifie un participant (les options données seulement)",
                 (ADMIN, CENTRE), edit_args)
    async def participant_edit(ctx: Context, args: argparse.Namespace) -> Result:
        current = await ctx.store.sessions.participant_by_number(ctx.scope, args.number)
        fields = {name: getattr(args, name) if getattr(args, name) is not None
                  else getattr(current.identity, name) for name, _, _ in IDENTITY_OPTIONS}
        retake_of = None if args.no_retake else (args.retake_of or current.retake_of)
        saved = await _checked(roster.edit_participant(
            ctx.store, ctx.scope, current.id, Identity(**fields),  # type: ignore[arg-type]
            args.score if args.score is not None else current.score,
            _practical(args.practical) if args.practical is not None else current.practical,
            retake_of, copy_number=args.copy))
        return await _shown(ctx, saved, "modifié")

    @reg.command("participant delete", "Supprime un participant saisi par erreur",
                 (ADMIN, CENTRE), number_arg)
    async def participant_delete(ctx: Context, args: argparse.Namespace) -> Result:
        current = await ctx.store.sessions.participant_by_number(ctx.scope, args.number)
        await roster.delete_participant(ctx.store, ctx.scope, current.id)  # type: ignore[arg-type]
        return Result({"number": current.number, "deleted": True},
                      f"Participant {current.number} supprimé.")

    def practical_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("number", help="n° du participant (AAAA-NNNNNN)")
        p.add_argument("result", help="favorable, defavorable ou inconnu")

    @reg.command("participant practical", "Enregistre l'évaluation pratique d'un participant",
                 (ADMIN, CENTRE), practical_args)
    async def participant_practical(ctx: Context, args: argparse.Namespace) -> Result:
        current = await ctx.store.sessions.participant_by_number(ctx.scope, args.number)
        await roster.record_practical(
            ctx.store, ctx.scope, current.id, _practical(args.result))  # type: ignore[arg-type]
        saved = await ctx.store.sessions.participant(ctx.scope, current.id)  # type: ignore[arg-type]
        return await _shown(ctx, saved, "mis à jour")


    @reg.command("rules check", "Vérifie les règles de certification sur toute la base "
                 "(seconds passages, attestations, verrouillage)", (ADMIN,))
    async def rules_check(ctx: Context, args: argparse.Namespace) -> Result:
        found = violations(await ctx.store.sessions.all_facts())
        data = [{"rule": v.rule, "number": v.number, "message": v.message} for v in found]
        if found:
            ctx.write(table(["Règle", "Participant", "Constat"],
                            [(v.rule, v.number, v.message) for v in found]) + "\n")
            raise CommandError(f"{len(found)} écart(s) aux règles de certification.")
        return Result(data, "Règles de certification respectées.")


def _practical(text: str):
    try:
        return parse_practical(text)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.errors.values()), 2) from None


async def _shown(ctx: Context, p: Participant, verb: str) -> Result:
    session = await ctx.store.sessions.session(ctx.scope, p.session_id)
    formation = await ctx.store.banks.formation(session.formation_code)
    data = _data(p, formation.pass_mark)
    score = "sans note" if p.score is None else f"{p.score}/{formation.questions_per_qcm}"
    return Result(data, f"Participant {p.number} {verb} : {p.identity.full_name}, {score}, "
                        f"pratique {p.practical.label.lower()} — {data['decision']}.")

