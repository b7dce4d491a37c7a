"""Commands of the certification body for formations, questions and banks."""

from __future__ import annotations

import argparse

from cli.admin_common import (
    admin,
    formation_data,
    letter,
    question_data,
    read_source,
    short,
    text,
    write_output,
)
from cli.framework import ADMIN, CommandError, Context, Registry, Result, table
from domain.bank import BankError
from domain.models import CHOICE_LETTERS, Formation
from services.bank_formats import (
    FORMATS,
    guess_format,
    needs_header,
    read_bank,
    write_bank,
)
from store import NotFound


def register(reg: Registry) -> None:
    _formations(reg)
    _questions(reg)
    _banks(reg)


def _formations(reg: Registry) -> None:
    def create_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("code", help="code de la formation, par exemple PV-RES")
        p.add_argument("--name", required=True, help="intitulé de la formation")
        p.add_argument("--questions-per-qcm", type=int, default=30)
        p.add_argument("--pass-mark", type=int, default=24, help="seuil de réussite")
        p.add_argument("--theme", action="append", required=True,
                       help="un thème (répéter l'option, dans l'ordre)")

    @reg.command("formation create", "Crée une formation (sans questions)", (ADMIN,), create_args)
    async def formation_create(ctx: Context, args: argparse.Namespace) -> Result:
        f = await admin(ctx).banks.create_formation(ctx.scope, Formation(
            args.code, text(args.name, "Nom"), args.questions_per_qcm, args.pass_mark,
            tuple(text(t, "Thème") for t in args.theme)))
        return Result(formation_data(f, 0), f"Formation {f.code} créée.")

    def edit_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("code")
        p.add_argument("--name")
        p.add_argument("--questions-per-qcm", type=int)
        p.add_argument("--pass-mark", type=int, help="seuil de réussite")
        p.add_argument("--theme", action="append",
                       help="nouvel ordre des thèmes (répéter l'option, tous les thèmes)")

    @reg.command("formation edit", "Modifie une formation (nom, taille, seuil, thèmes)",
                 (ADMIN,), edit_args)
    async def formation_edit(ctx: Context, args: argparse.Namespace) -> Result:
        f = await admin(ctx).banks.update_formation(
            ctx.scope, args.code, name=None if args.name is None else text(args.name, "Nom"),
            questions_per_qcm=args.questions_per_qcm, pass_mark=args.pass_mark,
            themes=None if args.theme is None else [text(t, "Thème") for t in args.theme])
        return Result(formation_data(f), f"Formation {f.code} modifiée : {f.questions_per_qcm} "
                      f"questions, seuil {f.pass_mark}, thèmes : {', '.join(f.themes)}.")

    for name, active, verb in (("deactivate", False, "désactivée"),
                               ("activate", True, "réactivée")):
        def make(active: bool = active, verb: str = verb):
            async def handler(ctx: Context, args: argparse.Namespace) -> Result:
                f = await admin(ctx).banks.set_formation_active(ctx.scope, args.code, active)
                return Result(formation_data(f), f"Formation {f.code} {verb}.")
            return handler
        reg.command(f"formation {name}", "Réactive une formation" if active else
                    "Désactive une formation (plus de nouveaux QCM)", (ADMIN,),
                    lambda p: p.add_argument("code"))(make())

    @reg.command("formation show", "Montre une formation et ses thèmes", (ADMIN,),
                 lambda p: p.add_argument("code"))
    async def formation_show(ctx: Context, args: argparse.Namespace) -> Result:
        f = await ctx.store.banks.formation(args.code)
        questions = await ctx.store.banks.questions(args.code)
        per_theme = {t: sum(1 for q in questions if q.theme == t) for t in f.themes}
        data = formation_data(f, len(questions)) | {"per_theme": per_theme}
        lines = [f"{f.code} — {f.name} ({'active' if f.active else 'désactivée'})",
                 f"{f.questions_per_qcm} questions par QCM, seuil {f.pass_mark}, "
                 f"{len(questions)} questions actives.",
                 table(["Thème", "Questions"], list(per_theme.items()))]
        return Result(data, "\n".join(lines))


