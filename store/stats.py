"""Data for the statistics of `domain.stats`: attempts per formation or
centre, and per-question responses.

Question statistics use the `answers` table: online answers, and paper
copies whose ticked letters were recorded (machine-scored copies). A
participant counts once scored and either submitted online or with recorded
answers; every question of their QCM counts as presented (unanswered =
wrong). Paper participants known only by their score take part in the
summaries, not in the question statistics."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from domain.models import Practical, Question
from domain.oversight import Filters
from domain.stats import Attempt, ItemStats, Summary, item_analysis, summarize
from store.banks import BankRepo
from store.base import Repo
from store.errors import NotFound
from store.scope import Scope


@dataclass(frozen=True)
class QuestionStat:
    question: Question
    stats: ItemStats


def _filter_sql(scope: Scope, f: Filters) -> tuple[str, list]:
    where, params = scope.clause("s.centre_id")
    clauses: list[str] = [where]
    values: list[object] = list(params)
    if f.centre_id is not None:
        clauses.append("s.centre_id = ?")
        values.append(f.centre_id)
    if f.formation:
        clauses.append("q.formation_code = ?")
        values.append(f.formation)
    if f.date_from:
        clauses.append("s.day >= ?")
        values.append(f.date_from.isoformat())
    if f.date_to:
        clauses.append("s.day <= ?")
        values.append(f.date_to.isoformat())
    return " AND ".join(clauses), values


def _analyse(found: list) -> dict[int, ItemStats]:
    """Item statistics from (participant, question, right) rows."""
    responses: dict[int, dict[int, bool]] = {}
    for pid, qid, right in found:
        responses.setdefault(pid, {})[qid] = bool(right)
    return item_analysis(list(responses.values()))


class StatsRepo(Repo):
    def __init__(self, db, clock, banks: BankRepo) -> None:
        super().__init__(db, clock)
        self.banks = banks

    async def attempts(self, scope: Scope, f: Filters) -> dict[str, list[Attempt]]:
        """Attempts per formation code."""
        where, params = _filter_sql(scope, f)
        found: dict[str, list[Attempt]] = {}
        for r in await self.db.report(
                "SELECT p.score, p.practical, p.retake_of, fo.pass_mark, q.formation_code "
                "FROM participants p JOIN sessions s ON s.id = p.session_id "
                "JOIN qcms q ON q.id = s.qcm_id JOIN formations fo ON fo.code = q.formation_code "
                f"WHERE {where} ORDER BY p.id", params):
            found.setdefault(r["formation_code"], []).append(
                Attempt(r["score"], r["pass_mark"], r["retake_of"] is not None,
                        Practical(r["practical"])))
        return found

    async def formation_summary(self, scope: Scope, code: str, f: Filters = Filters()) -> Summary:
        formation = await self.banks.formation(code)
        attempts = await self.attempts(scope, Filters(f.centre_id, code, f.date_from, f.date_to))
        return summarize(attempts.get(code, []), formation.questions_per_qcm)

    async def centre_summary(self, scope: Scope, centre_id: int,
                             f: Filters = Filters()) -> tuple[Summary, dict[str, Summary]]:
        """All formations of a centre together (no distribution: their scales
        differ), then each formation with its distribution."""
        attempts = await self.attempts(scope, Filters(centre_id, f.formation, f.date_from,
                                                      f.date_to))
        every = [a for group in attempts.values() for a in group]
        each = {}
        for code, group in sorted(attempts.items()):
            formation = await self.banks.formation(code)
            each[code] = summarize(group, formation.questions_per_qcm)
        return summarize(every), each

    async def question_stats(self, scope: Scope, code: str,
                             f: Filters = Filters()) -> list[QuestionStat]:
        """Facility and discrimination of every question version of `code`
        presented to at least one counted participant, in bank order."""
        where, params = _filter_sql(scope, Filters(f.centre_id, code, f.date_from, f.date_to))
        found = await self.db.report(
            "SELECT p.id, qq.question_id, a.choice IS NOT NULL AND a.choice = qu.correct "
            "FROM participants p JOIN sessions s ON s.id = p.session_id "
            "JOIN qcms q ON q.id = s.qcm_id "
            "JOIN qcm_questions qq ON qq.qcm_id = q.id "
            "JOIN questions qu ON qu.id = qq.question_id "
            "LEFT JOIN answers a ON a.participant_id = p.id AND a.question_id = qq.question_id "
            f"WHERE {where} AND p.score IS NOT NULL AND (p.submitted = 1 OR EXISTS "
            "(SELECT 1 FROM answers x WHERE x.participant_id = p.id))", params)
        # Thousands of candidates make this CPU work: keep it off the event loop.
        items = await asyncio.get_running_loop().run_in_executor(None, _analyse, found)
        questions = await self.banks.questions_by_ids(list(items))
        order = {q.id: i for i, q in enumerate(await self.banks.questions(code, True))}
        return [QuestionStat(questions[qid], items[qid])
                for qid in sorted(items, key=lambda i: (order.get(i, len(order)), i))]

    async def record_answers(self, scope: Scope, participant_id: int,
                             answers: Mapping[int, int]) -> None:
        """Keep the per-question answers of a machine-scored paper copy
        (question id -> bank choice index, e.g. from `domain.stats.paper_answers`)
        so that question statistics count it. Replaces what was recorded;
        refused once the participant is locked."""
        where, params = scope.clause("p.centre_id")
        row = await self.db.one(
            f"SELECT s.qcm_id FROM participants p JOIN sessions s ON s.id = p.session_id "
            f"WHERE p.id = ? AND {where}", (participant_id, *params))
        if row is None:
            raise NotFound(f"Participant introuvable : {participant_id}.")
        drawn = {r[0] for r in await self.db.all(
            "SELECT question_id FROM qcm_questions WHERE qcm_id = ?", (row["qcm_id"],))}
        if not set(answers) <= drawn or not all(0 <= c <= 3 for c in answers.values()):
            raise NotFound("Réponses hors du QCM de ce participant.")
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM answers WHERE participant_id = ?", (participant_id,))
            await tx.executemany(
                "INSERT INTO answers (participant_id, question_id, choice, answered_at) "
                "VALUES (?, ?, ?, ?)",
                [(participant_id, qid, choice, self.now_text())
                 for qid, choice in sorted(answers.items())])
            await self.audit(tx, scope, "record_answers", "participant", participant_id,
                             f"{len(answers)} réponses")
