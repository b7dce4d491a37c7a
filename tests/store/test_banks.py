"""Question bank import: versions, retirement, QCMs keep what they drew."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.bank import dump_bank, parse_bank
from domain.models import QuestionBank
from store import Conflict, NotFound, Scope
from tests.store.conftest import ADMIN, THEMES, small_bank


async def test_first_import_then_same_file_again(store):
    bank = small_bank()
    assert await store.banks.import_bank(bank, ADMIN) == {"added": 12, "kept": 0, "retired": 0}
    assert await store.banks.import_bank(bank, ADMIN) == {"added": 0, "kept": 12, "retired": 0}
    assert await store.banks.formation("TST") == bank.formation
    stored = await store.banks.questions("TST")
    assert [(q.theme, q.text, q.choices, q.correct) for q in stored] == [
        (q.theme, q.text, q.choices, q.correct) for q in bank.questions]
    assert all(q.id is not None and q.active for q in stored)


async def test_edited_question_becomes_a_new_version(store):
    bank = small_bank()
    await store.banks.import_bank(bank, ADMIN)
    before = await store.banks.questions("TST")
    edited = list(bank.questions)
    edited[0] = replace(edited[0], text="Nouvelle formulation ?")
    edited[1] = replace(edited[1], correct=(edited[1].correct + 1) % 4)
    del edited[5]
    counts = await store.banks.import_bank(QuestionBank(bank.formation, tuple(edited)), ADMIN)
    assert counts == {"added": 2, "kept": 9, "retired": 3}
    after = await store.banks.questions("TST")
    assert len(after) == 11
    kept_ids = {q.id for q in before} & {q.id for q in after}
    assert len(kept_ids) == 9
    everything = await store.banks.questions("TST", include_inactive=True)
    assert len(everything) == 14
    old = {q.id: q for q in everything}[before[0].id]
    assert not old.active and old.text == bank.questions[0].text  # the old version is intact


async def test_qcms_keep_the_versions_they_drew(store):
    bank = small_bank(per_qcm=12)
    await store.banks.import_bank(bank, ADMIN)
    centre = await store.centres.add_centre(ADMIN, "Centre")
    qcm = await store.qcms.create_qcm(ADMIN, "TST", "Avant", centre.id)
    drawn = await store.qcms.questions(ADMIN, qcm.id)
    assert [q.text for q in drawn] == [q.text for q in bank.questions]  # all 12, theme order
    rewritten = tuple(replace(q, text=q.text + " (v2)") for q in bank.questions)
    counts = await store.banks.import_bank(QuestionBank(bank.formation, rewritten), ADMIN)
    assert counts == {"added": 12, "kept": 0, "retired": 12}
    kept = await store.qcms.questions(ADMIN, qcm.id)
    assert [(q.id, q.text, q.choices, q.correct) for q in kept] == [
        (q.id, q.text, q.choices, q.correct) for q in drawn]
    assert not any(q.active for q in kept)  # retired from the bank, still this QCM's
    newer = await store.qcms.create_qcm(ADMIN, "TST", "Après", centre.id)
    assert all(q.text.endswith("(v2)") for q in await store.qcms.questions(ADMIN, newer.id))


async def test_create_qcm_draws_per_formation_rules(store):
    await store.banks.import_bank(small_bank(), ADMIN)
    centre = await store.centres.add_centre(ADMIN, "Centre")
    qcm = await store.qcms.create_qcm(ADMIN, "TST", "Tirage", centre.id)
    questions = await store.qcms.questions(ADMIN, qcm.id)
    assert len(questions) == 6 and len(set(qcm.question_ids)) == 6
    themes = [q.theme for q in questions]
    assert themes == sorted(themes, key=THEMES.index) and set(themes) == set(THEMES)
    with pytest.raises(NotFound):
        await store.qcms.create_qcm(ADMIN, "NOPE", "x", centre.id)
    with pytest.raises(Conflict, match="Centre non précisé"):
        await store.qcms.create_qcm(ADMIN, "TST", "x")
    with pytest.raises(NotFound, match="Centre introuvable"):
        await store.qcms.create_qcm(ADMIN, "TST", "x", 999)
    short = small_bank("BIG", per_qcm=12)
    await store.banks.import_bank(QuestionBank(short.formation, short.questions[:-1]), ADMIN)
    with pytest.raises(Conflict, match="ne contient que 11 questions actives, 12 demandées"):
        await store.qcms.create_qcm(ADMIN, "BIG", "x", centre.id)


async def test_export_then_import_round_trips(store):
    bank = small_bank()
    await store.banks.import_bank(bank, ADMIN)
    exported = dump_bank(await store.banks.export_bank("TST"))
    assert parse_bank(exported) == bank
    assert await store.banks.import_bank(parse_bank(exported), ADMIN) == {
        "added": 0, "kept": 12, "retired": 0}
    assert dump_bank(await store.banks.export_bank("TST")) == exported


async def test_themes_follow_the_file(store):
    bank = small_bank()
    await store.banks.import_bank(bank, ADMIN)
    # Reorder the themes, drop "Câblage" (and its questions), add "Mesures".
    themes = ("Sécurité", "Réglementation", "Mesures")
    moved = small_bank(themes=themes)
    counts = await store.banks.import_bank(
        QuestionBank(replace(bank.formation, themes=themes), moved.questions), ADMIN)
    assert counts == {"added": 4, "kept": 8, "retired": 4}
    formation = await store.banks.formation("TST")
    assert formation.themes == themes
    assert [q.theme for q in await store.banks.questions("TST")] == [t for t in themes
                                                                      for _ in range(4)]
    exported = await store.banks.export_bank("TST")
    assert exported.formation.themes == themes
    # Bringing a dropped theme back works too.
    await store.banks.import_bank(bank, ADMIN)
    assert (await store.banks.formation("TST")).themes == THEMES


async def test_formations_list_and_codes(store):
    await store.banks.import_bank(small_bank("ZZZ"), ADMIN)
    await store.banks.import_bank(small_bank("AAA"), ADMIN)
    assert [f.code for f in await store.banks.formations()] == ["AAA", "ZZZ"]
    with pytest.raises(NotFound, match="Formation inconnue"):
        await store.banks.formation("NOPE")
    with pytest.raises(NotFound):
        await store.banks.import_bank(small_bank(), Scope.centre(1, "centre"))
