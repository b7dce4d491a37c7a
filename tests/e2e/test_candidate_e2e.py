"""A candidate's exam through a real SSH client and terminal emulator (pyte)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import timedelta

import pytest

from tests.e2e.conftest import ExamServer
from tests.e2e_helpers import ScreenClient
from tests.tui.conftest import ADMIN, IDENTITY, NOW, flat

CHOICE = re.compile(r"^\s*\((x| )\) ([a-d])\) (.+?)\s*$")
QUESTION = re.compile(r"^\s*(\d+)\. (Question T\d-\d .*?)\s*$")
ENDS = NOW + timedelta(hours=2)


def shown(client: ScreenClient) -> tuple[int, str, dict[str, str], str | None]:
    """(number, question text, letter -> choice text, chosen letter) on the terminal."""
    number, text, choices, chosen = 0, "", {}, None
    for line in client.display:
        if m := QUESTION.match(line):
            number, text = int(m.group(1)), m.group(2)
        elif m := CHOICE.match(line):
            choices[m.group(2)] = m.group(3)
            if m.group(1) == "x":
                chosen = m.group(2)
    return number, text, choices, chosen


async def open_key(client: ScreenClient, key: str) -> None:
    await client.wait_for("Votre identifiant")
    client.type(key.lower())
    client.press("enter")


async def fill_identity(client: ScreenClient) -> None:
    """Keyboard only: civility with Enter, then each field and Enter to go on."""
    await client.wait_for("Vos informations")
    await client.wait_quiet(0.1)  # the form is drawn and focused, as a person would wait
    client.press("enter")  # chooses the highlighted « M. » and goes to the name
    for index, name in enumerate(("last_name", "first_name", "company", "company_address",
                                  "postal_code", "city")):
        if index:
            client.press("tab")
        client.type(IDENTITY[name])
    client.press("tab", "tab")  # the country is already « France »
    client.type(IDENTITY["email"])
    client.press("tab", "tab", "enter")  # past « Second passage » to « Valider »


async def start_exam(client: ScreenClient, key: str) -> None:
    await open_key(client, key)
    await fill_identity(client)
    await client.wait_for("Question 1/30")


async def answer(client: ScreenClient, letter: str) -> str:
    """Press a letter, wait until the terminal shows it chosen; return the choice text."""
    number, _, choices, _ = shown(client)
    client.press(letter)
    await client.wait_until(lambda: shown(client)[3] == letter and shown(client)[0] == number,
                            what=f"({letter}) chosen on question {number}")
    return choices[letter]


async def next_question(client: ScreenClient, number: int) -> None:
    client.press("n")
    await client.wait_until(lambda: shown(client)[0] == number, what=f"question {number}")


async def wait_failures(server: ExamServer, count: int) -> None:
    """Until the server has counted `count` wrong keys from this address."""
    for _ in range(500):
        if await server.world.store.audit.failures("127.0.0.1", "key",
                                                   timedelta(minutes=1)) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{count} wrong keys not counted")


async def key_state(server: ExamServer, key: str):
    return await server.world.key_row(key)


async def correct_texts(server: ExamServer) -> dict[str, str]:
    rows = await server.world.store.db.all(
        "SELECT q.text, q.choice_a, q.choice_b, q.choice_c, q.choice_d, q.correct "
        "FROM qcm_questions qq JOIN questions q ON q.id = qq.question_id WHERE qq.qcm_id = ?",
        (server.world.session.qcm_id,))
    return {r["text"]: r[1 + r["correct"]] for r in rows}


async def test_full_exam_from_key_to_score(exam_server: ExamServer) -> None:
    key = exam_server.world.keys[0]
    correct = await correct_texts(exam_server)
    expected = 0
    async with await exam_server.connect() as client:
        await start_exam(client, key)
        for number in range(1, 31):
            _, question, _, _ = shown(client)
            chosen = await answer(client, "abcd"[(number * 7) % 4])
            expected += chosen == correct[question]
            if number < 30:
                await next_question(client, number + 1)
        await client.wait_for("Réponses 30/30")
        client.press("t")
        await client.wait_for("Terminer le QCM maintenant ?")
        assert "toutes les questions" in client.text
        client.press("tab", "enter")
        await client.wait_for("Votre note")
        assert f"Votre note : {expected}/30" in client.text
        assert "seuil de réussite : 24/30" in client.text
        row = await key_state(exam_server, key)
        participant = await exam_server.world.store.sessions.participant(
            ADMIN, row["participant_id"])
        assert row["state"] == "submitted" and participant.score == expected
        assert participant.identity.last_name == "Dupont"
        assert 0 < expected < 30
        assert b"\x1b]22;" not in client.raw  # no pointer shapes: clicks only, no hover
        client.press("q")
        assert await client.wait_closed() == 0


async def test_finishing_says_it_is_validating_and_never_shows_the_questions_again(
        exam_server: ExamServer) -> None:
    """While the submission waits for a busy database, the confirmation says
    the answers are being validated; then the score replaces it in one frame:
    the questions are not painted again in between (over a slow link, about
    1 KB for a screen that was covered at once)."""
    key = exam_server.world.keys[0]
    async with await exam_server.connect() as client:
        await start_exam(client, key)
        await answer(client, "a")
        client.press("t")
        await client.wait_for("Terminer le QCM maintenant ?")
        async with exam_server.backend.hold_writes():  # shorter than the busy timeout
            sent = client.bytes_received
            client.press("tab", "enter")
            await client.wait_for("Validation de vos réponses en cours")
            assert "Revenir aux questions" not in client.text
            client.press("escape")  # no way back meanwhile
            await asyncio.sleep(0.3)
            assert "Validation de vos réponses en cours" in client.text
        await client.wait_for("Votre note")
        after = bytes(client.raw[sent:])
        assert "Réponses 1/30".encode() not in after
        assert (await key_state(exam_server, key))["state"] == "submitted"


async def test_a_lease_renewal_waiting_for_a_busy_database_holds_no_key(
        exam_server: ExamServer) -> None:
    """The lease is renewed every 0.2 s here. While another process holds the
    write lock, renewals wait for it; moving between questions (no write)
    still answers at once: the renewal runs beside the candidate's keys, not
    in front of them."""
    async with await exam_server.connect() as client:
        await start_exam(client, exam_server.world.keys[0])
        backend = exam_server.backend
        async with backend.hold_writes() as held:
            await asyncio.sleep(0.5)  # a renewal is now waiting for the lock
            if backend.is_pg:  # the server tells: wait until it does
                for _ in range(500):
                    if await backend.writes_waiting(held):
                        break
                    await asyncio.sleep(0.01)
                assert await backend.writes_waiting(held) >= 1
            for number in (2, 3, 4):
                client.press("n")
                await client.wait_until(lambda n=number: shown(client)[0] == n, timeout=2.0,
                                        what=f"question {number} with the database locked")


async def test_wrong_key_then_throttle(exam_server: ExamServer) -> None:
    async with await exam_server.connect() as client:
        await client.wait_for("Votre identifiant")
        for attempt in range(1, 4):  # the test server allows 3 wrong keys a minute
            client.type(f"ABCDE-FGHJK-MNPQ{attempt + 1}")
            client.press("enter")
            await wait_failures(exam_server, attempt)
            await client.wait_for("Clé inconnue")
        client.type(exam_server.world.keys[0])  # replaces the wrong key, left selected
        client.press("enter")
        await client.wait_for("Trop de clés erronées")
        assert "Réessayez à partir de 10:01:00" in flat(client.text)
        assert await exam_server.world.store.audit.failures(
            "127.0.0.1", "key", timedelta(minutes=1)) == 3
        assert (await key_state(exam_server, exam_server.world.keys[0]))["state"] == "unused"


async def test_window_not_yet_open_and_closed(exam_server: ExamServer) -> None:
    world = exam_server.world
    [later] = await world.new_session(NOW + timedelta(days=1), NOW + timedelta(days=1, hours=2))
    [past] = await world.new_session(NOW - timedelta(hours=5), NOW - timedelta(hours=3))
    async with await exam_server.connect() as client:
        await open_key(client, later)
        await client.wait_for("pas encore ouverte")
        assert "13/05/2026 à 10:00" in flat(client.text)  # in the centre's time zone
        assert "Heure actuelle du serveur : 12/05/2026 à 10:00" in flat(client.text)
        client.type(past)  # replaces the refused key, left selected
        client.press("enter")
        await client.wait_for("close depuis")
        assert "close depuis le 12/05/2026 à 07:00" in flat(client.text)


async def test_two_connections_with_the_same_key(exam_server: ExamServer) -> None:
    key = exam_server.world.keys[0]
    async with await exam_server.connect() as first:
        await open_key(first, key)
        await first.wait_for("Vos informations")
        async with await exam_server.connect() as second:
            await open_key(second, key)
            await second.wait_for("déjà ouverte sur un autre poste")
        # Shell reflexes on the first terminal end nothing; Ctrl+Q only asks.
        first.press("ctrl+c", "ctrl+z")
        first.send("\x1c")  # Ctrl+backslash
        first.press("ctrl+q")
        await first.wait_for("Quitter maintenant ?")
        first.press("enter")  # « Continuer » has the focus
        await first.wait_gone("Quitter maintenant ?")
        assert "Vos informations" in first.text and not first.closed
        row = await key_state(exam_server, key)
        assert row["lease_token"] == exam_server.apps[0].token


async def test_disconnect_after_ten_answers_then_resume(exam_server: ExamServer) -> None:
    key = exam_server.world.keys[1]
    chosen: dict[int, str] = {}
    async with await exam_server.connect() as client:
        await start_exam(client, key)
        for number in range(1, 11):
            chosen[number] = await answer(client, "dcba"[number % 4])
            await next_question(client, number + 1)
        client.abort()  # the network drops: no goodbye
    answers = await exam_server.world.stored_answers(key)
    assert len(answers) == 10

    # The server notices the dropped connection and gives the key back.
    for _ in range(500):
        if (await key_state(exam_server, key))["lease_token"] is None:
            break
        await asyncio.sleep(0.01)
    async with await exam_server.connect() as client:
        await open_key(client, key)
        await client.wait_for("Question 11/30")  # where the candidate was
        assert "Réponses 10/30" in client.text
        for number in range(10, 0, -1):
            client.press("p")
            await client.wait_until(lambda: shown(client)[0] == number, what=f"q{number}")
            _, _, choices, letter = shown(client)
            assert letter is not None and choices[letter] == chosen[number]
    assert await exam_server.world.stored_answers(key) == answers


async def test_automatic_submission_at_the_end_of_the_window(exam_server: ExamServer) -> None:
    key = exam_server.world.keys[2]
    async with await exam_server.connect() as client:
        await start_exam(client, key)
        await answer(client, "a")
        exam_server.world.clock.set(ENDS - timedelta(minutes=3, seconds=15))
        await client.wait_for("Temps restant 3 min")  # shown up to 10 s early, never late
        exam_server.world.clock.set(ENDS)
        await client.wait_for("validé automatiquement")
        await client.wait_for("Votre note")
        row = await key_state(exam_server, key)
        assert row["state"] == "submitted"
        participant = await exam_server.world.store.sessions.participant(
            ADMIN, row["participant_id"])
        assert f"Votre note : {participant.score}/30" in client.text


async def test_a_submitted_key_is_refused(exam_server: ExamServer) -> None:
    world = exam_server.world
    key = world.keys[0]
    await world.store.exam.open_key(key, "earlier")
    await world.store.exam.submit((await key_state(exam_server, key))["id"], "earlier")
    async with await exam_server.connect() as client:
        await open_key(client, key)
        await client.wait_for("déjà terminé")
        assert "ne peut plus servir" in client.text


@pytest.mark.sqlite_only("bytes a terminal receives: the database takes no part")
async def test_bytes_on_the_wire(exam_server: ExamServer, capsys) -> None:
    """What the candidate's link carries per keystroke, through the real driver."""
    async with await exam_server.connect() as client:
        await client.wait_for("Votre identifiant")
        await client.wait_quiet(0.2)
        first_screen = client.bytes_received

        async def cost(*keys: str) -> int:
            await client.wait_quiet(0.1)
            before = client.bytes_received
            client.press(*keys)
            await client.wait_quiet(0.2)
            return client.bytes_received - before

        await start_exam(client, exam_server.world.keys[0])
        choose = [await cost(letter) for letter in "abcd"]
        move = [await cost(key) for key in ("n", "p", "n")]
        overview = await cost("v")
        in_overview = await cost("right")
        close = await cost("escape")
        idle = await cost()
    with capsys.disabled():
        print(f"\n[wire bytes, xterm 80x24] key screen: {first_screen}; choose: {choose}; "
              f"next/previous: {move}; open overview: {overview}; move in it: {in_overview}; "
              f"close it: {close}; idle 0.2 s: {idle}")
    assert max(choose) < 600 and max(move) < 1500 and in_overview < 600
