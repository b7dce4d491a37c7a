"""Keys are handled in arrival order by the widget that has the focus once the
previous key's effects are done, whatever arrives in one packet.

Each script is played twice through a real SSH client: one key at a time,
waiting until the screen is quiet after each, and as one single write (a
slow link, a fast typist, a paste). Both must store the same thing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager

from textual.widget import Widget

from domain.models import Practical
from domain.shuffle import choice_order
from sshserver.inputs import SLOW
from store import NotFound
from tests.e2e.conftest import ExamServer
from tests.e2e_helpers import (
    ScreenClient,
    StaticAuthenticator,
    key_bytes,
    start_test_server,
)
from tests.tui.centre_fixtures import documents, render_pool, world  # noqa: F401
from tests.tui.conftest import ADMIN, IDENTITY
from tui.centre_app import CentreApp
from tui.widgets.text_field import TextField

Step = str | tuple[str, ...]
"""Text to type, or a tuple of key names."""

PASTE_ON, PASTE_OFF = "\x1b[200~", "\x1b[201~"


def step_bytes(step: Step) -> str:
    if isinstance(step, tuple):
        return "".join(key_bytes(name) for name in step)
    return step


def paste(text: str) -> str:
    """A bracketed paste, as a terminal sends it."""
    return PASTE_ON + text + PASTE_OFF


async def play(client: ScreenClient, script: Sequence[Step], *, burst: bool,
               ready: Callable[[], Awaitable[None]]) -> None:
    """Send `script` after `ready`, either in one write or step by step."""
    await ready()
    if burst:
        client.send("".join(step_bytes(step) for step in script))
        return
    for step in script:
        client.send(step_bytes(step))
        await client.wait_quiet(0.15, timeout=10)


async def until_stored(result: Callable[[], Awaitable[object]], client: ScreenClient,
                       timeout: float = 20.0) -> None:
    """Wait until `result()` finds what the script stores (it may still be saving)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await result():
        if loop.time() > deadline:
            raise AssertionError(f"nothing stored; screen:\n{client.text}")
        await asyncio.sleep(0.05)


# -- candidate: key, identity, answers, question list -------------------------

def candidate_script(key: str) -> list[Step]:
    typo_key = key.lower()[:5] + "-" + key[5:10] + key[10:].lower()
    return [
        "XYZ", ("backspace",) * 3, typo_key, ("enter",),  # XYZ⌫⌫⌫F48WD… + Entrée
        (" ",),  # Civilité: M.
        ("tab",), "Martin", ("tab",), "Paul",  # « Martin<Tab>Paul »
        ("tab",), IDENTITY["company"], ("tab",), paste(IDENTITY["company_address"]),
        ("tab",), IDENTITY["postal_code"], ("tab",), IDENTITY["city"],
        ("tab", "tab"), IDENTITY["email"], ("tab", "tab", "enter"),  # « Valider »
        "a", "n", "b", "n", "n", "d",          # questions 1, 2 and 4
        "v", "u", ("enter",), "c",             # list, next unanswered (5), Entrée, answer
        "n", "v", ("end",), ("enter",), "a",   # list, last question, answer
    ]


async def candidate_result(server: ExamServer, key: str) -> dict[str, object]:
    exam = server.world
    row = await exam.key_row(key)
    participant = await exam.store.sessions.participant(ADMIN, row["participant_id"])
    stored = await exam.stored_answers(key)
    order = [qid for (qid,) in await exam.store.db.all(
        "SELECT question_id FROM qcm_questions WHERE qcm_id = ? ORDER BY position",
        (exam.session.qcm_id,))]
    letters = {order.index(qid) + 1: "abcd"[choice_order(row["seed"], key, qid).index(choice)]
               for qid, choice in stored.items()}
    identity = participant.identity
    return {"identity": (identity.civility, identity.last_name, identity.first_name,
                         identity.company, identity.company_address, identity.postal_code,
                         identity.city, identity.country, identity.email),
            "answers": letters}


