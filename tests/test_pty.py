"""End to end: the installed `exback` in a real pseudo-terminal, as a person uses it.

The screen is read through pyte (see screen.py): what is asserted is what a
person sees, at 80×24 unless a test says otherwise.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from .screen import CPR_REQUEST, ENTER, EXBACK, FINISH, Terminal

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]  # a real terminal or pipe, end to end
CTRL_B, CTRL_C, CTRL_G = "\x02", "\x03", "\x07"
CTRL_X_CTRL_E = "\x18\x05"


def status() -> dict:
    out = subprocess.run(
        [EXBACK, "status", "--json"], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def saved(data_dir: Path) -> dict:
    return json.loads((data_dir / "progress.json").read_text())


def answer(term: Terminal, question: str, keys: str) -> None:
    term.wait_for(question)
    term.wait_prompt()
    term.type(keys)


def test_first_walk_through_two_steps(data_dir: Path) -> None:
    term = Terminal("start")
    term.wait_for("Step 1 of 4 · question 1 of 4")
    assert "Welcome to exback" in term.transcript  # above, scrolled past by now
    answer(term, "why did the relationship end", "We grew apart")
    term.wait_for("We grew apart")  # typing shows as it is typed
    term.type(FINISH)
    answer(term, "What was your part", "I withdrew" + ENTER)
    answer(term, "How do you think they would explain it", ENTER)
    answer(term, "How clear are you", "7" + ENTER)
    term.wait_for("Your answers: Understand why it ended")
    answer(term, "How would you like to go on", ENTER)  # Enter: Continue
    term.wait_for("Safety and boundaries check")
    for prompt in ("asked you not to contact", "protective or restraining", "threats", "moved on"):
        answer(term, prompt, "2" + ENTER)  # "No"
    answer(term, "How would you like to go on", "4" + ENTER)  # Stop for now
    assert term.finish() == 0
    steps = {s["id"]: s["status"] for s in status()["steps"]}
    assert steps["understand"] == "done" and steps["safety_check"] == "done"
    assert saved(data_dir)["steps"]["understand"]["answers"]["clarity"]["value"] == 7


def test_go_back_one_question_keeps_the_answer_as_default(data_dir: Path) -> None:
    term = Terminal("start")
    answer(term, "why did the relationship end", "We grew apart" + FINISH)
    answer(term, "What was your part", "I with")
    term.wait_for("Ctrl-B back")
    term.type(CTRL_B)
    term.wait_for("Step 1 of 4 · question 1 of 4")
    term.wait_prompt()
    term.pump(0.3)
    assert "We grew apart" in term.cursor_line()  # the answer given is on the line
    term.type(" slowly" + FINISH)
    answer(term, "What was your part", "drew" + ENTER)  # what was typed came back too
    answer(term, "How do you think they would explain it", CTRL_C)
    assert term.finish() == 130
    answers = saved(data_dir)["steps"]["understand"]["answers"]
    assert answers["reasons"]["value"] == "We grew apart slowly"
    assert answers["reasons"]["earlier"][0]["value"] == "We grew apart"
    assert answers["my_part"]["value"] == "I withdrew"


def test_ctrl_c_while_typing_keeps_a_draft_and_resume_shows_it(data_dir: Path) -> None:
    term = Terminal("start")
    answer(term, "why did the relationship end", "We grew apart" + FINISH)
    answer(term, "What was your part", "I stopped listen")
    term.wait_for("I stopped listen")
    term.type(CTRL_C)
    term.wait_for("what you were typing is kept as a draft")
    assert term.finish() == 130
    progress = saved(data_dir)
    assert progress["steps"]["understand"]["drafts"] == {"my_part": "I stopped listen"}
    assert "my_part" not in progress["steps"]["understand"]["answers"]
    term = Terminal("start")
    answer(term, "Continue: Understand why it ended", ENTER)
    term.wait_for("What was your part")
    term.wait_prompt()
    term.wait_for("I stopped listen")  # the draft is back on the line
    term.type("ing" + ENTER)
    answer(term, "How do you think they would explain it", CTRL_C)
    term.wait_for("Your answers are saved.")
    assert term.finish() == 130
    progress = saved(data_dir)
    assert progress["steps"]["understand"]["answers"]["my_part"]["value"] == "I stopped listening"
    assert progress["steps"]["understand"]["drafts"] == {}


def test_ctrl_c_in_a_step_opened_with_step_resumes_there(data_dir: Path) -> None:
    term = Terminal("start", "--step", "no_contact")
    answer(term, "What will no contact mean for you?", "1" + ENTER)
    answer(term, "What will you do when the urge", CTRL_C)
    assert term.finish() == 130
    term = Terminal("start")
    term.wait_for("Continue: Give each other space")
    answer(term, "What would you like to do?", ENTER)
    term.wait_for("What will you do when the urge")
    term.type(CTRL_C)
    assert term.finish() == 130


def test_ctrl_g_shows_help_now_and_returns_to_the_same_question(data_dir: Path) -> None:
    term = Terminal("start")
    answer(term, "why did the relationship end", "half a thought")
    term.wait_for("half a thought")
    term.type(CTRL_G)
    term.wait_for("Last reviewed")  # help-now's own closing line
    term.wait_for("why did the relationship end")
    term.wait_prompt()
    term.wait_for("half a thought")
    term.type(FINISH)
    answer(term, "What was your part", CTRL_C)
    assert term.finish() == 130
    assert saved(data_dir)["steps"]["understand"]["answers"]["reasons"]["value"] == (
        "half a thought"
    )


def test_editor_key_opens_editor_on_the_answer(data_dir: Path, tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    editor = tmp_path / "editor.sh"
    editor.write_text(
        "#!/bin/sh\n"
        f'stat -c %a "$1" > {seen}\n'
        f'cat "$1" >> {seen}\n'
        'printf "Written in my editor.\\nSecond line." > "$1"\n'
    )
    editor.chmod(0o700)
    term = Terminal("start", env={"EDITOR": str(editor), "VISUAL": ""})
    answer(term, "why did the relationship end", "typed first")
    term.wait_for("typed first")
    term.type(CTRL_X_CTRL_E)
    term.wait_for("Second line.")
    term.type(FINISH)
    answer(term, "What was your part", CTRL_C)
    assert term.finish() == 130
    mode, before = seen.read_text().split("\n", 1)
    assert mode == "600" and before.startswith("typed first")
    value = saved(data_dir)["steps"]["understand"]["answers"]["reasons"]["value"]
    assert value == "Written in my editor.\nSecond line."
    leftovers = [p for p in Path("/tmp").glob("tmp*") if p.is_file() and "typed first" in _text(p)]
    assert leftovers == []  # the temporary file is gone


def _text(path: Path) -> str:
    try:
        return path.read_text() if stat.S_ISREG(path.stat().st_mode) else ""
    except (OSError, UnicodeDecodeError):
        return ""


def test_step_option_refuses_a_locked_step(data_dir: Path, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("safety_check: {asked_no_contact: said_no}\n")
    subprocess.run([EXBACK, "start", "--answers-file", str(answers)], check=True)
    term = Terminal("start", "--step", "reach_out")
    term.wait_for("--step 'reach_out' is locked: What you shared")
    assert term.finish() == 2


def test_start_without_a_terminal_exits_2(data_dir: Path) -> None:
    with open(os.devnull) as devnull:
        proc = subprocess.run(
            [EXBACK, "start"], stdin=devnull, capture_output=True, text=True, timeout=10
        )
    assert proc.returncode == 2
    assert "--answers-file" in proc.stderr


def test_a_terminal_that_never_answers_cursor_requests_still_works(data_dir: Path) -> None:
    term = Terminal("start", answer_cpr=False)
    answer(term, "why did the relationship end", "Quietly" + FINISH)
    answer(term, "What was your part", CTRL_C)
    assert term.finish() == 130
    assert saved(data_dir)["steps"]["understand"]["answers"]["reasons"]["value"] == "Quietly"


def test_no_prompt_asks_where_the_cursor_is(data_dir: Path) -> None:
    """Issue 19: prompt_toolkit asked at every prompt and, unanswered, waited a second
    for the reply; now no prompt asks, so no terminal makes the walk wait."""
    term = Terminal("start", answer_cpr=False)
    answer(term, "why did the relationship end", "We grew apart" + FINISH)
    answer(term, "What was your part", "I withdrew" + ENTER)
    answer(term, "How do you think they would explain it", ENTER)
    answer(term, "How clear are you", "7" + ENTER)
    answer(term, "How would you like to go on", "4" + ENTER)  # Stop for now
    assert term.finish() == 0
    assert CPR_REQUEST not in term.transcript
    assert saved(data_dir)["steps"]["understand"]["answers"]["clarity"]["value"] == 7


@pytest.mark.parametrize(("columns", "rows"), [(80, 24), (40, 15)])
def test_menus_review_and_pressure_check_fit_any_screen(
    data_dir: Path, tmp_path: Path, columns: int, rows: int
) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "understand: {reasons: r, my_part: m, their_view: t, clarity: 5}\n"
        "safety_check: {asked_no_contact: not_said, order: no_order, fear: no_fear,"
        " moved_on: not_moved_on}\n"
    )
    subprocess.run([EXBACK, "start", "--answers-file", str(answers)], check=True)
    term = Terminal("start", columns=columns, rows=rows)
    answer(term, "What would you like to do?", "2" + ENTER)  # choose another step
    term.wait_for("Open which step?")
    term.wait_for("Reach out")  # locked steps are listed, with why
    answer(term, "Open which step?", "1" + ENTER)  # Understand why it ended (done)
    answer(term, "How would you like to go on?", "2" + ENTER)  # redo
    answer(term, "Which question?", "4" + ENTER)
    term.wait_for("How clear are you")
    term.wait_for("Enter for 5")  # the earlier answer, kept by Enter alone
    term.type("8")
    term.wait_for("8")
    term.type(ENTER)
    answer(term, "How would you like to go on?", "4" + ENTER)  # stop
    assert term.finish() == 0
    assert saved(data_dir)["steps"]["understand"]["answers"]["clarity"]["value"] == 8


def test_dumb_terminal_gets_plain_lines_and_no_escape_codes(data_dir: Path) -> None:
    term = Terminal("start", env={"TERM": "dumb"})
    answer(term, "why did the relationship end", "Slowly")
    term.type("\x1b" + ENTER)  # Esc then Enter ends it here too
    answer(term, "What was your part", "Me" + ENTER)
    answer(term, "How do you think they would explain it", "\x02" + ENTER)  # Ctrl-B, Enter
    term.wait_for("What was your part")
    term.wait_for("(Enter alone keeps: Me)")
    asked = term.transcript.count("How do you think they would explain it")
    term.type(ENTER)
    deadline = time.monotonic() + 15
    while term.transcript.count("How do you think they would explain it") == asked:
        assert time.monotonic() < deadline, "the next question did not come back"
        term.pump()  # the question is asked again (its earlier copy is still on screen)
    answer(term, "How do you think they would explain it", CTRL_C)
    assert term.finish() == 130
    written = term.transcript.replace("\x1b\r", "").replace("\x1b", "", 0)
    assert "\x1b[" not in written and "\x1b]" not in written  # no cursor, style or title codes
    answers = saved(data_dir)["steps"]["understand"]["answers"]
    assert answers["reasons"]["value"] == "Slowly" and answers["my_part"]["value"] == "Me"


def test_hostile_earlier_answer_is_shown_inert_when_redone(data_dir: Path, tmp_path) -> None:
    answers = tmp_path / "a.json"
    hostile = "abc\u202edef\u2066ghi"
    answers.write_text(json.dumps({"understand": {"reasons": hostile}}))
    subprocess.run([EXBACK, "start", "--answers-file", str(answers)], check=True)
    term = Terminal("start", "--step", "understand")
    answer(term, "What was your part", CTRL_B)
    term.wait_for("why did the relationship end")
    term.wait_prompt()
    term.wait_for("abc�def�ghi")
    assert "\u202e" not in term.transcript.split("why did the relationship end")[-1]
    term.type(FINISH)
    answer(term, "What was your part", CTRL_C)
    assert term.finish() == 130
    assert saved(data_dir)["steps"]["understand"]["answers"]["reasons"]["value"] == hostile
