"""Keeping and moving the data, local CLI only (files are written on the
server's machine):

- `qcm backup FILE`: a consistent copy of the SQLite database while the
  server runs;
- `qcm db copy --to postgresql://…`: the SQLite database into an empty
  PostgreSQL database (server stopped: later writes would not follow);
- `qcm restore FILE`: a backup back in place of the SQLite database, server
  stopped. It runs before any store is opened (`cli.local.main`): the
  database it replaces must not be held, not even by this process."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from cli.framework import LOCAL, CommandError, Context, Registry, Result, error_text
from services.backup import BackupError, backup_sqlite, copy_to_postgres, restore_sqlite
from services.config import Config
from store.errors import StoreError


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
        p.add_argument("--documents-to", metavar="DOSSIER",
                       help="dossier (partagé) où copier les documents ; par défaut ils "
                            "restent dans documents_dir")

    @reg.command("db copy", "Copie la base SQLite dans une base PostgreSQL vide", (LOCAL,),
                 copy_args)
    async def db_copy(ctx: Context, args: argparse.Namespace) -> Result:
        try:
            moved = await copy_to_postgres(
                ctx.config.sqlite_path, args.to, ctx.config.documents_dir,
                Path(args.documents_to).absolute() if args.documents_to else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        report = moved.copy
        total = sum(report.rows.values())
        where = ("" if moved.documents_dir == ctx.config.documents_dir else
                 f" et documents_dir = \"{moved.documents_dir}\"")
        return Result({"schema_version": report.schema_version, "rows": report.rows,
                       "documents": moved.documents, "documents_dir": str(moved.documents_dir),
                       "copied_files": moved.copied_files},
                      f"{total} lignes copiées dans {len(report.rows)} tables (schéma "
                      f"{report.schema_version}), comptes vérifiés table par table.\n"
                      f"{moved.documents} documents vérifiés (SHA-256) dans "
                      f"{moved.documents_dir} ({moved.copied_files} fichiers copiés).\n"
                      f"Pour l'utiliser : [database] url{where} dans la configuration, "
                      "puis redémarrez le serveur.")


def restore_main(config: Config, argv: list[str]) -> int:
    """`qcm restore FILE [--force] [--json]`."""
    parser = argparse.ArgumentParser(
        prog="qcm restore",
        description="Remet une copie faite par qcm backup à la place de la base SQLite "
                    "(serveur arrêté).")
    parser.add_argument("file", help="la copie (qcm backup)")
    parser.add_argument("--force", action="store_true",
                        help="remplace la base existante (conservée sous un autre nom)")
    parser.add_argument("--json", action="store_true", help="résultat en JSON")
    args = parser.parse_args(argv)
    try:
        if not isinstance(config.database, Path):
            raise CommandError(
                f"La base est PostgreSQL ({config.database_label}) : restaurez-la avec "
                "pg_restore, serveur arrêté (voir le README, « Backups »).")
        report = asyncio.run(restore_sqlite(Path(args.file), config.database,
                                            force=args.force,
                                            documents_dir=config.documents_dir))
    except (CommandError, BackupError, StoreError) as exc:
        sys.stderr.write(error_text(str(exc)))
        return 1
    if args.json:
        print(json.dumps({"database": str(report.database),
                          "schema_version": report.schema_version, "tables": report.tables,
                          "replaced": str(report.replaced) if report.replaced else None,
                          "documents": report.documents,
                          "missing_documents": list(report.missing)},
                         ensure_ascii=False, indent=2))
    else:
        rows = sum(report.tables.values())
        print(f"Base restaurée : {report.database} (schéma {report.schema_version}, {rows} "
              f"lignes dans {len(report.tables)} tables).")
        if report.replaced:
            print(f"L'ancienne base est conservée sous {report.replaced}.")
    if report.missing:
        sys.stderr.write(
            f"Attention : {len(report.missing)} des {report.documents} documents de la base "
            f"restaurée n'ont pas de fichier dans {config.documents_dir} (premier : "
            f"{report.missing[0]}) : restaurez aussi ce dossier.\n")
    return 0
