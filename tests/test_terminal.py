"""Colour and terminal codes in a real pseudo-terminal: TERM=dumb, NO_COLOR, --no-color.

The bytes exback writes are read as they arrive at the terminal (pexpect), so
anything Rich, click or exback itself sends is seen, on stdout and stderr alike.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from exback import journal
from exback.storage import Store, new_entry_id

from .conftest import CONTENT

EXBACK = str(Path(sys.executable).parent / "exback")
SGR = re.compile(rb"\x1b\[[0-9;]*m")  # colour, bold, dim
ESC = b"\x1b"

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]  # a real terminal or pipe, end to end


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once: a data dir with a countdown, a check-in and notes, plus input files."""
    root = tmp_path_factory.mktemp("terminal")
    data = root / "data"
    now = dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone.utc)
    Store(data).append_journal_entries(
        [journal.make_entry(new_entry_id(), f"note {i}", 5, ["evening"], now) for i in range(20)]
    )
    (root / "answers.yaml").write_text("understand: {reasons: We grew apart}\n")
    entries = [
        journal.make_entry(new_entry_id(), f"imported {i}", None, [], now) for i in range(3000)
    ]
    (root / "big.json").write_text(
        "[" + ",".join(journal.to_line(journal.entry_line(e)).decode() for e in entries) + "]"
    )
    env = {  # set here: the per-test fixtures of conftest are not in place yet
        "TERM": "xterm-256color",
        "EXBACK_DATA_DIR": str(data),
        "EXBACK_CONTENT_DIR": str(CONTENT),
        "HOME": str(root / "home"),
        "XDG_CACHE_HOME": str(root / "cache"),
    }
    for args in (["nocontact", "start", "--days", "30"], ["checkin", "--mood", "4", "--urge", "6"]):
        assert _terminal(args, env)[1] == 0
    return root


@pytest.fixture
def filled(template: Path, data_dir: Path) -> dict[str, str]:
    """This test's data dir, a copy of the template's."""
    shutil.copytree(template / "data", data_dir)
    return {"ANSWERS": str(template / "answers.yaml"), "BIG": str(template / "big.json")}


def _terminal(args: list[str], env: dict[str, str]) -> tuple[bytes, int]:
    """Every byte `exback ARGS` sends to an 80x24 terminal, and its exit code."""
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM", "FORCE_COLOR")}
    child = pexpect.spawn(EXBACK, args, env={**base, **env}, dimensions=(24, 80), timeout=60)
    out = child.read()
    child.close()
    return out, int(child.exitstatus if child.exitstatus is not None else -1)


COMMANDS = [
    ["status"],
    ["nocontact"],
    ["help-now"],
    ["journal", "list"],
    ["doctor"],
    ["where"],
    ["--help"],
    ["export", "--format", "md"],
    ["journal", "import", "BIG"],  # a progress bar on a terminal
    ["start", "--answers-file", "ANSWERS"],
    ["journal", "add", "   "],  # an error message
]


def _args(args: list[str], files: dict[str, str]) -> list[str]:
    return [files.get(a, a) for a in args]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_term_dumb_gets_no_escape_bytes_at_all(filled: dict[str, str], args: list[str]) -> None:
    out, _ = _terminal(_args(args, filled), {"TERM": "dumb"})
    assert out.strip()  # it did say something
    assert ESC not in out, out[max(0, out.find(ESC) - 40) : out.find(ESC) + 20]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("how", ["NO_COLOR", "--no-color"])
def test_no_color_gets_no_colour_codes(filled: dict[str, str], args: list[str], how: str) -> None:
    env = {"TERM": "xterm-256color"}
    if how == "NO_COLOR":
        env["NO_COLOR"] = "1"
        argv = _args(args, filled)
    else:
        argv = ["--no-color", *_args(args, filled)]
    out, _ = _terminal(argv, env)
    assert out.strip()
    assert not SGR.search(out), SGR.findall(out)[:5]


@pytest.mark.parametrize("args", [["status"], ["nocontact"], ["journal", "list"]])
def test_a_colour_terminal_does_get_colour(filled: dict[str, str], args: list[str]) -> None:
    """The check above can see colour codes: without the switches, they are there."""
    out, code = _terminal(args, {"TERM": "xterm-256color"})
    assert code == 0 and SGR.search(out)


@pytest.mark.parametrize("args", [["status"], ["nocontact"], ["journal", "list"], ["doctor"]])
def test_output_captured_by_a_program_has_no_codes(filled: dict[str, str], args: list[str]) -> None:
    """Not a terminal (a pipe, a file): plain text, even with a colour TERM."""
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.run(
        [EXBACK, *args],
        capture_output=True,
        env={**base, "TERM": "xterm-256color"},
        timeout=60,
    )
    assert proc.stdout.strip()
    assert ESC not in proc.stdout and ESC not in proc.stderr
