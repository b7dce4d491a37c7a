"""Commands of the certification body: centres, trainers, accounts, banks."""

from __future__ import annotations

import argparse
import asyncio

from cli.admin_common import read_source
from cli.framework import ADMIN, CENTRE, CommandError, Context, Registry, Result, table
from domain.models import Role
from domain.passwords import hash_password
from domain.public_keys import key_fingerprint
from domain.validation import check_text


def register(reg: Registry) -> None:
    @reg.command("formation list", "Liste les formations", (ADMIN, CENTRE))
    async def formation_list(ctx: Context, args: argparse.Namespace) -> Result:
        formations = await ctx.store.banks.formations()
        data = [{"code": f.code, "name": f.name, "questions_per_qcm": f.questions_per_qcm,
                 "pass_mark": f.pass_mark, "themes": list(f.themes)} for f in formations]
        return Result(data, table(["Code", "Formation", "Questions", "Seuil"],
                                  [(f.code, f.name, f.questions_per_qcm, f.pass_mark)
                                   for f in formations]))

    def centre_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("name", help="nom du centre")
        p.add_argument("--address", default="")
        p.add_argument("--postal-code", default="")
        p.add_argument("--city", default="")
        p.add_argument("--timezone", default="Europe/Paris")

    @reg.command("centre add", "Crée un centre de formation", (ADMIN,), centre_args)
    async def centre_add(ctx: Context, args: argparse.Namespace) -> Result:
        name = _text(args.name, "Nom du centre")
        centre = await ctx.store.centres.add_centre(
            ctx.scope, name, _text(args.address, "Adresse", False),
            _text(args.postal_code, "Code postal", False), _text(args.city, "Ville", False),
            args.timezone)
        return Result({"id": centre.id, "name": centre.name},
                      f"Centre {centre.id} créé : {centre.name}")

    @reg.command("centre list", "Liste les centres", (ADMIN,))
    async def centre_list(ctx: Context, args: argparse.Namespace) -> Result:
        centres = await ctx.store.centres.centres(ctx.scope)
        return Result([c.__dict__ for c in centres],
                      table(["Id", "Centre", "Ville", "Fuseau"],
                            [(c.id, c.name, c.city, c.timezone) for c in centres]))

    def trainer_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("centre", type=int, help="identifiant du centre")
        p.add_argument("name", help="nom du formateur")
        p.add_argument("--email", default="")

    @reg.command("trainer add", "Ajoute un formateur à un centre", (ADMIN,), trainer_args)
    async def trainer_add(ctx: Context, args: argparse.Namespace) -> Result:
        trainer = await ctx.store.centres.add_trainer(
            ctx.scope, args.centre, _text(args.name, "Nom du formateur"),
            _text(args.email, "Email", False))
        return Result(trainer.__dict__, f"Formateur {trainer.id} ajouté : {trainer.name}")

    @reg.command("trainer list", "Liste les formateurs d'un centre", (ADMIN, CENTRE),
                 lambda p: p.add_argument("centre", type=int, nargs="?"))
    async def trainer_list(ctx: Context, args: argparse.Namespace) -> Result:
        centre_id = ctx.scope.centre_id or args.centre
        if centre_id is None:
            raise CommandError("Précisez l'identifiant du centre.", 2)
        trainers = await ctx.store.centres.trainers(ctx.scope, centre_id)
        return Result([t.__dict__ for t in trainers],
                      table(["Id", "Formateur", "Email"],
                            [(t.id, t.name, t.email) for t in trainers]))

    def account_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("login")
        p.add_argument("--role", choices=[r.value for r in Role], required=True)
        p.add_argument("--centre", type=int, help="centre d'un compte centre")
        p.add_argument("--password-stdin", action="store_true",
                       help="lire le mot de passe sur l'entrée standard")

    @reg.command("account add", "Crée un compte (mot de passe demandé)", (ADMIN,), account_args)
    async def account_add(ctx: Context, args: argparse.Namespace) -> Result:
        login = _login(args.login)
        password = await _password(ctx, args.password_stdin)
        digest = await asyncio.get_running_loop().run_in_executor(None, hash_password, password)
        account = await ctx.store.centres.add_account(ctx.scope, login, Role(args.role),
                                                      args.centre, digest)
        return Result({"id": account.id, "login": account.login, "role": account.role.value,
                       "centre_id": account.centre_id}, f"Compte créé : {account.login}")

    @reg.command("account list", "Liste les comptes", (ADMIN,))
    async def account_list(ctx: Context, args: argparse.Namespace) -> Result:
        accounts = await ctx.store.centres.accounts(ctx.scope)
        data = [{"login": a.login, "role": a.role.value, "centre_id": a.centre_id,
                 "disabled": a.disabled} for a in accounts]
        return Result(data, table(["Compte", "Rôle", "Centre", "État"],
                                  [(a.login, a.role.value, a.centre_id or "",
                                    "désactivé" if a.disabled else "actif") for a in accounts]))

    @reg.command("account passwd", "Change le mot de passe d'un compte", (ADMIN,),
                 lambda p: (p.add_argument("login"),
                            p.add_argument("--password-stdin", action="store_true")))
    async def account_passwd(ctx: Context, args: argparse.Namespace) -> Result:
        password = await _password(ctx, args.password_stdin)
        digest = await asyncio.get_running_loop().run_in_executor(None, hash_password, password)
        await ctx.store.centres.set_password(ctx.scope, args.login, digest)
        return Result({"login": args.login}, f"Mot de passe changé : {args.login}")

    def key_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("login")
        p.add_argument("key", nargs="?", help="ligne authorized_keys, ou - pour l'entrée standard")
        p.add_argument("--file", help="fichier de clé publique (.pub)")

    @reg.command("account key-add", "Ajoute une clé publique SSH à un compte", (ADMIN,), key_args)
    async def account_key_add(ctx: Context, args: argparse.Namespace) -> Result:
        if args.file:
            line = await read_source(ctx, args.file)
        elif args.key in (None, "-"):
            line = await ctx.read_input()
        else:
            line = args.key
        line = line.strip()
        try:
            fingerprint = key_fingerprint(line)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        await ctx.store.centres.add_public_key(ctx.scope, args.login, line, fingerprint)
        return Result({"login": args.login, "fingerprint": fingerprint},
                      f"Clé ajoutée à {args.login} : {fingerprint}")

    # bank import / bank export: cli/admin_banks.py (TOML, GIFT, XML).


def _text(value: str, label: str, required: bool = True) -> str:
    value, error = check_text(value, label, required)
    if error:
        raise CommandError(error, 2)
    return value


def _login(value: str) -> str:
    import re
    if not re.fullmatch(r"[a-z][a-z0-9._-]{1,31}", value):
        raise CommandError("Identifiant : 2 à 32 caractères parmi a-z, 0-9, . _ - "
                           "(commençant par une lettre).", 2)
    return value


async def _password(ctx: Context, from_stdin: bool) -> str:
    if from_stdin:
        password = (await ctx.read_input()).rstrip("\r\n")
    else:
        password = await ctx.read_secret("Mot de passe : ")
        if await ctx.read_secret("Confirmez : ") != password:
            raise CommandError("Les deux mots de passe diffèrent.")
    if len(password) < 8:
        raise CommandError("Mot de passe trop court : 8 caractères au moins.")
    return password
