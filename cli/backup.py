"""Keeping and moving the data, local CLI only (files are written on the
server's machine):

- `qcm backup FILE`: a consistent copy of the SQLite database while the
  server runs;
- `qcm db copy --to postgresql://…`: the SQLite database into an empty
  PostgreSQL database (server stopped: later writes would not follow)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.framework import LOCAL, CommandError, Context, Registry, Result
from services.backup import BackupError, backup_sqlite, copy_to_postgres


def register(reg: Registry) -> None:
    def backup_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("file", help="fichier de la copie (ne doit pas exister)")
        p.add_argument("--force", action="store_true", help="remplace un fichier existant")

    @reg.command("backup", "Copie cohérente de la base SQLite, serveur en marche", (LOCAL,),
                 backup_args)
    async def backup(ctx: Context, args: argparse.Namespace) -> Result:
        if not isinstance(ctx.config.database, Path):
            raise CommandError(
                f"La base est PostgreSQL ({ctx.config.database_label}) : sauvegardez-la avec "
                "pg_dump (voir le README).")
        try:
            report = await backup_sqlite(ctx.config.database, Path(args.file),
                                         overwrite=args.force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(report.tables.values())
        return Result({"file": str(report.target), "bytes": report.size,
                       "schema_version": report.schema_version, "tables": report.tables},
                      f"Copie écrite : {report.target} ({report.size} octets, schéma "
                      f"{report.schema_version}, {rows} lignes dans {len(report.tables)} tables).")

    def copy_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--to", required=True, metavar="URL",
                       help="base PostgreSQL vide : postgresql://utilisateur@hôte/base")

    @reg.command("db copy", "Copie la base SQLite dans une base PostgreSQL vide", (LOCAL,),
                 copy_args)
    async def db_copy(ctx: Context, args: argparse.Namespace) -> Result:
        try:
            report = await copy_to_postgres(ctx.config.sqlite_path, args.to)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        total = sum(report.rows.values())
        return Result({"schema_version": report.schema_version, "rows": report.rows},
                      f"{total} lignes copiées dans {len(report.rows)} tables (schéma "
                      f"{report.schema_version}), comptes vérifiés table par table.\n"
                      "Pour l'utiliser : [database] url dans la configuration, puis "
                      "redémarrez le serveur.")
