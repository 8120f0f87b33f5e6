"""The interactive walk, driven through a prompt_toolkit pipe (keys sent up front)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import time_machine

from exback import cli

from .conftest import run, type_into

ENTER = "\r"
FINISH = "\x1b\r"  # Esc, Enter: ends a multiline answer
CTRL_C = "\x03"

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipe stands in for a person at a terminal."""
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)


def drive(runner, keys: str, *args: str):
    """Run `exback start ARGS` with these keystrokes; the pipe closes after them (Ctrl-D)."""
    return type_into(runner, keys, "start", *args)


def status(runner) -> dict:
    return json.loads(run(runner, "status", "--json").stdout)


def saved(data_dir: Path) -> dict:
    return json.loads((data_dir / "progress.json").read_text())


def understand_keys() -> str:
    # reasons (multiline), my_part (text), their_view (optional text), clarity (scale 1..10)
    return "We grew apart" + FINISH + "I stopped listening" + ENTER + ENTER + "6" + ENTER


# the review's menu (fixture steps have no things to do): 1 Continue, 2 Redo one
# question, 3 Help now, 4 Stop for now
CONTINUE, REDO, STOP = "1" + ENTER, "2" + ENTER, "4" + ENTER


def test_first_walk_review_redo_then_next_step(runner, data_dir: Path) -> None:
    keys = (
        understand_keys()
        + REDO
        + "2"
        + ENTER  # which question: my_part
        + "\x15I withdrew"
        + ENTER  # Ctrl-U clears the previous answer shown as default
        + CONTINUE
        # the next step is the safety check: answer "no" (2) to all four
        + ("2" + ENTER) * 4
        + STOP
    )
    result = drive(runner, keys)
    assert result.exit_code == 0, result.output
    assert "Welcome to exback" in result.stdout
    assert "Understand why it ended" in result.stdout
    assert "Your answers: Understand why it ended" in result.stdout
    answers = saved(data_dir)["steps"]["understand"]["answers"]
    assert answers["reasons"]["value"] == "We grew apart"
    assert answers["my_part"]["value"] == "I withdrew"
    assert answers["their_view"]["value"] == ""
    assert answers["clarity"]["value"] == 6
    states = {s["id"]: s["status"] for s in status(runner)["steps"]}
    assert states["understand"] == "done"
    assert states["safety_check"] == "done"
    assert status(runner)["routes"] == []
    assert "Run 'exback start' to carry on" in result.stderr
    assert result.stderr.startswith("If you need support right now: exback help-now")


def test_ctrl_c_keeps_answers_and_resume_asks_only_the_rest(runner, data_dir: Path) -> None:
    first = drive(runner, "We grew apart" + FINISH + CTRL_C)
    assert first.exit_code == 130
    assert first.stderr.strip().endswith("Run 'exback start' to carry on where you left off.")
    assert "draft" not in first.stderr  # nothing was being typed
    assert saved(data_dir)["steps"]["understand"]["answers"]["reasons"]["value"] == (
        "We grew apart"
    )
    # resume: the home menu's first entry (filled in) continues the same step at my_part
    second = drive(runner, ENTER + "I stopped listening" + ENTER + ENTER + "6" + ENTER + STOP)
    assert second.exit_code == 0, second.output
    answers = saved(data_dir)["steps"]["understand"]["answers"]
    assert answers["reasons"]["value"] == "We grew apart"  # not asked again
    assert answers["my_part"]["value"] == "I stopped listening"
    assert answers["clarity"]["value"] == 6


def test_ctrl_d_at_a_prompt_is_an_interrupt_too(runner, data_dir: Path) -> None:
    result = drive(runner, "We grew apart" + FINISH)  # the pipe then closes: Ctrl-D
    assert result.exit_code == 130
    assert saved(data_dir)["steps"]["understand"]["answers"]["reasons"]["value"] == (
        "We grew apart"
    )


