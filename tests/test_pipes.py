"""A reader that stops early (`exback ... | head -1`) is not an error: no message, exit 141."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exback import journal
from exback.errors import PIPE_CLOSED
from exback.storage import Store, new_entry_id

EXBACK = str(Path(sys.executable).parent / "exback")
UTC = dt.timezone.utc

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]  # a real terminal or pipe, end to end


@pytest.fixture
def notes(data_dir: Path) -> Path:
    """3,000 journal notes: far more output than a pipe buffer holds."""
    start = dt.datetime(2026, 1, 1, 9, tzinfo=UTC)
    entries = [
        journal.make_entry(
            new_entry_id(), f"note {i}: " + "a long day, " * 8, 5, ["evening"], start
        )
        for i in range(3000)
    ]
    Store(data_dir).append_journal_entries(entries)
    return data_dir


def head_1(*args: str) -> tuple[str, int, str]:
    """`exback ARGS | head -1` with a real pipe: read one line, close it, wait."""
    proc = subprocess.Popen(
        [EXBACK, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    return first, proc.wait(timeout=60), err


def closed_before_writing(*args: str) -> tuple[int, str]:
    """stdout is a pipe whose reader is already gone: every write fails (EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [EXBACK, *args], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60
        )
    finally:
        os.close(write_end)
    return proc.returncode, proc.stderr


@pytest.mark.usefixtures("notes")
@pytest.mark.parametrize("args", [["journal", "list"], ["journal", "list", "--json"]])
def test_journal_list_into_head(args: list[str]) -> None:
    for _ in range(5):  # the race between writer and reader differs each run
        first, code, err = head_1(*args)
        assert first.strip()
        assert err == ""
        assert code in (0, PIPE_CLOSED)


def test_help_now_into_head() -> None:
    for _ in range(5):
        first, code, err = head_1("help-now")
        assert first.strip()
        assert err == ""
        assert code in (0, PIPE_CLOSED)


def test_shell_pipe_into_head(notes: Path) -> None:
    """The command line from the issue, through a shell, with pipefail."""
    script = f'set -o pipefail; "{EXBACK}" journal list | head -2; echo "code=$?" >&2'
    for _ in range(3):
        proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        assert len(proc.stdout.splitlines()) == 2
        assert proc.stderr.strip() in ("code=0", f"code={PIPE_CLOSED}")


@pytest.mark.usefixtures("notes")
@pytest.mark.parametrize(
    "args",
    [
        ["help-now"],  # small: only the flush at exit writes
        ["journal", "list"],  # Rich
        ["journal", "list", "--json"],
        ["export"],
        ["export", "--format", "md"],
        ["status"],
        ["nocontact"],
        ["where"],
        ["--help"],  # click prints it before any command runs
        ["journal", "list", "--help"],
        ["--version"],
        ["--debug", "journal", "list"],  # not a bug, so no traceback either
    ],
)
def test_reader_gone_before_any_write(args: list[str]) -> None:
    code, err = closed_before_writing(*args)
    assert err == ""
    assert code == PIPE_CLOSED


@pytest.mark.parametrize(
    "args",
    [["help-now"], ["status"], ["journal", "list"], ["export"], ["nocontact"], ["--help"]],
)
def test_closed_stdout_or_stderr_is_not_a_bug(data_dir: Path, args: list[str]) -> None:
    """Started with stdout (or stderr) closed, `>&-`: as if sent to /dev/null."""
    command = " ".join(f"'{a}'" for a in [EXBACK, *args])
    closed_out = subprocess.run(
        ["bash", "-c", f"{command} >&-"], capture_output=True, text=True, timeout=60
    )
    assert (closed_out.returncode, closed_out.stderr) == (0, "")
    closed_err = subprocess.run(
        ["bash", "-c", f"{command} 2>&-"], capture_output=True, text=True, timeout=60
    )
    assert closed_err.returncode == 0 and closed_err.stdout.strip()


def test_a_note_saved_with_stdout_closed_lands_in_the_journal(data_dir: Path) -> None:
    proc = subprocess.run(
        ["bash", "-c", f"'{EXBACK}' journal add 'with stdout closed' >&-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    lines = (data_dir / "journal.jsonl").read_text().splitlines()
    assert len(lines) == 2 and "with stdout closed" in lines[1]  # after the header
