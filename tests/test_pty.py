"""End to end: the installed `exback` in a real pseudo-terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect

EXBACK = str(Path(sys.executable).parent / "exback")
DOWN = "\x1b[B"


def spawn(data_dir: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "EXBACK_DATA_DIR": str(data_dir), "TERM": "xterm", "NO_COLOR": "1"}
    return pexpect.spawn(
        EXBACK, list(args), env=env, encoding="utf-8", timeout=15, dimensions=(40, 120)
    )


def test_start_asks_and_saves_the_first_answer(data_dir: Path) -> None:
    child = spawn(data_dir, "start")
    child.expect("Welcome")
    child.expect("why did the relationship end")
    child.send("We grew apart")
    child.send("\x1b\r")  # Esc, Enter: finish the multiline answer
    child.expect("What was your part")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    status = subprocess.run(
        [EXBACK, "status", "--json"],
        env={**os.environ, "EXBACK_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    steps = {s["id"]: s["status"] for s in json.loads(status.stdout)["steps"]}
    assert steps["understand"] == "in_progress"
    saved = json.loads((data_dir / "progress.json").read_text())
    assert saved["steps"]["understand"]["answers"]["reasons"]["value"] == "We grew apart"
