"""Commands of the certification body: centres, trainers and accounts
(beyond creation, which `admin.py` provides)."""

from __future__ import annotations

import argparse

from cli.admin_common import admin, text
from cli.framework import ADMIN, CommandError, Context, Registry, Result, table


def register(reg: Registry) -> None:
    def centre_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("id", type=int, help="identifiant du centre")
        p.add_argument("--name")
        p.add_argument("--address")
        p.add_argument("--postal-code")
        p.add_argument("--city")
        p.add_argument("--timezone")

    @reg.command("centre edit", "Modifie un centre (nom, adresse, fuseau)", (ADMIN,), centre_args)
    async def centre_edit(ctx: Context, args: argparse.Namespace) -> Result:
        c = await ctx.store.centres.centre(ctx.scope, args.id)

        def pick(value: str | None, current: str, label: str, required: bool = False) -> str:
            return current if value is None else text(value, label, required)
        centre = await admin(ctx).centres.update_centre(
            ctx.scope, c.id, pick(args.name, c.name, "Nom du centre", True),  # type: ignore[arg-type]
            pick(args.address, c.address, "Adresse"),
            pick(args.postal_code, c.postal_code, "Code postal"),
            pick(args.city, c.city, "Ville"), args.timezone or c.timezone)
        return Result(centre.__dict__, f"Centre {centre.id} modifié : {centre.name}")

    @reg.command("centre show", "Montre un centre, ses formateurs et ses comptes", (ADMIN,),
                 lambda p: p.add_argument("id", type=int))
    async def centre_show(ctx: Context, args: argparse.Namespace) -> Result:
        c = await ctx.store.centres.centre(ctx.scope, args.id)
        trainers = await admin(ctx).centres.all_trainers(ctx.scope, args.id)
        accounts = [r for r in await admin(ctx).centres.account_rows(ctx.scope)
                    if r.account.centre_id == args.id]
        data = {**c.__dict__,
                "trainers": [{"id": t.id, "name": t.name, "email": t.email, "active": on}
                             for t, on in trainers],
                "accounts": [{"login": r.account.login, "disabled": r.account.disabled,
                              "keys": r.keys} for r in accounts]}
        lines = [f"Centre {c.id} — {c.name}", f"{c.address}, {c.postal_code} {c.city} "
                 f"({c.timezone})", "",
                 table(["Id", "Formateur", "Email", "État"],
                       [(t.id, t.name, t.email, "actif" if on else "inactif")
                        for t, on in trainers]), "",
                 table(["Compte", "Clés", "État"],
                       [(r.account.login, r.keys, "désactivé" if r.account.disabled else "actif")
                        for r in accounts])]
        return Result(data, "\n".join(lines))

    def trainer_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("id", type=int, help="identifiant du formateur")
        p.add_argument("--name")
        p.add_argument("--email")

    @reg.command("trainer edit", "Modifie un formateur", (ADMIN,), trainer_args)
    async def trainer_edit(ctx: Context, args: argparse.Namespace) -> Result:
        t = await ctx.store.centres.trainer(ctx.scope, args.id)
        trainer = await admin(ctx).centres.update_trainer(
            ctx.scope, args.id, t.name if args.name is None else text(args.name, "Nom"),
            t.email if args.email is None else text(args.email, "Email", False))
        return Result(trainer.__dict__, f"Formateur {trainer.id} modifié : {trainer.name}")

    for name, active, label in (("deactivate", False, "désactivé"),
                                ("activate", True, "réactivé")):
        def make_trainer(active: bool = active, label: str = label):
            async def handler(ctx: Context, args: argparse.Namespace) -> Result:
                await admin(ctx).centres.set_trainer_active(ctx.scope, args.id, active)
                return Result({"id": args.id, "active": active},
                              f"Formateur {args.id} {label}.")
            return handler
        reg.command(f"trainer {name}", "Réactive un formateur" if active else
                    "Retire un formateur des nouvelles sessions", (ADMIN,),
                    lambda p: p.add_argument("id", type=int))(make_trainer())

    @reg.command("account keys", "Liste les clés SSH d'un compte", (ADMIN,),
                 lambda p: p.add_argument("login"))
    async def account_keys(ctx: Context, args: argparse.Namespace) -> Result:
        await ctx.store.centres.account(args.login)
        keys = await ctx.store.centres.public_keys(args.login)
        return Result([{"fingerprint": f, "key": line} for f, line in keys],
                      table(["Empreinte", "Commentaire"],
                            [(f, " ".join(line.split()[2:])) for f, line in keys]))

    @reg.command("account key-remove", "Retire une clé SSH d'un compte", (ADMIN,),
                 lambda p: (p.add_argument("login"),
                            p.add_argument("fingerprint", help="empreinte SHA256:…")))
    async def account_key_remove(ctx: Context, args: argparse.Namespace) -> Result:
        await ctx.store.centres.remove_public_key(ctx.scope, args.login, args.fingerprint)
        return Result({"login": args.login, "fingerprint": args.fingerprint},
                      f"Clé retirée de {args.login} : {args.fingerprint}")

    for name, disabled, label in (("disable", True, "désactivé"),
                                  ("enable", False, "réactivé")):
        def make_account(disabled: bool = disabled, label: str = label):
            async def handler(ctx: Context, args: argparse.Namespace) -> Result:
                if disabled and args.login == ctx.scope.actor:
                    raise CommandError("Vous ne pouvez pas désactiver votre propre compte.")
                await ctx.store.centres.set_disabled(ctx.scope, args.login, disabled)
                return Result({"login": args.login, "disabled": disabled},
                              f"Compte {args.login} {label}."
                              + (" Ses sessions ouvertes vont se fermer." if disabled else ""))
            return handler
        reg.command(f"account {name}", "Réactive un compte" if not disabled else
                    "Désactive un compte (connexion refusée, sessions fermées)", (ADMIN,),
                    lambda p: p.add_argument("login"))(make_account())
