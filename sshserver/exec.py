"""SSH exec commands: the same command layer as the local `qcm` CLI, in the
caller's role and centre scope."""

from __future__ import annotations

import logging
import shlex

import asyncssh

from cli import ADMIN, CENTRE, CommandError, Context, Registry
from cli.framework import error_text
from cli.stdin import read_all
from services.config import Config
from sshserver.auth import Candidate, Principal
from store import Scope, Store

logger = logging.getLogger(__name__)

CANDIDATE_REFUSED = error_text("Les candidats n'ont accès à aucune commande.")


class ExecRunner:
    """asyncssh exec handler: parse the command line and run it."""

    def __init__(self, store: Store, config: Config, registry: Registry,
                 extras: dict | None = None) -> None:
        self.store = store
        self.config = config
        self.registry = registry
        self.extras = extras or {}

    async def __call__(self, principal: Principal,
                       process: asyncssh.SSHServerProcess[bytes]) -> int:
        tty = process.term_type is not None

        def emit(stream: asyncssh.SSHWriter[bytes], text: str) -> None:
            if tty:
                text = text.replace("\r\n", "\n").replace("\n", "\r\n")
            try:
                stream.write(text.encode("utf-8", "replace"))
            except BrokenPipeError:
                pass  # the client left: what the command did stands, its output is lost

        if isinstance(principal, Candidate):
            emit(process.stderr, CANDIDATE_REFUSED)
            return 1
        try:
            argv = shlex.split(process.command or "")
        except ValueError as exc:
            emit(process.stderr, error_text(f"Ligne de commande invalide : {exc}."))
            return 2
        if argv[:1] == ["qcm"] and self.registry.find(argv) is None:
            argv = argv[1:]  # « ssh host qcm list --json » as well as « ssh host list ... »

        async def read_input() -> str:
            return await read_all(process.stdin.read)

        async def read_secret(prompt: str) -> str:
            raise CommandError("À distance, le mot de passe se lit sur l'entrée standard : "
                               "ajoutez --password-stdin.", 2)

        account = principal.account
        ctx = Context(self.store, Scope.of(account), self.config,
                      lambda text: emit(process.stdout, text),
                      lambda text: emit(process.stderr, text),
                      read_secret, read_input, ADMIN if account.is_admin else CENTRE,
                      dict(self.extras))
        status = await self.registry.run(ctx, argv, "qcm")
        logger.info("exec by %s from %s: %r -> %d", account.login, principal.source,
                    " ".join(argv[:2]), status)
        return status
