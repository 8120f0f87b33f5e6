"""End to end: the installed `exback` in a real pseudo-terminal, as a person uses it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

EXBACK = str(Path(sys.executable).parent / "exback")
DOWN = "\x1b[B"
ENTER = "\r"

pytestmark = pytest.mark.timeout(60)


def spawn(*args: str) -> pexpect.spawn:
    # a real terminal answers cursor-position requests; pexpect does not, so skip them
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    return pexpect.spawn(
        EXBACK, list(args), env=env, encoding="utf-8", timeout=15, dimensions=(50, 120)
    )


def status() -> dict:
    out = subprocess.run(
        [EXBACK, "status", "--json"], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def test_first_walk_through_two_steps(data_dir: Path) -> None:
    child = spawn("start")
    child.expect("Welcome to exback")
    child.expect("why did the relationship end")
    child.send("We grew apart\x1b\r")
    child.expect("What was your part")
    child.send("I withdrew" + ENTER)
    child.expect("How do you think they would explain it")
    child.send(ENTER)
    child.expect("How clear are you")
    child.send(DOWN * 6 + ENTER)
    child.expect("Your answers: Understand why it ended")
    child.expect("How would you like to go on")
    child.send(ENTER)  # continue
    child.expect("Safety and boundaries check")
    for prompt in ("asked you not to contact", "protective or restraining", "threats", "moved on"):
        child.expect(prompt)
        child.send(DOWN + ENTER)  # "No"
    child.expect("How would you like to go on")
    child.send(DOWN * 2 + ENTER)  # stop for now
    assert finish(child) == 0
    steps = {s["id"]: s["status"] for s in status()["steps"]}
    assert steps["understand"] == "done" and steps["safety_check"] == "done"


def test_ctrl_c_mid_step_then_resume(data_dir: Path) -> None:
    child = spawn("start")
    child.expect("why did the relationship end")
    child.send("We grew apart\x1b\r")
    child.expect("What was your part")
    child.sendcontrol("c")
    child.expect("Run 'exback start' to carry on")
    assert finish(child) == 130
    data = status()
    assert {s["id"]: s["status"] for s in data["steps"]}["understand"] == "in_progress"
    saved = json.loads((data_dir / "progress.json").read_text())
    assert saved["steps"]["understand"]["answers"]["reasons"]["value"] == "We grew apart"

    child = spawn("start")
    child.expect("Continue: Understand why it ended")
    child.send(ENTER)
    child.expect("What was your part")  # the answered question is not asked again
    assert "why did the relationship end" not in (child.before or "")
    child.send("I withdrew" + ENTER)
    child.expect("How do you think they would explain it")
    child.sendcontrol("c")
    assert finish(child) == 130
    saved = json.loads((data_dir / "progress.json").read_text())
    answers = saved["steps"]["understand"]["answers"]
    assert answers["reasons"]["value"] == "We grew apart"
    assert answers["my_part"]["value"] == "I withdrew"


def test_step_option_refuses_a_locked_step(data_dir: Path, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("safety_check: {asked_no_contact: said_no}\n")
    subprocess.run([EXBACK, "start", "--answers-file", str(answers)], check=True)
    child = spawn("start", "--step", "reach_out")
    child.expect("--step 'reach_out' is locked: What you shared")
    assert finish(child) == 2


def test_start_without_a_terminal_exits_2_at_once(data_dir: Path) -> None:
    began = time.monotonic()
    with open(os.devnull) as devnull:
        proc = subprocess.run(
            [EXBACK, "start"], stdin=devnull, capture_output=True, text=True, timeout=10
        )
    assert proc.returncode == 2
    assert "--answers-file" in proc.stderr
    assert time.monotonic() - began < 1.0
