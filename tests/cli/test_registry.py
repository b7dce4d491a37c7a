"""The command layer as SSH exec will use it: output goes through the Context only."""

from __future__ import annotations

import json

import pytest

from cli import ADMIN, CENTRE, Context, build_registry
from domain.clock import FixedClock
from domain.models import Role
from services.config import Config
from store import Scope, Store
from tests.store.conftest import T0


class Channel:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.err: list[str] = []


@pytest.fixture
async def store(tmp_path):
    opened = await Store.open(tmp_path / "db.sqlite3", FixedClock(T0))
    try:
        yield opened
    finally:
        await opened.close()


def _context(store: Store, scope: Scope, role: str, channel: Channel) -> Context:
    async def no_secret(prompt: str) -> str:
        raise AssertionError("no prompt expected")

    async def no_input() -> str:
        return ""

    return Context(store, scope, Config(), channel.out.append, channel.err.append, no_secret,
                   no_input, role)


async def test_help_goes_to_the_channel_not_the_process(store, capsys):
    channel = Channel()
    ctx = _context(store, Scope.admin("root"), ADMIN, channel)
    assert await build_registry().run(ctx, ["centre", "add", "--help"]) == 0
    assert "qcm centre add" in "".join(channel.out) and channel.err == []
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


async def test_roles_and_scope(store):
    admin = Scope.admin("root")
    centre = await store.centres.add_centre(admin, "Centre \x1b[2J Piégé")
    other = await store.centres.add_centre(admin, "Autre centre")
    account = await store.centres.add_account(admin, "c1", Role.CENTRE, centre.id, "x")
    registry = build_registry()
    channel = Channel()
    ctx = _context(store, Scope.of(account), CENTRE, channel)
    # Admin-only commands do not exist for a centre account.
    assert await registry.run(ctx, ["centre", "list"]) == 2
    assert channel.err[-1].startswith("Erreur : Commande inconnue : centre list.")
    # Naming another centre is refused, not silently ignored.
    assert await registry.run(ctx, ["trainer", "list", str(other.id)]) == 2
    assert channel.err[-1].startswith("Erreur : Seul l'organisme certificateur")
    assert await registry.run(ctx, ["trainer", "list"]) == 0
    assert await registry.run(ctx, ["help"]) == 0
    assert "centre add" not in channel.out[-1] and "qcm list" in channel.out[-1]
    # Text output is made safe for a terminal.
    channel = Channel()
    ctx = _context(store, admin, ADMIN, channel)
    assert await registry.run(ctx, ["centre", "list"]) == 0
    assert "\x1b" not in "".join(channel.out) and "Piégé" in "".join(channel.out)
    assert await registry.run(ctx, ["centre", "list", "--json"]) == 0
    assert [c["name"] for c in json.loads(channel.out[-1])] == ["Autre centre",
                                                               "Centre \x1b[2J Piégé"]
    # Store errors are one line with the French message.
    assert await registry.run(ctx, ["trainer", "add", "99", "Personne"]) == 1
    assert channel.err[-1] == "Erreur : Centre introuvable : 99.\n"
