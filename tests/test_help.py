"""Every command's --help, word for word, against a golden file (RULES.md 18).

The goldens are made at 80 columns. After changing a help text, regenerate them
and read the diff:  EXBACK_UPDATE_GOLDEN=1 uv run pytest tests/test_help.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from exback.cli import app

GOLDEN = Path(__file__).parent / "golden" / "help"
WIDTH = 80
EXBACK = str(Path(sys.executable).parent / "exback")


def _commands() -> list[tuple[str, ...]]:
    """Every command path of the app, the root and the groups included."""
    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():  # a group's commands
            walk(sub, (*path, name))

    walk(root, ())
    return found


COMMANDS = _commands()


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(
        app,
        [*path, "--help"],
        prog_name="exback",
        terminal_width=WIDTH - 2,  # as click lays out help in a terminal of WIDTH columns
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def _golden(path: tuple[str, ...]) -> Path:
    return GOLDEN / ("-".join(("exback", *path)) + ".txt")


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "exback")
def test_help_matches_golden(path: tuple[str, ...]) -> None:
    got = _help(path)
    golden = _golden(path)
    if os.environ.get("EXBACK_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got)
    assert golden.exists(), f"no golden for {' '.join(path)!r}: run with EXBACK_UPDATE_GOLDEN=1"
    assert got == golden.read_text()


def test_golden_is_what_the_installed_command_prints_at_80_columns() -> None:
    env = {**os.environ, "COLUMNS": str(WIDTH)}
    for path in [(), ("journal", "list"), ("doctor",)]:
        got = subprocess.run(
            [EXBACK, *path, "--help"], capture_output=True, text=True, env=env, check=True
        ).stdout
        assert got == _golden(path).read_text()


def test_no_golden_without_a_command() -> None:
    """A removed or renamed command takes its golden file with it."""
    expected = {_golden(p).name for p in COMMANDS}
    assert {p.name for p in GOLDEN.glob("*.txt")} == expected


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "exback")
def test_help_leads_with_examples_that_name_only_this_command(path: tuple[str, ...]) -> None:
    """Examples come right after the summary, and each runs this very command."""
    text = _help(path)
    body = text.split("\n\n", 2)  # usage, summary, the rest
    assert body[2].lstrip().startswith(("Examples:", "Example:")), body[2][:80]
    examples = body[2].split("\n\n", 1)[0].splitlines()[1:]
    assert examples
    prefix = " ".join(("exback", *path))
    for line in examples:
        assert prefix in line, f"{line.strip()!r} is not an example of {prefix!r}"


def test_main_help_shows_every_command_in_an_example() -> None:
    text = _help(())
    examples = text.split("Examples:", 1)[1].split("\n\n", 1)[0]
    for path in COMMANDS:
        if path and not hasattr(_command(path), "commands"):
            assert f"exback {' '.join(path)}" in examples, path


def _command(path: tuple[str, ...]) -> Any:
    cmd: Any = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    return cmd


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "exback")
def test_help_fits_80_columns(path: tuple[str, ...]) -> None:
    """No line runs over, and no command's summary is cut short with '...'."""
    text = _help(path)
    for line in text.splitlines():
        assert len(line) <= WIDTH, line
    if "Commands:" in text:
        for line in text.split("Commands:", 1)[1].splitlines():
            assert not line.endswith("..."), line
