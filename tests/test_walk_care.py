"""Care in the interactive walk: a response at once, then help, the plan, a break, or go on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exback import cli

from .conftest import PACKAGED, run, type_into

ENTER = "\r"
FINISH = "\x1b\r"
CTRL_G = "\x07"
# safety_check: asked_no_contact 4 (no), protective_order 3 (no), fear_or_harm 1 (yes)
FEAR_YES = "4" + ENTER + "3" + ENTER + "1" + ENTER
# the menu after a care response: 1 help now, 2 safety plan, 3 a break, 4 go on
HELP, PLAN, BREAK, GO_ON = "1" + ENTER, "2" + ENTER, "3" + ENTER, "4" + ENTER

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def packaged_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(PACKAGED))
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)


drive = type_into


def saved(data_dir: Path) -> dict:
    return json.loads((data_dir / "progress.json").read_text())


def test_a_red_flag_answer_shows_care_at_once_then_a_break(runner, data_dir: Path) -> None:
    result = drive(runner, FEAR_YES + HELP + BREAK, "start", "--step", "safety_check")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    care_at = out.index("Fear and harm deserve real help")
    assert "What would help now?" in out[care_at:]
    after_menu = out[out.index("What would help now?") :]
    assert "If you need help right now" in after_menu  # help now, from the menu
    assert "Have they told you they have moved on" not in out  # a break: nothing more asked
    progress = saved(data_dir)
    assert [(c["care"], c["question"]) for c in progress["care_log"]] == [
        ("fear_or_harm", "fear_or_harm")
    ]
    assert progress["steps"]["safety_check"]["answers"]["fear_or_harm"]["value"] == "harm_yes"
    assert "Run 'exback start' to carry on" in result.stderr


def test_go_on_after_care_carries_on_with_the_next_question(runner, data_dir: Path) -> None:
    result = drive(runner, FEAR_YES + GO_ON, "start", "--step", "safety_check")
    assert result.exit_code == 130  # the keys run out at the next question
    out = " ".join(result.stdout.split())
    assert out.index("Fear and harm deserve real help") < out.index("moved on")
    assert "moving_on" in {c["route"] for c in saved(data_dir)["route_log"]}


def test_the_safety_plan_can_be_made_from_the_care_menu(runner, data_dir: Path) -> None:
    parts = "Going quiet" + FINISH * 7  # the first part, the other six left empty
    result = drive(runner, FEAR_YES + PLAN + parts + BREAK, "start", "--step", "safety_check")
    assert result.exit_code == 0, result.output
    plan = saved(data_dir)["safety_plan"]["sections"]
    assert next(iter(plan.values()))["value"] == "Going quiet"
    shown = run(runner, "help-now").stdout
    assert shown.index("Going quiet") < shown.index("If you need help right now")


def test_a_hard_text_answer_gets_the_gentle_line(runner, data_dir: Path) -> None:
    # understand_breakup: who ended (1), reasons (1), then what happened, in words of despair
    keys = "1" + ENTER + "1" + ENTER + "I want to end it all" + FINISH
    result = drive(runner, keys, "start", "--step", "understand_breakup")
    assert result.exit_code == 130
    assert "exback help-now shows who you can reach" in result.stderr
    answers = saved(data_dir)["steps"]["understand_breakup"]["answers"]
    assert answers["what_happened"]["value"] == "I want to end it all"


def test_ctrl_g_shows_help_now_at_a_checkin_prompt_too(runner, data_dir: Path) -> None:
    result = drive(runner, CTRL_G + "5" + ENTER + "2" + ENTER + ENTER, "checkin")
    assert result.exit_code == 0, result.output
    assert "If you need help right now" in result.stdout
    assert "Ctrl-G help now" in result.stdout
    assert [(c["mood"], c["urge"]) for c in saved(data_dir)["checkins"]] == [(5, 2)]


def test_an_answers_file_that_is_a_fifo_is_refused_at_once(runner, tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    result = run(runner, "start", "--answers-file", str(fifo))
    assert result.exit_code == 2
    assert "answers.yaml" in result.stderr and "not a regular file" in result.stderr
