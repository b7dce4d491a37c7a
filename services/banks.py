"""Formations, questions and bank files: the certification body's actions."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from domain.models import Formation, Question, QuestionBank
from services.bank_formats import needs_header, read_bank
from services.errors import Invalid, text
from store import NotFound, Scope, Store
from store.admin import Admin

DEFAULT_PER_QCM = 30
DEFAULT_PASS_MARK = 24  # out of DEFAULT_PER_QCM: the manual's 24/30


def sized(questions: int) -> tuple[int, int]:
    """Questions per QCM and pass mark of a new formation sized from its bank:
    30 and 24 when the bank holds 30 questions or more, otherwise every
    question, with the pass mark at the same share (24/30, rounded up)."""
    per_qcm = max(1, min(DEFAULT_PER_QCM, questions))
    return per_qcm, math.ceil(per_qcm * DEFAULT_PASS_MARK / DEFAULT_PER_QCM)


@dataclass(frozen=True)
class ImportReport:
    formation: Formation
    added: int
    kept: int
    retired: int
    new_formation: bool
    sized_from_bank: bool  # questions per QCM and pass mark chosen from the bank

    def summary(self) -> str:
        f = self.formation
        text = (f"Formation {f.code} : {self.added} ajoutées, {self.kept} inchangées, "
                f"{self.retired} retirées.")
        if self.sized_from_bank:
            text += (f" Nouvelle formation dimensionnée d'après la banque : "
                     f"{f.questions_per_qcm} questions par QCM, seuil {f.pass_mark}.")
        return text


async def import_bank_file(store: Store, scope: Scope, source: str, fmt: str, *,
                           code: str | None = None, name: str | None = None,
                           questions_per_qcm: int | None = None,
                           pass_mark: int | None = None) -> ImportReport:
    """Parse a bank file (TOML, GIFT, Moodle XML) and make the stored bank equal
    to it, in one transaction. GIFT and XML carry no formation header: an
    existing formation keeps its values unless given; a new one needs a name
    and, when its size is not given, is sized from the bank (see `sized`)."""
    current: Formation | None = None
    if not needs_header(fmt):
        bank = read_bank(source, fmt)
        try:
            await store.banks.formation(bank.formation.code)
        except NotFound:
            return await _import(store, scope, bank, True, False)
        return await _import(store, scope, bank, False, False)
    if not code:
        raise Invalid("GIFT et Moodle XML : précisez le code de la formation (--code).")
    try:
        current = await store.banks.formation(code)
    except NotFound:
        current = None
    if name is None:
        if current is None:
            raise Invalid(f"Formation {code} nouvelle : précisez son intitulé (--name).")
        name = current.name
    name = text(name, "Intitulé")
    per_qcm = questions_per_qcm or (current.questions_per_qcm if current else None)
    mark = pass_mark if pass_mark is not None else (current.pass_mark if current else None)
    if per_qcm is not None:
        bank = read_bank(source, fmt, Formation(code, name, per_qcm,
                                                DEFAULT_PASS_MARK if mark is None else mark))
        return await _import(store, scope, bank, current is None, False)
    # A new formation of unknown size: read the bank as it is, then size it.
    bank = read_bank(source, fmt, Formation(code, name, 1, 0))
    per_qcm, default_mark = sized(len(bank.questions))
    formation = dataclasses.replace(bank.formation, questions_per_qcm=per_qcm,
                                    pass_mark=default_mark if mark is None else mark)
    if not 0 <= formation.pass_mark <= per_qcm:
        raise Invalid(f"Seuil : de 0 à {per_qcm} (questions par QCM).")
    return await _import(store, scope, QuestionBank(formation, bank.questions), True, True)


async def _import(store: Store, scope: Scope, bank: QuestionBank, new: bool,
                  sized_from_bank: bool) -> ImportReport:
    counts = await store.banks.import_bank(bank, scope)
    return ImportReport(bank.formation, counts["added"], counts["kept"], counts["retired"],
                        new, sized_from_bank)


async def import_bank(store: Store, scope: Scope, bank: QuestionBank) -> dict[str, int]:
    """Import an already parsed bank (demo data, tests)."""
    return await store.banks.import_bank(bank, scope)


# Formations -------------------------------------------------------------

def _themes(themes: Sequence[str]) -> tuple[str, ...]:
    return tuple(text(t, "Thème") for t in themes)


async def create_formation(store: Store, scope: Scope, code: str, name: str,
                           questions_per_qcm: int, pass_mark: int,
                           themes: Sequence[str]) -> Formation:
    return await Admin(store).banks.create_formation(scope, Formation(
        code.strip().upper(), text(name, "Intitulé"), questions_per_qcm, pass_mark,
        _themes(themes)))


async def update_formation(store: Store, scope: Scope, code: str, *, name: str | None = None,
                           questions_per_qcm: int | None = None, pass_mark: int | None = None,
                           themes: Sequence[str] | None = None) -> Formation:
    return await Admin(store).banks.update_formation(
        scope, code, name=None if name is None else text(name, "Intitulé"),
        questions_per_qcm=questions_per_qcm, pass_mark=pass_mark,
        themes=None if themes is None else _themes(themes))


async def set_formation_active(store: Store, scope: Scope, code: str,
                               active: bool) -> Formation:
    return await Admin(store).banks.set_formation_active(scope, code, active)


# Questions --------------------------------------------------------------

def _question(theme: str, statement: str, choices: Sequence[str]) -> tuple[str, str, list[str]]:
    if len(choices) != 4:
        raise Invalid("Donnez exactement 4 propositions.")
    return (text(theme, "Thème"), text(statement, "Énoncé", limit=2000),
            [text(c, f"Proposition {'ABCD'[i]}", limit=500) for i, c in enumerate(choices)])


async def add_question(store: Store, scope: Scope, code: str, theme: str, statement: str,
                       choices: Sequence[str], correct: int) -> Question:
    return await Admin(store).banks.add_question(scope, code, *_question(theme, statement,
                                                                         choices), correct)


async def edit_question(store: Store, scope: Scope, question_id: int, *,
                        theme: str | None = None, statement: str | None = None,
                        choices: Sequence[str] | None = None,
                        correct: int | None = None) -> Question:
    """Write a new version of a question (None keeps the current part)."""
    admin = Admin(store)
    old = (await admin.banks.question(question_id)).question
    return await admin.banks.edit_question(
        scope, question_id, *_question(theme if theme is not None else old.theme,
                                       statement if statement is not None else old.text,
                                       choices if choices is not None else old.choices),
        old.correct if correct is None else correct)


async def set_question_active(store: Store, scope: Scope, question_id: int,
                              active: bool) -> Question:
    return await Admin(store).banks.set_question_active(scope, question_id, active)
