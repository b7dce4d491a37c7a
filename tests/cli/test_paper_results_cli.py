"""From a CSV of ticked letters to letters and certificates, by commands only
(the real `qcm` process on a temporary data directory), and the refusals of
issue 13 as one-line errors with a non-zero status."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from domain.shuffle import answer_key
from tests.cli.conftest import Qcm
from tests.pdfgen.pdftext import flat, pages_text

WRONG = {"A": "B", "B": "C", "C": "D", "D": "A"}


def keys_of(qcm: Qcm, batch_id: int, copies: range) -> dict[int, str]:
    """Each copy's right letters, recomputed from the stored seed and questions."""
    from store import Scope, Store

    async def read() -> dict[int, str]:
        store = await Store.open(qcm.database)
        try:
            batch = await store.qcms.paper_batch(Scope.admin(), batch_id)
            questions = await store.qcms.questions(Scope.admin(), batch.qcm_id)
            return {c: answer_key(batch.seed, c, questions) for c in copies}
        finally:
            await store.close()
    return asyncio.run(read())


def with_mistakes(key: str, mistakes: int) -> str:
    return "".join(WRONG[c] for c in key[:mistakes]) + key[mistakes:]


def add(qcm: Qcm, session: int, last_name: str, *options: str) -> dict:
    return json.loads(qcm.ok(
        "participant", "add", str(session), "--civility", "M.", "--last-name", last_name,
        "--first-name", "Jean", "--company", "Soleil SARL", "--address", "3 rue du Four",
        "--postal-code", "69007", "--city", "Lyon", "--email", f"{last_name.lower()}@soleil.fr",
        *options, "--json").out)


def refused(qcm: Qcm, *args: str, input: str | None = None) -> str:
    run = qcm(*args, input=input)
    assert run.code != 0, (args, run)
    assert len(run.err_lines) == 1, run.err
    return run.err


def test_csv_to_letters_and_certificates_with_the_rules(qcm: Qcm):
    qcm.ok("demo")
    made = json.loads(qcm.ok("paper", "generate", "1", "6", "--json").out)
    batch = made["batch"]
    keys = keys_of(qcm, batch, range(1, 7))
    first = json.loads(qcm.ok("session", "create-paper", "1", "--trainer", "1", "--place",
                              "Lyon, salle 2", "--day", "04/07/2026", "--json").out)["id"]
    a = add(qcm, first, "Aubert", "--copy", "1", "--practical", "favorable")
    b = add(qcm, first, "Bernard", "--copy", "2", "--practical", "favorable")
    c = add(qcm, first, "Colin", "--practical", "defavorable")  # copy given with the scores

    # Copy 1: 12 mistakes (18/30); copy 2: none; Colin named by number, copy 3.
    csv_text = (f"copie;lettres\n1;{with_mistakes(keys[1], 12)}\n2;{keys[2]}\n"
                f"{c['number']};3;{with_mistakes(keys[3], 1)}\n")
    # A dry run scores the copies given by number only, and records nothing.
    dry = json.loads(qcm.ok("paper", "score", str(batch), "-", "--dry-run", "--json",
                            input=f"1;{keys[1]}\n").out)
    assert [row["score"] for row in dry] == [30]
    recorded = json.loads(qcm.ok("paper", "score", str(batch), "-", "--json",
                                 input=csv_text).out)
    assert [(r["participant"], r["score"]) for r in recorded] == [
        (a["number"], 18), (b["number"], 30), (c["number"], 29)]
    listed = {p["number"]: p for p in json.loads(
        qcm.ok("participant", "list", str(first), "--json").out)}
    assert (listed[a["number"]]["score"], listed[a["number"]]["copy"]) == (18, 1)
    assert (listed[c["number"]]["score"], listed[c["number"]]["copy"]) == (29, 3)
    assert "repasser uniquement le QCM" in listed[a["number"]]["decision"]

    # A line in error: nothing of the file is recorded.
    err = refused(qcm, "paper", "score", str(batch), "-",
                  input=f"1;{keys[1]}\n5;{keys[5]}\n")
    assert "aucune note enregistrée" in err
    listed = {p["number"]: p for p in json.loads(
        qcm.ok("participant", "list", str(first), "--json").out)}
    assert listed[a["number"]]["score"] == 18

    # A retake cannot quote a result that is not final (no letter yet).
    retakes = json.loads(qcm.ok("session", "create-paper", "1", "--trainer", "1", "--place",
                                "Lyon, salle 3", "--day", "20/07/2026", "--json").out)["id"]
    err = refused(qcm, "participant", "add", str(retakes), "--civility", "M.", "--last-name",
                  "Aubert", "--first-name", "Jean", "--company", "Soleil SARL", "--address",
                  "3 rue du Four", "--postal-code", "69007", "--city", "Lyon", "--email",
                  "a@soleil.fr", "--retake-of", a["number"])
    assert f"{a['number']} n'a pas encore de résultat définitif" in err

    published = json.loads(qcm.ok("session", "publish", str(first), "--json").out)
    kinds = sorted((d["participant"], d["kind"]) for d in published)
    assert kinds == sorted([(a["id"], "letter"), (b["id"], "letter"), (c["id"], "letter"),
                            (b["id"], "certificate")])
    letter_a = next(d for d in published if d["participant"] == a["id"])
    documents = qcm.data_dir / "documents"
    assert "repasser uniquement" in flat(" ".join(pages_text(documents / letter_a["path"])))

    # Now A's letter gives the number: the retake is accepted, copy 4, scored 27/30.
    r = add(qcm, retakes, "Aubert", "--retake-of", a["number"], "--copy", "4")
    assert r["practical"] == "favourable"  # carried over from the first attempt
    qcm.ok("paper", "score", str(batch), "-", input=f"4;{with_mistakes(keys[4], 3)}\n")

    # Issue 13: A can no longer change in a way that breaks the retake, nor go.
    err = refused(qcm, "participant", "edit", a["number"], "--score", "26")
    assert f"second passage n° {r['number']}" in err and "changer sa note" in err
    err = refused(qcm, "participant", "delete", a["number"])
    assert f"second passage n° {r['number']}" in err
    err = refused(qcm, "paper", "score", str(batch), "-", input=f"1;{keys[1]}\n")
    assert f"second passage n° {r['number']}" in err
    err = refused(qcm, "participant", "practical", a["number"], "defavorable")
    assert f"second passage n° {r['number']}" in err
    # A second retake of the same first attempt is refused too.
    err = refused(qcm, "participant", "add", str(retakes), "--civility", "M.", "--last-name",
                  "Aubert", "--first-name", "Jean", "--company", "Soleil SARL", "--address",
                  "3 rue du Four", "--postal-code", "69007", "--city", "Lyon", "--email",
                  "a@soleil.fr", "--retake-of", a["number"])
    assert "unique rattrapage" in err

    published = json.loads(qcm.ok("session", "publish", str(retakes), "--json").out)
    certificate = next(d for d in published if d["kind"] == "certificate")
    assert certificate["participant"] == r["id"]
    text = flat(" ".join(pages_text(documents / certificate["path"])))
    assert f"premier passage : n° {a['number']}" in text and "27/30" in text
    # One certificate in A's chain: R's.
    every = json.loads(qcm.ok("oversight", "documents", "--json").out)
    assert _certificates_of(every, {a["number"], r["number"]}) == [r["number"]]


