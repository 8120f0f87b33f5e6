"""Issue 14: no surprises from the file system (links, FIFOs, devices, sizes, owners)."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from exback.storage import PROGRESS_LIMIT

from .conftest import CONTENT, run

pytestmark = pytest.mark.timeout(30)  # a FIFO read without checks would hang here


@pytest.fixture
def filled(runner, data_dir: Path) -> Path:
    assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0
    assert run(runner, "checkin", "--mood", "5", "--urge", "2").exit_code == 0
    assert run(runner, "journal", "add", "one").exit_code == 0
    return data_dir


READERS = (["status"], ["journal", "list"], ["export"], ["nocontact"])


@pytest.mark.parametrize("name", ["progress.json", "journal.jsonl"])
def test_a_symlinked_data_file_is_refused_and_never_replaced(
    runner, filled: Path, tmp_path: Path, name: str
) -> None:
    live = filled / name
    target = tmp_path / f"elsewhere-{name}"
    shutil.move(live, target)
    live.symlink_to(target)
    before = target.read_bytes()
    opens = {  # the commands that open each file
        "progress.json": ("status", "export", "nocontact", "checkin"),
        "journal.jsonl": ("status", "export", "journal"),
    }
    for argv in (*READERS, ["journal", "add", "two"], ["checkin", "--mood", "1", "--urge", "1"]):
        if argv[0] not in opens[name]:
            continue
        result = run(runner, *argv)
        assert result.exit_code == 3, (argv, result.output)
        assert str(live) in result.stderr and "symbolic link" in result.stderr
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            {
                "exback_export": 1,
                "exported_at": "2026-03-01T10:00:00+00:00",
                "exback_version": "0",
                "schema_version": 2,
                "progress": None,
                "journal": [{"id": "zz", "created_at": "2026-03-01T10:00:00+00:00", "text": "new"}],
            }
        )
    )
    assert run(runner, "restore", "--merge", str(export)).exit_code == 3
    result = run(runner, "doctor", "--repair", "--yes", "--json")
    assert result.exit_code == 1
    assert "symbolic link" in result.stdout
    assert live.is_symlink() and target.read_bytes() == before


@pytest.mark.parametrize("name", ["progress.json", "journal.jsonl"])
def test_a_fifo_as_a_data_file_is_exit_3(runner, filled: Path, name: str) -> None:
    live = filled / name
    live.unlink()
    os.mkfifo(live, 0o600)
    command = ["status"] if name == "progress.json" else ["journal", "list"]
    result = run(runner, *command)
    assert result.exit_code == 3, result.output
    assert str(live) in result.stderr and "named pipe" in result.stderr
    assert run(runner, "doctor").exit_code == 1


def test_a_device_as_progress_is_exit_3(runner, filled: Path) -> None:
    live = filled / "progress.json"
    live.unlink()
    try:
        os.mknod(live, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("cannot make a device node here")
    result = run(runner, "status")
    assert result.exit_code == 3 and "device" in result.stderr


def test_an_oversized_progress_is_exit_3_before_it_is_read(runner, filled: Path) -> None:
    live = filled / "progress.json"
    with live.open("r+b") as handle:
        handle.truncate(PROGRESS_LIMIT + 1)  # sparse: costs no disk
    result = run(runner, "status")
    assert result.exit_code == 3 and str(live) in result.stderr and "MiB" in result.stderr


def test_a_fifo_as_a_content_file_is_exit_2(runner, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    step = content / "steps" / "understand.yaml"
    step.unlink()
    os.mkfifo(step)
    result = run(runner, "--content-dir", str(content), "status")
    assert result.exit_code == 2 and f"{step}:1:1: (file): is a named pipe" in result.stderr
    (content / "help_now.yaml").unlink()
    os.mkfifo(content / "help_now.yaml")
    helped = run(runner, "--content-dir", str(content), "help-now")
    assert helped.exit_code == 0 and "emergency" in helped.stdout.lower()


def test_old_0644_journal_and_bak_are_tightened_on_write(runner, filled: Path) -> None:
    for name in ("journal.jsonl", "progress.json", "progress.json.bak"):
        (filled / name).chmod(0o644)
    assert run(runner, "journal", "add", "two").exit_code == 0
    assert run(runner, "checkin", "--mood", "3", "--urge", "3", "--replace").exit_code == 0
    for name in ("journal.jsonl", "progress.json", "progress.json.bak"):
        assert stat.S_IMODE((filled / name).stat().st_mode) == 0o600, name


def test_doctor_on_a_foreign_data_dir_says_so(runner, filled: Path) -> None:
    os.chown(filled, 65534, 65534)
    result = run(runner, "doctor")
    assert result.exit_code == 1 and "belongs to another user" in result.stdout
    repaired = run(runner, "doctor", "--repair", "--yes")
    assert repaired.exit_code == 1, repaired.output
    assert "belongs to another user" in repaired.output and "bug" not in repaired.output


@pytest.mark.parametrize("variable", ["EXBACK_DATA_DIR", "EXBACK_CONTENT_DIR"])
def test_a_home_of_no_user_is_exit_2(
    runner, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "~nosuchuser/x")
    result = run(runner, "status")
    assert result.exit_code == 2, result.output
    assert "~nosuchuser" in result.stderr and result.stderr.count("\n") == 1
    result = run(runner, "doctor", "--repair", "--yes")
    assert "bug" not in result.stderr
    assert result.exit_code == (
        2 if variable == "EXBACK_DATA_DIR" else 0
    )  # doctor reads no content


def test_new_data_folders_are_private_whatever_the_umask(runner, tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "data"
    old = os.umask(0)
    try:
        assert run(runner, "--data-dir", str(deep), "journal", "add", "x").exit_code == 0
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", deep):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    assert run(runner, "journal", "add", "first").exit_code == 0
    target = tmp_path / "elsewhere"
    target.write_text("keep me")
    (data_dir / ".lock").unlink(missing_ok=True)
    (data_dir / ".lock").symlink_to(target)
    result = run(runner, "journal", "add", "second")
    assert result.exit_code == 3
    assert ".lock" in result.stderr and "link" in result.stderr
    assert target.read_text() == "keep me"
