"""`key extra-time`: a real `qcm` process grants, refuses, and the export shows it."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re

from domain.clock import FixedClock
from domain.window import parse_local
from store import Store
from tests.cli.conftest import Qcm
from tests.cli.test_cli import _online_session


def test_extra_time_granted_refused_once_submitted_and_exported(qcm: Qcm):
    _, keys, run = _online_session(qcm)  # 10/03/2026 10:00-12:00 (Paris)
    session = str(int(re.search(r"Session (\d+) créée", run.out).group(1)))
    granted = json.loads(qcm.ok("key", "extra-time", session, keys[1].lower(), "--third",
                                "--json").out)
    assert granted == {"session": int(session), "code": keys[1], "extra_minutes": 40,
                       "ends_at": "2026-03-10T11:40:00+00:00"}
    text = qcm.ok("key", "extra-time", session, keys[2], "25").out
    assert text.strip() == (f"Clé {keys[2]} : 25 min de temps supplémentaire, "
                            "fin le 10/03/2026 à 12:25.")
    for bad in ([keys[2]], [keys[2], "10", "--third"]):
        refused = qcm("key", "extra-time", session, *bad)
        assert refused.code == 2 and refused.err_lines == [
            "Erreur : Donnez un nombre de minutes, ou --third (pas les deux)."], refused
    too_long = qcm("key", "extra-time", session, keys[2], "721")
    assert too_long.code != 0 and too_long.err_lines == [
        "Erreur : Temps supplémentaire : de 0 à 720 minutes."]

    async def candidate() -> None:
        clock = FixedClock(parse_local("10/03/2026 10:30", "Europe/Paris"))
        store = await Store.open(qcm.database, clock)
        try:
            ticket = await store.exam.open_key(keys[1], "tok")
            await store.exam.submit(ticket.key.id, "tok")  # type: ignore[arg-type]
        finally:
            await store.close()
    asyncio.run(candidate())
    locked = qcm("key", "extra-time", session, keys[1], "60")
    assert locked.code != 0 and locked.err_lines == [
        f"Erreur : La clé {keys[1]} est déjà validée : son temps ne change plus."]

    shown = json.loads(qcm.ok("session", "show", session, "--json").out)
    assert [p["extra_minutes"] for p in shown["participants"]] == [0, 40, 25]
    out = qcm.ok("session", "export", session).out
    rows = list(csv.reader(io.StringIO(out[1:]), delimiter=";"))
    column = rows[0].index("Temps supplémentaire (min)")
    assert [r[column] for r in rows[1:]] == ["", "40", "25"]
    period = json.loads(qcm.ok("export", "results", "--from", "10/03/2026", "--to",
                               "10/03/2026", "--json").out)
    column = period["headers"].index("Temps supplémentaire (min)")
    assert [r[column] for r in period["rows"] if r[11] == int(session)] == ["", 40, 25]

    async def audit() -> list[str]:
        store = await Store.open(qcm.database, FixedClock(parse_local("10/03/2026 10:30",
                                                                      "Europe/Paris")))
        try:
            return [r[0] for r in await store.db.all(
                "SELECT detail FROM audit WHERE action = 'extra_time' ORDER BY id")]
        finally:
            await store.close()
    assert asyncio.run(audit()) == [f"{keys[1]} : 0 -> 40 min", f"{keys[2]} : 0 -> 25 min"]