async def test_candidate_script_key_by_key_and_in_one_packet(exam_server: ExamServer) -> None:
    results = []
    for burst, key in ((False, exam_server.world.keys[0]), (True, exam_server.world.keys[1])):
        async with await exam_server.connect() as client:
            await play(client, candidate_script(key), burst=burst,
                       ready=lambda c=client: c.wait_for("Votre identifiant"))
            await client.wait_for("Réponses 5/30", timeout=15)
            await client.wait_quiet(0.2)
            results.append(await candidate_result(exam_server, key))
    paced, burst = results
    assert paced["identity"] == ("M.", "Martin", "Paul", IDENTITY["company"],
                                 IDENTITY["company_address"], IDENTITY["postal_code"],
                                 IDENTITY["city"], "France", IDENTITY["email"])
    assert paced["answers"] == {1: "a", 2: "b", 4: "d", 5: "c", 30: "a"}
    assert burst == paced
    failures = await exam_server.world.store.db.one(
        "SELECT COUNT(*) FROM auth_failures WHERE kind = 'key'")
    assert failures[0] == 0  # the typo never reached the key check


@contextmanager
def counted_renders(kind: type[Widget]) -> Iterator[list[int]]:
    """How many times widgets of `kind` render while inside."""
    count = [0]
    original = kind.render_lines

    def render_lines(self: Widget, crop):  # type: ignore[no-untyped-def]
        count[0] += 1
        return original(self, crop)

    kind.render_lines = render_lines  # type: ignore[method-assign]
    try:
        yield count
    finally:
        kind.render_lines = original  # type: ignore[method-assign]


async def slow_turns(stop: asyncio.Event, turn: float) -> None:
    """Keep every turn of the server's loop busy for `turn` seconds, as a
    loaded worker's are."""
    while not stop.is_set():
        began = time.perf_counter()
        while time.perf_counter() - began < turn:
            pass
        await asyncio.sleep(0)


async def test_characters_typed_ahead_on_a_loaded_server_are_painted_once(
        exam_server: ExamServer) -> None:
    """Each turn of the loop longer than `SLOW`: a key waiting that long for
    the previous one's consequences used to let the screen paint, so a field
    was painted once per character typed ahead (20 here), two loop turns
    each; characters queued faster than they were shown."""
    async with await exam_server.connect() as client:
        await client.wait_for("Votre identifiant")
        client.send(exam_server.world.keys[0] + "\r")
        await client.wait_for("Vos informations", timeout=20)
        client.send("\r")  # Civilité → Nom
        await client.wait_quiet(0.3)
        text = "Abcdefghijklmnopqrst"
        stop = asyncio.Event()
        with counted_renders(TextField) as renders:
            slowing = asyncio.create_task(slow_turns(stop, SLOW * 1.5))
            try:
                client.send(text)
                await client.wait_for(f"Nom                       {text}", timeout=30)
            finally:
                stop.set()
                await slowing
        assert 1 <= renders[0] <= 2, renders[0]
        client.send("\tJean")  # the focus still moves on after the burst
        await client.wait_for("Prénom                    Jean")


# -- centre: new QCM (drop-down), paper session form, participant form --------

def centre_script(title: str, place: str, first: str) -> list[Step]:
    return [
        "n",                                              # « Nouveau QCM »
        ("enter", "down", "down", "enter"),               # Formation drop-down: PV-RES
        ("tab",), title, ("enter",),
        "h",                                              # paper session of the new QCM
        ("tab", "tab", "tab"), place, ("ctrl+s",),
        ("enter", "down", "down", "enter"),               # Civilité: Mme
        ("tab",), "Martin", ("tab",), first,              # « Martin<Tab>Paul »
        ("tab",), "Soleil SARL", ("tab",), paste("3 avenue du Midi"),
        ("tab",), "69003", ("tab",), "Lyon", ("tab", "tab"), "martin@soleil.fr",
        ("tab",), "27", ("tab",), ("enter", "up", "up", "enter"),   # Favorable
        ("ctrl+s",),
        ("enter", "down", "enter"), ("tab",), "Durand",   # a second one, then typing at once
        ("tab",), "Zoé", ("tab",), "Lune SA", ("tab",), "1 rue Haute", ("tab",), "69001",
        ("tab",), "Lyon", ("tab", "tab"), "zoe@lune.fr", ("tab",), "18",
        ("tab",), ("enter", "up", "enter"), ("ctrl+s",),
    ]


async def centre_result(w, title: str) -> tuple:
    scope = w.scope_a
    [qcm] = [q for q in await w.store.qcms.qcms(scope) if q.title == title]
    sessions = await w.store.sessions.sessions(scope, qcm.id)
    people = []
    for session in sessions:
        for p in await w.store.sessions.participants(scope, session.id):
            i = p.identity
            people.append((i.civility, i.last_name, i.first_name, i.company,
                           i.company_address, i.postal_code, i.city, i.country, i.email,
                           p.score, p.practical))
    return qcm.formation_code, [s.place for s in sessions], people


