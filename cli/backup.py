"""`qcm backup FILE`: a consistent copy of the SQLite database while the
server runs (local CLI only: the file is written on the server's machine)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.framework import LOCAL, CommandError, Context, Registry, Result
from services.backup import BackupError, backup_sqlite


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
