"""Document commands through the real `qcm` process: paper batch, scoring, publication."""

from __future__ import annotations

import json

from pypdf import PdfReader

from domain.shuffle import answer_key
from tests.cli.conftest import Qcm


def test_paper_generate_then_score_copies(qcm: Qcm):
    qcm.ok("demo")
    made = json.loads(qcm.ok("paper", "generate", "1", "3", "--json").out)
    assert made["copies"] == 3
    pdf = PdfReader(made["path"])
    assert "Copie" in pdf.pages[1].extract_text() or "Copie" in pdf.pages[2].extract_text()

    # Recompute copy 2's key independently from the stored seed and questions.
    import asyncio

    from store import Scope, Store

    async def key_of_copy(copy: int) -> str:
        store = await Store.open(qcm.database)
        try:
            batch = await store.qcms.paper_batch(Scope.admin(), made["batch"])
            questions = await store.qcms.questions(Scope.admin(), batch.qcm_id)
            return answer_key(batch.seed, copy, questions)
        finally:
            await store.close()

    key = asyncio.run(key_of_copy(2))
    wrong_five = "".join("A" if c != "A" else "B" for c in key[:5]) + key[5:]
    csv_text = f"2;{key}\n3;{wrong_five}\n"
    scored = json.loads(qcm.ok("paper", "score", str(made["batch"]), "-", "--json", "--dry-run",
                               input=csv_text).out)
    by_copy = {row["copy"]: row["score"] for row in scored}
    assert by_copy[2] == 30
    # copy 3 has its own order: score it against its own key to know the truth
    key3 = asyncio.run(key_of_copy(3))
    assert by_copy[3] == sum(a == b for a, b in zip(key3, wrong_five))


def test_paper_score_reports_bad_lines_and_fails(qcm: Qcm):
    qcm.ok("demo")
    made = json.loads(qcm.ok("paper", "generate", "1", "1", "--json").out)
    run = qcm("paper", "score", str(made["batch"]), "-", "--dry-run", input="1;ABC\n")
    assert run.code == 1
    assert "non notée" in run.err


def test_verify_unknown_code_fails_in_one_line(qcm: Qcm):
    qcm.ok("init")
    run = qcm("verify", "NOPE-NOPE")
    assert run.code == 1
    assert len(run.err_lines) == 1


def test_documents_go_to_the_configured_documents_dir(qcm: Qcm):
    shared = qcm.tmp / "partage"
    qcm.config.write_text(qcm.config.read_text(encoding="utf-8").replace(
        "[ssh]", f'documents_dir = "{shared.as_posix()}"\n[ssh]'), encoding="utf-8")
    # Not mounted (absent): refused in one line, nothing created in its place.
    refused = qcm("demo")
    assert refused.code == 1 and len(refused.err_lines) == 1
    assert "documents_dir : dossier introuvable" in refused.err and not shared.exists()
    shared.mkdir()
    qcm.ok("demo")
    made = json.loads(qcm.ok("paper", "generate", "1", "2", "--json").out)
    assert made["path"].startswith(str(shared) + "/")
    assert not (qcm.data_dir / "documents").exists()
