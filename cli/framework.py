"""The command layer shared by the local `qcm` CLI and SSH exec commands.

A command declares who may run it; the runner parses argv, checks the role,
runs it against the store in the caller's scope, and prints text or JSON."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.text import safe_text
from services.config import Config
from store import Scope, Store, StoreError

logger = logging.getLogger(__name__)

LOCAL, ADMIN, CENTRE = "local", "admin", "centre"


class CommandError(Exception):
    """One clear line for the user; exit status `status`."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


# What argparse itself writes, in French (its texts go through gettext, whose
# catalogue is process-wide: translating here keeps it to our parsers).
_FRENCH = (
    ("usage: ", "usage : "),
    ("positional arguments:", "arguments :"),
    ("options:", "options :"),
    ("show this help message and exit", "affiche cette aide"),
    ("the following arguments are required: ", "arguments obligatoires manquants : "),
    ("unrecognized arguments: ", "arguments inconnus : "),
    ("invalid choice: ", "choix invalide : "),
    ("(choose from ", "(possibles : "),
    ("expected one argument", "une valeur attendue"),
    ("expected at least one argument", "au moins une valeur attendue"),
    ("not allowed with argument ", "incompatible avec l'argument "),
    ("ambiguous option: ", "option ambiguë : "),
    ("could match ", "possibles : "),
    ("invalid int value: ", "nombre entier invalide : "),
    ("invalid float value: ", "nombre invalide : "),
    ("one of the arguments ", "un des arguments "),
    (" is required", " est obligatoire"),
)


def french(text: str) -> str:
    """argparse's English phrases replaced by French ones."""
    for english, translated in _FRENCH:
        text = text.replace(english, translated)
    return text


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting the process, prints (--help)
    through the caller's channel rather than the process's stdout, and speaks
    French."""

    def __init__(self, *args: Any, write: Callable[[str], object] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._write = write

    def _print_message(self, message: str, file: Any = None) -> None:
        if self._write is None:
            super()._print_message(message, file)
        elif message:
            self._write(message)

    def format_usage(self) -> str:
        return french(super().format_usage())

    def format_help(self) -> str:
        return french(super().format_help())

    def error(self, message: str):  # type: ignore[override]
        raise CommandError(f"{self.prog} : {french(message)}", 2)

    def exit(self, status: int = 0, message: str | None = None):  # type: ignore[override]
        raise CommandError(message or "", status)


@dataclass
class Context:
    store: Store
    scope: Scope
    config: Config
    write: Callable[[str], object]
    write_err: Callable[[str], object]
    read_secret: Callable[[str], Awaitable[str]]
    read_input: Callable[[], Awaitable[str]]
    role: str  # LOCAL, ADMIN or CENTRE
    extras: dict[str, Any] = field(default_factory=dict)  # services: documents, executor...


@dataclass
class Result:
    data: Any
    text: str = ""
    raw: bool = False  # text is a file's content (CSV, TOML): printed as is


Handler = Callable[[Context, argparse.Namespace], Awaitable[Result]]


@dataclass
class Command:
    name: str  # e.g. "qcm create"
    help: str
    roles: tuple[str, ...]
    handler: Handler
    arguments: Callable[[argparse.ArgumentParser], object] = lambda p: None


class Registry:
    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}

    def command(self, name: str, help: str, roles: Sequence[str],
                arguments: Callable[[argparse.ArgumentParser], object] = lambda p: None):
        def register(handler: Handler) -> Handler:
            self.commands[name] = Command(name, help, tuple(roles), handler, arguments)
            return handler
        return register

    def visible(self, role: str) -> list[Command]:
        return [c for c in self.commands.values() if role in c.roles or role == LOCAL]

    def help_text(self, role: str, prog: str) -> str:
        lines = [f"Usage : {prog} COMMANDE [options] [--json]", "", "Commandes :"]
        for cmd in sorted(self.visible(role), key=lambda c: c.name):
            lines.append(f"  {cmd.name:<24} {cmd.help}")
        lines.append("")
        lines.append(f"« {prog} COMMANDE --help » détaille une commande.")
        return "\n".join(lines)

    def find(self, argv: Sequence[str]) -> tuple[Command, list[str]] | None:
        for words in (2, 1):
            name = " ".join(argv[:words])
            if len(argv) >= words and name in self.commands:
                return self.commands[name], list(argv[words:])
        return None

    async def run(self, ctx: Context, argv: Sequence[str], prog: str = "qcm") -> int:
        """Run one command line; return the exit status. Never raises for user errors."""
        argv = list(argv)
        as_json = "--json" in argv
        argv = [a for a in argv if a != "--json"]
        if not argv or argv[0] in ("help", "--help", "-h"):
            ctx.write(self.help_text(ctx.role, prog) + "\n")
            return 0
        found = self.find(argv)
        if found is None or (ctx.role != LOCAL and ctx.role not in found[0].roles):
            ctx.write_err(error_text(f"Commande inconnue : {safe_text(' '.join(argv[:2]), 60)}. "
                                     f"« {prog} help » liste les commandes."))
            return 2
        command, rest = found
        parser = _Parser(prog=f"{prog} {command.name}", description=command.help,
                         write=ctx.write)
        command.arguments(parser)
        try:
            args = parser.parse_args(rest)
            result = await command.handler(ctx, args)
        except CommandError as exc:
            if str(exc):
                ctx.write_err(error_text(str(exc)) if exc.status else f"{exc}")
            return exc.status
        except StoreError as exc:
            ctx.write_err(error_text(str(exc)))
            return 1
        except Exception:
            logger.exception("command %r failed", command.name)
            ctx.write_err(f"Erreur interne pendant « {command.name} » : rien n'a été validé "
                          "au-delà de ce qui est affiché. Consultez le journal du serveur.\n")
            return 1
        if as_json:
            ctx.write(json.dumps(result.data, ensure_ascii=False, indent=2, default=str) + "\n")
        elif result.raw:
            ctx.write(result.text)
        elif result.text:
            ctx.write(safe_text_block(result.text) + "\n")
        return 0


def error_text(message: str) -> str:
    """Every error the same way: « Erreur : » then the message, its control and
    escape characters neutralised (it may quote what the caller typed)."""
    message = safe_text_block(message.rstrip("\n"))
    if not message.startswith("Erreur"):
        message = f"Erreur : {message}"
    return message + "\n"


def safe_text_block(text: str) -> str:
    """Neutralise escapes in multi-line output, keeping the line breaks."""
    return "\n".join(safe_text(line) for line in text.split("\n"))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain aligned text table."""
    cells = [[str(h) for h in headers]] + [[("" if v is None else str(v)) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