def _question_args(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--theme", required=required)
    p.add_argument("--text", required=required, help="énoncé")
    p.add_argument("--choice", action="append", required=required,
                   help="une proposition (4 fois, dans l'ordre A B C D)")
    p.add_argument("--correct", required=required, help="lettre de la bonne réponse")


def _choices(values: list[str]) -> list[str]:
    if len(values) != 4:
        raise CommandError("Donnez exactement 4 propositions (--choice 4 fois).", 2)
    return [text(v, f"Proposition {CHOICE_LETTERS[i]}", limit=500) for i, v in enumerate(values)]


def _questions(reg: Registry) -> None:
    def list_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("code", help="code de la formation")
        p.add_argument("query", nargs="?", default="", help="mots cherchés (texte, propositions)")
        p.add_argument("--theme")
        p.add_argument("--all", action="store_true", help="inclure les questions désactivées")

    async def listing(ctx: Context, args: argparse.Namespace) -> Result:
        await ctx.store.banks.formation(args.code)
        found = await admin(ctx).banks.search_questions(args.code, args.query, args.theme,
                                                        args.all)
        return Result([question_data(q) for q in found], table(
            ["Id", "Thème", "Question", "Rép.", "État"],
            [(q.id, short(q.theme, 18), short(q.text), CHOICE_LETTERS[q.correct],
              "active" if q.active else "désactivée") for q in found]))

    reg.command("question list", "Liste les questions d'une formation", (ADMIN,),
                list_args)(listing)
    reg.command("question search", "Cherche des questions (casse et accents ignorés)",
                (ADMIN,), list_args)(listing)

    @reg.command("question show", "Montre une question et ses versions", (ADMIN,),
                 lambda p: p.add_argument("id", type=int))
    async def question_show(ctx: Context, args: argparse.Namespace) -> Result:
        info = await admin(ctx).banks.question(args.id)
        q = info.question
        data = question_data(q, formation=info.formation_code, replaces=info.replaces,
                             replaced_by=info.replaced_by, used_in=info.used_in)
        lines = [f"Question {q.id} ({info.formation_code}, {q.theme}) — "
                 f"{'active' if q.active else 'désactivée'}, utilisée dans {info.used_in} QCM",
                 q.text, *(f"  {'*' if i == q.correct else ' '} {CHOICE_LETTERS[i]}. {c}"
                           for i, c in enumerate(q.choices))]
        if info.replaces:
            lines.append(f"Remplace la version {info.replaces}.")
        if info.replaced_by:
            lines.append(f"Remplacée par la version {info.replaced_by}.")
        return Result(data, "\n".join(lines))

    def add_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("code", help="code de la formation")
        _question_args(p, True)

    @reg.command("question add", "Ajoute une question", (ADMIN,), add_args)
    async def question_add(ctx: Context, args: argparse.Namespace) -> Result:
        q = await admin(ctx).banks.add_question(
            ctx.scope, args.code, args.theme, text(args.text, "Énoncé", limit=2000),
            _choices(args.choice), letter(args.correct))
        return Result(question_data(q), f"Question {q.id} ajoutée.")

    def edit_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("id", type=int)
        _question_args(p, False)

    @reg.command("question edit", "Modifie une question (crée une nouvelle version)", (ADMIN,),
                 edit_args)
    async def question_edit(ctx: Context, args: argparse.Namespace) -> Result:
        old = (await admin(ctx).banks.question(args.id)).question
        q = await admin(ctx).banks.edit_question(
            ctx.scope, args.id, args.theme or old.theme,
            old.text if args.text is None else text(args.text, "Énoncé", limit=2000),
            old.choices if args.choice is None else _choices(args.choice),
            old.correct if args.correct is None else letter(args.correct))
        return Result(question_data(q, replaces=args.id),
                      f"Question {args.id} remplacée par la version {q.id}.")

    for name, active, verb in (("deactivate", False, "désactivée"),
                               ("activate", True, "réactivée")):
        def make(active: bool = active, verb: str = verb):
            async def handler(ctx: Context, args: argparse.Namespace) -> Result:
                q = await admin(ctx).banks.set_question_active(ctx.scope, args.id, active)
                return Result(question_data(q), f"Question {q.id} {verb}.")
            return handler
        reg.command(f"question {name}", "Réactive une question" if active else
                    "Retire une question des prochains tirages", (ADMIN,),
                    lambda p: p.add_argument("id", type=int))(make())


def _banks(reg: Registry) -> None:
    def import_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("file", help="fichier, ou - pour l'entrée standard")
        p.add_argument("--format", choices=FORMATS,
                       help="toml, gift ou xml (par défaut : d'après l'extension, sinon toml)")
        p.add_argument("--code", help="GIFT/XML : code de la formation")
        p.add_argument("--name", help="GIFT/XML : intitulé (par défaut : l'actuel)")
        p.add_argument("--questions-per-qcm", type=int, help="GIFT/XML (défaut : actuel, ou 30)")
        p.add_argument("--pass-mark", type=int, help="GIFT/XML (défaut : actuel, ou 24)")

    @reg.command("bank import", "Importe une banque de questions (TOML, GIFT, Moodle XML)",
                 (ADMIN,), import_args)
    async def bank_import(ctx: Context, args: argparse.Namespace) -> Result:
        fmt = args.format or guess_format(None if args.file == "-" else args.file)
        source = await read_source(ctx, args.file)
        header = await _header(ctx, args) if needs_header(fmt) else None
        try:
            bank = read_bank(source, fmt, header)
        except BankError as exc:
            raise CommandError("Banque refusée, rien n'a été importé :\n" + "\n".join(
                f"  - {p}" for p in exc.problems)) from None
        counts = await ctx.store.banks.import_bank(bank, ctx.scope)
        return Result({"formation": bank.formation.code, **counts},
                      f"Formation {bank.formation.code} : {counts['added']} ajoutées, "
                      f"{counts['kept']} inchangées, {counts['retired']} retirées.")

    def export_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("code", help="code de la formation")
        p.add_argument("--format", choices=FORMATS,
                       help="toml, gift ou xml (défaut : d'après -o, sinon toml)")
        p.add_argument("-o", "--output", help="fichier à écrire (sinon la sortie standard)")

    @reg.command("bank export", "Exporte une banque de questions (TOML, GIFT, Moodle XML)",
                 (ADMIN,), export_args)
    async def bank_export(ctx: Context, args: argparse.Namespace) -> Result:
        fmt = args.format or guess_format(args.output)
        content = write_bank(await ctx.store.banks.export_bank(args.code), fmt)
        if args.output:
            target = write_output(ctx, args.output, content)
            return Result({"formation": args.code, "format": fmt, "file": str(target)},
                          f"Banque {args.code} écrite dans {target}")
        return Result({"formation": args.code, "format": fmt, fmt: content}, content, raw=True)


async def _header(ctx: Context, args: argparse.Namespace) -> Formation:
    if not args.code:
        raise CommandError("GIFT et Moodle XML : précisez --code (et --name pour une "
                           "nouvelle formation).", 2)
    try:
        current: Formation | None = await ctx.store.banks.formation(args.code)
    except NotFound:
        current = None
    name = args.name if args.name is not None else (current.name if current else None)
    if name is None:
        raise CommandError(f"Formation {args.code} nouvelle : précisez --name.", 2)
    per_qcm = args.questions_per_qcm or (current.questions_per_qcm if current else 30)
    pass_mark = args.pass_mark if args.pass_mark is not None else (
        current.pass_mark if current else 24)
    return Formation(args.code, text(name, "Nom"), per_qcm, pass_mark)
