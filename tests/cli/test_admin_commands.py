"""The administration commands, run as the real `qcm` CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from domain.models import Practical
from tests.admin_seed import ADMIN, identity, seed

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
async def cli(tmp_path):
    """A seeded data directory and a function running `qcm` on it."""
    world = await seed(tmp_path / "var", "qcm.sqlite3")
    await world.store.sessions.add_participant(ADMIN, world.paper_session,
                                               identity("=HYPERLINK(\"x\")"), 2, Practical.UNKNOWN)
    ids = {"alpha": world.alpha, "beta": world.beta, "question": world.question_ids[0],
           "documents": world.documents, "paper_session": world.paper_session}
    await world.store.close()
    cfg = tmp_path / "qcm.toml"
    cfg.write_text('data_dir = "var"\n', encoding="utf-8")

    def run(*args: str, stdin: str | None = None, ok: bool = True,
            raw: bool = False) -> subprocess.CompletedProcess:
        """`raw`: stdout as bytes (CSV line ends are checked as written)."""
        done = subprocess.run([sys.executable, "-m", "sshserver.cli", "--config", str(cfg), *args],
                              input=stdin, capture_output=True, text=not raw, cwd=ROOT,
                              timeout=60)
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def js(*args: str, stdin: str | None = None):
        return json.loads(run(*args, "--json", stdin=stdin).stdout)

    run.js = js  # type: ignore[attr-defined]
    run.ids = ids  # type: ignore[attr-defined]
    run.tmp = tmp_path  # type: ignore[attr-defined]
    return run


def test_formation_lifecycle(cli):
    created = cli.js("formation", "create", "NEUVE", "--name", "Nouvelle", "--questions-per-qcm",
                     "10", "--pass-mark", "8", "--theme", "Un", "--theme", "Deux")
    assert created == {"code": "NEUVE", "name": "Nouvelle", "questions_per_qcm": 10,
                       "pass_mark": 8, "themes": ["Un", "Deux"], "active": True, "questions": 0}
    edited = cli.js("formation", "edit", "NEUVE", "--pass-mark", "7", "--theme", "Deux",
                    "--theme", "Un")
    assert edited["pass_mark"] == 7 and edited["themes"] == ["Deux", "Un"]
    assert cli.js("formation", "deactivate", "NEUVE")["active"] is False
    assert "NEUVE" not in [f["code"] for f in cli.js("formation", "list")]
    assert cli.js("formation", "activate", "NEUVE")["active"] is True
    shown = cli.js("formation", "show", "ESSAI")
    assert shown["questions"] == 8 and shown["per_theme"] == {"Normes": 4, "Sécurité": 4}
    refused = cli("formation", "edit", "ESSAI", "--pass-mark", "9", ok=False)
    assert refused.returncode == 1 and "Seuil" in refused.stderr


def test_question_commands(cli):
    listed = cli.js("question", "list", "ESSAI", "--theme", "Normes")
    assert len(listed) == 4 and {q["theme"] for q in listed} == {"Normes"}
    found = cli.js("question", "search", "ESSAI", "REGLES securite")
    assert len(found) == 4
    added = cli.js("question", "add", "ESSAI", "--theme", "Normes", "--text", "Nouvelle ?",
                   "--choice", "a", "--choice", "b", "--choice", "c", "--choice", "d",
                   "--correct", "c")
    assert added["correct"] == "C" and added["active"]
    qid = cli.ids["question"]
    edited = cli.js("question", "edit", str(qid), "--correct", "D")
    assert edited["replaces"] == qid and edited["correct"] == "D"
    old = cli.js("question", "show", str(qid))
    assert old["active"] is False and old["replaced_by"] == edited["id"] and old["used_in"] == 1
    assert cli.js("question", "deactivate", str(added["id"]))["active"] is False
    assert len(cli.js("question", "list", "ESSAI", "--all")) == 10
    assert cli.js("question", "activate", str(added["id"]))["active"] is True
    bad = cli("question", "add", "ESSAI", "--theme", "Normes", "--text", "x", "--choice", "a",
              "--correct", "A", ok=False)
    assert bad.returncode == 2 and "4 propositions" in bad.stderr


@pytest.mark.parametrize("fmt", ["toml", "gift", "xml"])
def test_bank_export_then_import_round_trips(cli, fmt):
    out = cli.tmp / f"essai.{fmt}"
    assert cli.js("bank", "export", "ESSAI", "-o", str(out))["format"] == fmt
    counts = cli.js("bank", "import", str(out), "--code", "ESSAI")
    assert {k: counts[k] for k in ("formation", "added", "kept", "retired", "new_formation")} \
        == {"formation": "ESSAI", "added": 0, "kept": 8, "retired": 0, "new_formation": False}
    as_json = cli.js("bank", "export", "ESSAI", "--format", fmt)
    assert as_json[fmt] == out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name, args", [
    ("bank_ok.gift", ["--name", "Essai GIFT", "--questions-per-qcm", "3", "--pass-mark", "2"]),
    ("bank_ok.xml", ["--name", "Essai XML", "--questions-per-qcm", "3", "--pass-mark", "2"]),
])
def test_import_teacher_files_as_new_formations(cli, name, args):
    counts = cli.js("bank", "import", str(FIXTURES / name), "--code", "MOODLE", *args)
    assert counts["added"] in (4, 5) and counts["retired"] == 0
    shown = cli.js("formation", "show", "MOODLE")
    assert shown["themes"] == ["Réglementation", "Sécurité"] and shown["pass_mark"] == 2


def test_import_from_stdin(cli):
    source = (FIXTURES / "bank_ok.gift").read_text(encoding="utf-8")
    counts = cli.js("bank", "import", "-", "--format", "gift", "--code", "STDIN", "--name",
                    "Par l'entrée standard", "--questions-per-qcm", "5", "--pass-mark", "4",
                    stdin=source)
    assert counts["added"] == 5


@pytest.mark.parametrize("name, fmt, expected", [
    ("bank_broken.gift", "gift", "Question 4 « B4 » (ligne 18) : accolade } manquante."),
    ("bank_broken.xml", "xml", "Question 5 « B5 vide » : texte manquant."),
    ("bank_broken.toml", "toml", "exactement 4 propositions"),
    ("bank_entity.xml", "xml", "DOCTYPE"),
    ("bank_malformed.xml", "xml", "Fichier XML invalide"),
])
def test_broken_imports_are_refused_whole(cli, name, fmt, expected):
    before = cli.js("question", "list", "ESSAI", "--all")
    done = cli("bank", "import", str(FIXTURES / name), "--format", fmt, "--code", "ESSAI", ok=False)
    assert done.returncode == 1
    assert "rien n'a été importé" in done.stderr and expected in done.stderr
    assert cli.js("question", "list", "ESSAI", "--all") == before


def test_gift_import_needs_a_code(cli):
    done = cli("bank", "import", str(FIXTURES / "bank_ok.gift"), ok=False)
    assert done.returncode == 1 and "--code" in done.stderr
    assert done.stderr.startswith("Erreur : ")
    done = cli("bank", "import", str(FIXTURES / "bank_ok.gift"), "--code", "NOUVEAU", ok=False)
    assert "--name" in done.stderr


def test_oversight_lists_with_filters(cli):
    alpha, beta = cli.ids["alpha"], cli.ids["beta"]
    qcms = cli.js("oversight", "qcms")
    assert {q["centre"] for q in qcms} == {"Centre Alpha", "Centre Bêta"}
    sessions = cli.js("oversight", "sessions", "--centre", str(beta))
    assert [(s["kind"], s["state"], s["participants"]) for s in sessions] == [("offline", "paper", 4)]
    march = cli.js("oversight", "sessions", "--from", "10/03/2026", "--to", "2026-03-11")
    assert [s["centre_id"] for s in march] == [beta]
    locked = cli.js("oversight", "participants", "--state", "locked")
    assert sorted(p["last_name"] for p in locked) == ["Rate", "Reussi"]
    alpha_people = cli.js("oversight", "participants", "--centre", str(alpha), "--formation",
                          "ESSAI")
    assert sorted(p["score"] for p in alpha_people) == [0, 2, 4]
    docs = cli.js("oversight", "documents", "--kind", "letter")
    assert [d["state"] for d in docs] == ["sent", "unsent"]
    bad = cli("oversight", "sessions", "--from", "31/02/2026", ok=False)
    assert bad.returncode == 2 and "Date invalide" in bad.stderr


def test_outbox_list_and_mark_sent(cli):
    docs = cli.ids["documents"]
    pending = cli.js("outbox", "list")
    assert [d["id"] for d in pending] == [docs["certificate_reussi"], docs["letter_rate"]]
    assert pending[0]["path"] == "beta/attestation-reussi.pdf"
    assert pending[0]["sftp_path"] == "/beta/attestation-reussi.pdf"
    refused = cli("outbox", "mark-sent", str(docs["paper"]), ok=False)
    assert refused.returncode == 1 and "Pas dans le courrier" in refused.stderr
    assert cli.js("outbox", "mark-sent", str(docs["letter_rate"]))["marked"] == 1
    assert cli.js("outbox", "mark-sent", "--all") == {"marked": 1,
                                                      "ids": [docs["certificate_reussi"]]}
    assert cli.js("outbox", "list") == []


def test_export_results_for_a_period(cli):
    done = cli("export", "results", "--from", "01/03/2026", "--to", "31/03/2026",
               "--centre", str(cli.ids["beta"]), raw=True)
    text = done.stdout.decode("utf-8")
    assert text.startswith("\ufeffNuméro;Civilité;Nom;")
    lines = text.split("\r\n")
    assert len(lines) == 1 + 4 + 1  # header, 4 participants, final empty string
    assert any("\"'=HYPERLINK(\"\"x\"\")\"" in line for line in lines)  # formula neutralised
    assert not any(";=" in line or ';"=' in line for line in lines)
    data = cli.js("export", "results", "--from", "2026-03-01", "--to", "2026-03-31")
    assert len(data["rows"]) == 7 and data["headers"][0] == "Numéro"
    empty = cli.js("export", "results", "--from", "01/01/2020", "--to", "31/12/2020")
    assert empty["rows"] == []
    bad = cli("export", "results", "--from", "02/03/2026", "--to", "01/03/2026", ok=False)
    assert bad.returncode == 2


def test_statistics(cli):
    f = cli.js("stats", "formation", "ESSAI")
    assert (f["candidates"], f["passed"], f["retakes"]) == (7, 3, 1)
    assert f["distribution"] == [1, 1, 2, 2, 1]
    text = cli("stats", "formation", "ESSAI").stdout
    assert "Répartition des notes" in text and "3 ▶" in text
    c = cli.js("stats", "centre", str(cli.ids["beta"]))
    assert c["candidates"] == 4 and c["formations"]["ESSAI"]["distribution"] == [0, 1, 1, 2, 0]
    q = cli.js("stats", "questions", "ESSAI")
    assert len(q) == 4 and all(item["presented"] == 3 for item in q)
    assert {item["discrimination"] for item in q} == {1.0}


def test_centre_trainer_and_account_commands(cli):
    alpha = cli.ids["alpha"]
    edited = cli.js("centre", "edit", str(alpha), "--city", "Villeurbanne")
    assert edited["city"] == "Villeurbanne" and edited["name"] == "Centre Alpha"
    shown = cli.js("centre", "show", str(alpha))
    trainer = shown["trainers"][0]["id"]
    assert shown["accounts"] == [{"login": "alpha", "disabled": False, "keys": 0}]
    assert cli.js("trainer", "edit", str(trainer), "--email", "a@b.fr")["email"] == "a@b.fr"
    assert cli.js("trainer", "deactivate", str(trainer))["active"] is False
    assert cli.js("trainer", "list", str(alpha)) == []
    key = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl "
           "alpha@poste")
    added = cli.js("account", "key-add", "alpha", key)
    keys = cli.js("account", "keys", "alpha")
    assert [k["fingerprint"] for k in keys] == [added["fingerprint"]]
    cli.js("account", "key-remove", "alpha", added["fingerprint"])
    assert cli.js("account", "keys", "alpha") == []
    assert cli.js("account", "disable", "alpha")["disabled"] is True
    assert [a["disabled"] for a in cli.js("account", "list") if a["login"] == "alpha"] == [True]
    assert cli.js("account", "enable", "alpha")["disabled"] is False
    reset = cli("account", "passwd", "alpha", "--password-stdin", stdin="nouveau-mot-de-passe\n")
    assert "Mot de passe changé" in reset.stdout
