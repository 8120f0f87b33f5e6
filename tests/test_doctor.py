"""`exback doctor`: what it finds, what --repair changes, and that it never loses text."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from .conftest import lock_held, run
from .screen import Terminal


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text("understand:\n  reasons: we stopped talking\n")
    return path


def _fill(runner, answers: Path, notes: tuple[str, ...] = ("one", "two", "three")) -> None:
    """Real data: two saves (so there is a .bak) and some journal entries."""
    for _ in range(2):
        assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    for note in notes:
        assert run(runner, "journal", "add", note).exit_code == 0


def _doctor(runner, *args: str) -> tuple[int, dict]:
    result = run(runner, "doctor", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_no_data_dir_is_healthy_and_not_created(runner, data_dir: Path) -> None:
    result = run(runner, "doctor")
    assert result.exit_code == 0
    assert "Nothing is saved yet" in result.stdout and "All good" in result.stdout
    assert not data_dir.exists()


def test_healthy_data_dir(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    code, data = _doctor(runner)
    assert code == 0
    assert data == {
        "data_dir": str(data_dir),
        "exists": True,
        "healthy": True,
        "problems": [],
        "notes": [],
        "changes": [],
    }


def test_corrupt_progress_error_points_to_doctor(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    (data_dir / "progress.json").write_text("{bad")
    result = run(runner, "status")
    assert result.exit_code == 3
    assert "exback doctor" in result.stderr and result.stderr.count("\n") == 1


def test_corrupt_progress_is_moved_aside_and_bak_put_back(
    runner, data_dir: Path, answers: Path
) -> None:
    _fill(runner, answers)
    progress = data_dir / "progress.json"
    good = (data_dir / "progress.json.bak").read_bytes()
    progress.write_bytes(b'{"schema_version": 1, "created_at": ')
    before = _snapshot(data_dir)

    code, data = _doctor(runner)
    assert code == 1
    [problem] = data["problems"]
    assert problem["path"] == str(progress)
    assert problem["problem"].startswith("line 1, column ")
    assert "put back progress.json.bak" in problem["repair"]
    assert _snapshot(data_dir) == before  # checking changes nothing

    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0 and data["healthy"]
    assert progress.read_bytes() == good
    [aside] = data_dir.glob("progress.json.corrupt-*")
    assert aside.read_bytes() == before["progress.json"]
    assert data["changes"] == [
        f"kept a copy of progress.json as {aside.name}",
        "put back progress.json.bak as progress.json",
    ]
    assert (data_dir / "progress.json.bak").read_bytes() == good  # never rotated away
    assert [n["path"] for n in data["notes"]] == [str(aside)]
    assert run(runner, "status").exit_code == 0


def test_corrupt_progress_without_a_good_bak_is_kept_and_a_new_one_started(
    runner, data_dir: Path
) -> None:
    data_dir.mkdir(mode=0o700)
    (data_dir / "progress.json").write_bytes(b"[]")
    (data_dir / "progress.json.bak").write_bytes(b"not json either")
    for path in data_dir.iterdir():
        path.chmod(0o600)
    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0 and data["healthy"]
    [aside] = data_dir.glob("progress.json.corrupt-*")
    assert aside.read_bytes() == b"[]"
    [bak_copy] = data_dir.glob("progress.json.bak.corrupt-*")
    assert bak_copy.read_bytes() == b"not json either"
    assert data["changes"] == [
        f"kept a copy of progress.json as {aside.name}",
        f"kept a copy of progress.json.bak as {bak_copy.name}",
        "started a new progress.json",
    ]
    assert (data_dir / "progress.json.bak").read_bytes() == b"not json either"
    assert json.loads((data_dir / "progress.json").read_bytes())["steps"] == {}
    assert run(runner, "status", "--json").exit_code == 0


def test_newer_progress_is_reported_and_never_touched(runner, data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    newer = b'{"schema_version": 99, "created_at": "x"}'
    (data_dir / "progress.json").write_bytes(newer)
    (data_dir / "progress.json").chmod(0o600)
    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 1
    [problem] = data["problems"]
    assert "newer exback" in problem["problem"] and problem["repair"] is None
    assert data["changes"] == []
    assert (data_dir / "progress.json").read_bytes() == newer


def test_journal_with_bad_lines_keeps_every_line(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers, ("one", "two", "three", "four"))
    journal = data_dir / "journal.jsonl"
    header, *lines = journal.read_bytes().splitlines(keepends=True)
    damaged = (
        header + lines[0] + b"not json\n" + lines[1] + b"\n" + lines[2] + lines[3] + b'{"id": "to'
    )
    journal.write_bytes(damaged)

    result = run(runner, "doctor")
    assert result.exit_code == 1
    assert "2 lines cannot be read: 3, 5" in result.stdout
    assert "the last line is incomplete" in result.stdout
    assert journal.read_bytes() == damaged

    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0 and data["healthy"]
    [aside] = data_dir.glob("journal.jsonl.corrupt-*")
    assert aside.read_bytes() == damaged
    assert journal.read_bytes() == header + b"".join(lines)
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600
    listed = run(runner, "journal", "list", "--json")
    assert [e["text"] for e in json.loads(listed.stdout)] == ["four", "three", "two", "one"]
    assert listed.stderr == ""


def test_torn_last_line_is_set_aside(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    journal = data_dir / "journal.jsonl"
    whole = journal.read_bytes()
    journal.write_bytes(whole + b'{"id": "torn", "created_at": "2026-')
    code, data = _doctor(runner)
    assert code == 1 and "incomplete" in data["problems"][0]["problem"]
    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0
    [torn] = data_dir.glob("journal.jsonl.torn-*")
    assert torn.read_bytes() == b'{"id": "torn", "created_at": "2026-'
    assert journal.read_bytes() == whole
    assert "incomplete last line" in data["notes"][0]["note"]


def test_permissions_are_reported_and_fixed(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    data_dir.chmod(0o755)
    (data_dir / "journal.jsonl").chmod(0o644)
    code, data = _doctor(runner)
    assert code == 1
    assert {Path(p["path"]).name for p in data["problems"]} == {"data", "journal.jsonl"}
    assert any("others can look inside" in p["problem"] for p in data["problems"])
    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in data_dir.iterdir())
    assert len(data["changes"]) == 2


def test_only_exbacks_own_temp_files_are_removed(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    own = data_dir / ".progress.json.k2j_9x0a.tmp"
    own.write_text('{"half": ')
    foreign = data_dir / "notes.tmp"
    foreign.write_text("someone's file")
    code, data = _doctor(runner)
    assert code == 1
    assert [p["path"] for p in data["problems"]] == [str(own)]
    assert [n["path"] for n in data["notes"]] == [str(foreign)]
    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0
    assert not own.exists() and foreign.read_text() == "someone's file"
    assert data["changes"] == [f"removed the leftover temp file {own.name}"]


def test_repair_without_a_terminal_needs_yes(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    (data_dir / "progress.json").write_text("{bad")
    before = _snapshot(data_dir)
    result = run(runner, "doctor", "--repair", input="y\n")
    assert result.exit_code == 2
    assert "--yes" in result.stderr and result.stderr.count("\n") == 1
    assert _snapshot(data_dir) == before


def test_data_dir_that_is_a_file(runner, tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    result = run(runner, "--data-dir", str(target), "doctor", "--repair", "--yes")
    assert result.exit_code == 1
    assert "is a file, not a folder" in result.stdout
    assert target.read_text() == "x"


def test_a_held_lock_is_exit_4(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    assert (data_dir / ".lock").exists()
    assert _doctor(runner)[0] == 0  # a lock file nobody holds is harmless
    (data_dir / "progress.json").write_text("{bad")
    with lock_held(data_dir):
        result = run(runner, "doctor")
        assert result.exit_code == 4, result.output
        assert "held by another exback" in result.stderr and result.stdout == ""
        repaired = run(runner, "--lock-timeout", "0.5", "doctor", "--repair", "--yes")
        assert repaired.exit_code == 4
        assert (data_dir / "progress.json").read_text() == "{bad"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_repair_asks_first_in_a_terminal(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    (data_dir / "progress.json").write_text("{bad")
    term = Terminal("doctor", "--repair")
    term.wait_for("Make these repairs")
    term.wait_prompt()
    term.type("n\r")
    assert term.finish() == 1
    assert (data_dir / "progress.json").read_text() == "{bad"
    term = Terminal("doctor", "--repair")
    term.wait_for("Make these repairs")
    term.wait_prompt()
    term.type("y\r")
    term.wait_for("All good")
    assert term.finish() == 0
    assert run(runner, "status").exit_code == 0


def test_a_bad_bak_beside_a_good_file_is_a_note(runner, data_dir: Path, answers: Path) -> None:
    _fill(runner, answers)
    (data_dir / "progress.json.bak").write_text('{"schema_version": 2, "created_at": "x"}')
    (data_dir / "progress.json.bak").chmod(0o600)
    code, data = _doctor(runner)
    assert code == 0 and data["healthy"]
    [note] = data["notes"]
    assert note["path"].endswith("progress.json.bak") and "cannot be read" in note["note"]


# --- the use case, from Python ------------------------------------------------------


def test_run_doctor_asks_with_the_plan_and_a_no_changes_nothing(runner, data_dir: Path) -> None:
    import datetime as dt

    from exback.commands.doctor import run_doctor
    from exback.storage import Store

    assert run(runner, "journal", "add", "a note").exit_code == 0
    (data_dir / "journal.jsonl").chmod(0o644)
    before = _snapshot(data_dir)
    shown: list[dict] = []

    def say_no(planned: dict) -> bool:
        shown.append(planned)
        return False

    def clock() -> dt.datetime:
        return dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)

    store = Store(data_dir)
    declined = run_doctor(store, clock, repair=True, confirm=say_no)
    assert declined.declined and not declined.healthy
    [planned] = shown
    assert planned["problems"][0]["repair"] == "set them to 0600" and planned["changes"] == []
    assert _snapshot(data_dir) == before
    assert stat.S_IMODE((data_dir / "journal.jsonl").stat().st_mode) == 0o644

    repaired = run_doctor(store, clock, repair=True, confirm=lambda planned: True)
    assert repaired.healthy and repaired.report["changes"] == [
        "set the permissions of journal.jsonl to 0600"
    ]
    assert stat.S_IMODE((data_dir / "journal.jsonl").stat().st_mode) == 0o600
