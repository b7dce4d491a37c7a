"""The QCM screen: answering, moving, the overview, finishing and the score."""

from __future__ import annotations

import re

from textual import events
from textual.widgets import Button

from tests.tui.conftest import (
    ADMIN,
    enter_key,
    flat,
    make_app,
    screen_text,
    start_exam,
    wait_for,
    wait_screen,
)
from tui.modals.confirm import ConfirmModal
from tui.modals.overview import OverviewModal
from tui.screens.exam_screen import ExamScreen
from tui.screens.key_screen import KeyScreen
from tui.screens.result_screen import ResultScreen

CHOICE = re.compile(r"^\s*\((x| )\) ([a-d])\) (.+?)\s*$")
QUESTION = re.compile(r"^\s*(\d+)\. (Question T\d-\d .*?)\s*$")


def shown(app) -> tuple[int, str, dict[str, str], str | None]:
    """(number, question text, letter -> choice text, chosen letter) as on screen."""
    number, text, choices, chosen = 0, "", {}, None
    for line in screen_text(app).splitlines():
        if m := QUESTION.match(line):
            number, text = int(m.group(1)), m.group(2)
        elif m := CHOICE.match(line):
            choices[m.group(2)] = m.group(3)
            if m.group(1) == "x":
                chosen = m.group(2)
    return number, text, choices, chosen


async def correct_texts(world) -> dict[str, str]:
    """Question text -> text of its correct choice, straight from the database."""
    rows = await world.store.db.all(
        "SELECT q.text, q.choice_a, q.choice_b, q.choice_c, q.choice_d, q.correct "
        "FROM qcm_questions qq JOIN questions q ON q.id = qq.question_id WHERE qq.qcm_id = ?",
        (world.session.qcm_id,))
    return {r["text"]: r[1 + r["correct"]] for r in rows}


