"""Care in the commands: the gentle line after free text, the cooling-off, and status."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from exback import program as logic
from exback.content import load_program

from .conftest import CONTENT, run

LINE = "exback help-now shows who you can reach"
PLAN_LINE = "Your safety plan is there too: exback safety-plan show"


def _line_count(result) -> int:
    return result.stderr.count(LINE)


# --- free text and check-ins ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["journal", "add", "I want to kill myself tonight", "--mood", "3"],
        ["journal", "add", "honestly I just want to end it all"],
        ["journal", "add", "an ordinary day", "--mood", "1"],
        ["checkin", "--mood", "5", "--urge", "3", "--note", "I don't want to be here anymore"],
        ["checkin", "--mood", "1", "--urge", "0"],
        ["checkin", "--mood", "2", "--urge", "10"],
    ],
    ids=lambda a: " ".join(a),
)
def test_at_risk_text_or_a_low_checkin_saves_then_gets_one_gentle_line(
    runner, data_dir: Path, args: list[str]
) -> None:
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    assert _line_count(result) == 1
    assert result.stderr.index("aved") < result.stderr.index(LINE)  # saved first
    assert result.stdout == ""
    if args[0] == "journal":
        entries = json.loads(run(runner, "journal", "list", "--json").stdout)
        assert entries[0]["text"] == args[2]
    else:
        assert json.loads((data_dir / "progress.json").read_text())["checkins"][0]["mood"] == int(
            args[2]
        )
    saved = json.loads((data_dir / "progress.json").read_text()) if args[0] != "journal" else {}
    assert "score" not in json.dumps(saved) and not saved.get("care_log")


@pytest.mark.parametrize(
    "args",
    [
        ["journal", "add", "This commute is killing me", "--mood", "4"],
        ["journal", "add", "I could kill for a coffee"],
        ["checkin", "--mood", "2", "--urge", "9", "--note", "killing it at work though"],
        ["checkin", "--mood", "3", "--urge", "10"],
    ],
    ids=lambda a: " ".join(a),
)
def test_ordinary_text_gets_no_line(runner, args: list[str]) -> None:
    result = run(runner, *args)
    assert result.exit_code == 0
    assert _line_count(result) == 0


def test_nocontact_notes_are_checked(runner) -> None:
    assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0
    urge = run(runner, "nocontact", "urge", "--note", "he said he'll hurt me if I don't answer")
    assert urge.exit_code == 0 and _line_count(urge) == 1
    calm = run(runner, "nocontact", "urge", "--note", "saw their photo")
    assert _line_count(calm) == 0
    slip = run(runner, "nocontact", "slip", "--note", "I called, I can't live without her")
    assert slip.exit_code == 0 and _line_count(slip) == 1
    exception = run(runner, "nocontact", "exception", "--reason", "afraid to go home, keys")
    assert exception.exit_code == 0 and _line_count(exception) == 1
    events = json.loads(run(runner, "nocontact", "--json").stdout)["events"]
    assert [e["kind"] for e in events] == ["urge", "urge", "slip", "exception"]


def test_stdin_journal_note_is_checked(runner) -> None:
    result = run(runner, "journal", "add", input="nobody would notice if I was gone\n")
    assert result.exit_code == 0 and _line_count(result) == 1


def test_the_line_names_the_safety_plan_when_there_is_one(runner, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("people_to_ask: Sam\n")
    assert run(runner, "safety-plan", "--answers-file", str(plan)).exit_code == 0
    result = run(runner, "journal", "add", "I want to die")
    assert PLAN_LINE in result.stderr


def test_journal_import_gives_one_line_for_the_whole_file(runner, tmp_path: Path) -> None:
    export = tmp_path / "notes.json"
    export.write_text(
        json.dumps(
            {
                "tags": {},
                "entries": [
                    {
                        "date": "2026-01-01",
                        "time": "10:00",
                        "title": "I want to end my life",
                        "body": "",
                        "tags": [],
                        "starred": False,
                    },
                    {
                        "date": "2026-01-02",
                        "time": "10:00",
                        "title": "I keep thinking about suicide",
                        "body": "",
                        "tags": [],
                        "starred": False,
                    },
                    {
                        "date": "2026-01-03",
                        "time": "10:00",
                        "title": "A walk by the sea",
                        "body": "",
                        "tags": [],
                        "starred": False,
                    },
                ],
            }
        )
    )
    result = run(runner, "journal", "import", str(export))
    assert result.exit_code == 0, result.output
    assert _line_count(result) == 1
    assert "Imported 3 of 3" in result.stderr


def test_text_answers_in_an_answers_file_are_checked(runner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("understand: {reasons: 'We drifted, and I want to die'}\n")
    result = run(runner, "start", "--answers-file", str(answers))
    assert result.exit_code == 0
    assert _line_count(result) == 1
    assert result.stderr.index(LINE) < result.stderr.index("Saved 1 answer")


def test_broken_content_never_stops_a_note_being_saved(runner, tmp_path: Path) -> None:
    result = run(runner, "--content-dir", str(tmp_path / "gone"), "journal", "add", "I want to die")
    assert result.exit_code == 0
    assert _line_count(result) == 1  # the built-in phrase list still answers
    assert run(runner, "journal", "list", "--json").stdout.count("I want to die") == 1


# --- cooling off ------------------------------------------------------------------------

PROGRAM = load_program(CONTENT.parent.parent.parent / "content")


def _progress_with_flag_switched_off(on: dt.datetime, off: dt.datetime):
    progress = logic.new_progress(on)
    step = PROGRAM.step("safety_check")
    assert step is not None
    question = next(q for q in step.questions if q.id == "asked_no_contact")
    logic.record_answer(PROGRAM, progress, step, question, "said_no", on)
    changes = logic.record_answer(PROGRAM, progress, step, question, "not_asked", off)
    return progress, changes


def test_cooling_off_is_pure_and_holds_for_the_content_s_days() -> None:
    on = dt.datetime(2026, 11, 1, 9, tzinfo=dt.timezone.utc)
    off = dt.datetime(2026, 11, 1, 9, 5, tzinfo=dt.timezone.utc)
    progress, changes = _progress_with_flag_switched_off(on, off)
    assert [c.active for c in changes] == [False]
    days = PROGRAM.routes["moving_on"].cooling_off_days
    assert days is not None and days >= 14
    reach_out = PROGRAM.step("reach_out")
    assert reach_out is not None
    for today in (dt.date(2026, 11, 1), dt.date(2026, 11, 1) + dt.timedelta(days=days - 1)):
        [cooling] = logic.cooling_off(PROGRAM, progress, today)
        assert cooling.until == dt.date(2026, 11, 1) + dt.timedelta(days=days)
        state = logic.step_state(PROGRAM, progress, reach_out, today)
        assert state.status == "locked" and state.reason == cooling.reason
        assert f"closed until {cooling.until.isoformat()}" in cooling.reason
    after = dt.date(2026, 11, 1) + dt.timedelta(days=days)
    assert logic.cooling_off(PROGRAM, progress, after) == []
    assert "closed until" not in (
        logic.step_state(PROGRAM, progress, reach_out, after).reason or ""
    )
    notice = logic.cooling_off_notice(PROGRAM, changes[0], dt.date(2026, 11, 1))
    assert notice is not None and "stay closed until 2026-12-01" in notice
    assert logic.cooling_off_notice(PROGRAM, changes[0], after) is None


def test_own_steps_stay_open_while_cooling_off() -> None:
    on = dt.datetime(2026, 11, 1, 9, tzinfo=dt.timezone.utc)
    progress, _ = _progress_with_flag_switched_off(on, on)
    states = logic.step_states(PROGRAM, progress, dt.date(2026, 11, 2))
    locked = {
        s.step.id for s in states if s.status == "locked" and "closed until" in (s.reason or "")
    }
    assert locked == set(PROGRAM.routes["moving_on"].locks)


def test_cooling_off_through_answers_files_and_status(
    runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("EXBACK_CONTENT_DIR")
    flag = tmp_path / "flag.yaml"
    flag.write_text("safety_check: {asked_no_contact: said_no}\n")
    clear = tmp_path / "clear.yaml"
    clear.write_text("safety_check: {asked_no_contact: not_asked}\n")
    with time_machine.travel("2026-11-01 09:00:00+00:00", tick=False):
        assert run(runner, "start", "--answers-file", str(flag)).exit_code == 0
    with time_machine.travel("2026-11-01 09:02:00+00:00", tick=False):
        changed = run(runner, "start", "--answers-file", str(clear))
        assert changed.exit_code == 0
        assert "stay closed until 2026-12-01 (30 days)" in changed.stderr
        data = json.loads(run(runner, "status", "--json").stdout)
        assert data["routes"] == []
        [cooling] = data["cooling_off"]
        assert (cooling["since"], cooling["until"], cooling["days_left"]) == (
            "2026-11-01",
            "2026-12-01",
            30,
        )
        reach_out = next(s for s in data["steps"] if s["id"] == "reach_out")
        assert reach_out["status"] == "locked" and "closed until 2026-12-01" in reach_out["reason"]
        text = " ".join(run(runner, "status").stdout.split())
        assert "Accepting their answer and moving on: closed until 2026-12-01" in text
        assert text.count("closed until 2026-12-01") == 1  # said once, not under each step
        refused = run(runner, "start", "--step", "reach_out")
        assert refused.exit_code == 2 and "closed until 2026-12-01" in refused.stderr
    with time_machine.travel("2026-11-30 23:00:00+00:00", tick=False):
        [cooling] = json.loads(run(runner, "status", "--json").stdout)["cooling_off"]
        assert cooling["days_left"] == 1
    with time_machine.travel("2026-12-01 00:30:00+00:00", tick=False):
        data = json.loads(run(runner, "status", "--json").stdout)
        assert data["cooling_off"] == []
        reach_out = next(s for s in data["steps"] if s["id"] == "reach_out")
        assert "closed until" not in (reach_out["reason"] or "")


def test_a_safety_check_finished_before_it_asked_more_is_asked_again(
    runner, monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path: Path
) -> None:
    """Someone who finished the old five questions is not waved through to contact steps."""
    monkeypatch.delenv("EXBACK_CONTENT_DIR")
    step = PROGRAM.step("safety_check")
    assert step is not None
    moment = dt.datetime(2026, 11, 1, 9, tzinfo=dt.timezone.utc)
    progress = logic.new_progress(moment)
    old = {
        "asked_no_contact": "not_asked",
        "protective_order": "no_order",
        "fear_or_harm": "harm_no",
        "moved_on": "not_told",
        "feel_safe_now": 8,
    }
    for question in step.questions:
        if question.id in old:
            logic.record_answer(PROGRAM, progress, step, question, old[question.id], moment)
    progress.steps["safety_check"].completed_at = moment  # as an older exback saved it
    from exback.storage import Store

    store = Store(data_dir)
    with store.lock():
        store.save_progress(progress)
    states = {s["id"]: s for s in json.loads(run(runner, "status", "--json").stdout)["steps"]}
    assert states["safety_check"]["status"] == "in_progress"
    assert "finish first: Safety and boundaries check" in states["reach_out"]["reason"]
    rest = tmp_path / "rest.yaml"
    rest.write_text(
        "safety_check: {own_behaviour: [none_of_these], tech_access: [no_access],"
        " danger_signs: [none_of_these], told_to_stop: [nobody], without_them: hurts_but_ok}\n"
    )
    result = run(runner, "start", "--answers-file", str(rest))
    assert result.exit_code == 0 and "Saved 5 answers" in result.stderr
    assert "╭" not in result.stderr  # no care response for these answers
    states = {s["id"]: s for s in json.loads(run(runner, "status", "--json").stdout)["steps"]}
    assert states["safety_check"]["status"] == "done"
    assert "finish first: Safety" not in (states["reach_out"]["reason"] or "")