def test_route_switch_closes_contact_steps_at_once(runner, data_dir: Path, tmp_path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("understand: {reasons: r, my_part: m, clarity: 5}\n")
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    # home: Continue -> safety check: first question "Yes" (routes), the rest "No"
    keys = ENTER + "1" + ENTER + ("2" + ENTER) * 3 + STOP
    result = drive(runner, keys)
    assert result.exit_code == 0, result.output
    assert "Moving on, for you" in result.stdout
    assert "closed" in result.stdout
    data = status(runner)
    assert [r["id"] for r in data["routes"]] == ["moving_on"]
    log = saved(data_dir)["route_log"]
    assert [(c["route"], c["active"], c["question"]) for c in log] == [
        ("moving_on", True, "asked_no_contact")
    ]


def test_locked_step_is_refused_with_its_reason(runner, tmp_path: Path) -> None:
    content = tmp_path / "content"
    import shutil

    from .conftest import CONTENT

    shutil.copytree(CONTENT, content)
    step = content / "steps" / "no_contact.yaml"
    step.write_text(step.read_text() + "requires: {steps: [understand]}\n")
    result = run(runner, "--content-dir", str(content), "start", "--step", "no_contact")
    assert result.exit_code == 2
    assert "--step 'no_contact' is locked: finish first: Understand why it ended" in result.stderr
    unknown = run(runner, "start", "--step", "nowhere")
    assert unknown.exit_code == 2 and "not a step" in unknown.stderr


@time_machine.travel("2026-11-22 21:00:00+00:00", tick=False)
def test_no_contact_step_starts_the_countdown(runner, data_dir: Path) -> None:
    keys = (
        "1 2"
        + ENTER  # terms: tick two
        + "Go for a walk"
        + ENTER  # urge plan
        + "y"
        + ENTER  # ready: yes
        + "30"
        + ENTER  # 30 days
        + STOP
    )
    result = drive(runner, keys, "--step", "no_contact")
    assert result.exit_code == 0, result.output
    assert "Your no-contact period has started: 30 days" in result.stdout
    nc = status(runner)["no_contact"]
    assert nc["started_on"] == "2026-11-22" and nc["days"] == 30 and nc["day"] == 1
    terms = saved(data_dir)["steps"]["no_contact"]["answers"]["terms"]["value"]
    assert terms == ["no_messages", "no_social"]


def test_home_menu_lists_locked_steps_but_cannot_enter_them(runner, data_dir: Path) -> None:
    first = drive(runner, CTRL_C)  # welcome, then Ctrl-C at the first question
    assert first.exit_code == 130
    # nothing answered yet, so still a first run: the welcome shows again
    assert "Welcome to exback" in drive(runner, CTRL_C).stdout


def test_things_to_do_are_ticked_in_the_review(runner, data_dir: Path, monkeypatch) -> None:
    from exback.content import load_program

    from .conftest import PACKAGED, sample_answer

    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(PACKAGED))
    step = load_program(PACKAGED).step("understand_breakup")
    assert step is not None and len(step.actions) >= 2
    answers = data_dir.parent / "a.json"
    answers.write_text(json.dumps({step.id: {q.id: sample_answer(q) for q in step.questions}}))
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    # review: 1 Continue, 2 Redo, 3 Tick off things to do, 4 Help now, 5 Stop for now
    result = drive(runner, "3" + ENTER + "2" + ENTER + "5" + ENTER, "--step", step.id)
    assert result.exit_code == 0, result.output
    assert f"☑ {step.actions[1].text}" in " ".join(result.stdout.split())
    assert saved(data_dir)["steps"][step.id]["actions_done"] == [step.actions[1].id]
    shown = next(s for s in status(runner)["steps"] if s["id"] == step.id)["actions"]
    assert [a["done"] for a in shown] == [False, True, *([False] * (len(step.actions) - 2))]
    report = run(runner, "export", "--format", "md").stdout
    assert f"- [x] {step.actions[1].text}" in report
    assert f"- [ ] {step.actions[0].text}" in report


def test_each_answer_reads_progress_once(
    runner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: the walk reads progress.json once per answer (the save's own read, under
    the lock), and the save does not read the file again to check its schema."""
    from exback import storage

    assert drive(runner, "We grew apart" + FINISH + CTRL_C).exit_code == 130
    log: list[str] = []
    read_checked, save = storage.read_checked, storage.Store.save_progress

    def logged_read(path, limit):
        if path.name == "progress.json":
            log.append("read")
        return read_checked(path, limit)

    def logged_save(self, progress):
        log.append("save")
        return save(self, progress)

    monkeypatch.setattr(storage, "read_checked", logged_read)
    monkeypatch.setattr(storage.Store, "save_progress", logged_save)
    result = drive(runner, ENTER + "I stopped listening" + ENTER + ENTER + "6" + ENTER + STOP)
    assert result.exit_code == 0, result.output
    answers = saved(data_dir)["steps"]["understand"]["answers"]
    assert answers["my_part"]["value"] == "I stopped listening" and answers["clarity"]["value"] == 6
    # from the first answer on: each save read the file once, and nothing else read it
    first = log.index("save") - 1
    assert log[first:] == ["read", "save"] * log.count("save")
    assert log.count("save") >= 3  # my_part, their_view, clarity (and where the walk stopped)
