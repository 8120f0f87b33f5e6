"""Ctrl-C (and Ctrl-D) at the prompts of commands other than `start`, in a real terminal.

Each case: exit 130, one true line that does not send the person to `exback
start` (they were not in the walk), no traceback, and the data dir exactly as it
was, byte for byte, with no backup or temp file left behind.
The key is pressed once the prompt reads keys (the screen harness waits for
the answer line), as a person would.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .screen import Terminal

EXBACK = str(Path(sys.executable).parent / "exback")

pytestmark = [pytest.mark.timeout(90), pytest.mark.slow]  # a real terminal or pipe, end to end


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
    "checkin mood": Case(["checkin"], "mood"),
    "checkin urge": Case(["checkin", "--mood", "5"], "urge"),
    "checkin note": Case(["checkin"], "note", answers=["5\r", "0\r"]),
    "checkin replace": Case(
        ["checkin", "--mood", "6", "--urge", "3"],
        "Replace it",
        lambda d: exback("checkin", "--mood", "5", "--urge", "2"),
    ),
    "nocontact start days": Case(["nocontact", "start"], "How many days"),
    "nocontact restart": Case(
        ["nocontact", "start", "--days", "30"],
        "Start again",
        lambda d: exback("nocontact", "start", "--days", "14"),
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
    terminal shows them (pyte).
    """
    term = Terminal(*case.args)
    for keys in case.answers:
        term.wait_prompt()
        term.type(keys)
        term.pump(0.2)
    term.wait_for(case.prompt)
    term.wait_prompt()
    term.type({"c": "\x03", "d": "\x04"}[key])
    code = term.finish(timeout=5)  # a key that does nothing fails here
    return code, [line for line in term.lines() if line.strip()]


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
