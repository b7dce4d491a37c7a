"""Formation and question editing: versions, never in-place changes."""

import pytest

from domain.models import Formation
from store import Conflict, Locked, NotFound, Scope
from tests.admin_seed import ADMIN, seed

CENTRE = Scope.centre(1, "alpha")


@pytest.fixture
async def world(tmp_path, backend):
    s = await seed(tmp_path, target=backend.target)
    yield s
    await s.store.close()


async def test_create_formation_without_questions(world):
    banks = world.admin.banks
    f = await banks.create_formation(ADMIN, Formation("NEUVE", "Nouvelle formation", 10, 8,
                                                      ("Un", "Deux")))
    assert f.themes == ("Un", "Deux") and f.active
    with pytest.raises(Conflict, match="existe déjà"):
        await banks.create_formation(ADMIN, Formation("NEUVE", "Encore", 10, 8, ("Un",)))
    with pytest.raises(Conflict, match="Seuil"):
        await banks.create_formation(ADMIN, Formation("AUTRE", "Autre", 10, 11, ("Un",)))
    with pytest.raises(NotFound):
        await banks.create_formation(CENTRE, Formation("X1", "X", 1, 1, ("Un",)))


async def test_update_formation_fields_and_theme_order(world):
    banks = world.admin.banks
    f = await banks.update_formation(ADMIN, "ESSAI", name="Essai renommé", questions_per_qcm=6,
                                     pass_mark=5, themes=["Sécurité", "Nouveau", "Normes"])
    assert (f.name, f.questions_per_qcm, f.pass_mark) == ("Essai renommé", 6, 5)
    assert f.themes == ("Sécurité", "Nouveau", "Normes")
    # A theme with no question at all may go; one with active questions may not.
    f = await banks.update_formation(ADMIN, "ESSAI", themes=["Normes", "Sécurité"])
    assert f.themes == ("Normes", "Sécurité")
    with pytest.raises(Conflict, match="« Normes »"):
        await banks.update_formation(ADMIN, "ESSAI", themes=["Sécurité"])
    with pytest.raises(Conflict, match="Seuil"):
        await banks.update_formation(ADMIN, "ESSAI", pass_mark=7)
    with pytest.raises(NotFound):
        await banks.update_formation(ADMIN, "INCONNUE", name="x")


async def test_deactivated_formation_refuses_new_qcms_only(world):
    banks, store = world.admin.banks, world.store
    f = await banks.set_formation_active(ADMIN, "ESSAI", False)
    assert not f.active
    assert [x.code for x in await store.banks.formations()] == []
    with pytest.raises(Conflict, match="plus active"):
        await store.qcms.create_qcm(ADMIN, "ESSAI", "X", world.alpha)
    assert len((await store.qcms.qcm(ADMIN, world.qcm_alpha)).question_ids) == 4
    assert (await banks.set_formation_active(ADMIN, "ESSAI", True)).active


async def test_edit_makes_a_new_version_and_drawn_qcms_keep_the_old(world):
    banks, store = world.admin.banks, world.store
    old_id = world.question_ids[0]
    old = (await banks.question(old_id)).question
    new = await banks.edit_question(ADMIN, old_id, old.theme, old.text + " (révisée)",
                                    old.choices, (old.correct + 1) % 4)
    assert new.id != old_id and new.active
    info = await banks.question(new.id)
    assert info.replaces == old_id and info.used_in == 0
    before = await banks.question(old_id)
    assert not before.question.active and before.replaced_by == new.id and before.used_in == 1
    assert before.question.text == old.text  # the stored row did not change
    drawn = await store.qcms.questions(ADMIN, world.qcm_alpha)
    assert drawn[0] == before.question  # the QCM still shows what it drew
    active_ids = [q.id for q in await store.banks.questions("ESSAI")]
    assert new.id in active_ids and old_id not in active_ids


async def test_edit_refusals(world):
    banks = world.admin.banks
    qid = world.question_ids[0]
    q = (await banks.question(qid)).question
    with pytest.raises(Conflict, match="Aucune modification"):
        await banks.edit_question(ADMIN, qid, q.theme, q.text, q.choices, q.correct)
    with pytest.raises(Conflict, match="identiques"):
        await banks.edit_question(ADMIN, qid, q.theme, q.text, ("a", "a", "b", "c"), 0)
    with pytest.raises(Conflict, match="thème « Ailleurs » inconnu"):
        await banks.edit_question(ADMIN, qid, "Ailleurs", q.text, q.choices, q.correct)
    other = next(x for x in await banks.search_questions("ESSAI") if x.id != qid)
    with pytest.raises(Conflict, match="déjà ce texte"):
        await banks.edit_question(ADMIN, qid, q.theme, other.text, q.choices, q.correct)
    new = await banks.edit_question(ADMIN, qid, q.theme, q.text, q.choices, (q.correct + 1) % 4)
    with pytest.raises(Conflict, match="version active"):
        await banks.edit_question(ADMIN, qid, q.theme, q.text, q.choices, q.correct)
    with pytest.raises(Conflict, match=f"remplacée par la version {new.id}"):
        await banks.set_question_active(ADMIN, qid, True)
    with pytest.raises(NotFound):
        await banks.edit_question(CENTRE, new.id, q.theme, "x ?", q.choices, 0)


async def test_the_database_still_forbids_in_place_edits(world):
    async with world.store.db.transaction() as tx:
        await tx.execute("SELECT 1")
    with pytest.raises(Locked):
        async with world.store.db.transaction() as tx:
            await tx.execute("UPDATE questions SET text = 'x' WHERE id = ?",
                             (world.question_ids[0],))


async def test_add_deactivate_reactivate_and_search(world):
    banks = world.admin.banks
    q = await banks.add_question(ADMIN, "ESSAI", "Sécurité", "Quelle est l'échelle ÉLECTRIQUE ?",
                                 ["Une", "Deux", "Trois", "Quatre"], 2)
    assert q.id and q.correct_text == "Trois"
    assert [x.id for x in await banks.search_questions("ESSAI", "echelle electrique")] == [q.id]
    assert [x.id for x in await banks.search_questions("ESSAI", "trois", "Sécurité")] == [q.id]
    assert await banks.search_questions("ESSAI", "trois", "Normes") == []
    assert len(await banks.search_questions("ESSAI", "")) == 9
    assert (await banks.question_counts()) == {"ESSAI": 9}
    off = await banks.set_question_active(ADMIN, q.id, False)
    assert not off.active
    assert await banks.search_questions("ESSAI", "échelle") == []
    assert len(await banks.search_questions("ESSAI", "échelle", include_inactive=True)) == 1
    assert (await banks.set_question_active(ADMIN, q.id, True)).active
    with pytest.raises(Conflict, match="Nouvelle question : une et une seule"):
        await banks.add_question(ADMIN, "ESSAI", "Normes", "Sans réponse ?", ["a", "b", "c", "d"], 7)
    entries = await world.store.audit.entries(ADMIN)
    assert {"add_question", "deactivate", "activate"} <= {e.action for e in entries}
