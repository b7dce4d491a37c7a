"""Commands of the certification body: centres, trainers, accounts, banks."""

from __future__ import annotations

import argparse

from cli.admin_common import read_source
from cli.framework import ADMIN, CENTRE, CommandError, Context, Registry, Result, table
from domain.models import Role
from services import accounts, centres


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
        centre = await centres.add_centre(ctx.store, ctx.scope, args.name, args.address,
                                          args.postal_code, args.city, args.timezone)
        return Result({"id": centre.id, "name": centre.name},
                      f"Centre {centre.id} créé : {centre.name}")

    @reg.command("centre list", "Liste les centres", (ADMIN,))
    async def centre_list(ctx: Context, args: argparse.Namespace) -> Result:
        found = await ctx.store.centres.centres(ctx.scope)
        return Result([c.__dict__ for c in found],
                      table(["Id", "Centre", "Ville", "Fuseau"],
                            [(c.id, c.name, c.city, c.timezone) for c in found]))

    def trainer_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("centre", type=int, help="identifiant du centre")
        p.add_argument("name", help="nom du formateur")
        p.add_argument("--email", default="")

    @reg.command("trainer add", "Ajoute un formateur à un centre", (ADMIN,), trainer_args)
    async def trainer_add(ctx: Context, args: argparse.Namespace) -> Result:
        trainer = await centres.add_trainer(ctx.store, ctx.scope, args.centre, args.name,
                                            args.email)
        return Result(trainer.__dict__, f"Formateur {trainer.id} ajouté : {trainer.name}")

    @reg.command("trainer list", "Liste les formateurs d'un centre", (ADMIN, CENTRE),
                 lambda p: p.add_argument("centre", type=int, nargs="?"))
    async def trainer_list(ctx: Context, args: argparse.Namespace) -> Result:
        if ctx.scope.centre_id is not None and args.centre not in (None, ctx.scope.centre_id):
            raise CommandError("Seul l'organisme certificateur consulte un autre centre : "
                               "« trainer list » sans identifiant donne les vôtres.", 2)
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
        login = accounts.check_login(args.login)  # before asking for the password
        password = await _password(ctx, args.password_stdin)
        account = await accounts.add_account(ctx.store, ctx.scope, login, Role(args.role),
                                             args.centre, password)
        return Result({"id": account.id, "login": account.login, "role": account.role.value,
                       "centre_id": account.centre_id}, f"Compte créé : {account.login}")

    @reg.command("account list", "Liste les comptes", (ADMIN,))
    async def account_list(ctx: Context, args: argparse.Namespace) -> Result:
        listed = await ctx.store.centres.accounts(ctx.scope)
        data = [{"login": a.login, "role": a.role.value, "centre_id": a.centre_id,
                 "disabled": a.disabled} for a in listed]
        return Result(data, table(["Compte", "Rôle", "Centre", "État"],
                                  [(a.login, a.role.value, a.centre_id or "",
                                    "désactivé" if a.disabled else "actif") for a in listed]))

    @reg.command("account passwd", "Change le mot de passe d'un compte", (ADMIN,),
                 lambda p: (p.add_argument("login"),
                            p.add_argument("--password-stdin", action="store_true")))
    async def account_passwd(ctx: Context, args: argparse.Namespace) -> Result:
        password = await _password(ctx, args.password_stdin)
        await accounts.set_password(ctx.store, ctx.scope, args.login, password)
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
        fingerprint = await accounts.add_public_key(ctx.store, ctx.scope, args.login, line)
        return Result({"login": args.login, "fingerprint": fingerprint},
                      f"Clé ajoutée à {args.login} : {fingerprint}")

    # bank import / bank export: cli/admin_banks.py (TOML, GIFT, XML).


async def _password(ctx: Context, from_stdin: bool) -> str:
    if from_stdin:
        password = (await ctx.read_input()).rstrip("\r\n")
    else:
        password = await ctx.read_secret("Mot de passe : ")
        if await ctx.read_secret("Confirmez : ") != password:
            raise CommandError("Les deux mots de passe diffèrent.")
    return accounts.check_password(password)
