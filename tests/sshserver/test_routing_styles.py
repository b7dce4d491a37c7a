"""The Router (one per worker) gives all its apps one cache of parsed CSS."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from textual.css.stylesheet import Stylesheet

from domain.clock import FixedClock
from domain.models import Account, Role
from services.config import Config
from services.documents import DocumentService
from sshserver.auth import Candidate, StoreAuthenticator
from sshserver.routing import Router
from store import Scope, Store
from tui import base

NOW = datetime(2026, 5, 12, 8, 0, tzinfo=timezone.utc)


async def test_every_app_of_a_router_shares_its_parsed_css(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3", FixedClock(NOW))
    executor = ThreadPoolExecutor(1)
    try:
        admin_scope = Scope.admin("test")
        centre = await store.centres.add_centre(admin_scope, "Centre Test", "1 rue du Test",
                                                "69007", "Lyon")
        config = Config(data_dir=tmp_path / "data")
        router = Router(store, config, store.clock, DocumentService(store, tmp_path, executor),
                        StoreAuthenticator(store, config))
        apps = [router(Candidate("192.0.2.1"), None),  # type: ignore[arg-type]
                router(Candidate("192.0.2.2"), None),  # type: ignore[arg-type]
                router(_staff(Account(1, "admin", Role.ADMIN, None)), None),
                router(_staff(Account(2, "lyon", Role.CENTRE, centre.id)), None)]
        assert [type(app).__name__ for app in apps] == [
            "CandidateApp", "CandidateApp", "AdminApp", "CentreApp"]
        assert all(app.shared_styles is router.styles for app in apps)

        candidate, admin = apps[0], apps[2]
        async with candidate.run_test(size=(80, 24)), admin.run_test(size=(80, 24)):
            ours = Stylesheet(variables=candidate.get_css_variables())
            ours.read(Path(base.__file__).with_name("qcm.tcss"))
            common = ({id(r) for r in candidate.stylesheet.rules}
                      & {id(r) for r in admin.stylesheet.rules})
            assert len(common) >= len(ours.rules) > 10  # at least all of qcm.tcss
    finally:
        await store.close()
        executor.shutdown()


def _staff(account: Account):
    from sshserver.auth import Staff
    return Staff(account, "192.0.2.9")
