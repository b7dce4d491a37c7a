"""The failover URL the README gives for a primary and its standby: libpq's
multi-host form with `target_session_attrs=read-write`, as asyncpg reads it.
The first host is down (a primary that stopped): the store opens on the next
one and writes there."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from store import Scope, Store
from store.errors import Unreachable


def with_hosts(url: str, first_host: str) -> str:
    """`url` (a socket directory in ?host=) with `first_host` tried first."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    port = query.get("port", "5432")
    query.update(host=f"{first_host},{query['host']}", port=f"{port},{port}",
                 target_session_attrs="read-write")
    return urlunsplit(parts._replace(query=urlencode(query, safe="/,")))


async def test_multi_host_url_skips_a_primary_that_is_down(pg_url: str, tmp_path: Path):
    dead = tmp_path / "primaire-arretee"  # a socket directory where nothing listens
    dead.mkdir()
    url = with_hosts(pg_url, str(dead))
    store = await Store.open(url)
    try:
        centre = await store.centres.add_centre(Scope.admin("test"), "Centre de Lyon")
        assert (await store.centres.centre(Scope.admin("test"), centre.id)).name == \
            "Centre de Lyon"
        row = await store.db.one("SHOW transaction_read_only")
        assert row is not None and row[0] == "off"
    finally:
        await store.close()


async def test_no_host_left_is_one_french_error(tmp_path: Path):
    dead = [tmp_path / n for n in ("a", "b")]
    for d in dead:
        d.mkdir()
    url = (f"postgresql://qcm@/qcm?host={dead[0]},{dead[1]}&port=5432,5432"
           "&target_session_attrs=read-write")
    with pytest.raises(Unreachable, match="Base PostgreSQL injoignable"):
        await Store.open(url)
