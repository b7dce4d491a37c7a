"""The host key a node presents: on PostgreSQL, one key kept in the
database for every node (unless `[ssh] host_key` names a file); on SQLite,
the file under data_dir."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from services.config import Config, DatabaseSettings, SshSettings
from sshserver.hostkey import node_host_key
from store import Store


async def test_every_node_on_postgresql_presents_the_key_of_the_database(
        tmp_path: Path, pg_url: str) -> None:
    configs = [Config(data_dir=tmp_path / name, database_settings=DatabaseSettings(pg_url))
               for name in ("a", "b")]
    stores = [await Store.open(pg_url) for _ in configs]
    try:
        keys = await asyncio.gather(*(node_host_key(c, s) for c, s in zip(configs, stores)))
        assert keys[0].public_data == keys[1].public_data
        assert keys[0].algorithm == b"ssh-ed25519"
        assert not any(c.host_key.exists() for c in configs)  # nothing on any node's disk
        again = await node_host_key(configs[0], stores[1])
        assert again.public_data == keys[0].public_data

        named = replace(configs[0], ssh=SshSettings(host_key=str(tmp_path / "own_key")))
        own = await node_host_key(named, stores[0])  # a file named explicitly wins
        assert (tmp_path / "own_key").exists() and own.public_data != keys[0].public_data
    finally:
        for store in stores:
            await store.close()


async def test_on_sqlite_the_key_is_the_file_under_data_dir(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path / "data")
    store = await Store.open(config.sqlite_path)
    try:
        key = await node_host_key(config, store)
        assert config.host_key.exists()
        assert (await node_host_key(config, store)).public_data == key.public_data
        assert (await store.db.one("SELECT COUNT(*) FROM host_keys"))[0] == 0
    finally:
        await store.close()