async def bank_texts(world) -> dict[int, str]:
    """Stored answers of key 0 as choice texts: question id -> chosen text."""
    rows = await world.store.db.all(
        "SELECT a.question_id, q.choice_a, q.choice_b, q.choice_c, q.choice_d, a.choice "
        "FROM answers a JOIN questions q ON q.id = a.question_id "
        "JOIN online_keys k ON k.participant_id = a.participant_id WHERE k.code = ?",
        (world.keys[0],))
    return {r[0]: r[1 + r["choice"]] for r in rows}


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def test_letters_and_digits_choose_and_a_new_choice_replaces_the_old(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        number, _, choices, chosen = shown(app)
        assert (number, chosen) == (1, None)
        assert "Réponses 0/30" in screen_text(app)
        await press(pilot, "b")
        assert shown(app)[3] == "b"
        assert list((await bank_texts(world)).values()) == [choices["b"]]
        await press(pilot, "4")  # digits 1-4 are a-d
        assert shown(app)[3] == "d"
        assert list((await bank_texts(world)).values()) == [choices["d"]]
        assert "Réponses 1/30" in screen_text(app)
        await press(pilot, "1")
        assert shown(app)[3] == "a"
        assert list((await bank_texts(world)).values()) == [choices["a"]]


async def test_choices_are_shuffled_per_key_and_never_reveal_the_answer(world):
    orders = []
    for key in world.keys[:2]:
        app = make_app(world)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_exam(pilot, world, key)
            texts = []
            for _ in range(5):
                texts.append(tuple(shown(app)[2].values()))
                await press(pilot, "n")
            orders.append(texts)
            text = screen_text(app).lower()
            assert "correct" not in text and "bonne réponse" not in text
    assert orders[0] != orders[1]
    assert sorted(map(sorted, orders[0])) == sorted(map(sorted, orders[1]))


async def test_navigation_with_n_p_and_arrows(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        await press(pilot, "p")  # nothing before the first question
        assert shown(app)[0] == 1
        await press(pilot, "n", "right", "n")
        assert shown(app)[0] == 4 and exam.index == 3
        assert "Question 4/30" in screen_text(app)
        await press(pilot, "left", "p")
        assert shown(app)[0] == 2
        for _ in range(40):
            await pilot.press("n")
        await pilot.pause()
        assert shown(app)[0] == 30  # nothing after the last one
        assert "Thème 5/5 : Raccordement" in screen_text(app)


async def test_overview_shows_answered_questions_and_jumps(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        await press(pilot, "a", "n", "n", "c")  # questions 1 and 3 answered
        await press(pilot, "v")
        assert isinstance(app.screen, OverviewModal)
        text = screen_text(app)
        assert "Liste des questions : 2 avec réponse [x], 28 sans réponse [ ]" in text
        assert re.search(r"Réglementation\s+1 \[x\]\s+2 \[ \]\s+3 \[x\]\s+4 \[ \]", text)
        assert "Raccordement" in text and "30 [ ]" in text  # all 30 on one screen
        assert "3. Question T1-" in text  # the highlighted question's text
        await press(pilot, "right", "enter")  # from question 3 to question 4
        assert app.screen is exam and exam.index == 3
        await press(pilot, "v", "down", "enter")  # the row below: question 10
        assert exam.index == 9
        await press(pilot, "v", "up", "left", "enter")
        assert exam.index == 2
        await press(pilot, "v", "u", "u", "enter")  # unanswered after 3: 4, then 5
        assert exam.index == 4
        await press(pilot, "v", "end", "enter")
        assert exam.index == 29
        await press(pilot, "v", "escape")
        assert app.screen is exam and exam.index == 29
        await press(pilot, "v", "home", "v")
        assert app.screen is exam and exam.index == 29


async def test_finishing_with_unanswered_questions_warns_and_can_go_back(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        await press(pilot, "a", "n", "n", "b")
        await press(pilot, "t")
        assert isinstance(app.screen, ConfirmModal)
        text = flat(screen_text(app))
        assert "28 questions sans réponse : 2, 4, 5, 6," in text
        assert "30." in text
        assert "vos réponses ne pourront plus être modifiées" in text
        assert app.focused.id == "cancel"  # Enter alone goes back
        await press(pilot, "enter")
        assert app.screen is exam and exam.index == 2
        assert (await world.key_row(world.keys[0]))["state"] == "in_progress"


async def test_full_exam_score_matches_an_independent_count(world):
    correct = await correct_texts(world)
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        expected = 0
        keys = "abcd1234"
        for i in range(30):
            number, question, choices, _ = shown(app)
            assert number == i + 1
            key = keys[(i * 3) % 8]
            letter = "abcd"["1234".index(key)] if key.isdigit() else key
            await press(pilot, key)
            assert shown(app)[3] == letter
            expected += choices[letter] == correct[question]
            await press(pilot, "n")
        assert "Réponses 30/30" in screen_text(app)
        await press(pilot, "t")
        assert "Vous avez répondu à toutes les questions" in flat(screen_text(app))
        await press(pilot, "tab", "enter")
        await wait_screen(pilot, ResultScreen)
        text = flat(screen_text(app))
        assert f"Votre note : {expected}/30" in text
        assert "seuil de réussite : 24/30" in text
        assert "votre centre le complétera" in text
        row = await world.key_row(world.keys[0])
        participant = await world.store.sessions.participant(ADMIN, row["participant_id"])
        assert participant.score == expected and row["state"] == "submitted"
        assert 0 < expected < 30  # the check means something
        # The result stays on screen: stray keys do not leave it.
        await press(pilot, "enter", "a", "escape")
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0


async def test_resume_after_the_app_exits_keeps_answers_and_position(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        chosen = {}
        for letter in "abcdab":
            number, _, choices, _ = shown(app)
            await press(pilot, letter)
            chosen[number] = choices[letter]
            await press(pilot, "n")
        await press(pilot, "n")  # on question 8, 6 answered
        assert shown(app)[0] == 8
    # The connection is gone (app exited without « Quitter »): the key is free again.
    row = await world.key_row(world.keys[0])
    assert row["lease_token"] is None and row["state"] == "in_progress"
    assert len(await world.stored_answers(world.keys[0])) == 6

    again = make_app(world)
    assert again.token != app.token
    async with again.run_test(size=(80, 24)) as pilot:
        await enter_key(pilot, world.keys[0])
        await wait_screen(pilot, ExamScreen)  # no identity form
        assert shown(again)[0] == 8
        assert "Réponses 6/30" in screen_text(again)
        for number in range(7, 0, -1):
            await press(pilot, "p")
            n, _, choices, letter = shown(again)
            assert n == number
            if number in chosen:
                assert choices[letter] == chosen[number]
            else:
                assert letter is None


async def test_a_refused_save_is_reported_and_not_shown_as_chosen(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        await press(pilot, "a")
        # The centre locks the participant (documents produced): writes now fail.
        row = await world.key_row(world.keys[0])
        async with world.store.db.transaction() as tx:
            await tx.execute("UPDATE participants SET locked_at = '2026-05-12T08:00:00.000000Z' "
                             "WHERE id = ?", (row["participant_id"],))
        await press(pilot, "c")
        text = flat(screen_text(app))
        assert "Réponse NON enregistrée" in text
        assert shown(app)[3] == "a"  # the screen still shows what is stored
        assert len(await world.stored_answers(world.keys[0])) == 1


async def test_a_key_taken_by_another_connection_stops_this_one(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        await press(pilot, "a")
        world.clock.advance(seconds=31)  # this connection stalled: its lease ran out
        await world.store.exam.open_key(world.keys[0], "another-connection")
        await press(pilot, "b")
        await wait_screen(pilot, KeyScreen)
        await wait_for(pilot, lambda: "ouverte sur un autre poste" in flat(screen_text(app)))
        assert len(await world.stored_answers(world.keys[0])) == 1
    assert (await world.key_row(world.keys[0]))["lease_token"] == "another-connection"


async def test_quit_needs_confirmation_and_keeps_the_key_usable(world):
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(pilot, world, world.keys[0])
        await press(pilot, "a", "n")
        await press(pilot, "ctrl+q")
        assert isinstance(app.screen, ConfirmModal)
        assert "vous pourrez reprendre avec la même clé" in flat(screen_text(app))
        await press(pilot, "enter")  # « Continuer » has the focus
        assert isinstance(app.screen, ExamScreen)
        await press(pilot, "q")
        assert isinstance(app.screen, ConfirmModal)
        app.screen.query_one("#confirm", Button).focus()
        await press(pilot, "enter")
        await wait_for(pilot, lambda: not app.is_running)
    row = await world.key_row(world.keys[0])
    assert row["state"] == "in_progress" and row["lease_token"] is None
    assert row["position"] == 1
    assert len(await world.stored_answers(world.keys[0])) == 1


async def test_a_burst_of_keys_is_applied_in_order(world):
    """Over a slow link several keys arrive in one read: each answer lands on its question."""
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        exam = await start_exam(pilot, world, world.keys[0])
        texts = []
        for _ in range(4):
            texts.append(shown(app)[2])
            await press(pilot, "n")
        await press(pilot, "p", "p", "p", "p")
        assert exam.index == 0
        for key in ("a", "n", "2", "right", "c", "n", "d", "left", "left"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))  # one burst
        await wait_for(pilot, lambda: exam.index == 1 and len(exam.attempt.answers) == 4)
        expected = [texts[0]["a"], texts[1]["b"], texts[2]["c"], texts[3]["d"]]
        assert sorted((await bank_texts(world)).values()) == sorted(expected)
        assert shown(app)[3] == "b"
