"""The command that makes the data dir says, once, where the data is and that it stays here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run
from .screen import FINISH, Terminal

WHERE = "exback: your answers and notes are kept in"
STAYS = "Nothing leaves this machine."


def _prepare(tmp_path: Path) -> dict[str, str]:
    """Files some of the commands read: an answers file, a journal export, an export."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("understand: {reasons: We grew apart}\n")
    notes = tmp_path / "notes.json"
    notes.write_text(
        json.dumps(
            [
                {
                    "id": "0" * 32,
                    "created_at": "2026-01-01T10:00:00+00:00",
                    "text": "an old note",
                    "mood": None,
                    "tags": [],
                }
            ]
        )
    )
    return {"ANSWERS": str(answers), "NOTES": str(notes)}


CREATING = [
    ["journal", "add", "a first note"],
    ["checkin", "--mood", "5", "--urge", "2"],
    ["nocontact", "start", "--days", "30"],
    ["start", "--answers-file", "ANSWERS"],
    ["journal", "import", "NOTES"],
]


@pytest.mark.parametrize("args", CREATING, ids=lambda a: " ".join(a[:2]))
def test_the_first_command_says_where_once(
    runner, data_dir: Path, tmp_path: Path, args: list[str]
) -> None:
    files = _prepare(tmp_path)
    args = [files.get(a, a) for a in args]
    assert not data_dir.exists()
    first = run(runner, *args)
    assert first.exit_code == 0, first.output
    assert data_dir.is_dir()
    assert first.stderr.count(WHERE) == 1 and STAYS in first.stderr
    assert f"{WHERE} {data_dir}," in first.stderr
    assert WHERE not in first.stdout  # a message, never mixed with results
    again = run(runner, "journal", "add", "a second note")
    assert again.exit_code == 0 and WHERE not in again.stderr


def test_restore_into_a_new_data_dir_says_where(runner, data_dir: Path, tmp_path: Path) -> None:
    run(runner, "journal", "add", "kept")
    export = tmp_path / "export.json"
    assert run(runner, "export", "--output", str(export)).exit_code == 0
    elsewhere = tmp_path / "new-machine"
    restored = run(runner, "--data-dir", str(elsewhere), "restore", str(export))
    assert restored.exit_code == 0 and restored.stderr.count(WHERE) == 1
    assert str(elsewhere) in restored.stderr


def test_an_existing_folder_is_not_announced(runner, data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)  # made by the person, or by an earlier exback
    result = run(runner, "journal", "add", "a note")
    assert result.exit_code == 0 and WHERE not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["where"],
        ["nocontact"],
        ["journal", "list"],
        ["doctor"],
        ["export"],
        ["help-now"],
        ["reset", "--confirm", "delete"],
    ],
)
def test_commands_that_only_read_neither_make_it_nor_say_it(
    runner, data_dir: Path, args: list[str]
) -> None:
    result = run(runner, *args)
    assert WHERE not in result.stderr
    assert not data_dir.exists()


def test_a_failed_first_command_makes_nothing_and_says_nothing(runner, data_dir: Path) -> None:
    result = run(runner, "journal", "add", "   ")
    assert result.exit_code == 2 and WHERE not in result.stderr
    assert not data_dir.exists()


@pytest.mark.timeout(60)
def test_start_step_says_where_before_the_first_question(data_dir: Path) -> None:
    term = Terminal("start", "--step", "understand")
    term.wait_for("your answers and notes are kept in")
    term.wait_for("why did the relationship end")
    term.wait_prompt()
    term.type("We grew apart" + FINISH)
    term.wait_for("What was your part")
    term.wait_prompt()
    shown = term.transcript.split("What was your part")[0]
    assert shown.count("kept in") == 1  # not again when the folder appears
    term.type("\x03")
    assert term.finish() == 130
    assert data_dir.is_dir()


@pytest.mark.timeout(60)
def test_the_first_start_leaves_it_to_the_welcome(data_dir: Path) -> None:
    term = Terminal("start")
    term.wait_for("why did the relationship end")
    term.wait_prompt()
    term.type("We grew apart" + FINISH)
    term.wait_for("What was your part")
    term.wait_prompt()
    term.type("\x03")
    assert term.finish() == 130
    assert "Welcome to exback" in term.transcript
    assert "your answers and notes are kept in" not in term.transcript
    assert data_dir.is_dir()
