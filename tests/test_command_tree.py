"""`main()` builds only the command it runs (cli.only_the_command): the same behaviour."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_command

from exback.cli import app, only_the_command


def names(built: typer.Typer) -> set[str]:
    """The commands built, a group's as `group command`."""
    found = set()
    for name, command in get_command(built).commands.items():  # type: ignore[attr-defined]
        found.add(name)
        found.update(f"{name} {sub}" for sub in getattr(command, "commands", {}))
    return found


ALL = names(app)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["status"], {"status"}),
        (["status", "--short"], {"status"}),
        (["--no-color", "journal", "add", "status"], {"journal", "journal add"}),
        (["--data-dir", "status", "journal", "list"], {"journal", "journal list"}),
        (["--data-dir=/tmp/x", "where"], {"where"}),
        (["--lock-timeout", "5", "nocontact", "urge"], {"nocontact", "nocontact urge"}),
        (["nocontact", "--json"], {n for n in ALL if n.startswith("nocontact")}),
        (["journal", "--help"], {n for n in ALL if n.startswith("journal")}),
        (["journal", "lst"], {n for n in ALL if n.startswith("journal")}),
        (["safety-plan", "show"], {"safety-plan", "safety-plan show"}),
        (["help-now"], {"help-now"}),
        (["--help"], ALL),  # the root help lists every command
        (["-h"], ALL),
        (["-h", "status"], ALL),  # help asked for first: the root's
        (["journal", "--help", "add"], {n for n in ALL if n.startswith("journal")}),
        ([], ALL),
        (["stat"], ALL),  # unknown: click names the ones it could be
        (["--data-dir", "x"], ALL),
    ],
)
def test_only_the_named_command_is_built(args: list[str], expected: set[str]) -> None:
    assert names(only_the_command(app, args)) == expected


def test_the_full_app_is_left_whole() -> None:
    only_the_command(app, ["status"])
    only_the_command(app, ["--help"])
    assert names(app) == ALL and len(ALL) > 15
    assert get_command(app).commands["status"].params  # type: ignore[attr-defined]


def test_a_listed_command_is_never_run() -> None:
    """To list commands, they stand in without options: nothing to build, nothing to run."""
    shown = get_command(only_the_command(app, ["--help"]))
    status = shown.commands["status"]  # type: ignore[attr-defined]
    assert [p.name for p in status.params] == [] and status.help.startswith("Show your progress")
    with pytest.raises(AssertionError):
        status.callback()


def exback(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("exback")), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "EXBACK_DATA_DIR": str(data_dir),
            "NO_COLOR": "1",
            "COLUMNS": "80",
        },
    )


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--help"],
        ["journal", "--help"],
        ["journal", "add", "--help"],
        ["journal", "lst"],
        ["nocontact", "--help"],
        ["stat"],
        ["status", "--bogus"],
        ["--help"],
        [],
        ["-h", "status"],
        ["journal", "--help", "add"],
        ["journal"],
        ["nocontact", "--json"],
        ["--version"],
    ],
    ids=" ".join,
)
def test_a_run_says_what_the_whole_app_says(args: list[str], runner, data_dir: Path) -> None:
    whole = runner.invoke(app, args, prog_name="exback", terminal_width=78)  # 80 columns
    ran = exback(*args, data_dir=data_dir)
    assert (ran.returncode, ran.stdout, ran.stderr) == (
        whole.exit_code,
        whole.stdout,
        whole.stderr,
    )
