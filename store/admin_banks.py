"""Editing formations and questions one by one (the certification body only).

A stored question version never changes (the `questions_immutable` trigger):
editing writes a new version that `replaces` the old one, which is
deactivated; QCMs already drawn keep the version they drew."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.bank_check import Draft, check_draft, check_header, check_themes
from domain.models import CHOICE_LETTERS, Formation, Question
from domain.search import matches
from store import rows
from store.banks import BankRepo
from store.base import AnyTx, Repo
from store.errors import Conflict, NotFound
from store.scope import Scope

_Q_SELECT = ("SELECT q.*, t.name AS theme FROM questions q JOIN themes t ON t.id = q.theme_id")


@dataclass(frozen=True)
class QuestionInfo:
    question: Question
    formation_code: str
    created_at: datetime
    replaces: int | None  # the version this one replaced
    replaced_by: int | None  # the version that replaced this one
    used_in: int  # QCMs that drew this version


def _admin_only(scope: Scope) -> None:
    if not scope.is_admin:
        raise NotFound("Opération réservée à l'organisme certificateur.")


def _refuse(problems: list[str]) -> None:
    if problems:
        raise Conflict(" ".join(problems))


class AdminBankRepo(Repo):
    def __init__(self, db, clock, banks: BankRepo) -> None:
        super().__init__(db, clock)
        self.banks = banks

    # Formations ---------------------------------------------------------

    async def create_formation(self, scope: Scope, formation: Formation) -> Formation:
        """A new formation, possibly without questions yet."""
        _admin_only(scope)
        problems: list[str] = []
        check_header(formation.code, formation.name, formation.questions_per_qcm,
                     formation.pass_mark, problems)
        themes = check_themes(formation.themes, problems)
        _refuse(problems)
        async with self.db.transaction() as tx:
            if await tx.one("SELECT 1 FROM formations WHERE code = ?", (formation.code,)):
                raise Conflict(f"La formation {formation.code} existe déjà.")
            await tx.execute(
                "INSERT INTO formations (code, name, questions_per_qcm, pass_mark, active) "
                "VALUES (?, ?, ?, ?, 1)", (formation.code, formation.name.strip(),
                                           formation.questions_per_qcm, formation.pass_mark))
            await self.banks._sync_themes(tx, Formation(formation.code, formation.name,
                                                        themes=themes))
            await self.audit(tx, scope, "create_formation", "formation", formation.code)
        return await self.banks.formation(formation.code)

    async def update_formation(self, scope: Scope, code: str, *, name: str | None = None,
                               questions_per_qcm: int | None = None,
                               pass_mark: int | None = None,
                               themes: Sequence[str] | None = None) -> Formation:
        """Change what is given. Themes are the new order; a theme holding
        active questions cannot be left out. QCMs already drawn keep their
        questions; their pass mark is the formation's current one."""
        _admin_only(scope)
        current = await self.banks.formation(code)
        new = Formation(code, current.name if name is None else name.strip(),
                        current.questions_per_qcm if questions_per_qcm is None
                        else questions_per_qcm,
                        current.pass_mark if pass_mark is None else pass_mark,
                        current.themes if themes is None else tuple(t.strip() for t in themes))
        problems: list[str] = []
        check_header(new.code, new.name, new.questions_per_qcm, new.pass_mark, problems)
        check_themes(new.themes, problems)
        _refuse(problems)
        async with self.db.transaction() as tx:
            used = [r["name"] for r in await tx.all(
                "SELECT t.name FROM themes t WHERE t.formation_code = ? AND EXISTS "
                "(SELECT 1 FROM questions q WHERE q.theme_id = t.id AND q.active = 1) "
                "ORDER BY t.position", (code,))]
            missing = [t for t in used if t not in new.themes]
            if missing:
                raise Conflict("Thème(s) contenant des questions actives, à garder : "
                               + ", ".join(f"« {t} »" for t in missing) + ".")
            await tx.execute(
                "UPDATE formations SET name = ?, questions_per_qcm = ?, pass_mark = ? "
                "WHERE code = ?", (new.name, new.questions_per_qcm, new.pass_mark, code))
            await self.banks._sync_themes(tx, new)
            # Themes left out that no question version ever used are forgotten.
            await tx.execute(
                "DELETE FROM themes WHERE formation_code = ? AND position >= 100000 AND NOT "
                "EXISTS (SELECT 1 FROM questions q WHERE q.theme_id = themes.id)", (code,))
            await self.audit(tx, scope, "update_formation", "formation", code,
                             f"{new.questions_per_qcm} questions, seuil {new.pass_mark}")
        return await self.banks.formation(code)

    async def set_formation_active(self, scope: Scope, code: str, active: bool) -> Formation:
        """A deactivated formation accepts no new QCM; existing ones go on."""
        _admin_only(scope)
        await self.banks.formation(code)
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE formations SET active = ? WHERE code = ?",
                             (int(active), code))
            await self.audit(tx, scope, "activate" if active else "deactivate",
                             "formation", code)
        return await self.banks.formation(code)

    async def question_counts(self) -> dict[str, int]:
        """Active questions per formation code."""
        return {r[0]: r[1] for r in await self.db.all(
            "SELECT formation_code, COUNT(*) FROM questions WHERE active = 1 "
            "GROUP BY formation_code")}

    # Questions ----------------------------------------------------------

    async def question(self, question_id: int) -> QuestionInfo:
        row = await self.db.one(
            f"{_Q_SELECT} WHERE q.id = ?", (question_id,))
        if row is None:
            raise NotFound(f"Question introuvable : {question_id}.")
        after = await self.db.one("SELECT id FROM questions WHERE replaces = ? ORDER BY id DESC",
                                  (question_id,))
        used = await self.db.one(
            "SELECT COUNT(DISTINCT qcm_id) FROM qcm_questions WHERE question_id = ?",
            (question_id,))
        return QuestionInfo(rows.question(row, row["theme"]), row["formation_code"],
                            rows.from_ts(row["created_at"]), row["replaces"],  # type: ignore[arg-type]
                            after[0] if after else None, used[0] if used else 0)

    async def search_questions(self, code: str, query: str = "", theme: str | None = None,
                               include_inactive: bool = False) -> list[Question]:
        """Questions of a formation whose text or choices contain `query`
        (case and accents ignored), optionally in one theme."""
        found = await self.banks.questions(code, include_inactive)
        return [q for q in found if (theme is None or q.theme == theme)
                and matches(query, q.text, *q.choices)]

    async def _checked(self, tx: AnyTx, formation: Formation, theme: str, text: str,
                       choices: Sequence[str], correct: int, label: str,
                       replacing: int | None = None) -> tuple[Question, int]:
        """The checked question and its theme id, inside `tx` (no other
        database call may happen here: the transaction holds the lock)."""
        code = formation.code
        problems: list[str] = []
        question = check_draft(Draft(label, theme, text, tuple(choices), correct),
                               formation.themes, problems)
        _refuse(problems)
        assert question is not None
        same = await tx.all(
            "SELECT id, text FROM questions WHERE formation_code = ? AND active = 1 AND id != COALESCE(?, 0)",
            (code, replacing))
        twin = next((r["id"] for r in same if r["text"].casefold() == question.text.casefold()),
                    None)
        if twin is not None:
            raise Conflict(f"{label} : une question active a déjà ce texte (n° {twin}).")
        theme_row = await tx.one("SELECT id FROM themes WHERE formation_code = ? AND name = ?",
                                 (code, theme))
        return question, theme_row["id"]  # type: ignore[index]

    async def _insert(self, tx: AnyTx, code: str, theme_id: int, q: Question,
                      replaces: int | None) -> int:
        return await tx.insert(
            "INSERT INTO questions (formation_code, theme_id, text, choice_a, choice_b, "
            "choice_c, choice_d, correct, active, replaces, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (code, theme_id, q.text, *q.choices, q.correct, replaces, self.now_text()))

    async def add_question(self, scope: Scope, code: str, theme: str, text: str,
                           choices: Sequence[str], correct: int) -> Question:
        _admin_only(scope)
        formation = await self.banks.formation(code)
        async with self.db.transaction() as tx:
            question, theme_id = await self._checked(tx, formation, theme, text, choices,
                                                     correct, "Nouvelle question")
            new_id = await self._insert(tx, code, theme_id, question, None)
            await self.audit(tx, scope, "add_question", "question", new_id, code)
        return (await self.question(new_id)).question

    async def edit_question(self, scope: Scope, question_id: int, theme: str, text: str,
                            choices: Sequence[str], correct: int) -> Question:
        """Write a new version replacing `question_id` (which is deactivated)."""
        _admin_only(scope)
        old = await self.question(question_id)
        if not old.question.active:
            raise Conflict("Seule la version active d'une question peut être modifiée.")
        q = old.question
        if (theme, text.strip(), tuple(c.strip() for c in choices), correct) == (
                q.theme, q.text, q.choices, q.correct):
            raise Conflict("Aucune modification.")
        label = f"Question {question_id}"
        formation = await self.banks.formation(old.formation_code)
        async with self.db.transaction() as tx:
            question, theme_id = await self._checked(tx, formation, theme, text,
                                                     choices, correct, label, question_id)
            await tx.execute("UPDATE questions SET active = 0 WHERE id = ?", (question_id,))
            new_id = await self._insert(tx, old.formation_code, theme_id, question, question_id)
            await self.audit(tx, scope, "edit_question", "question", new_id,
                             f"remplace {question_id}, bonne réponse {CHOICE_LETTERS[correct]}")
        return (await self.question(new_id)).question

    async def set_question_active(self, scope: Scope, question_id: int,
                                  active: bool) -> Question:
        """Retire a question from future draws, or bring back its latest version."""
        _admin_only(scope)
        info = await self.question(question_id)
        if active and info.replaced_by is not None:
            raise Conflict(f"La question {question_id} a été remplacée par la version "
                           f"{info.replaced_by} : réactivez plutôt celle-ci.")
        async with self.db.transaction() as tx:
            if active:
                same = await tx.all(
                    "SELECT id, text FROM questions WHERE formation_code = ? AND active = 1",
                    (info.formation_code,))
                if any(r["text"].casefold() == info.question.text.casefold() for r in same):
                    raise Conflict("Une question active a déjà ce texte.")
            await tx.execute("UPDATE questions SET active = ? WHERE id = ?",
                             (int(active), question_id))
            await self.audit(tx, scope, "activate" if active else "deactivate",
                             "question", question_id)
        return (await self.question(question_id)).question
