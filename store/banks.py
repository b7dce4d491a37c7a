"""Formations, themes and question banks."""

from __future__ import annotations

from domain.models import Formation, Question, QuestionBank
from store import rows
from store.base import AnyTx, Repo
from store.errors import NotFound
from store.scope import Scope

QUESTION_COLUMNS = "q.id, q.text, q.choice_a, q.choice_b, q.choice_c, q.choice_d, q.correct, q.active"


class BankRepo(Repo):
    async def formations(self, include_inactive: bool = False) -> list[Formation]:
        rows_ = await self.db.all(
            "SELECT * FROM formations" + ("" if include_inactive else " WHERE active = 1")
            + " ORDER BY code"
        )
        return [await self._formation(row) for row in rows_]

    async def formation(self, code: str) -> Formation:
        row = await self.db.one("SELECT * FROM formations WHERE code = ?", (code,))
        if row is None:
            raise NotFound(f"Formation inconnue : {code}.")
        return await self._formation(row)

    async def _formation(self, row) -> Formation:
        themes = await self.db.all(
            "SELECT name FROM themes WHERE formation_code = ? AND position >= 0 ORDER BY position",
            (row["code"],)
        )
        return rows.formation(row, tuple(t["name"] for t in themes))

    async def questions(self, code: str, include_inactive: bool = False) -> list[Question]:
        sql = (f"SELECT {QUESTION_COLUMNS}, t.name AS theme FROM questions q "
               "JOIN themes t ON t.id = q.theme_id WHERE q.formation_code = ?"
               + ("" if include_inactive else " AND q.active = 1")
               + " ORDER BY t.position, q.id")
        return [rows.question(r, r["theme"]) for r in await self.db.all(sql, (code,))]

    async def questions_by_ids(self, ids: list[int]) -> dict[int, Question]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        sql = (f"SELECT {QUESTION_COLUMNS}, t.name AS theme FROM questions q "
               f"JOIN themes t ON t.id = q.theme_id WHERE q.id IN ({marks})")
        return {r["id"]: rows.question(r, r["theme"]) for r in await self.db.all(sql, ids)}

    async def export_bank(self, code: str) -> QuestionBank:
        return QuestionBank(await self.formation(code), tuple(await self.questions(code)))

    async def import_bank(self, bank: QuestionBank, scope: Scope) -> dict[str, int]:
        """Make the stored bank equal to `bank`, in one transaction.

        Questions identical to a stored active one are kept; new or edited ones
        become new versions; active ones absent from the file are deactivated.
        QCMs already drawn keep the versions they drew."""
        if not scope.is_admin:
            raise NotFound("Import réservé à l'organisme certificateur.")
        f = bank.formation
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO formations (code, name, questions_per_qcm, pass_mark, active) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
                "questions_per_qcm = excluded.questions_per_qcm, pass_mark = excluded.pass_mark, "
                "active = 1",
                (f.code, f.name, f.questions_per_qcm, f.pass_mark),
            )
            theme_ids = await self._sync_themes(tx, f)
            stored = await tx.all(
                f"SELECT {QUESTION_COLUMNS}, q.theme_id FROM questions q "
                "WHERE q.formation_code = ? AND q.active = 1", (f.code,)
            )
            by_content = {
                (r["theme_id"], r["text"], r["choice_a"], r["choice_b"], r["choice_c"],
                 r["choice_d"], r["correct"]): r["id"] for r in stored
            }
            keep: set[int] = set()
            added = 0
            for q in bank.questions:
                content = (theme_ids[q.theme], q.text, *q.choices, q.correct)
                if content in by_content:
                    keep.add(by_content[content])
                    continue
                keep.add(await tx.insert(
                    "INSERT INTO questions (formation_code, theme_id, text, choice_a, choice_b, "
                    "choice_c, choice_d, correct, active, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                    (f.code, *content, self.now_text()),
                ))
                by_content[content] = -1
                added += 1
            retired = [r["id"] for r in stored if r["id"] not in keep]
            await tx.executemany("UPDATE questions SET active = 0 WHERE id = ?",
                                 [(i,) for i in retired])
            counts = {"added": added, "kept": len(keep) - added, "retired": len(retired)}
            await self.audit(tx, scope, "import_bank", "formation", f.code, str(counts))
        return counts

    async def _sync_themes(self, tx: AnyTx, f: Formation) -> dict[str, int]:
        existing = {r["name"]: r["id"] for r in await tx.all(
            "SELECT id, name FROM themes WHERE formation_code = ?", (f.code,))}
        # Themes no longer in the file keep their row (old questions refer to
        # them) at position -1, which means "dropped"; then number the file's order.
        await tx.execute("UPDATE themes SET position = -1 WHERE formation_code = ?", (f.code,))
        for position, name in enumerate(f.themes):
            if name in existing:
                await tx.execute("UPDATE themes SET position = ? WHERE id = ?",
                                 (position, existing[name]))
            else:
                existing[name] = await tx.insert(
                    "INSERT INTO themes (formation_code, position, name) VALUES (?, ?, ?)",
                    (f.code, position, name))
        return existing
