"""Every command through CliRunner, with good and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import time_machine

from exback import __version__

from .conftest import run

HOSTILE = "\x1b]0;x\x07\x1b[2J[/][bold]hi[link=http://x]y\u202e"


def test_version_and_help(runner) -> None:
    version = run(runner, "--version")
    assert version.exit_code == 0 and version.stdout.strip() == f"exback {__version__}"
    help_ = run(runner, "--help")
    assert help_.exit_code == 0
    assert help_.stdout.index("Examples:") < help_.stdout.index("Options:")
    add_help = run(runner, "journal", "add", "--help")
    assert "[TEXT]" in add_help.stdout  # brackets shown verbatim
    assert "shell's history" in add_help.stdout


@time_machine.travel("2026-11-22 21:30:00+00:00", tick=False)
def test_journal_add_and_list(runner) -> None:
    added = run(runner, "journal", "add", "Went for a walk", "--mood", "6", "--tag", "walk")
    assert added.exit_code == 0
    assert added.stdout == ""
    where, saved = added.stderr.splitlines()  # the first note also makes the data dir
    assert where.startswith("exback: your answers and notes are kept in")
    assert saved.startswith("Saved to your journal")
    run(runner, "journal", "add", "Second")
    listed = run(runner, "journal", "list", "--json")
    entries = json.loads(listed.stdout)
    assert [e["text"] for e in entries] == ["Second", "Went for a walk"]
    first = entries[1]
    assert set(first) == {"id", "created_at", "text", "mood", "tags"}
    assert first["mood"] == 6 and first["tags"] == ["walk"]
    assert first["created_at"].startswith("2026-11-22T") and first["created_at"][-6] in "+-"
    limited = json.loads(run(runner, "journal", "list", "--json", "--limit", "1").stdout)
    assert [e["text"] for e in limited] == ["Second"]
    human = run(runner, "journal", "list")
    assert "Went for a walk" in human.stdout and "mood 6/10" in human.stdout


def test_journal_newest_first_by_time(runner) -> None:
    with time_machine.travel("2026-11-22 10:00:00+00:00", tick=False):
        run(runner, "journal", "add", "morning")
    with time_machine.travel("2026-11-21 10:00:00+00:00", tick=False):
        run(runner, "journal", "add", "yesterday, added late")
    entries = json.loads(run(runner, "journal", "list", "--json").stdout)
    assert [e["text"] for e in entries] == ["morning", "yesterday, added late"]


def test_journal_add_from_stdin(runner) -> None:
    result = run(runner, "journal", "add", "--tag", "evening", input="from a pipe\n")
    assert result.exit_code == 0
    entries = json.loads(run(runner, "journal", "list", "--json").stdout)
    assert entries[0]["text"] == "from a pipe"
    assert entries[0]["tags"] == ["evening"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["journal", "add", "   "], None, "empty"),
        (["journal", "add"], "", "empty"),
        (["journal", "add", "x", "--mood", "11"], None, "--mood"),
        (["journal", "add", "x", "--mood", "0"], None, "--mood"),
        (["journal", "add", "x", "--mood", "abc"], None, "--mood"),
        (["journal", "add", "x", "--tag", "two words"], None, "--tag"),
        (["journal", "list", "--limit", "0"], None, "--limit"),
        (["status", "--bogus"], None, "--bogus"),
    ],
)
def test_bad_input_is_exit_2_and_writes_nothing(
    runner, data_dir: Path, args: list[str], stdin: str | None, message: str
) -> None:
    result = run(runner, *args, input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not (data_dir / "journal.jsonl").exists()


def test_hostile_text_is_stored_exactly_and_shown_inert(runner) -> None:
    assert run(runner, "journal", "add", HOSTILE, "--tag", "[red]x").exit_code == 0
    entries = json.loads(run(runner, "journal", "list", "--json").stdout)
    assert entries[0]["text"] == HOSTILE
    assert entries[0]["tags"] == ["[red]x"]
    human = run(runner, "journal", "list").stdout
    assert "\x1b" not in human and "\x07" not in human and "\u202e" not in human
    assert "\\x1b]0;x\\x07" in human
    assert "[/][bold]hi[link=http://x]y<U+202E>" in human
    assert "#[red]x" in human


def test_status_json_on_a_fresh_data_dir(runner, data_dir: Path) -> None:
    result = run(runner, "status", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"program", "steps", "no_contact", "journal"} <= set(data)
    assert data["no_contact"] is None
    journal = data["journal"]
    assert journal["count"] == 0 and journal["last_entry_at"] is None
    assert [w["entries"] for w in journal["recent_weeks"]] == [0, 0, 0, 0]
    assert journal["we_share_this_month"] is None
    assert all({"id", "title", "status"} <= set(s) for s in data["steps"])
    assert data["steps"][0]["status"] == "available"
    assert not data_dir.exists()  # reading never creates the data dir


@time_machine.travel("2026-11-22 21:30:00+00:00", tick=False)
def test_status_after_answers_and_notes(runner, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "understand:\n  reasons: we stopped talking\n  my_part: I withdrew\n  clarity: 6\n"
    )
    result = run(runner, "start", "--answers-file", str(answers))
    assert result.exit_code == 0, result.output
    assert "Saved 3 answers" in result.stderr
    run(runner, "journal", "add", "note")
    data = json.loads(run(runner, "status", "--json").stdout)
    states = {s["id"]: s["status"] for s in data["steps"]}
    assert states["understand"] == "done"
    assert data["journal"]["count"] == 1
    assert data["journal"]["last_entry_at"].startswith("2026-11-22T")
    human = run(runner, "status").stdout
    assert "Understand why it ended" in human and "Journal: 1 entry," in human


def test_safety_route_locks_steps_and_is_shown(runner, tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"safety_check": {"asked_no_contact": "said_no"}}))
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    data = json.loads(run(runner, "status", "--json").stdout)
    assert [r["id"] for r in data["routes"]] == ["moving_on"]
    human = run(runner, "status").stdout
    assert "Moving on" in human


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("nowhere:\n  q: 1\n", "unknown step 'nowhere'"),
        ("understand:\n  nope: 1\n", "unknown question 'nope'"),
        ("understand:\n  clarity: 11\n", "whole number from 1 to 10"),
        ("understand:\n  clarity: lots\n", "whole number from 1 to 10"),
        ("safety_check:\n  order: maybe\n", "expected one of: order, no_order"),
        ("understand:\n  reasons: '   '\n", "required"),
        ("- a list\n", "expected a mapping"),
        ("understand: {reasons: [unclosed\n", "does not parse"),
    ],
)
def test_bad_answers_file_is_exit_2_and_saves_nothing(
    runner, data_dir: Path, tmp_path: Path, body: str, message: str
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("understand:\n  my_part: fine\n" if body.startswith("nowhere") else body)
    if body.startswith("nowhere"):
        answers.write_text("understand:\n  my_part: fine\n" + body)
    result = run(runner, "start", "--answers-file", str(answers))
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (data_dir / "progress.json").exists()


def test_start_without_a_terminal_is_exit_2_naming_answers_file(runner) -> None:
    result = run(runner, "start", input="")
    assert result.exit_code == 2
    assert "--answers-file" in result.stderr
    assert run(runner, "start", "--no-input").exit_code == 2


def test_where(runner, data_dir: Path) -> None:
    run(runner, "journal", "add", "x")
    data = json.loads(run(runner, "where", "--json").stdout)
    assert data["data_dir"] == str(data_dir)
    assert "journal.jsonl" in [f["name"] for f in data["files"]]
    assert data["content_dir"].endswith("fixtures/content")
    assert str(data_dir) in run(runner, "where").stdout


def test_data_dir_option_beats_environment(runner, tmp_path: Path) -> None:
    other = tmp_path / "other"
    assert run(runner, "--data-dir", str(other), "journal", "add", "x").exit_code == 0
    assert (other / "journal.jsonl").exists()


def test_content_dir_option(runner, tmp_path: Path) -> None:
    result = run(runner, "--content-dir", str(tmp_path / "missing"), "status")
    assert result.exit_code == 2
    assert "program.yaml" in result.stderr
