import hashlib
from dataclasses import replace

import pytest

from domain.models import DocumentKind, QuestionBank
from domain.shuffle import answer_key
from pdfgen.paper_layout import PaperLayoutError
from services.documents import ScoringError
from store.errors import NotFound
from store.scope import Scope
from tests.pdfgen.fixtures import FORMATION, questions
from tests.pdfgen.pdftext import KEY_RE, pages_text
from tests.services.conftest import ADMIN


async def test_generate_paper_writes_records_and_attaches_the_pdf(service, world, store,
                                                                  documents_dir):
    seen = []
    batch, document = await service.generate_paper(world.scope, world.qcm.id, 12,
                                                   lambda d, t: seen.append((d, t)))
    assert batch.copies == 12 and batch.document_id == document.id
    assert document.kind is DocumentKind.PAPER
    qcm_id = world.qcm.id
    assert document.path == f"{world.centre.id}/qcm-{qcm_id}/qcm-{qcm_id}-lot-{batch.id}.pdf"
    path = documents_dir / document.path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == document.sha256
    stored = await store.qcms.paper_batch(world.scope, batch.id)
    assert stored.document_id == document.id and stored.seed == batch.seed
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left
    assert all(t == 24 for _, t in seen) and seen == sorted(seen)
    texts = pages_text(path)
    keys = [KEY_RE.search(t)[1].replace(" ", "") for t in texts if "Corrigé de la copie" in t]
    questions = await store.qcms.questions(world.scope, world.qcm.id)
    assert keys == [answer_key(batch.seed, n, questions) for n in range(1, 13)]
    assert f"QCM n° {world.qcm.id}" in texts[0]


async def test_another_centre_cannot_generate_or_score(service, world, store):
    other = await store.centres.add_centre(Scope.admin(), "Autre centre")
    scope = Scope.centre(other.id, "autre")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await service.generate_paper(scope, world.qcm.id, 2)
    batch, _ = await service.generate_paper(world.scope, world.qcm.id, 2)
    with pytest.raises(NotFound):
        await service.score_copy(scope, batch.id, 1, "A" * 30)


async def test_scoring_typed_letters_against_a_copy(service, world, store):
    batch, _ = await service.generate_paper(world.scope, world.qcm.id, 3)
    questions = await store.qcms.questions(world.scope, world.qcm.id)
    key = answer_key(batch.seed, 2, questions)
    assert await service.score_copy(world.scope, batch.id, 2, key) == 30
    grouped = " ".join(key[i:i + 5] for i in range(0, 30, 5)).lower()
    assert await service.score_copy(world.scope, batch.id, 2, grouped) == 30
    wrong = "".join("B" if c == "A" else "A" for c in key[:4]) + key[4:]
    assert await service.score_copy(world.scope, batch.id, 2, wrong) == 26
    blanks = "-" * 3 + "." * 2 + key[5:]
    assert await service.score_copy(world.scope, batch.id, 2, blanks) == 25
    # The same letters on another copy (another choice order) score differently.
    assert await service.score_copy(world.scope, batch.id, 1, key) < 30
    with pytest.raises(ScoringError, match="29 réponses saisies, 30 attendues"):
        await service.score_copy(world.scope, batch.id, 2, key[:29])
    with pytest.raises(ScoringError, match="Copie n° 4 absente"):
        await service.score_copy(world.scope, batch.id, 4, key)


async def test_scoring_a_whole_batch_from_csv(service, world, store):
    batch, _ = await service.generate_paper(world.scope, world.qcm.id, 3)
    questions = await store.qcms.questions(world.scope, world.qcm.id)
    k1, k3 = (answer_key(batch.seed, n, questions) for n in (1, 3))
    csv_text = ("copie;lettres\n"
                f"1;{k1}\n"
                f"3;{'-' * 10 + k3[10:]}\n"
                "2;ABC\n"
                "9;" + "A" * 30 + "\n"
                f"1;{k1}\n"
                "x;ABCD\n")
    results = await service.score_batch_csv(world.scope, batch.id, csv_text)
    assert [(r.line, r.copy_number, r.score) for r in results] == [
        (2, 1, 30), (3, 3, 20), (4, 2, None), (5, 9, None), (6, 1, None), (7, None, None)]
    assert "3 réponses saisies" in results[2].error
    assert "absente du lot" in results[3].error
    assert "déjà notée" in results[4].error
    assert "numéro de copie invalide" in results[5].error


async def test_a_failed_paper_generation_leaves_no_file_and_no_document(
        service, store, documents_dir):
    bank = list(questions(30))
    bank[0] = replace(bank[0], choices=tuple("très long choix " * 120 for _ in range(4)))
    await store.banks.import_bank(QuestionBank(FORMATION, tuple(bank)), ADMIN)
    centre = await store.centres.add_centre(ADMIN, "Centre")
    scope = Scope.centre(centre.id, "c")  # type: ignore[arg-type]
    qcm = await store.qcms.create_qcm(scope, FORMATION.code, "trop long")
    with pytest.raises(PaperLayoutError, match="trop longue"):
        await service.generate_paper(scope, qcm.id, 3, lambda done, total: None)
    assert [p for p in documents_dir.rglob("*") if p.is_file()] == []
    assert await store.documents.documents(scope) == []
    assert await store.qcms.paper_batches(scope, qcm.id, pending=True) == []