async def test_centre_script_key_by_key_and_in_one_packet(tmp_path, world, documents) -> None:  # noqa: F811
    def factory(principal: str, process) -> CentreApp:
        return CentreApp(world.store, world.account_a, world.clock, documents=documents)

    server = await start_test_server(tmp_path, factory,
                                     StaticAuthenticator(passwords={"alpha": "secret"}))
    runs = (("paced", False), ("burst", True))
    try:
        for name, burst in runs:
            async with await ScreenClient.connect(server.port, username="alpha",
                                                  password="secret", term_type="xterm") as client:
                async def ready(c: ScreenClient = client) -> None:
                    await c.wait_for("Serveur :")
                    await c.wait_quiet(0.2)
                await play(client, centre_script(f"QCM {name}", f"Salle {name}", "Paul"),
                           burst=burst, ready=ready)
                await client.wait_for("ajouté : DURAND Zoé", timeout=20)
                await client.wait_quiet(0.2)
    finally:
        await server.stop()
    paced = await centre_result(world, "QCM paced")
    assert paced == ("PV-RES", ["Salle paced"], [
        ("Mme", "Martin", "Paul", "Soleil SARL", "3 avenue du Midi", "69003", "Lyon", "France",
         "martin@soleil.fr", 27, Practical.FAVOURABLE),
        ("M.", "Durand", "Zoé", "Lune SA", "1 rue Haute", "69001", "Lyon", "France",
         "zoe@lune.fr", 18, Practical.UNFAVOURABLE)])
    burst = await centre_result(world, "QCM burst")
    assert burst == (paced[0], ["Salle burst"], paced[2])


# -- administration: a centre form, then a trainer of the first centre --------

def admin_script(tag: str) -> list[Step]:
    return [
        "2",                                               # centres
        "n", f"Centre {tag}", ("tab",), "5 rue G", ("tab",), "44000", ("enter",), "Nantes",
        ("ctrl+s",),
        ("home",), "t",                                    # trainers of Centre Alpha
        "n", f"Bob {tag}", ("enter",), f"bob.{tag}@ex.fr", ("enter",),
        ("escape",), ("escape",),
    ]


async def admin_result(seeded, tag: str) -> tuple | None:
    from tests.admin_seed import ADMIN as ADMIN_SCOPE
    try:
        centre = await seeded.store.centres.centre_by_name(ADMIN_SCOPE, f"Centre {tag}")
    except NotFound:
        return None
    trainers = [(t.name.replace(tag, "*"), t.email.replace(tag, "*"))
                for t in await seeded.store.centres.trainers(ADMIN_SCOPE, seeded.alpha)
                if tag in t.name]
    if not trainers:
        return None
    return (centre.address, centre.postal_code, centre.city, centre.timezone), trainers


async def test_admin_script_key_by_key_and_in_one_packet(tmp_path) -> None:
    from tests.admin_seed import seed
    from tui.admin_app import AdminApp

    seeded = await seed(tmp_path / "data")
    account = await seeded.store.centres.account("admin")

    def factory(principal: str, process) -> AdminApp:
        return AdminApp(seeded.store, account, seeded.clock)

    server = await start_test_server(tmp_path, factory,
                                     StaticAuthenticator(passwords={"admin": "secret"}))
    try:
        for tag, burst in (("Paced", False), ("Burst", True)):
            async with await ScreenClient.connect(server.port, username="admin",
                                                  password="secret", term_type="xterm") as client:
                async def ready(c: ScreenClient = client) -> None:
                    await c.wait_for("Centres")
                    await c.wait_quiet(0.2)
                await play(client, admin_script(tag), burst=burst, ready=ready)
                await client.wait_for("Entrée ou chiffre : ouvrir", timeout=20)
                await until_stored(lambda t=tag: admin_result(seeded, t), client)
        paced = await admin_result(seeded, "Paced")
        assert paced == (("5 rue G", "44000", "Nantes", "Europe/Paris"),
                         [("Bob *", "bob.*@ex.fr")])
        assert await admin_result(seeded, "Burst") == paced
    finally:
        await server.stop()
        await seeded.store.close()
