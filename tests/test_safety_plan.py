"""`exback safety-plan` and `exback help-now`: the plan is kept safely; help always prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from exback import cli
from exback.safety_plan import SECTION_IDS

from .conftest import lock_held, run

FINISH = "\x1b\r"  # Esc, Enter: ends a multiline answer
CTRL_C = "\x03"
GENERAL = "If you are thinking about ending your life"

pytestmark = pytest.mark.timeout(60)


def _walk(runner, monkeypatch: pytest.MonkeyPatch, keys: str, *args: str):
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            return run(runner, "safety-plan", *args)


def _plan(data_dir: Path) -> dict:
    return json.loads((data_dir / "progress.json").read_text())["safety_plan"]


def _write_plan(runner, tmp_path: Path, **parts: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(parts))
    assert run(runner, "safety-plan", "--answers-file", str(path)).exit_code == 0


# --- the walk ----------------------------------------------------------------------------


def test_walk_saves_each_part_and_rerun_keeps_them_as_defaults(
    runner, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    answers = [f"part {i}" for i in range(len(SECTION_IDS))]
    answers[1] = ""  # any part may stay empty
    result = _walk(runner, monkeypatch, "".join(a + FINISH for a in answers))
    assert result.exit_code == 0, result.output
    assert "6 parts changed" in result.stderr
    plan = _plan(data_dir)
    assert [plan["sections"].get(k, {}).get("value", "") for k in SECTION_IDS] == answers
    assert "on_my_own" not in plan["sections"]  # an empty part is not stored
    assert (data_dir / "progress.json").stat().st_mode & 0o777 == 0o600

    again = _walk(runner, monkeypatch, FINISH * len(SECTION_IDS))  # Enter keeps each default
    assert again.exit_code == 0 and "0 parts changed" in again.stderr
    assert _plan(data_dir)["sections"] == plan["sections"]

    edited = _walk(runner, monkeypatch, " and more" + FINISH + FINISH * (len(SECTION_IDS) - 1))
    assert "1 part changed" in edited.stderr
    first = _plan(data_dir)["sections"]["warning_signs"]
    assert first["value"] == "part 0 and more"
    assert [e["value"] for e in first["earlier"]] == ["part 0"]  # a change is never silent


def test_ctrl_c_keeps_the_parts_already_answered(
    runner, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    result = _walk(runner, monkeypatch, "lying awake" + FINISH + "a walk" + FINISH + CTRL_C)
    assert result.exit_code == 130
    assert "run 'exback safety-plan' to carry on" in result.stderr
    sections = _plan(data_dir)["sections"]
    assert sections["warning_signs"]["value"] == "lying awake"
    assert sections["on_my_own"]["value"] == "a walk"
    assert "distractions" not in sections


def test_without_a_terminal_it_names_the_alternatives(runner, data_dir: Path) -> None:
    result = run(runner, "safety-plan")
    assert result.exit_code == 2
    assert "--answers-file" in result.stderr and "safety-plan show" in result.stderr
    assert not data_dir.exists()


def test_answers_file_is_checked_first(runner, data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "plan.yaml"
    bad.write_text("warning_signs: nights\nfavourite_colour: blue\n")
    result = run(runner, "safety-plan", "--answers-file", str(bad))
    assert result.exit_code == 2
    assert (
        "favourite_colour: unknown part" in result.stderr and "nothing was saved" in result.stderr
    )
    assert not data_dir.exists()


def test_show_and_json(runner, tmp_path: Path) -> None:
    assert "no safety plan yet" in run(runner, "safety-plan", "show").stdout
    assert json.loads(run(runner, "safety-plan", "show", "--json").stdout) == {
        "exists": False,
        "sections": [],
    }
    _write_plan(runner, tmp_path, people_to_ask="Sam [bold]07700\x1b[2J", what_matters="my cat")
    shown = run(runner, "safety-plan", "show").stdout
    assert "People I can ask for help" in shown and "Sam [bold]07700\\x1b[2J" in shown
    data = json.loads(run(runner, "safety-plan", "show", "--json").stdout)
    parts = {s["id"]: s["text"] for s in data["sections"]}
    assert parts["people_to_ask"] == "Sam [bold]07700\x1b[2J" and parts["warning_signs"] == ""


def test_plan_travels_with_export_restore_and_reset(runner, data_dir: Path, tmp_path: Path) -> None:
    _write_plan(runner, tmp_path, people_to_ask="Sam")
    exported = tmp_path / "export.json"
    assert run(runner, "export", "--output", str(exported)).exit_code == 0
    report = run(runner, "export", "--format", "md").stdout
    assert "## My safety plan" in report and "People I can ask for help" in report
    reset = run(runner, "reset", "--progress", "--confirm", "delete", "--no-backup")
    assert "1 safety plan part" in reset.stderr
    assert "no safety plan yet" in run(runner, "safety-plan", "show").stdout
    restored = run(runner, "restore", str(exported))
    assert restored.exit_code == 0 and "1 safety plan part" in restored.stderr
    assert "Sam" in run(runner, "safety-plan", "show").stdout
    # merging adds a missing part and keeps the one already there
    _write_plan(runner, tmp_path, people_to_ask="Sam and Jo")
    other = json.loads(exported.read_text())
    other["progress"]["safety_plan"]["sections"]["what_matters"] = {
        "value": "my cat",
        "answered_at": "2026-11-01T10:00:00+00:00",
        "earlier": [],
    }
    exported.write_text(json.dumps(other))
    assert run(runner, "restore", str(exported), "--merge").exit_code == 0
    parts = {
        s["id"]: s["text"]
        for s in json.loads(run(runner, "safety-plan", "show", "--json").stdout)["sections"]
    }
    assert parts["people_to_ask"] == "Sam and Jo" and parts["what_matters"] == "my cat"


def test_doctor_checks_the_file_that_holds_the_plan(runner, data_dir: Path, tmp_path) -> None:
    _write_plan(runner, tmp_path, people_to_ask="Sam")
    path = data_dir / "progress.json"
    data = json.loads(path.read_text())
    data["safety_plan"]["sections"]["people_to_ask"]["answered_at"] = "yesterday"
    path.write_text(json.dumps(data))
    result = run(runner, "doctor")
    assert result.exit_code == 1 and "progress.json" in result.stdout


# --- help-now, from any state ----------------------------------------------------------


def test_help_now_shows_the_plan_first_then_everything(runner, tmp_path: Path) -> None:
    _write_plan(runner, tmp_path, warning_signs="awake at 2am", people_to_ask="Sam 07700 900123")
    out = run(runner, "help-now").stdout
    assert out.index("Your safety plan") < out.index("awake at 2am") < out.index(GENERAL)
    assert "Sam 07700 900123" in out and "findahelpline.com" not in out  # fixture help text
    assert "(Last reviewed" in out


def test_help_now_with_damaged_data(runner, data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "progress.json").write_text("{broken")
    result = run(runner, "help-now")
    assert result.exit_code == 0
    assert GENERAL in result.stdout
    assert "could not be read" in result.stderr and "doctor" in result.stderr
    assert (data_dir / "progress.json").read_text() == "{broken"


def test_help_now_with_data_from_a_newer_exback(runner, data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "progress.json").write_text('{"schema_version": 99}')
    result = run(runner, "help-now")
    assert result.exit_code == 0 and GENERAL in result.stdout


def test_help_now_without_a_data_dir_creates_nothing(runner, data_dir: Path) -> None:
    result = run(runner, "help-now")
    assert result.exit_code == 0 and GENERAL in result.stdout and result.stderr == ""
    assert not data_dir.exists()


def test_help_now_with_an_empty_data_dir(runner, data_dir: Path) -> None:
    data_dir.mkdir()
    result = run(runner, "help-now")
    assert result.exit_code == 0 and GENERAL in result.stdout and result.stderr == ""
    assert "Your safety plan" not in result.stdout
    assert list(data_dir.iterdir()) == []


def test_help_now_when_the_data_dir_path_is_a_file(runner, data_dir: Path) -> None:
    data_dir.write_text("not a folder")
    result = run(runner, "help-now")
    assert result.exit_code == 0 and GENERAL in result.stdout


def test_help_now_with_a_held_lock_prints_at_once_plan_included(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    _write_plan(runner, tmp_path, people_to_ask="Sam")
    with lock_held(data_dir):
        busy = run(runner, "--lock-timeout", "0", "journal", "add", "x")
        assert busy.exit_code == 4  # the lock is really held
        result = run(runner, "--lock-timeout", "0", "help-now")
    assert result.exit_code == 0
    assert "Sam" in result.stdout and GENERAL in result.stdout


def test_help_now_in_a_fresh_process_with_no_home(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/proc/nonexistent-home", "TZ": "UTC"}
    proc = subprocess.run(
        [sys.executable, "-m", "exback", "--data-dir", str(tmp_path / "none"), "help-now"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Call your local emergency number now" in proc.stdout
    assert "findahelpline.com" in proc.stdout  # the built-in, corrected help
    assert not (tmp_path / "none").exists()


def test_help_now_shows_a_hostile_plan_inert(runner, tmp_path: Path) -> None:
    _write_plan(runner, tmp_path, warning_signs="\x1b]0;x\x07\x1b[2J[/] nights")
    out = run(runner, "help-now").stdout
    assert "\x1b" not in out and "\\x1b]0;x\\x07\\x1b[2J[/] nights" in out


# --- the use cases, from Python ----------------------------------------------------------


def test_help_now_use_case_never_raises_and_says_why_the_plan_is_missing(data_dir: Path) -> None:
    from exback.commands.care import help_now
    from exback.render import help_now_text
    from exback.storage import Store

    data_dir.mkdir()
    (data_dir / "progress.json").write_text("{broken")
    shown = help_now(Store(data_dir, lock_timeout=0), None)
    assert shown.plan is None and shown.problem is not None and "doctor" in shown.problem
    assert shown.help_now is not None  # the built-in help, since no content dir was named
    assert "(Last reviewed" in help_now_text(shown.help_now, shown.plan)
    assert (data_dir / "progress.json").read_text() == "{broken"


def test_the_plan_walk_without_a_terminal_asks_nothing_and_saves_nothing(data_dir: Path) -> None:
    import datetime as dt

    from exback.commands.care import walk_plan
    from exback.errors import NotInteractiveError
    from exback.prompts import Prompter
    from exback.storage import Store
    from exback.ui import UI

    def clock() -> dt.datetime:
        return dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)

    with pytest.raises(NotInteractiveError, match="--answers-file"):
        walk_plan(Store(data_dir), Prompter(UI(no_color=True)), clock, interactive=False)
    assert not data_dir.exists()


def test_plan_answers_file_follows_the_answers_file_rules(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    dupe = tmp_path / "plan.yaml"
    dupe.write_text("warning_signs: nights\nwarning_signs: mornings\n")
    result = run(runner, "safety-plan", "--answers-file", str(dupe))
    assert result.exit_code == 2 and "duplicate key 'warning_signs'" in result.stderr
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)  # would wait forever for a writer if it were opened
    result = run(runner, "safety-plan", "--answers-file", str(fifo))
    assert result.exit_code == 2 and "--answers-file" in result.stderr
    assert not data_dir.exists()
