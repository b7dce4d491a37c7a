"""Helpers shared by the certification body's commands."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cli.framework import LOCAL, CommandError, Context
from domain.models import CHOICE_LETTERS, Formation, Question
from domain.oversight import Filters
from domain.validation import check_text
from domain.window import parse_day
from store.admin import Admin


def admin(ctx: Context) -> Admin:
    return Admin(ctx.store)


def text(value: str, label: str, required: bool = True, limit: int = 200) -> str:
    value, error = check_text(value, label, required, limit)
    if error:
        raise CommandError(error, 2)
    return value


def day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError as exc:
        raise CommandError(str(exc), 2) from None


def letter(value: str) -> int:
    value = value.strip().upper()
    if len(value) != 1 or value not in CHOICE_LETTERS:
        raise CommandError("Bonne réponse : une lettre de A à D.", 2)
    return CHOICE_LETTERS.index(value)


def add_filters(p, states: tuple[str, ...] = ()) -> None:
    p.add_argument("--centre", type=int, help="identifiant du centre")
    p.add_argument("--formation", help="code de la formation")
    p.add_argument("--from", dest="date_from", help="à partir du JJ/MM/AAAA (inclus)")
    p.add_argument("--to", dest="date_to", help="jusqu'au JJ/MM/AAAA (inclus)")
    if states:
        p.add_argument("--state", choices=states, help="état")


def filters(args) -> Filters:
    return Filters(args.centre, args.formation, day(args.date_from), day(args.date_to),
                   getattr(args, "state", None))


async def read_source(ctx: Context, file: str) -> str:
    """A file's text: '-' is standard input; a path only for the local CLI."""
    if file == "-":
        return await ctx.read_input()
    if ctx.role != LOCAL:
        raise CommandError("À distance, envoyez le fichier sur l'entrée standard (« - »).", 2)
    try:
        return Path(file).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"Lecture impossible de {file} : {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{file} n'est pas un fichier texte UTF-8.") from None


def write_output(ctx: Context, path: str, content: str) -> Path:
    """Write atomically (local CLI only)."""
    if ctx.role != LOCAL:
        raise CommandError("-o n'est possible qu'en local.", 2)
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise CommandError(f"Écriture impossible de {path} : {exc.strerror}.") from None
    return target


def formation_data(f: Formation, active_questions: int | None = None) -> dict:
    data = {"code": f.code, "name": f.name, "questions_per_qcm": f.questions_per_qcm,
            "pass_mark": f.pass_mark, "themes": list(f.themes), "active": f.active}
    if active_questions is not None:
        data["questions"] = active_questions
    return data


def question_data(q: Question, **extra) -> dict:
    return {"id": q.id, "theme": q.theme, "text": q.text, "choices": list(q.choices),
            "correct": CHOICE_LETTERS[q.correct], "active": q.active, **extra}


def short(value: str, width: int = 50) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def rate_text(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"
