"""The centre's manual by command: sessions, keys, windows; and what every
command shares (error format, --config anywhere, CSV dates, bank sizing)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli import CENTRE, Context, build_registry
from cli.local import _split_config, main
from domain.models import KeyState
from services.attempt import open_key
from services.config import Config
from store import Scope, Store
from tests.cli.conftest import Qcm
from tests.store.conftest import clock, store, world  # noqa: F401

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Channel:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.err: list[str] = []


async def run(store: Store, scope: Scope, *argv: str) -> tuple[int, str, str]:
    channel = Channel()

    async def no_secret(prompt: str) -> str:
        raise AssertionError("no prompt expected")

    async def no_input() -> str:
        return ""
    ctx = Context(store, scope, Config(), channel.out.append, channel.err.append, no_secret,
                  no_input, CENTRE)
    status = await build_registry().run(ctx, list(argv))
    return status, "".join(channel.out), "".join(channel.err)


async def test_a_centre_is_refused_the_admin_only_centre_option(store, world):
    a, b = world.a, world.b
    before = await store.qcms.qcms(a.scope)
    status, out, err = await run(store, a.scope, "qcm", "create", "TST", "Titre",
                                 "--centre", str(b.centre.id))
    assert status == 1 and out == ""
    assert err == ("Erreur : Seul l'organisme certificateur choisit le centre d'un QCM "
                   "(option --centre).\n")
    assert await store.qcms.qcms(a.scope) == before
    status, out, err = await run(store, a.scope, "trainer", "list", str(b.centre.id))
    assert status == 2 and out == "" and err.startswith("Erreur : Seul l'organisme")
    status, out, _ = await run(store, a.scope, "trainer", "list", "--json")
    assert status == 0 and [t["id"] for t in json.loads(out)] == [a.trainer.id]
    assert [q.id for q in await store.qcms.qcms(b.scope)] == [b.qcm.id]


async def test_online_session_keys_and_window_by_command(store, world, clock):
    a = world.a
    scope = a.scope
    common = ["--trainer", str(a.trainer.id), "--place", "Lyon, salle 2"]
    window = ["--start", "10/03/2026 09:00", "--end", "10/03/2026 12:00"]
    sessions_before = await store.sessions.sessions(scope)
    status, _, err = await run(store, scope, "session", "create-online", str(a.qcm.id),
                               "--participants", "501", *window, *common)
    assert status == 1 and err == "Erreur : Nombre de participants : de 1 à 500.\n"
    status, _, err = await run(store, scope, "session", "create-online", str(a.qcm.id),
                               "--participants", "2", *window, "--trainer",
                               str(world.b.trainer.id), "--place", "Lyon")
    assert status == 1 and "Formateur inconnu" in err
    assert await store.sessions.sessions(scope) == sessions_before  # nothing half-written

    status, out, err = await run(store, scope, "session", "create-online", str(a.qcm.id),
                                 "--participants", "3", *window, *common, "--json")
    assert status == 0, err
    created = json.loads(out)
    sid, keys = created["session"], created["keys"]
    assert len(keys) == 3

    status, out, _ = await run(store, scope, "key", "add", str(sid), "2", "--json")
    added = json.loads(out)["keys"]
    assert status == 0 and len(added) == 2
    status, _, err = await run(store, scope, "key", "add", str(sid), "0")
    assert status == 1 and err == "Erreur : Nombre de clés : de 1 à 500.\n"

    await open_key(store, keys[0], "token-1")  # a candidate is composing with it
    status, _, err = await run(store, scope, "key", "delete", str(sid), keys[0])
    assert status == 1 and err == f"Erreur : Clé déjà utilisée, non supprimée : {keys[0]}.\n"
    status, out, _ = await run(store, scope, "key", "delete", str(sid), keys[1].lower())
    assert status == 0 and keys[1] in out
    status, out, _ = await run(store, scope, "key", "delete", str(sid), "--unused", "--json")
    assert status == 0 and sorted(json.loads(out)["deleted"]) == sorted([keys[2], *added])
    left = await store.exam.keys(scope, sid)
    assert [(k.code, k.state) for k, _ in left] == [(keys[0], KeyState.IN_PROGRESS)]

    status, out, err = await run(store, scope, "session", "window", str(sid), "--end",
                                 "10/03/2026 13:30", "--json")
    assert status == 0, err
    assert json.loads(out)["ends_at"] == "2026-03-10T12:30:00+00:00"
    status, _, err = await run(store, scope, "session", "window", str(sid), "--end",
                               "10/03/2026 08:00")
    assert status == 1 and err == "Erreur : La fin de l'évaluation doit suivre son début.\n"

    status, out, err = await run(store, scope, "session", "create-paper", str(a.qcm.id),
                                 "--day", "12/03/2026", *common, "--json")
    assert status == 0, err
    paper = json.loads(out)
    assert paper["kind"] == "offline" and paper["day"] == "2026-03-12"
    status, _, err = await run(store, scope, "session", "window", str(paper["id"]),
                               "--end", "12/03/2026 12:00")
    assert status == 1 and "session papier" in err
    status, out, _ = await run(store, scope, "session", "edit", str(paper["id"]),
                               "--place", "Villeurbanne", "--json")
    assert status == 0 and json.loads(out)["place"] == "Villeurbanne"
    status, _, err = await run(store, scope, "session", "edit", str(paper["id"]),
                               "--place", "Salle \x1b[31m rouge")
    assert status == 1 and err == "Erreur : Lieu : caractères de contrôle interdits.\n"


async def test_errors_are_one_format_with_escapes_neutralised(store, world):
    status, out, err = await run(store, world.a.scope, "session", "show", "12\x1b]0;pwn\x07")
    assert status == 2 and out == ""
    assert err.startswith("Erreur : ") and err.count("\n") == 1
    assert "\x1b" not in err and "\x07" not in err
    status, _, err = await run(store, world.a.scope, "nimporte\x1b[2J")
    assert err.startswith("Erreur : Commande inconnue") and "\x1b" not in err


async def test_csv_dates_are_french(store, world):
    status, out, _ = await run(store, world.a.scope, "session", "export",
                               str(world.a.offline.id))
    assert status == 0
    day = world.a.offline.day
    rows = out.lstrip("\ufeff").splitlines()
    assert rows[1].split(";")[12] == day.strftime("%d/%m/%Y")
    assert day.isoformat() not in out


def test_config_before_or_after_the_command(qcm: Qcm):
    cfg = str(qcm.config)
    assert qcm.raw("init", "--config", cfg).code == 0
    listed = qcm.raw("session", "list", "--config", cfg, "--json")
    assert listed.code == 0 and json.loads(listed.out) == []
    assert qcm.raw(f"--config={cfg}", "session", "list").code == 0
    assert _split_config(["serve", "--config", "F", "--demo"]) == ("F", ["serve", "--demo"])
    seen = []
    assert main(["serve", "--demo", "--config", cfg],
                serve=lambda config, args: seen.append((config.data_dir, args)) or 0) == 0
    assert seen == [(qcm.data_dir, ["--demo"])]
    missing = qcm.raw("session", "list", "--config")
    assert missing.code == 1 and missing.err_lines == ["Erreur : --config : nom de fichier manquant."]


def test_verify_error_has_the_common_prefix(qcm: Qcm):
    qcm.ok("init")
    run = qcm("verify", "BADCODE")
    assert run.code == 1 and run.err_lines == ["Erreur : Aucune attestation ne porte le code BADCODE."]


def test_gift_bank_sizes_a_new_formation_and_its_export_imports_anywhere(qcm: Qcm, tmp_path):
    qcm.ok("init")
    run = qcm.ok("bank", "import", str(FIXTURES / "bank_ok.gift"), "--code", "PETITE",
                 "--name", "Petite banque")
    assert run.out.strip() == ("Formation PETITE : 5 ajoutées, 0 inchangées, 0 retirées. "
                               "Nouvelle formation dimensionnée d'après la banque : "
                               "5 questions par QCM, seuil 4.")
    shown = json.loads(qcm.ok("formation", "show", "PETITE", "--json").out)
    assert (shown["questions_per_qcm"], shown["pass_mark"]) == (5, 4)
    exported = tmp_path / "petite.gift"
    qcm.ok("bank", "export", "PETITE", "-o", str(exported))
    (tmp_path / "autre").mkdir()
    elsewhere = Qcm(tmp_path / "autre")
    elsewhere.ok("init")
    again = json.loads(elsewhere.ok("bank", "import", str(exported), "--code", "PETITE",
                                    "--name", "Petite banque", "--json").out)
    assert again["added"] == 5 and again["sized_from_bank"] is True
    # Given explicitly, the size is kept (and checked against the bank).
    explicit = qcm("bank", "import", str(FIXTURES / "bank_ok.gift"), "--code", "AUTRE",
                   "--name", "Autre", "--questions-per-qcm", "30")
    assert explicit.code == 1 and "il en faut au moins 30" in explicit.err
    sized = json.loads(qcm.ok("bank", "import", str(FIXTURES / "bank_ok.gift"), "--code",
                              "TROIS", "--name", "Trois", "--pass-mark", "3", "--json").out)
    assert (sized["questions_per_qcm"], sized["pass_mark"]) == (5, 3)
    assert re.fullmatch(r"[A-Z]+", sized["formation"])


def test_argument_errors_and_help_speak_french(qcm: Qcm):
    qcm.ok("init")
    missing = qcm("qcm", "create", "PV-RES")
    assert missing.code == 2
    assert missing.err_lines == [
        "Erreur : qcm qcm create : arguments obligatoires manquants : title"]
    unknown = qcm("session", "list", "--bogus")
    assert unknown.err_lines == ["Erreur : qcm session list : arguments inconnus : --bogus"]
    assert "nombre entier invalide" in qcm("session", "show", "abc").err
    shown = qcm.ok("qcm", "create", "--help").out
    assert shown.startswith("usage : qcm qcm create")
    assert "affiche cette aide" in shown and "options :" in shown
    assert not [english for english in ("usage:", "positional arguments", "show this help")
                if english in shown]
