"""The boundary gate holds everywhere; help-now always works; the pressure check pauses."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from exback import cli
from exback.content import load_program
from exback.models import NoContactRecord, NoContactRun
from exback.program import new_progress
from exback.storage import Store

from .conftest import CONTENT, PACKAGED, run

PROGRAM = load_program(PACKAGED)
SAFETY = PROGRAM.step("safety_check")
CONTACT_STEPS = [s for s in PROGRAM.steps if s.contact]
RED_FLAGS = [
    (q.id, c.value)
    for q in SAFETY.questions
    for c in getattr(q, "choices", [])
    if c.route == "moving_on"
]
REASON = " ".join(PROGRAM.routes["moving_on"].reason.split())


def test_every_contact_step_is_locked_by_the_route() -> None:
    assert len(CONTACT_STEPS) >= 5
    assert set(PROGRAM.routes["moving_on"].locks) == {s.id for s in CONTACT_STEPS}
    assert len(RED_FLAGS) >= 4


@pytest.mark.parametrize(("question", "value"), RED_FLAGS)
def test_red_flag_refuses_every_contact_step_everywhere(
    runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, question: str, value: str
) -> None:
    monkeypatch.delenv("EXBACK_CONTENT_DIR")
    answers = tmp_path / "safety.json"
    multi = SAFETY.questions[[q.id for q in SAFETY.questions].index(question)].kind == "multi"
    answers.write_text(json.dumps({"safety_check": {question: [value] if multi else value}}))
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0

    data = json.loads(run(runner, "status", "--json").stdout)
    states = {s["id"]: s for s in data["steps"]}
    for step in CONTACT_STEPS:
        assert states[step.id]["status"] == "locked"
        assert " ".join(states[step.id]["reason"].split()) == REASON

    for step in CONTACT_STEPS:
        result = run(runner, "start", "--step", step.id)
        assert result.exit_code == 2
        assert f"--step '{step.id}' is locked" in result.stderr

        attempt = tmp_path / f"{step.id}.json"
        first = step.questions[0]
        attempt.write_text(json.dumps({step.id: {first.id: _valid_answer(first)}}))
        result = run(runner, "start", "--answers-file", str(attempt))
        assert result.exit_code == 2
        assert f"step '{step.id}' is locked" in result.stderr
    non_contact = [s for s in PROGRAM.steps if not s.contact]
    assert all(states[s.id]["status"] != "locked" for s in non_contact if not s.requires.steps)


def _valid_answer(question):
    kind = question.kind
    if kind in ("text", "multiline"):
        return "something"
    if kind == "choice":
        return question.choices[0].value
    if kind == "multi":
        return [question.choices[0].value]
    if kind == "confirm":
        return True
    return question.min


@time_machine.travel("2026-11-22 12:00:00+00:00", tick=False)
def test_changing_a_safety_answer_is_recorded_with_its_date(
    runner, data_dir: Path, tmp_path
) -> None:
    first = tmp_path / "a.yaml"
    first.write_text("safety_check: {asked_no_contact: said_no}\n")
    run(runner, "start", "--answers-file", str(first))
    with time_machine.travel("2026-11-25 09:00:00+00:00", tick=False):
        second = tmp_path / "b.yaml"
        second.write_text("safety_check: {asked_no_contact: not_said}\n")
        run(runner, "start", "--answers-file", str(second))
    saved = json.loads((data_dir / "progress.json").read_text())
    answer = saved["steps"]["safety_check"]["answers"]["asked_no_contact"]
    assert answer["value"] == "not_said"
    assert [e["value"] for e in answer["earlier"]] == ["said_no"]
    assert [(c["active"], c["at"][:10]) for c in saved["route_log"]] == [
        (True, "2026-11-22"),
        (False, "2026-11-25"),
    ]
    assert json.loads(run(runner, "status", "--json").stdout)["routes"] == []


# --- help-now ------------------------------------------------------------------------


def test_help_now_needs_no_data_dir_no_terminal_and_no_writable_home(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXBACK_", "XDG_"))}
    env["HOME"] = "/proc/nonexistent-home"  # nothing can be created there, even by root
    before = set(os.listdir(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "exback", "help-now"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "emergency number" in proc.stdout
    assert "(United States)" in proc.stdout  # a named service carries its country
    assert proc.stderr == ""
    assert set(os.listdir(tmp_path)) == before


def test_help_now_ignores_corrupt_data_and_broken_content(runner, data_dir: Path, tmp_path) -> None:
    data_dir.mkdir()
    (data_dir / "progress.json").write_text("{broken")
    result = run(runner, "--content-dir", str(tmp_path / "missing"), "help-now")
    assert result.exit_code == 0
    assert "crisis line" in result.stdout
    assert (data_dir / "progress.json").read_text() == "{broken"


def test_validate_warns_when_help_text_is_over_a_year_old(runner, tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    with time_machine.travel("2027-11-23 12:00:00+00:00", tick=False):
        stale = run(runner, "content", "validate", str(folder))
    assert stale.exit_code == 0
    assert "last_reviewed is 2026-11-22, 366 days ago" in stale.stderr
    with time_machine.travel("2027-11-22 12:00:00+00:00", tick=False):
        fresh = run(runner, "content", "validate", str(folder))
    assert fresh.stderr == ""


def test_status_and_start_mention_help_now(runner) -> None:
    assert "exback help-now" in run(runner, "status").stdout


# --- the pressure check ----------------------------------------------------------------


def _ready_for_contact(data_dir: Path, runner, tmp_path: Path) -> None:
    """Safety check clear and a one-day countdown started yesterday (2026-11-21)."""
    answers = tmp_path / "safe.yaml"
    answers.write_text(
        "safety_check: {asked_no_contact: not_said, order: no_order, fear: no_fear,"
        " moved_on: not_moved_on}\n"
    )
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    store = Store(data_dir)
    now = dt.datetime(2026, 11, 21, 9, tzinfo=dt.timezone.utc)
    with store.lock():
        progress = store.load_progress() or new_progress(now)
        progress.no_contact = NoContactRecord(
            runs=[NoContactRun(started_on=now.date(), days=1, started_at=now)]
        )
        store.save_progress(progress)


def _reach_out(runner) -> dict:
    steps = json.loads(run(runner, "status", "--json").stdout)["steps"]
    return next(s for s in steps if s["id"] == "reach_out")


@time_machine.travel("2026-11-22 10:00:00+00:00", tick=False)
def test_answers_file_needs_the_pressure_check_and_a_pause_refuses(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    _ready_for_contact(data_dir, runner, tmp_path)
    assert _reach_out(runner)["status"] == "available"
    bare = tmp_path / "bare.yaml"
    bare.write_text("reach_out: {why_now: I miss them}\n")
    result = run(runner, "start", "--answers-file", str(bare))
    assert result.exit_code == 2
    assert "pressure check first" in result.stderr and "unanswered" in result.stderr

    before = (data_dir / "progress.json").read_bytes()
    pressured = tmp_path / "pressured.yaml"
    pressured.write_text(
        "pressure_check: {unanswered: some, asked_space: not_asked, easing_pain: steady}\n"
        "reach_out: {why_now: I miss them}\n"
    )
    result = run(runner, "start", "--answers-file", str(pressured))
    assert result.exit_code == 2
    assert "locked: Paused until tomorrow" in result.stderr
    assert (data_dir / "progress.json").read_bytes() == before

    calm = tmp_path / "calm.yaml"
    calm.write_text(
        "pressure_check: {unanswered: none, asked_space: not_asked, easing_pain: steady}\n"
        "reach_out: {why_now: I have thought about it for weeks}\n"
    )
    assert run(runner, "start", "--answers-file", str(calm)).exit_code == 0
    assert _reach_out(runner)["status"] == "in_progress"


def test_wizard_pause_lasts_until_the_next_day(
    runner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    with time_machine.travel("2026-11-22 10:00:00+00:00", tick=False):
        _ready_for_contact(data_dir, runner, tmp_path)
        with create_pipe_input() as pipe:
            # unanswered: "One or more" (pauses), asked_space: "No", easing_pain: "No"
            pipe.send_text("2\r" + "2\r" + "2\r")
            pipe.close()
            with create_app_session(input=pipe, output=DummyOutput()):
                result = run(runner, "start", "--step", "reach_out")
        assert "A quick pressure check" in result.stdout
        assert "Reach out with care: paused until tomorrow" in result.stdout
        state = _reach_out(runner)
        assert state["status"] == "locked" and state["reason"] == "Paused until tomorrow, kindly."
        again = run(runner, "start", "--step", "reach_out")
        assert again.exit_code == 2 and "Paused until tomorrow" in again.stderr
    with time_machine.travel("2026-11-22 23:59:00+00:00", tick=False):
        assert _reach_out(runner)["status"] == "locked"
    with time_machine.travel("2026-11-23 00:01:00+00:00", tick=False):
        assert _reach_out(runner)["status"] == "available"
    saved = json.loads((data_dir / "progress.json").read_text())
    assert [(p["on"], p["paused"]) for p in saved["pressure_checks"]] == [("2026-11-22", True)]


@time_machine.travel("2026-11-22 10:00:00+00:00", tick=False)
def test_moving_on_track_keeps_the_countdown_as_no_contact_for_me(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    _ready_for_contact(data_dir, runner, tmp_path)
    flag = tmp_path / "flag.yaml"
    flag.write_text("safety_check: {moved_on: moved_on}\n")
    assert run(runner, "start", "--answers-file", str(flag)).exit_code == 0
    data = json.loads(run(runner, "status", "--json").stdout)
    assert data["no_contact"]["label"] == "No contact, for me"
    assert "No contact, for me: 1 day, complete since 2026-11-22." in run(runner, "status").stdout
    assert _reach_out(runner)["status"] == "locked"
