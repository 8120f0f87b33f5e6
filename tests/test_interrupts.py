"""Ctrl-C (and Ctrl-D) at the prompts of commands other than `start`, in a real terminal.

Each case: exit 130, one true line that does not send the person to `exback
start` (they were not in the walk), no traceback, and the data dir exactly as it
was, byte for byte, with no backup or temp file left behind.

The cases marked xfail go through the walk's prompt helpers in wizard.py, whose
interrupt message still says "Run 'exback start' to carry on" (and whose menus
ignore Ctrl-D); the rewrite of wizard.py makes them pass (strict=False, so they
turn green without an edit here).
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pyte
import pytest

EXBACK = str(Path(sys.executable).parent / "exback")
WIZARD = pytest.mark.xfail(
    strict=False, reason="lead's wizard rewrite: RESUME names 'exback start'; menus ignore Ctrl-D"
)

pytestmark = pytest.mark.timeout(90)


def exback(*args: str) -> None:
    subprocess.run([EXBACK, *args], check=True, capture_output=True, text=True, timeout=30)


def make_unhealthy(data_dir: Path) -> None:
    """A note, then a data dir others can read: doctor --repair has something to fix."""
    exback("journal", "add", "a note")
    data_dir.chmod(0o755)


@dataclass(frozen=True)
class Case:
    args: list[str]
    prompt: str  # words of the question the key is pressed at
    setup: Callable[[Path], None] = lambda data_dir: None
    answers: list[str] = field(default_factory=list)  # keys for earlier questions


CASES = {
    "checkin mood": pytest.param(Case(["checkin"], "mood"), marks=WIZARD),
    "checkin urge": pytest.param(Case(["checkin", "--mood", "5"], "urge"), marks=WIZARD),
    "checkin note": pytest.param(Case(["checkin"], "note", answers=["\r", "\r"]), marks=WIZARD),
    "checkin replace": pytest.param(
        Case(
            ["checkin", "--mood", "6", "--urge", "3"],
            "Replace it",
            lambda d: exback("checkin", "--mood", "5", "--urge", "2"),
        ),
        marks=WIZARD,
    ),
    "nocontact start days": pytest.param(Case(["nocontact", "start"], "How long"), marks=WIZARD),
    "nocontact restart": pytest.param(
        Case(
            ["nocontact", "start", "--days", "30"],
            "Start again",
            lambda d: exback("nocontact", "start", "--days", "14"),
        ),
        marks=WIZARD,
    ),
    "journal add": Case(["journal", "add"], "Your note"),
    "reset": Case(["reset"], "Type delete", lambda d: exback("journal", "add", "keep me")),
    "doctor repair": Case(["doctor", "--repair"], "Make these repairs", make_unhealthy),
}


def snapshot(data_dir: Path) -> dict[str, object]:
    """Every file under the data dir (bytes and mode), its mode, and what lies beside it."""
    beside = sorted(p.name for p in data_dir.parent.glob(data_dir.name + "*"))  # backups
    state: dict[str, object] = {"beside": beside}
    if data_dir.exists():
        state["."] = stat.S_IMODE(data_dir.stat().st_mode)
        for path in sorted(data_dir.rglob("*")):
            state[str(path.relative_to(data_dir))] = (
                stat.S_IMODE(path.stat().st_mode),
                path.read_bytes(),
            )
    return state


def press_at_prompt(case: Case, key: str) -> tuple[int, list[str]]:
    """Run the case in an 80x24 pty, press Ctrl-`key` at its prompt.

    Returns the exit code and the screen's non-blank lines afterwards, as a
    terminal shows them (pyte), so prompt_toolkit's cursor codes do not count.
    """
    env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(
        EXBACK, case.args, env=env, encoding="utf-8", timeout=15, dimensions=(24, 80)
    )
    child.logfile_read = seen = io.StringIO()
    try:
        for keys in case.answers:
            child.expect(r"\?")  # the next question
            child.send(keys)
        child.expect(case.prompt)
        child.sendcontrol(key)
        child.expect(pexpect.EOF, timeout=5)  # a key that does nothing fails here
    finally:
        child.close(force=True)
    screen = pyte.Screen(80, 24)
    pyte.Stream(screen).feed(seen.getvalue().replace("\n", "\r\n"))
    lines = [line.rstrip() for line in screen.display if line.strip()]
    return int(child.exitstatus if child.exitstatus is not None else -1), lines


@pytest.mark.parametrize("key", ["c", "d"], ids=["ctrl-c", "ctrl-d"])
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_interrupt_at_a_prompt(data_dir: Path, case: Case, key: str) -> None:
    case.setup(data_dir)
    before = snapshot(data_dir)
    code, lines = press_at_prompt(case, key)
    screen = "\n".join(lines)
    assert code == 130, screen
    assert snapshot(data_dir) == before  # nothing half-written, nothing left behind
    assert "Traceback" not in screen and "this is a bug" not in screen
    assert "exback start" not in screen, screen
    assert lines[-1].startswith("exback: "), screen  # one line that says what happened
