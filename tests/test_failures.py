"""A data dir that cannot be written: one clear line, exit 1, the old data intact.

WRITES lists every command that saves something; add new ones there.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from exback import storage

from .conftest import run

ANSWERS = "understand:\n  my_part: a new answer\n"


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS)
    return path


def _writes(answers: Path) -> list[list[str]]:
    return [
        ["journal", "add", "a new note"],
        ["start", "--answers-file", str(answers)],
        ["checkin", "--mood", "5", "--urge", "1", "--replace"],
        ["nocontact", "start", "--days", "30", "--restart"],
    ]


def _reads() -> list[list[str]]:
    return [["status"], ["journal", "list"], ["doctor"], ["nocontact"]]


@pytest.fixture
def filled(runner, data_dir: Path, tmp_path: Path) -> dict[str, bytes]:
    """A data dir with answers (and a .bak) and journal entries; returns its bytes."""
    old = tmp_path / "old.yaml"
    for reasons in ("first", "second"):
        old.write_text(f"understand:\n  reasons: {reasons}\n")
        assert run(runner, "start", "--answers-file", str(old)).exit_code == 0
    for note in ("one", "two"):
        assert run(runner, "journal", "add", note).exit_code == 0
    return _snapshot(data_dir)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != ".lock"}


def _assert_one_line_exit_1(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("exback: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output and "unexpected" not in result.stderr
    for word in words:
        assert word in result.stderr


def _fail_writes_under(
    folder: Path, code: int, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., int]:
    """Make every os.open for writing inside `folder` fail with `code`."""
    real_open = os.open

    def fake_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and str(path).startswith(str(folder)):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    return fake_open


def test_read_only_file_system(
    runner, data_dir: Path, answers: Path, filled: dict[str, bytes], monkeypatch
) -> None:
    _fail_writes_under(data_dir, errno.EROFS, monkeypatch)
    for args in _writes(answers):
        _assert_one_line_exit_1(run(runner, *args), "Read-only file system", str(data_dir))
    for args in _reads():
        assert run(runner, *args).exit_code == 0
    assert _snapshot(data_dir) == filled


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders anyway")
def test_read_only_data_dir(runner, data_dir: Path, answers: Path, filled) -> None:
    paths = [*data_dir.iterdir(), data_dir]
    for path in paths:
        path.chmod(0o500 if path.is_dir() else 0o400)
    try:
        for args in _writes(answers):
            _assert_one_line_exit_1(run(runner, *args), "Permission denied")
        assert data_dir.stat().st_mode & 0o777 == 0o500  # never made writable behind your back
    finally:
        for path in paths:
            path.chmod(0o700 if path.is_dir() else 0o600)
    assert _snapshot(data_dir) == filled


def test_data_dir_path_that_is_a_file(runner, tmp_path: Path, answers: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("not a folder")
    for args in _writes(answers):
        result = run(runner, "--data-dir", str(target), *args)
        _assert_one_line_exit_1(result, "is a file, not a folder")
    for args in (["status"], ["journal", "list"]):
        _assert_one_line_exit_1(run(runner, "--data-dir", str(target), *args), str(target))
    assert target.read_text() == "not a folder"


def test_full_disk_on_a_progress_save(
    runner, data_dir: Path, answers: Path, filled, monkeypatch
) -> None:
    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", no_space)
    result = run(runner, "start", "--answers-file", str(answers))
    _assert_one_line_exit_1(result, "No space left on device", "progress.json")
    assert ".tmp" not in result.stderr  # names the user's file, not a temp file
    assert _snapshot(data_dir) == filled


@pytest.mark.parametrize("fail_at", ["first write", "second write", "fsync"])
def test_full_disk_on_a_journal_append_leaves_no_partial_line(
    runner, data_dir: Path, filled, fail_at: str
) -> None:
    real_write = os.write
    calls = []

    def short_then_full(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if fail_at == "first write" or len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data[: len(data) // 2])  # a short write, as a filling disk does

    def fsync_fails(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # a context of its own: undoing it must not undo the data-dir fixture's patches
    with pytest.MonkeyPatch.context() as patch:
        if fail_at == "fsync":
            patch.setattr(os, "fsync", fsync_fails)
        else:
            patch.setattr(os, "write", short_then_full)
        result = run(runner, "journal", "add", "this one does not fit")
    _assert_one_line_exit_1(result, "No space left on device", "journal.jsonl")
    assert _snapshot(data_dir) == filled
    assert run(runner, "journal", "add", "later, with space").exit_code == 0
    lines = (data_dir / "journal.jsonl").read_bytes().splitlines()
    assert len(lines) == 4 and b"later, with space" in lines[-1]  # the header, then 3 notes


def test_short_writes_are_completed(runner, data_dir: Path, filled) -> None:
    """os.write may write less than asked without an error; the rest follows."""
    real_write = os.write
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "write", lambda fd, data: real_write(fd, data[:7]))
        assert run(runner, "journal", "add", "written seven bytes at a time").exit_code == 0
    listed = json.loads(run(runner, "journal", "list", "--json").stdout)
    assert [e["text"] for e in listed] == ["written seven bytes at a time", "two", "one"]
