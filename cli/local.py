"""The local `qcm` command: administration without the SSH server.

Nothing here imports asyncssh or Textual: `qcm list` stays fast. `qcm serve`
is dispatched by `sshserver.cli`, the console script, which is the only place
that loads the server."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Executor

from cli import LOCAL, CommandError, Context, build_registry
from cli.framework import error_text
from cli.stdin import read_all
from services.config import Config, ConfigError, load_config, prepare_documents_dir
from services.documents import DocumentService
from store import Scope, Store, StoreError
from store.errors import SchemaTooNew

USAGE = """Usage : qcm [--config FICHIER] COMMANDE ...

  init                 crée le répertoire de données et la base (sans effet si déjà fait)
  demo                 init + données de démonstration (affiche les comptes créés)
  serve [--demo]       démarre le serveur SSH
  restore FICHIER      remet une copie de qcm backup à la place de la base (serveur arrêté)
  help                 liste les commandes d'administration
"""


def _split_config(argv: list[str]) -> tuple[str | None, list[str]]:
    """Take `--config FILE` (or `--config=FILE`) out of the command line,
    wherever it stands: before the command or among its options."""
    path: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--config":
            if i + 1 >= len(argv):
                raise ConfigError("--config : nom de fichier manquant.")
            path, i = argv[i + 1], i + 2
            continue
        if arg.startswith("--config="):
            path = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    return path, rest


async def open_store(config: Config) -> Store:
    config.data_dir.mkdir(parents=True, exist_ok=True)
    prepare_documents_dir(config)
    return await Store.open(config.database)


async def run_demo(config: Config) -> None:
    from services.demo import load_demo
    store = await open_store(config)
    try:
        report = await load_demo(store)
    finally:
        await store.close()
    print(f"Données de démonstration prêtes dans {config.data_dir}.")
    print("Comptes (démonstration uniquement) :")
    for login, role, password in report.accounts:
        print(f"  {login:<8} rôle {role:<7} mot de passe : {password}")
    print(f"Candidats : ssh -p {config.ssh.port} {config.ssh.candidate_login}@{config.ssh.host}, "
          "puis une clé :")
    for key in report.keys:
        print(f"  {key}")


async def _local_command(config: Config, argv: list[str]) -> int:
    store = await open_store(config)
    loop = asyncio.get_running_loop()

    async def read_secret(prompt: str) -> str:
        if not sys.stdin.isatty():
            # getpass would fall back to echoing a pipe, then fail at its end.
            raise CommandError("Pas de terminal pour saisir le mot de passe : "
                               "utilisez --password-stdin.")
        import getpass
        try:
            return await loop.run_in_executor(None, getpass.getpass, prompt)
        except EOFError:
            raise CommandError("Saisie du mot de passe interrompue.") from None

    async def read_input() -> str:
        return await read_all(lambda size: loop.run_in_executor(None, _read1, size))

    pool = _LazyPool(config.workers)
    ctx = Context(store, Scope.admin(f"local:{_local_user()}"), config,
                  sys.stdout.write, sys.stderr.write, read_secret, read_input, LOCAL,
                  {"documents": DocumentService(store, config.documents_dir, pool,
                                                workers=config.workers)})
    try:
        return await build_registry().run(ctx, argv, "qcm")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        await store.close()


class _LazyPool(Executor):
    """The document process pool, started (and reportlab loaded) only when a
    command produces a document: `qcm list` does not pay for it."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: Executor | None = None

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        if self._pool is None:
            from services.render_jobs import make_pool
            self._pool = make_pool(self._workers, nice=0)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def _read1(size: int) -> bytes:
    """Up to `size` bytes of standard input, as soon as some are there (b"" at its end)."""
    return sys.stdin.buffer.read1(size)  # type: ignore[attr-defined,union-attr]


def _local_user() -> str:
    import getpass  # termios and friends: only for commands that run
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


Serve = Callable[[Config, list[str]], int]
"""Runs `qcm serve` with its own arguments; given by the console script."""


def main(argv: Sequence[str] | None = None, serve: Serve | None = None) -> int:
    try:
        config_path, args = _split_config(list(sys.argv[1:] if argv is None else argv))
        config = load_config(config_path)
        if not args or args[0] in ("-h", "--help"):
            print(USAGE + "\n" + build_registry().help_text(LOCAL, "qcm"))
            return 0
        if args[0] == "init":
            asyncio.run(_init(config))
            print(f"Base prête : {config.database_label}")
            return 0
        if args[0] == "demo":
            asyncio.run(run_demo(config))
            return 0
        if args[0] == "restore":
            from cli.backup import restore_main
            return restore_main(config, args[1:])
        if args[0] == "serve":
            if serve is None:
                raise ConfigError("qcm serve n'est pas disponible ici.")
            return serve(config, args[1:])
        return asyncio.run(_local_command(config, args))
    except (ConfigError, SchemaTooNew, StoreError) as exc:
        sys.stderr.write(error_text(str(exc)))
        return 1
    except OSError as exc:
        sys.stderr.write(error_text(f"{exc.strerror or exc} "
                                    f"({getattr(exc, 'filename', '') or ''})"))
        return 1
    except KeyboardInterrupt:
        return 130


async def _init(config: Config) -> None:
    store = await open_store(config)
    await store.close()

