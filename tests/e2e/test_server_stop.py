"""Stopping a worker during an exam: apps end first and give their keys back,
then the store closes (no errors from sessions talking to a closed store)."""

from __future__ import annotations

import logging

from domain.clock import SystemClock
from sshserver.serve import start_worker
from store import Store
from tests.e2e.server_fixtures import make_config, seed
from tests.e2e_helpers import ScreenClient


async def test_stop_during_an_exam_releases_the_key_before_closing_the_store(tmp_path, caplog):
    config = make_config(tmp_path)
    keys, *_ = await seed(config)
    worker = await start_worker(config, clock=SystemClock(), render_workers=1)
    client = await ScreenClient.connect(worker.port, username="candidat", password=None)
    try:
        await client.wait_for("Votre identifiant")
        client.type(keys[0])
        client.press("enter")
        await client.wait_for("Vos informations")
        store = await Store.open(config.database)
        try:
            row = await store.db.one("SELECT lease_token FROM online_keys WHERE code = ?",
                                     (keys[0],))
            assert row["lease_token"] is not None  # the live session holds the key
        finally:
            await store.close()

        with caplog.at_level(logging.WARNING):
            await worker.stop()
        await client.wait_closed(timeout=10)
    finally:
        await client.close()

    store = await Store.open(config.database)
    try:
        row = await store.db.one("SELECT state, lease_token FROM online_keys WHERE code = ?",
                                 (keys[0],))
    finally:
        await store.close()
    assert row["state"] == "in_progress" and row["lease_token"] is None
    assert not [r for r in caplog.records if "no active connection" in r.getMessage()
                or r.levelno >= logging.ERROR]
