"""The `qcm` command line, run as a real process."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re

import asyncssh

from domain.clock import FixedClock
from domain.passwords import verify_password
from domain.window import parse_local
from services.demo import DEMO_ACCOUNTS
from store import Store
from store.schema import MIGRATIONS
from tests.cli.conftest import Qcm
from tests.store.conftest import identity

KEY = re.compile(r"\b[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}\b")

BROKEN_BANK = """[formation]
code = "BRK"
name = "Banque cassée"
questions_per_qcm = 2
pass_mark = 1
themes = ["Un", "Deux"]

[[questions]]
theme = "Un"
text = "Bonne question ?"
choices = ["a", "b", "c", "d"]
correct = "A"

[[questions]]
theme = "Trois"
text = "Mauvais thème ?"
choices = ["a", "b", "c", "d"]
correct = "B"

[[questions]]
theme = "Deux"
text = "Trois choix ?"
choices = ["a", "b", "c"]
correct = "E"
"""


def test_init_is_idempotent(qcm: Qcm):
    first = qcm.ok("init")
    assert "Base prête" in first.out and qcm.database.exists()
    assert (qcm.data_dir / "documents").is_dir()
    qcm.ok("init")
    assert qcm.ok("formation", "list", "--json").out.strip() == "[]"


def test_demo_is_idempotent_and_prints_the_accounts(qcm: Qcm):
    runs = [qcm.ok("demo"), qcm.ok("demo")]
    for run in runs:
        for login, role, password in DEMO_ACCOUNTS:
            assert re.search(rf"^\s+{login}\s+rôle {role.value}\s+mot de passe : {password}$",
                             run.out, re.M), run.out
        assert "ssh -p 2299 candidat@" in run.out
    assert len(KEY.findall(runs[0].out)) == 5
    assert KEY.findall(runs[0].out) == KEY.findall(runs[1].out)
    assert len(json.loads(qcm.ok("centre", "list", "--json").out)) == 1
    assert len(json.loads(qcm.ok("account", "list", "--json").out)) == 2
    formations = json.loads(qcm.ok("formation", "list", "--json").out)
    assert {f["code"] for f in formations} == {"PV-RES", "CESI"}


def _stored_hash(qcm: Qcm, login: str) -> str | None:
    async def read():
        store = await Store.open(qcm.database)
        try:
            found = await store.centres.password_hash(login)
            return None if found is None else found[1]
        finally:
            await store.close()
    return asyncio.run(read())


def test_centre_trainer_and_accounts(qcm: Qcm):
    run = qcm.ok("centre", "add", "Centre Sud", "--city", "Marseille", "--postal-code", "13001")
    assert run.out.strip() == "Centre 1 créé : Centre Sud"
    assert qcm.ok("trainer", "add", "1", "Paul Durand", "--email", "p@d.fr").out.strip() == \
        "Formateur 1 ajouté : Paul Durand"
    trainers = json.loads(qcm.ok("trainer", "list", "1", "--json").out)
    assert [t["name"] for t in trainers] == ["Paul Durand"]
    qcm.ok("account", "add", "sud", "--role", "centre", "--centre", "1", "--password-stdin",
           input="mot-de-passe-sud\n")
    qcm.ok("account", "add", "chef", "--role", "admin", "--password-stdin",
           input="mot-de-passe-chef")
    assert verify_password("mot-de-passe-sud", _stored_hash(qcm, "sud"))
    assert verify_password("mot-de-passe-chef", _stored_hash(qcm, "chef"))
    accounts = {a["login"]: a for a in json.loads(qcm.ok("account", "list", "--json").out)}
    assert accounts["sud"]["centre_id"] == 1 and accounts["chef"]["centre_id"] is None
    # Errors: one line on stderr, non-zero, nothing written.
    for args, needle in [
        (("centre", "add", "Centre Sud"), "existe déjà"),
        (("centre", "add", "Centre Est", "--timezone", "Europe/Lutece"), "Fuseau horaire inconnu"),
        (("trainer", "add", "9", "Personne"), "Centre introuvable"),
        (("account", "add", "Bad Login", "--role", "admin", "--password-stdin"), "Identifiant"),
    ]:
        run = qcm(*args, input="mot-de-passe-long\n")
        assert run.code != 0 and len(run.err_lines) == 1 and needle in run.err, (args, run)
    assert len(json.loads(qcm.ok("centre", "list", "--json").out)) == 1


def test_password_never_from_argv(qcm: Qcm):
    qcm.ok("init")
    run = qcm("account", "add", "chef", "--role", "admin", "--password", "secret-secret")
    assert run.code == 2 and "secret-secret" not in run.out
    short = qcm("account", "add", "chef", "--role", "admin", "--password-stdin", input="court\n")
    assert short.code == 1 and short.err_lines == ["Erreur : Mot de passe trop court : 8 caractères au moins."]
    assert _stored_hash(qcm, "chef") is None
    # Without --password-stdin and no terminal, no prompt: one line, refused.
    run = qcm("account", "add", "chef", "--role", "admin", input="mot-de-passe-long\n")
    assert run.code == 1 and run.err_lines == [
        "Erreur : Pas de terminal pour saisir le mot de passe : utilisez --password-stdin."]
    assert _stored_hash(qcm, "chef") is None


def test_account_key_add(qcm: Qcm, tmp_path):
    qcm.ok("account", "add", "chef", "--role", "admin", "--password-stdin",
           input="mot-de-passe-chef\n")
    keys = [asyncssh.generate_private_key("ssh-ed25519", comment=f"chef@poste{i}")
            for i in range(3)]
    lines = [k.export_public_key("openssh").decode().strip() for k in keys]
    pub = tmp_path / "id_ed25519.pub"
    pub.write_text(lines[2] + "\n")
    runs = [qcm.ok("account", "key-add", "chef", lines[0]),
            qcm.ok("account", "key-add", "chef", "-", input=lines[1] + "\n"),
            qcm.ok("account", "key-add", "chef", "--file", str(pub), "--json")]
    for run, key in zip(runs[:2], keys):
        assert run.out.strip() == f"Clé ajoutée à chef : {key.get_fingerprint('sha256')}"
    assert json.loads(runs[2].out)["fingerprint"] == keys[2].get_fingerprint("sha256")

    async def stored():
        store = await Store.open(qcm.database)
        try:
            return await store.centres.public_keys("chef")
        finally:
            await store.close()
    assert [line for _, line in asyncio.run(stored())] == lines
    again = qcm("account", "key-add", "chef", lines[0])
    assert again.code == 1 and again.err_lines == ["Erreur : Cette clé est déjà enregistrée pour chef."]
    bad = qcm("account", "key-add", "chef", "ssh-ed25519 pasunecle")
    assert bad.code == 1 and len(bad.err_lines) == 1 and "Clé publique invalide" in bad.err
    missing = qcm("account", "key-add", "personne", lines[0])
    assert missing.code == 1 and "Compte inconnu" in missing.err


def test_broken_bank_is_refused_whole(qcm: Qcm, tmp_path):
    qcm.ok("init")
    broken = tmp_path / "brk.toml"
    broken.write_text(BROKEN_BANK, encoding="utf-8")
    run = qcm("bank", "import", str(broken))
    assert run.code != 0 and run.out == ""
    assert run.err_lines[0] == "Erreur : Banque refusée, rien n'a été importé :"
    problems = run.err_lines[1:]
    assert problems == [
        "  - Question 2 (« Mauvais thème ? ») : thème « Trois » absent de [formation] themes.",
        "  - Question 3 (« Trois choix ? ») : exactement 4 propositions (choices) attendues.",
        "  - Question 3 (« Trois choix ? ») : correct doit être une lettre de A à D.",
    ]
    assert json.loads(qcm.ok("formation", "list", "--json").out) == []
    same = qcm("bank", "import", "-", input=BROKEN_BANK)
    assert same.code != 0 and same.err == run.err
    missing = qcm("bank", "import", str(tmp_path / "absent.toml"))
    assert missing.code == 1 and len(missing.err_lines) == 1 and "Lecture impossible" in missing.err


def test_bank_export_import_round_trip(qcm: Qcm, tmp_path):
    qcm.ok("demo")
    out = tmp_path / "pv.toml"
    assert qcm.ok("bank", "export", "PV-RES", "-o", str(out)).out.strip() == \
        f"Banque PV-RES écrite dans {out}"
    stdout = qcm.ok("bank", "export", "PV-RES").out
    assert out.read_text(encoding="utf-8") == stdout
    run = qcm.ok("bank", "import", str(out))
    count = len(re.findall(r"^\[\[questions\]\]$", stdout, re.M))
    assert count >= 45
    assert run.out.strip() == f"Formation PV-RES : 0 ajoutées, {count} inchangées, 0 retirées."
    edited = stdout.replace("[[questions]]", "[[questions]]", 1).replace(
        'correct = "D"', 'correct = "A"', 1)
    run = qcm.ok("bank", "import", "-", "--json", input=edited)
    assert {k: v for k, v in json.loads(run.out).items()
            if k in ("formation", "added", "kept", "retired")} == {
        "formation": "PV-RES", "added": 1, "kept": count - 1, "retired": 1}
    missing = qcm("bank", "export", "NOPE")
    assert missing.code == 1 and missing.err_lines == ["Erreur : Formation inconnue : NOPE."]


def _online_session(qcm: Qcm, participants: str = "3") -> tuple[int, list[str], str]:
    qcm.ok("demo")
    qcm_id = json.loads(qcm.ok("qcm", "create", "CESI", "CESI_2026-03-10", "--centre", "1",
                               "--json").out)
    assert qcm_id["questions"] == 30
    run = qcm("session", "create-online", str(qcm_id["id"]), "--participants", participants,
              "--start", "10/03/2026 10:00", "--end", "10/03/2026 12:00", "--trainer", "1",
              "--place", "Lyon, salle 4")
    return qcm_id["id"], KEY.findall(run.out), run


def test_qcm_and_online_session(qcm: Qcm):
    qcm_id, keys, run = _online_session(qcm)
    assert run.code == 0, run
    assert "du 10/03/2026 à 10:00 au 10/03/2026 à 12:00" in run.out
    assert len(keys) == 3 and len(set(keys)) == 3
    session_id = int(re.search(r"Session (\d+) créée", run.out).group(1))
    shown = json.loads(qcm.ok("session", "show", str(session_id), "--json").out)
    assert shown["kind"] == "online" and shown["qcm_id"] == qcm_id
    assert shown["formation"] == "CESI" and shown["place"] == "Lyon, salle 4"
    assert shown["starts_at"] == "2026-03-10T09:00:00+00:00"  # stored in UTC
    assert [p["key"] for p in shown["participants"]] == keys
    assert all(p["state"] == "unused" and re.fullmatch(r"\d{4}-\d{6}", p["number"])
               for p in shown["participants"])
    text = qcm.ok("session", "show", str(session_id)).out
    assert all(k in text for k in keys) and "Non utilisée" in text


def test_online_session_refused_whole(qcm: Qcm):
    _, keys, run = _online_session(qcm, participants="0")
    assert run.code != 0 and keys == [] and len(run.err_lines) == 1
    sessions = json.loads(qcm.ok("session", "list", "--json").out)
    assert len(sessions) == 1  # only the demo's: nothing half-written
    for bad in (["--start", "31/02/2026 10:00"], ["--end", "10/03/2026 09:00"],
                ["--trainer", "99"]):
        args = {"--start": "10/03/2026 10:00", "--end": "10/03/2026 12:00", "--trainer": "1"}
        args[bad[0]] = bad[1]
        run = qcm("session", "create-online", "2", "--participants", "2", "--place", "x",
                  *[x for kv in args.items() for x in kv])
        assert run.code != 0 and len(run.err_lines) == 1, run
    assert len(json.loads(qcm.ok("session", "list", "--json").out)) == 1


def test_session_export_csv(qcm: Qcm):
    _, keys, run = _online_session(qcm)
    session_id = int(re.search(r"Session (\d+) créée", run.out).group(1))

    async def candidate():
        clock = FixedClock(parse_local("10/03/2026 10:30", "Europe/Paris"))
        store = await Store.open(qcm.database, clock)
        try:
            ticket = await store.exam.open_key(keys[0], "tok")
            await store.exam.save_identity(ticket.key.id, "tok",
                                           identity("=HYPERLINK(\"http://x\")", "Éloïse"), None)
            for q in ticket.questions[:25]:
                await store.exam.save_answer(ticket.key.id, "tok", q.id, q.correct)
            return await store.exam.submit(ticket.key.id, "tok")
        finally:
            await store.close()
    assert asyncio.run(candidate()) == 25
    out = qcm.ok("session", "export", str(session_id)).out
    assert out.startswith("\ufeffNuméro;Civilité;Nom;Prénom;")
    rows = list(csv.reader(io.StringIO(out[1:]), delimiter=";"))
    assert len(rows) == 4
    first = rows[1]
    assert first[2] == "'=HYPERLINK(\"http://x\")" and first[3] == "Éloïse"
    assert first[10] == "CESI" and first[16] == "25"
    assert first[-1] == "En attente du résultat de l'évaluation pratique"


def test_unknown_command(qcm: Qcm):
    qcm.ok("init")
    for args in (["nimporte"], ["centre", "supprime"]):
        run = qcm(*args)
        assert run.code == 2 and run.out == ""
        assert len(run.err_lines) == 1 and run.err.startswith("Erreur : Commande inconnue")
    bad_option = qcm("centre", "add")
    assert bad_option.code == 2 and len(bad_option.err_lines) == 1
    usage = qcm.ok()
    assert "qcm [--config FICHIER] COMMANDE" in usage.out and "bank import" in usage.out


def test_missing_or_invalid_config(qcm: Qcm, tmp_path):
    run = qcm.raw("--config", str(tmp_path / "absent.toml"), "init")
    assert run.code == 1 and run.out == ""
    assert run.err_lines == [f"Erreur : Fichier de configuration introuvable : {tmp_path / 'absent.toml'}."]
    for text, needle in [("data_dir = [", "TOML invalide"), ("[ssh]\nport = 0", "ssh.port"),
                         ("inconnu = 1", "Réglage inconnu")]:
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        run = qcm.raw("--config", str(bad), "demo")
        assert run.code == 1 and len(run.err_lines) == 1 and needle in run.err, run
    assert not (tmp_path / "var").exists()  # nothing created on the way


def test_newer_database_refused(qcm: Qcm):
    import sqlite3
    qcm.ok("init")
    conn = sqlite3.connect(qcm.database)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    for args in (["init"], ["demo"], ["centre", "list"]):
        run = qcm(*args)
        assert run.code == 1 and len(run.err_lines) == 1 and "plus récent" in run.err, run
