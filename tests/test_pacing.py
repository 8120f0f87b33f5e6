"""Contact steps pace themselves by what has happened (issue 16), on a frozen clock.

The healthy path, by answers files and by the walk: what happened after a message is
refused the day it was sent and accepted the next; "no reply yet" keeps the next step
closed, and after the content's silence period the program says that silence is an
answer too; each contact step asks its own pressure check; a hold inside a step stops
it until a later day with the content's reason.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine

from exback import cli
from exback.content import load_program

from .conftest import PACKAGED, run, sample_answer, type_into

PROGRAM = load_program(PACKAGED)
START = dt.date(2026, 10, 1)
SENT = dt.date(2026, 11, 2)  # the countdown of 14 days is long over


@pytest.fixture(autouse=True)
def packaged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(PACKAGED))


def on(day: dt.date) -> Any:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC), tick=False
    )


def answers_for(step_id: str, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    step = PROGRAM.step(step_id)
    assert step is not None
    return {q.id: sample_answer(q) for q in step.questions if q.id not in skip}


CALM_CHECK = {q.id: sample_answer(q) for q in PROGRAM.pressure_check.questions}


def answer(runner, tmp_path: Path, data: dict[str, Any]) -> Any:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data))
    return run(runner, "start", "--answers-file", str(path))


def status(runner) -> dict[str, Any]:
    result = run(runner, "status", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def state(data: dict[str, Any], step_id: str) -> str:
    return next(s["status"] for s in data["steps"] if s["id"] == step_id)


@pytest.fixture
def ready(runner, tmp_path: Path) -> None:
    """Every step before the contact steps done; the countdown started on START."""
    with on(START):
        before = [s.id for s in PROGRAM.steps if not s.contact and s.id != "moving_on"]
        result = answer(runner, tmp_path, {s: answers_for(s) for s in before})
        assert result.exit_code == 0, result.output
        assert run(runner, "nocontact", "start", "--days", "14").exit_code == 0


def test_what_happened_is_asked_from_the_next_day(
    runner, tmp_path: Path, ready: None, data_dir: Path
) -> None:
    with on(SENT):
        everything = {"pressure_check": CALM_CHECK, "reach_out": answers_for("reach_out")}
        result = answer(runner, tmp_path, everything)
        assert result.exit_code == 2
        assert "'response': not now: sent on 2026-11-02, waiting for their reply" in result.stderr
        assert "the next questions open on 2026-11-03" in result.stderr
        assert "reach_out" not in json.loads((data_dir / "progress.json").read_text())["steps"]

        sent = {"pressure_check": CALM_CHECK, "reach_out": answers_for("reach_out", ("response",))}
        assert answer(runner, tmp_path, sent).exit_code == 0
        data = status(runner)
        assert state(data, "reach_out") == "waiting"
        assert data["waiting"] == [
            {
                "step": "reach_out",
                "title": "Reach out with care",
                "since": "2026-11-02",
                "days": 0,
                "asks_from": "2026-11-03",
                "message": "sent on 2026-11-02, waiting for their reply",
                "silence": None,
                "offer": None,
            }
        ]
        assert state(data, "apologise") == "locked"  # finish first: Reach out with care
        again = answer(runner, tmp_path, {"reach_out": {"response": "warm"}})
        assert again.exit_code == 2 and "is waiting: sent on 2026-11-02" in again.stderr
        shown = run(runner, "status")
        assert "Reach out with care: sent on 2026-11-02, waiting for their reply" in shown.stdout

    with on(SENT + dt.timedelta(days=1)):
        assert answer(runner, tmp_path, {"reach_out": {"response": "warm"}}).exit_code == 0
        data = status(runner)
        assert state(data, "reach_out") == "done" and data["waiting"] == []
        # the next contact step asks its own pressure check, even the day after one
        result = answer(runner, tmp_path, {"apologise": {"owe_apology": "clearly"}})
        assert result.exit_code == 2 and "asks the day's pressure check first" in result.stderr


def test_no_reply_keeps_the_chain_paused_then_silence_is_an_answer_too(
    runner, tmp_path: Path, ready: None
) -> None:
    with on(SENT):
        sent = {"pressure_check": CALM_CHECK, "reach_out": answers_for("reach_out", ("response",))}
        assert answer(runner, tmp_path, sent).exit_code == 0
    for days in (1, 5):
        with on(SENT + dt.timedelta(days=days)):
            assert answer(runner, tmp_path, {"reach_out": {"response": "no_reply"}}).exit_code == 0
            data = status(runner)
            assert state(data, "reach_out") == "waiting"
            assert state(data, "apologise") == "locked"
            assert data["waiting"][0]["asks_from"] == str(SENT + dt.timedelta(days=days + 1))
            assert data["waiting"][0]["silence"] is None
    with on(SENT + dt.timedelta(days=14)):  # the content's silence_days
        data = status(runner)
        wait = data["waiting"][0]
        assert wait["days"] == 14 and wait["offer"] == "moving_on"
        assert "Silence is an answer too" in wait["silence"]
        assert state(data, "reach_out") == "in_progress"  # they may still say what happened
        shown = run(runner, "status").stdout
        assert "Silence is an answer too" in shown and "exback start --step moving_on" in shown
        assert state(data, "apologise") == "locked"


def test_a_hold_inside_a_step_pauses_it_with_its_reason(
    runner, tmp_path: Path, ready: None
) -> None:
    done = dt.date(2026, 11, 10)
    for step_id in ["reach_out", "apologise", "friends_first"]:  # each done, answered next day
        step = PROGRAM.step(step_id)
        assert step is not None and step.waits is not None
        with on(done):
            before = answers_for(step_id, tuple(step.waits.outcomes))
            result = answer(runner, tmp_path, {"pressure_check": CALM_CHECK, step_id: before})
            assert result.exit_code == 0, result.output
        done += dt.timedelta(days=1)
        with on(done):
            outcomes = {q: answers_for(step_id)[q] for q in step.waits.outcomes}
            assert answer(runner, tmp_path, {step_id: outcomes}).exit_code == 0
    with on(done):
        talk = {"readiness": 1, "signs_open": ["warm_tone"], "has_changed": True}
        result = answer(
            runner, tmp_path, {"pressure_check": CALM_CHECK, "reconciliation_talk": talk}
        )
        assert result.exit_code == 2
        assert "'signs_open': not now: paused until" in result.stderr
        assert "don't feel ready yet" in result.stderr
        assert "The step that helps: 'Prepare yourself emotionally'" in result.stderr
        held = {"pressure_check": CALM_CHECK, "reconciliation_talk": {"readiness": 1}}
        assert answer(runner, tmp_path, held).exit_code == 0
        data = status(runner)
        assert state(data, "reconciliation_talk") == "locked"
    with on(done + dt.timedelta(days=1)):  # asked again the next day
        result = answer(
            runner,
            tmp_path,
            {"pressure_check": CALM_CHECK, "reconciliation_talk": {"can_accept_no": False}},
        )
        assert result.exit_code == 2 and "answer 'readiness' first" in result.stderr
        talk = {
            "readiness": 8,
            "signs_open": ["warm_tone"],
            "has_changed": True,
            "what_changed": "x",
            "what_i_want": "y",
            "can_accept_no": False,
        }
        assert (
            answer(
                runner, tmp_path, {"pressure_check": CALM_CHECK, "reconciliation_talk": talk}
            ).exit_code
            == 0
        )
        data = status(runner)
        reason = next(s["reason"] for s in data["steps"] if s["id"] == "reconciliation_talk")
        assert state(data, "reconciliation_talk") == "locked" and "hear a no" in reason


def test_the_walk_waits_after_sending(
    runner, tmp_path: Path, ready: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    with on(SENT):
        sent = {
            "pressure_check": CALM_CHECK,
            "reach_out": answers_for("reach_out", ("sent", "response")),
        }
        assert answer(runner, tmp_path, sent).exit_code == 0
        # the walk: "Have you sent it?" y; then it stops, waiting, before the outcome
        result = type_into(runner, "y\r", "start", "--step", "reach_out")
        assert "Have you sent it?" in result.stdout
        assert "How did they respond?" not in result.stdout
        shown = " ".join(result.stdout.replace("│", " ").split())
        assert "Sent on 2026-11-02, waiting for their reply." in shown
        assert "asked from 2026-11-03 on" in shown
        again = run(runner, "start", "--step", "reach_out")
        assert again.exit_code == 2 and "is waiting: sent on 2026-11-02" in again.stderr
    with on(SENT + dt.timedelta(days=1)):
        result = type_into(runner, "3\r", "start", "--step", "reach_out")  # 3: no reply yet
        assert "How did they respond?" in result.stdout
        assert "asked from 2026-11-04" in " ".join(result.stdout.replace("│", " ").split())
        assert state(status(runner), "reach_out") == "waiting"
    with on(SENT + dt.timedelta(days=20)):
        result = type_into(runner, "2\r", "start", "--step", "reach_out")  # 2: open moving on
        shown = " ".join(result.stdout.replace("│", " ").split())
        assert "Silence is an answer too" in shown
        assert "Step 18 of 19 · Accepting their answer and moving on" in shown


def _broken(tmp_path: Path, step_id: str, old: str, new: str) -> str:
    import shutil

    from exback.errors import ContentError

    folder = tmp_path / f"content-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(PACKAGED, folder)
    path = folder / "steps" / f"{step_id}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as info:
        load_program(folder)
    return info.value.message.replace(str(folder), "CONTENT")


def test_holds_and_waits_are_checked_with_file_and_line(tmp_path: Path) -> None:
    error = _broken(tmp_path, "reach_out", "hold: wait_longer", "hold: nowhere")
    assert "CONTENT/steps/reach_out.yaml:" in error and "unknown hold 'nowhere'" in error
    error = _broken(tmp_path, "reach_out", "after: sent", "after: channel")
    assert "'channel' is not a yes/no question here" in error
    error = _broken(tmp_path, "reach_out", "outcomes: [response]", "outcomes: [draft]")
    assert "'draft' is not a question after 'sent'" in error
    error = _broken(tmp_path, "reach_out", "{date}", "a day")
    assert "waiting must say {date}" in error
    error = _broken(
        tmp_path, "reconciliation_talk", "        hold: no_signs\n", "        waiting: true\n"
    )
    assert "only an outcome question (the step's waits.outcomes) can wait" in error
