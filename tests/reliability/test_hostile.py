"""Hostile text in every field: refused with a clear French message, or stored
and shown harmlessly (screen, CSV export, PDF)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest

from domain.models import Practical
from domain.text import has_unsafe, safe_text
from domain.validation import IDENTITY_LABELS, ValidationError, validate_identity
from pdfgen.letters import render_letter
from pdfgen.results import ResultData
from services.export import to_csv
from tests.pdfgen.fixtures import CENTRE, FORMATION, SESSION, participant
from tests.pdfgen.pdftext import flat, pages_text
from tests.reliability.hostile import HOSTILE
from tests.tui.centre_fixtures import IDENTITY, World, identity, world  # noqa: F401

FIELDS = [f for f in IDENTITY_LABELS if f != "civility"]
VALID = {"civility": "M.", **IDENTITY}


def outcome(field: str, text: str):
    """The validated identity, or the French message for that field."""
    try:
        return validate_identity({**VALID, field: text})
    except ValidationError as error:
        return error.errors


@pytest.mark.parametrize("field", FIELDS)
def test_every_hostile_text_in_every_identity_field(field: str) -> None:
    tried = 0
    for name, text in HOSTILE.items():
        result = outcome(field, text)
        tried += 1
        if isinstance(result, dict):
            assert list(result) == [field], (name, result)
            assert result[field].startswith(IDENTITY_LABELS[field]), (name, result)
        else:
            value = getattr(result, field)
            assert not has_unsafe(value) and len(value) <= 200, (name, value)
            assert safe_text(value) == value
    assert tried == len(HOSTILE)


async def test_centre_participants_store_only_validated_text(world: World) -> None:  # noqa: F811
    """Through the store as the centre's participant form does: what validation
    accepts is stored and read back exactly."""
    from domain.models import SessionKind
    from tests.tui.centre_fixtures import NOW
    scope = world.scope_a
    qcm = await world.store.qcms.create_qcm(scope, "PV-RES", "QCM", world.centre_a.id)
    session = await world.store.sessions.create_session(
        scope, qcm.id, SessionKind.OFFLINE, world.trainer_a.id, "Lyon", NOW.date(), NOW, NOW)
    stored = 0
    for field in FIELDS:
        for name, text in HOSTILE.items():
            result = outcome(field, text)
            if isinstance(result, dict):
                continue
            p = await world.store.sessions.add_participant(scope, session.id, result, 20,
                                                           Practical.FAVOURABLE)
            back = await world.store.sessions.participant(scope, p.id)
            assert back.identity == result, (field, name)
            stored += 1
    assert stored > 0


def test_csv_export_never_starts_a_cell_with_a_formula() -> None:
    rows = [[text, f"  {text}", text.strip()] for text in HOSTILE.values()]
    exported = to_csv(["Nom", "Espace", "Brut"], rows)
    for row in csv.reader(io.StringIO(exported.lstrip("\ufeff")), delimiter=";"):
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


@pytest.mark.parametrize("name", list(HOSTILE))
def test_letters_render_the_text_as_typed_or_it_was_refused(name: str) -> None:
    result = outcome("last_name", HOSTILE[name])
    if isinstance(result, dict):
        return  # refused at the form: never reaches a PDF
    accepted = result.last_name
    p = participant(42, 27, Practical.FAVOURABLE)
    p = replace(p, identity=replace(p.identity, last_name=accepted, company=accepted))
    data = ResultData(p, SESSION, FORMATION, CENTRE, date(2026, 7, 6))
    pdf = render_letter(data)
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-64:]
    text = flat(pages_text(pdf)[0])
    if accepted.isascii():
        # As typed (long text may be cut with « … » to fit its line, never garbled).
        assert accepted[:12] in text or accepted[:12].upper() in text, (name, text[:300])


async def test_hostile_names_reach_another_terminal_harmlessly(tmp_path, world: World) -> None:  # noqa: F811
    """Names written straight into the database (no validation: an old import,
    a manual fix) are shown on the centre's keys table over SSH without a raw
    escape sequence reaching the staff member's terminal."""
    from tests.e2e_helpers import ScreenClient, StaticAuthenticator, start_test_server
    from tests.reliability.hostile import ESCAPE_BYTES
    from tests.tui.test_centre_online import online_session, take_exam
    from tui.centre_app import CentreApp

    session, keys = await online_session(world, keys=len(HOSTILE) // 4)
    names = [t[:60] for t in HOSTILE.values() if "\x1b" in t or "\x9b" in t or "\u202e" in t
             or "\x00" in t or "\x07" in t][:len(keys)]
    for key, name in zip(keys, names):
        await take_exam(world, key, "Provisoire", right=20)
    for key, name in zip(keys, names):  # bypass every check, as a raw SQL fix would
        await world.store.db._conn.execute(
            "DROP TRIGGER IF EXISTS participants_submitted_update")
        await world.store.db._conn.execute(
            "UPDATE participants SET last_name = ? WHERE id = (SELECT participant_id "
            "FROM online_keys WHERE id = ?)", (name, key.id))
    apps: list[CentreApp] = []

    def factory(principal: str, process) -> CentreApp:
        app = CentreApp(world.store, world.account_a, world.clock)
        apps.append(app)
        return app

    server = await start_test_server(tmp_path, factory,
                                     StaticAuthenticator(passwords={"alpha": "secret"}))
    try:
        async with await ScreenClient.connect(server.port, username="alpha", password="secret",
                                              term_type="xterm") as client:
            await client.wait_quiet(0.3, timeout=20)
            await client.wait_for("Sessions")
            client.press("tab")  # the sessions table; Enter opens the session's keys
            await client.wait_quiet(0.1)
            client.press("enter")
            await client.wait_for("Validée", timeout=10)
            await client.wait_quiet(0.3)
            raw = bytes(client.raw)
            for marker in ESCAPE_BYTES:
                assert marker not in raw, marker
            for char in ("\u202e", "\u2066", "\x00"):
                assert char.encode() not in raw, (char, raw[raw.find(char.encode()) - 200:][:400])
            assert raw.count(b"\x07") == raw.count(b"\x1b]22;default\x07")  # the driver's own OSC only
            assert client.text.count("Validée") >= len(names)
            assert "DUPONT" in client.text.upper()  # the hostile names are on screen
    finally:
        await server.stop()


async def test_candidate_identity_over_ssh_refuses_hostile_text(tmp_path) -> None:
    """A sample through the real screen: bidi override, overlong text, an OSC
    sequence and a formula typed into the identity form."""
    from tests.e2e.test_candidate_e2e import open_key
    from tests.reliability.faults import start_fault_server
    from tests.tui.conftest import IDENTITY as CANDIDATE

    fs = await start_fault_server(tmp_path, keys=1)
    try:
        client = await fs.connect()
        await open_key(client, fs.world.keys[0])
        await client.wait_for("Vos informations")
        await client.wait_quiet(0.1)
        client.press("enter")
        typed = {"last_name": "Dupont\u202etxt.exe", "first_name": "J" * 300,
                 "company": "\x1b]52;c;cm0=\x07Soleil", "company_address": "=HYPERLINK(\"x\")",
                 "postal_code": "69002", "city": "Lyon"}
        for index, name in enumerate(("last_name", "first_name", "company", "company_address",
                                      "postal_code", "city")):
            if index:
                client.press("tab")
            client.type(typed[name])
        client.press("tab", "tab")
        client.type(CANDIDATE["email"])
        client.press("tab", "tab", "enter")
        await client.wait_for("Question 1/30")
        row = await fs.world.store.db.one(
            "SELECT p.* FROM participants p JOIN online_keys k "
            "ON k.participant_id = p.id WHERE k.code = ?", (fs.world.keys[0],))
        # What the terminal layer let through is stored harmlessly: no control or
        # bidi character (U+202E is dropped, ESC never reaches a field), at most
        # 200 characters, and the formula is defused in an export.
        stored = {k: row[k] for k in ("last_name", "first_name", "company", "company_address")}
        for name, value in stored.items():
            assert not has_unsafe(value) and len(value) <= 200, (name, value)
        assert stored["last_name"] == "Duponttxt.exe" and stored["first_name"] == "J" * 200
        assert "\u202e".encode() not in bytes(client.raw)
        assert b"\x1b]52" not in bytes(client.raw)
        exported = to_csv(["Adresse"], [[stored["company_address"]]])
        assert exported.splitlines()[1].startswith(("'=", "\"'="))
        client.abort()
    finally:
        await fs.stop()
