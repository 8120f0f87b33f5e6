"""The data rules: atomic writes, .bak, corrupt data untouched, privacy, the lock."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from exback import storage
from exback.errors import StorageError
from exback.models import JournalEntry, Progress
from exback.storage import Store

from .conftest import run

NOW = dt.datetime(2026, 11, 22, 21, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def _progress() -> Progress:
    return Progress(created_at=NOW, updated_at=NOW)


def test_save_then_load_round_trips(data_dir: Path) -> None:
    store = Store(data_dir)
    with store.lock():
        store.save_progress(_progress())
    loaded = store.load_progress()
    assert loaded == _progress()
    assert loaded.created_at.utcoffset() == dt.timedelta(hours=1)
    assert '"created_at": "2026-11-22T21:30:00+01:00"' in store.progress_path.read_text()


def test_second_save_keeps_the_previous_copy_as_bak(data_dir: Path) -> None:
    store = Store(data_dir)
    first = _progress()
    store.save_progress(first)
    old_bytes = store.progress_path.read_bytes()
    second = _progress()
    second.updated_at = NOW + dt.timedelta(hours=1)
    store.save_progress(second)
    assert (data_dir / "progress.json.bak").read_bytes() == old_bytes
    assert store.load_progress() == second


def test_failing_replace_leaves_old_bytes_and_no_temp(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(data_dir)
    store.save_progress(_progress())
    before = store.progress_path.read_bytes()

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", boom)
    changed = _progress()
    changed.updated_at = NOW + dt.timedelta(days=1)
    with pytest.raises(StorageError, match="No space left on device"):
        store.save_progress(changed)
    assert store.progress_path.read_bytes() == before
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_failing_write_leaves_old_bytes(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(data_dir)
    store.save_progress(_progress())
    before = store.progress_path.read_bytes()
    monkeypatch.setattr(storage.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "I/O")))
    with pytest.raises(StorageError):
        store.save_progress(_progress())
    assert store.progress_path.read_bytes() == before
    assert not any(p.name.endswith(".tmp") for p in data_dir.iterdir())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"schema_version": 1, "created_at": ', "progress.json:1:"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[]", "not a JSON object"),
        (b'{"schema_version": 1}', "created_at"),
        (b'{"schema_version": 99, "created_at": "x"}', "newer exback"),
    ],
)
def test_corrupt_or_newer_progress_exits_3_and_is_untouched(
    runner, data_dir: Path, tmp_path: Path, content: bytes, expected: str
) -> None:
    data_dir.mkdir(mode=0o700)
    path = data_dir / "progress.json"
    path.write_bytes(content)
    answers = tmp_path / "answers.yaml"
    answers.write_text("understand:\n  reasons: it ended\n")
    for args in (["status"], ["status", "--json"], ["start", "--answers-file", str(answers)]):
        result = run(runner, *args)
        assert result.exit_code == 3, result.output
        assert expected in result.stderr
        assert result.stderr[-1] == "\n" and result.stderr.count("\n") == 1
    assert path.read_bytes() == content
    assert sorted(p.name for p in data_dir.iterdir() if p.name != ".lock") == ["progress.json"]


def test_private_permissions_under_umask_022(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = Store(tmp_path / "deep" / "data")
        with store.lock():
            store.save_progress(_progress())
            store.save_progress(_progress())
            store.append_journal(JournalEntry(id="a", created_at=NOW, text="t"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    for path in store.root.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_torn_last_line_is_skipped_on_read_and_kept_on_next_write(runner, data_dir: Path) -> None:
    assert run(runner, "journal", "add", "first").exit_code == 0
    journal = data_dir / "journal.jsonl"
    with journal.open("ab") as handle:
        handle.write(b'{"id": "torn", "created_at": "2026-')
    listed = run(runner, "journal", "list", "--json")
    assert listed.exit_code == 0
    assert [e["text"] for e in json.loads(listed.stdout)] == ["first"]
    assert "incomplete" in listed.stderr
    assert run(runner, "journal", "add", "second").exit_code == 0
    kept = list(data_dir.glob("journal.jsonl.torn-*"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == b'{"id": "torn", "created_at": "2026-'
    texts = [json.loads(line)["text"] for line in journal.read_text().splitlines()[1:]]
    assert texts == ["first", "second"]


def test_bad_middle_line_is_exit_3(runner, data_dir: Path) -> None:
    for text in ("one", "two"):
        assert run(runner, "journal", "add", text).exit_code == 0
    journal = data_dir / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    damaged = lines[0] + b"not json\n" + lines[1]
    journal.write_bytes(damaged)
    result = run(runner, "journal", "list")
    assert result.exit_code == 3
    assert "journal.jsonl:2:1" in result.stderr
    assert journal.read_bytes() == damaged


def test_status_reads_only_the_last_journal_line(data_dir: Path) -> None:
    store = Store(data_dir)
    store.ensure_dir()
    good = JournalEntry(id="z", created_at=NOW, text="last").model_dump_json()
    # the first lines are not JSON at all: a summary that decoded them would fail
    store.journal_path.write_text("garbage\n" * 1000 + good + "\n")
    summary = store.journal_summary()
    assert summary.count == 1001
    assert summary.last is not None and summary.last.text == "last"


WRITER = """
import sys
from typer.testing import CliRunner
from exback.cli import app
runner = CliRunner()
for i in range(200):
    r = runner.invoke(app, ["journal", "add", f"{sys.argv[1]}-{i}"])
    assert r.exit_code == 0, r.output
"""


@pytest.mark.slow
def test_two_processes_200_journal_adds_each_keep_all_400(data_dir: Path) -> None:
    env = {**os.environ, "EXBACK_DATA_DIR": str(data_dir)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, name], env=env) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    header, *lines = (data_dir / "journal.jsonl").read_text().splitlines()
    texts = {json.loads(line)["text"] for line in lines}
    assert header == '{"kind":"journal","format":2}'  # written once, by the first add
    assert len(lines) == 400
    assert texts == {f"{n}-{i}" for n in "ab" for i in range(200)}