def _certificates_of(documents: list[dict], numbers: set[str]) -> list[str]:
    found = []
    for d in documents:
        if d.get("kind") == "certificate":
            name = Path(d["path"]).name
            found += [n for n in numbers if n in name]
    return found


def test_participant_commands_refuse_bad_input_in_one_line(qcm: Qcm):
    qcm.ok("demo")
    session = json.loads(qcm.ok("session", "create-paper", "1", "--trainer", "1", "--place",
                                "Lyon", "--day", "04/07/2026", "--json").out)["id"]
    err = refused(qcm, "participant", "add", str(session), "--last-name", "Sans")
    assert "Civilité" in err
    err = refused(qcm, "participant", "add", str(session), "--civility", "M.", "--last-name",
                  "X", "--first-name", "Y", "--company", "Z", "--address", "1 rue",
                  "--postal-code", "69007", "--city", "Lyon", "--email", "x@y.fr",
                  "--score", "31")
    assert "Note : nombre entier de 0 à 30" in err
    err = refused(qcm, "participant", "delete", "2026-999999")
    assert "introuvable" in err
    err = refused(qcm, "participant", "add", "1", "--civility", "M.", "--last-name", "X",
                  "--first-name", "Y", "--company", "Z", "--address", "1 rue",
                  "--postal-code", "69007", "--city", "Lyon", "--email", "x@y.fr")
    assert "session en ligne" in err  # session 1 of the demo is online


def test_rules_check_finds_what_was_written_before_the_rules(qcm: Qcm):
    """A database damaged as in issue 13 (a retake quoting a first attempt that
    passed, two certificates for one person) is reported, one line per breach."""
    import sqlite3

    from store.schema import STEP_3
    qcm.ok("demo")
    assert "respectées" in qcm.ok("rules", "check").out
    session = json.loads(qcm.ok("session", "create-paper", "1", "--trainer", "1", "--place",
                                "Lyon", "--day", "04/07/2026", "--json").out)["id"]
    first = add(qcm, session, "Aubert", "--score", "26", "--practical", "favorable")
    conn = sqlite3.connect(qcm.database, isolation_level=None)
    conn.execute("DROP TRIGGER participants_retake_insert")  # as before STEP_3
    conn.execute("INSERT INTO participants (session_id, centre_id, number, last_name, score, "
                 "practical, retake_of, created_at) VALUES (?, 1, '2026-900001', 'Aubert', 27, "
                 "'favourable', ?, 'x')", (session, first["number"]))
    conn.execute(next(s for s in STEP_3 if "participants_retake_insert" in s))
    conn.close()
    run = qcm("rules", "check")
    assert run.code == 1 and len(run.err_lines) == 1
    assert "2026-900001" in run.out and "n'avait pas droit au rattrapage" in run.out
    assert "n'est pas définitif" in run.out
