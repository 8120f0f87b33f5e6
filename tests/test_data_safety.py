"""Issue 14: a repair never loses the last good copy, and a restore is all or nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from exback.models import JournalEntry
from exback.storage import PENDING, Store, write_file_atomic

from .conftest import run


@pytest.fixture
def filled(runner, data_dir: Path, tmp_path: Path) -> Path:
    """Two saves of progress (so a good .bak exists), a check-in and three journal notes."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("understand:\n  reasons: we stopped talking\n")
    for _ in range(2):
        assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    assert run(runner, "checkin", "--mood", "4", "--urge", "6", "--note", "hard").exit_code == 0
    for note in ("one", "two", "three"):
        assert run(runner, "journal", "add", note).exit_code == 0
    return data_dir


def _doctor(runner, *args: str) -> tuple[int, dict]:
    result = run(runner, "doctor", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def _problems(data: dict) -> str:
    return "\n".join(p["problem"] for p in data["problems"])


def _texts(runner) -> list[str]:
    listed = run(runner, "journal", "list", "--json")
    assert listed.exit_code == 0, listed.output
    return sorted(e["text"] for e in json.loads(listed.stdout))


# --- a missing live file beside its copies -------------------------------------------


def test_missing_progress_beside_a_bak_is_never_a_fresh_start(runner, filled: Path) -> None:
    progress, bak = filled / "progress.json", filled / "progress.json.bak"
    good = progress.read_bytes()
    bak.write_bytes(good)  # the state an interrupted repair could leave: only the copy
    progress.unlink()
    for argv in (
        ["status"],
        ["checkin", "--mood", "5", "--urge", "1", "--replace"],
        ["nocontact", "start", "--days", "30"],
    ):
        result = run(runner, *argv)
        assert result.exit_code == 3, (argv, result.output)
        assert "doctor --repair" in result.stderr and result.stderr.count("\n") == 1
    assert bak.read_bytes() == good and not progress.exists()  # nothing rotated it away

    code, data = _doctor(runner)
    assert code == 1
    [problem] = data["problems"]
    assert "is missing, but progress.json.bak holds your progress" in problem["problem"]
    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0 and data["healthy"], data
    assert progress.read_bytes() == good
    assert run(runner, "status").exit_code == 0


def test_missing_progress_beside_a_readable_kept_copy_is_not_a_fresh_start(
    runner, filled: Path
) -> None:
    progress = filled / "progress.json"
    good = progress.read_bytes()
    (filled / "progress.json.bak").unlink()
    (filled / "progress.json.corrupt-20260101T000000").write_bytes(good)
    progress.unlink()
    result = run(runner, "checkin", "--mood", "5", "--urge", "1", "--replace")
    assert result.exit_code == 3 and "progress.json.corrupt-20260101T000000" in result.stderr
    assert not progress.exists()
    assert run(runner, "doctor", "--repair", "--yes").exit_code == 0
    assert progress.read_bytes() == good


def test_an_old_interrupted_repair_is_brought_back(runner, filled: Path) -> None:
    """Renamed aside, killed before the .bak was copied back (the pre-fix order)."""
    progress = filled / "progress.json"
    good = (filled / "progress.json.bak").read_bytes()
    (filled / "progress.json.corrupt-20260101T000000").write_bytes(b"{bad")
    progress.unlink()
    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0 and data["healthy"], data
    assert progress.read_bytes() == good


def test_missing_journal_is_written_again_from_the_copy_set_aside(runner, filled: Path) -> None:
    journal = filled / "journal.jsonl"
    lines = journal.read_bytes()
    (filled / "journal.jsonl.corrupt-20260101T000000").write_bytes(lines + b"garbage\n")
    journal.unlink()
    code, data = _doctor(runner)
    assert code == 1 and "is missing, but 3 entries are kept" in _problems(data)
    code, data = _doctor(runner, "--repair", "--yes")
    assert code == 0 and data["healthy"], data
    assert _texts(runner) == ["one", "three", "two"]


def test_entries_only_in_a_kept_copy_are_offered_back(runner, filled: Path) -> None:
    """A new note was added after the journal went missing: the old ones still come back."""
    journal = filled / "journal.jsonl"
    lines = journal.read_bytes()
    (filled / "journal.jsonl.corrupt-20260101T000000").write_bytes(lines)
    journal.unlink()
    refused = run(runner, "journal", "add", "four")  # no fresh start over the kept copy
    assert refused.exit_code == 3 and "doctor --repair" in refused.stderr
    assert run(runner, "journal", "list").exit_code == 3
    # a journal that an older exback started afresh, with one new note in it
    four = JournalEntry(id="four", created_at=dt.datetime.now(dt.UTC), text="four")
    journal.write_bytes(four.model_dump_json().encode() + b"\n")
    code, data = _doctor(runner)
    assert code == 1 and "3 entries kept in journal.jsonl.corrupt-" in _problems(data)
    assert _doctor(runner, "--repair", "--yes")[0] == 0
    assert _texts(runner) == ["four", "one", "three", "two"]
    assert _doctor(runner)[1]["healthy"]  # idempotent: nothing offered twice


def test_a_bad_record_is_set_aside_and_the_rest_kept(runner, filled: Path) -> None:
    progress = filled / "progress.json"
    data = json.loads(progress.read_text())
    data["checkins"].append({**data["checkins"][0], "on": "9999-12-20"})
    data["steps"]["understand"]["answers"]["bad"] = {"value": "x", "answered_at": "2026-01-01"}
    damaged = json.dumps(data).encode()
    progress.write_bytes(damaged)
    assert run(runner, "status").exit_code == 3
    code, report = _doctor(runner)
    assert code == 1 and "without the 2 records" in report["problems"][0]["repair"]
    code, report = _doctor(runner, "--repair", "--yes")
    assert code == 0 and report["healthy"], report
    [aside] = filled.glob("progress.json.corrupt-*")
    assert aside.read_bytes() == damaged
    store = Store(filled)
    kept = store.load_progress()
    assert kept is not None and [c.note for c in kept.checkins] == ["hard"]
    assert kept.steps["understand"].answers["reasons"].value == "we stopped talking"
    assert run(runner, "status").exit_code == 0


# --- all or nothing ------------------------------------------------------------------


def _export(runner, tmp_path: Path) -> dict:
    result = run(runner, "export")
    assert result.exit_code == 0
    return json.loads(result.stdout)


@pytest.mark.parametrize("merge", [False, True])
def test_a_restore_that_cannot_be_saved_writes_nothing(
    runner, filled: Path, tmp_path: Path, merge: bool
) -> None:
    document = _export(runner, tmp_path)
    document["journal"].append({**document["journal"][0], "id": "new1", "text": "\ud800"})
    source = tmp_path / "export.json"
    source.write_text(json.dumps(document))  # json.dumps writes the escape \ud800
    target = tmp_path / ("merge" if merge else "empty")
    if merge:
        target.mkdir(mode=0o700)
        for name in ("progress.json", "journal.jsonl"):
            (target / name).write_bytes((filled / name).read_bytes())
    before = {p.name: p.read_bytes() for p in target.glob("*")} if target.exists() else {}
    argv = ["--data-dir", str(target), "restore", str(source)] + (["--merge"] if merge else [])
    result = run(runner, *argv)
    assert result.exit_code == 2, result.output
    assert "journal.3.text" in result.stderr and "this is a bug" not in result.stderr
    after = {p.name: p.read_bytes() for p in target.glob("*") if p.name != ".lock"}
    assert after == before


def test_an_interrupted_restore_blocks_commands_and_doctor_finishes_it(
    runner, filled: Path, tmp_path: Path
) -> None:
    store = Store(filled)
    progress = (filled / "progress.json").read_bytes()
    journal = (filled / "journal.jsonl").read_bytes()
    target = tmp_path / "target"
    target.mkdir(mode=0o700)
    # the state after the commit point, killed before journal.jsonl was written
    pending = {"files": {"progress.json": progress.decode(), "journal.jsonl": journal.decode()}}
    write_file_atomic(target / PENDING, json.dumps(pending).encode())
    (target / "progress.json").write_bytes(progress)
    for argv in (["status"], ["journal", "add", "x"], ["restore", "--merge", "x.json"]):
        result = run(runner, "--data-dir", str(target), *argv)
        assert result.exit_code in (2, 3), (argv, result.output)
    result = run(runner, "--data-dir", str(target), "journal", "list")
    assert result.exit_code == 3 and "interrupted" in result.stderr
    result = run(runner, "--data-dir", str(target), "doctor", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and "restore was interrupted" in _problems(data)
    result = run(runner, "--data-dir", str(target), "doctor", "--repair", "--yes", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["healthy"], data
    assert not (target / PENDING).exists()
    assert (target / "journal.jsonl").read_bytes() == journal
    assert (target / "progress.json").read_bytes() == progress
    assert store.read_journal().entries == Store(target).read_journal().entries


def test_restore_writes_both_files_through_one_commit(runner, filled: Path, tmp_path) -> None:
    source = tmp_path / "export.json"
    source.write_text(run(runner, "export").stdout)
    target = tmp_path / "target"
    result = run(runner, "--data-dir", str(target), "restore", str(source))
    assert result.exit_code == 0, result.output
    assert not (target / PENDING).exists()
    assert Store(target).load_progress() == Store(filled).load_progress()
    assert Store(target).read_journal() == Store(filled).read_journal()
