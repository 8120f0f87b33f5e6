"""`exback sos` in a real pseudo-terminal: the animated pause and breath, help, plain lines.

The test content's pause is one second and its breath two (tests/fixtures/content/sos.yaml).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import CONTENT
from .screen import ENTER, EXBACK, FINISH, Terminal

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]
CTRL_D, CTRL_G = "\x04", "\x07"


def prepare(tmp_path: Path) -> None:
    subprocess.run([EXBACK, "nocontact", "start", "--days", "30"], check=True, capture_output=True)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"no_contact": {"urge_plan": "Phone in the drawer [b]x"}}))
    subprocess.run([EXBACK, "start", "--answers-file", str(answers)], check=True)


def saved(data_dir: Path) -> dict:
    return json.loads((data_dir / "progress.json").read_text())


@pytest.mark.parametrize(("columns", "rows"), [(80, 24), (40, 15)])
def test_sos_at_a_real_terminal(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: int, rows: int
) -> None:
    monkeypatch.delenv("NO_COLOR")  # colour on: the pause and the breath are animated
    prepare(tmp_path)
    term = Terminal("sos", columns=columns, rows=rows)
    term.wait_for("Pause · 0:0")  # the animated countdown, drawn by Rich
    term.type(CTRL_G)  # help now, at once, in the pause
    term.wait_for("Last reviewed")
    if rows >= 24:  # on a small screen these have scrolled by when the letter is asked
        term.wait_for("In your own words")  # the pause went on, and ended on its own
        term.wait_for("Phone in the drawer [b]x")
    term.wait_for("Enter to go on")
    term.wait_prompt()
    term.type(ENTER)
    term.wait_for("would you like to write it now")  # why it ended is not written yet
    term.wait_prompt()
    term.type("n" + ENTER)
    term.wait_for("never sent")
    term.wait_prompt()
    term.type("I miss you" + FINISH)
    term.wait_for("Kept as letter 1")
    term.wait_for("breath 1 of 1")  # the animated breath
    term.wait_for("Where are you now?")
    term.wait_prompt()
    assert all(len(line) <= columns for line in term.lines())
    term.type("1" + ENTER)
    term.wait_for("What came before the urge?")
    term.wait_prompt()
    term.type("1" + ENTER)
    term.wait_for("Logged: you held on.")
    assert term.finish() == 0
    data = saved(data_dir)
    assert data["letters"][0]["text"] == "I miss you"
    assert data["no_contact"]["events"][-1]["outcome"] == "held"
    assert data["no_contact"]["events"][-1]["triggers"] == ["night"]


def test_sos_in_a_dumb_terminal_is_plain_lines(data_dir: Path, tmp_path: Path) -> None:
    prepare(tmp_path)
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    sos = (CONTENT / "sos.yaml").read_text().replace("pause_seconds: 1", "pause_seconds: 40")
    (content / "sos.yaml").write_text(sos.replace("Waiting helps: an urge passes.", "Wait."))
    term = Terminal("sos", env={"TERM": "dumb", "EXBACK_CONTENT_DIR": str(content)})
    term.wait_for("Wait. Pause: 40 seconds left.")
    term.type(CTRL_G + ENTER)  # help now, as at every prompt here: Ctrl-G then Enter
    term.wait_for("Last reviewed")
    term.type(ENTER)  # the pause, still running, ends early
    term.wait_for("In your own words")
    term.wait_for("Enter to go on")
    term.type(ENTER)
    term.wait_for("would you like to write it now")  # why it ended is not written yet
    term.type("n" + ENTER)
    term.wait_for("never sent")
    term.type("Unsent" + "\x1b" + ENTER)
    term.wait_for("Kept as letter 1")
    term.wait_for("Breathe in for 1 second (1 of 1).")
    term.type(ENTER)  # ends the breath early
    term.wait_for("Where are you now?")
    term.type(CTRL_D)
    assert term.finish() == 130
    assert "\x1b[" not in term.transcript  # no cursor or style codes
    assert saved(data_dir)["letters"][0]["text"] == "Unsent"
