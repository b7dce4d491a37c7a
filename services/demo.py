"""Demo data: two formations, a centre with a trainer, a centre account, an
admin account, and an online session open now with a few keys. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import resources

from domain.bank import parse_bank
from domain.models import Role
from services import accounts, banks, centres, qcms, sessions
from store import NotFound, Scope, Store

DEMO_CENTRE = "Centre de formation Démo"
DEMO_TRAINER = "Claire Martin"
# Demo only: fixed, printed passwords. Never use `qcm demo` on a real server.
DEMO_ACCOUNTS = (("admin", Role.ADMIN, "admin-demo"), ("demo", Role.CENTRE, "demo-demo"))
DEMO_QCM_TITLE = "DEMO_PV-RES_session-en-ligne"
DEMO_KEYS = 5


@dataclass
class DemoReport:
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # login, role, password
    keys: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def demo_bank_sources() -> list[str]:
    folder = resources.files("services") / "demo_banks"
    return [entry.read_text(encoding="utf-8")
            for entry in sorted(folder.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".toml")]


async def load_demo(store: Store) -> DemoReport:
    admin = Scope.admin("demo")
    report = DemoReport()
    known = {f.code for f in await store.banks.formations(include_inactive=True)}
    for source in demo_bank_sources():
        bank = parse_bank(source)
        if bank.formation.code not in known:
            await banks.import_bank(store, admin, bank)
            report.created.append(f"formation {bank.formation.code}")
    try:
        centre = await store.centres.centre_by_name(admin, DEMO_CENTRE)
    except NotFound:
        centre = await centres.add_centre(store, admin, DEMO_CENTRE, "12 rue des Artisans",
                                          "69007", "Lyon")
        report.created.append(f"centre {centre.name}")
    trainers = await store.centres.trainers(admin, centre.id)  # type: ignore[arg-type]
    trainer = next((t for t in trainers if t.name == DEMO_TRAINER), None)
    if trainer is None:
        trainer = await centres.add_trainer(store, admin, centre.id, DEMO_TRAINER,  # type: ignore[arg-type]
                                            "claire.martin@centre-demo.fr")
    for login, role, password in DEMO_ACCOUNTS:
        if await store.centres.password_hash(login) is None:
            await accounts.add_account(store, admin, login, role,
                                       centre.id if role is Role.CENTRE else None, password)
            report.created.append(f"compte {login}")
        report.accounts.append((login, role.value, password))
    scope = Scope.centre(centre.id, "demo")  # type: ignore[arg-type]
    qcm = next((q for q in await store.qcms.qcms(scope) if q.title == DEMO_QCM_TITLE), None)
    if qcm is None:
        qcm = await qcms.create_qcm(store, scope, "PV-RES", DEMO_QCM_TITLE)
        now = store.clock.now().replace(second=0, microsecond=0)
        session, _ = await sessions.create_online_session(
            store, scope, qcm.id, DEMO_KEYS, trainer.id, "Lyon, salle informatique",  # type: ignore[arg-type]
            now - timedelta(hours=1), now + timedelta(days=30), day=now.date())
        report.created.append(f"QCM {qcm.id} et session en ligne {session.id}")
    for session in await store.sessions.sessions(scope, qcm.id):
        for key, _ in await store.exam.keys(scope, session.id):  # type: ignore[arg-type]
            if key.state.value != "submitted":
                report.keys.append(key.code)
    return report
