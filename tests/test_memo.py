"""`status` and `nocontact` print what they printed before only while nothing changed.

The memo (memo.py) keeps their output in the data dir. These tests replace the kept
text to see when it is used, and change one thing at a time to see that it is not.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
import time_machine

from .conftest import CONTENT, run

T0 = dt.datetime(2026, 11, 2, 21, 0, tzinfo=dt.timezone.utc)
VIEWS = [["status"], ["status", "--short"], ["status", "--json"], ["nocontact"]]


def memo(data_dir: Path) -> Path:
    return data_dir / ".memo.json"


def replace_kept_text(data_dir: Path, text: str) -> None:
    """Every kept output says `text` instead (the keys stay)."""
    doc = json.loads(memo(data_dir).read_text())
    for kept in doc["kept"]:
        kept["text"] = text
    memo(data_dir).write_text(json.dumps(doc))


@pytest.fixture
def started(runner, data_dir: Path):
    with time_machine.travel(T0, tick=False) as clock:
        assert run(runner, "nocontact", "start").exit_code == 0
        assert run(runner, "journal", "add", "a slow evening", "--mood", "4").exit_code == 0
        yield clock


def test_kept_output_is_exactly_what_is_computed(runner, data_dir: Path, started) -> None:
    computed = {tuple(a): run(runner, *a).stdout for a in VIEWS}
    assert memo(data_dir).stat().st_mode & 0o777 == 0o600
    again = {tuple(a): run(runner, *a).stdout for a in VIEWS}
    assert again == computed
    memo(data_dir).unlink()
    assert {tuple(a): run(runner, *a).stdout for a in VIEWS} == computed
    assert "day 1 of 30" in computed[("status", "--short")]


def test_the_kept_text_is_used_only_while_the_data_is_unchanged(
    runner, data_dir: Path, started
) -> None:
    run(runner, "status", "--short")
    replace_kept_text(data_dir, "kept\n")
    assert run(runner, "status", "--short").stdout == "kept\n"  # used: nothing changed
    assert run(runner, "checkin", "--mood", "6", "--urge", "2").exit_code == 0
    assert "checked in today" in run(runner, "status", "--short").stdout
    replace_kept_text(data_dir, "kept\n")
    assert run(runner, "journal", "add", "another note").exit_code == 0
    assert "2 entries" in run(runner, "status").stdout


def test_a_new_day_is_computed(runner, data_dir: Path, started) -> None:
    assert "day 1 of 30" in run(runner, "status", "--short").stdout
    assert "day 1 of 30" in run(runner, "nocontact").stdout.splitlines()[0]
    started.move_to(T0 + dt.timedelta(hours=2, minutes=59, seconds=59))  # 23:59:59 UTC
    assert "day 1 of 30" in run(runner, "status", "--short").stdout
    started.move_to(T0 + dt.timedelta(hours=3))  # midnight: the next day
    assert "day 2 of 30" in run(runner, "status", "--short").stdout
    assert "day 2 of 30" in run(runner, "nocontact").stdout.splitlines()[0]


def test_a_letter_is_offered_from_the_moment_its_hold_ends(runner, data_dir: Path, started) -> None:
    assert run(runner, "letters", "add", "what I would have sent").exit_code == 0
    status = json.loads(run(runner, "status", "--json").stdout)
    assert status["letters"]["next_ready_at"] == (T0 + dt.timedelta(days=1)).isoformat()
    started.move_to(T0 + dt.timedelta(hours=23, minutes=59))
    assert "Letter 1" not in run(runner, "status").stdout
    started.move_to(T0 + dt.timedelta(hours=24))
    assert "Letter 1 has been held for a day" in run(runner, "status").stdout


def test_another_program_is_another_output(
    runner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(content))
    assert "Getting through a breakup" in run(runner, "status").stdout
    program = content / "program.yaml"
    program.write_text(
        program.read_text().replace("Getting through a breakup", "Your own program", 1)
    )
    assert "Your own program" in run(runner, "status").stdout


def test_another_terminal_width_is_another_output(
    runner, data_dir: Path, monkeypatch: pytest.MonkeyPatch, started
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    wide = run(runner, "nocontact").stdout
    monkeypatch.setenv("COLUMNS", "40")
    narrow = run(runner, "nocontact").stdout
    memo(data_dir).unlink()
    assert run(runner, "nocontact").stdout == narrow != wide


def test_a_kept_text_with_terminal_commands_is_never_printed(
    runner, data_dir: Path, started
) -> None:
    computed = run(runner, "status", "--short").stdout
    for planted in ["\x1b]0;a title\x07\x1b[2J gone\n", "a \u202eversed line\n", "\r\n"]:
        replace_kept_text(data_dir, planted)
        assert run(runner, "status", "--short").stdout == computed
    replace_kept_text(data_dir, "\x1b[1mbold\x1b[0m is fine\n")  # colours are what Rich writes
    assert run(runner, "status", "--short").stdout == "\x1b[1mbold\x1b[0m is fine\n"


@pytest.mark.parametrize("damage", [b"", b"{", b"[]", b'{"format": 1, "kept": 3}', b"\xff"])
def test_a_damaged_memo_is_computed_again_and_replaced(
    runner, data_dir: Path, started, damage: bytes
) -> None:
    computed = run(runner, "status").stdout
    memo(data_dir).write_bytes(damage)
    assert run(runner, "status").stdout == computed
    assert json.loads(memo(data_dir).read_text())["format"] == 1


def test_status_keeps_nothing_where_there_is_no_data_dir(runner, data_dir: Path) -> None:
    assert run(runner, "status").exit_code == 0
    assert not data_dir.exists()


def test_reset_and_encrypt_delete_it_and_nothing_is_kept_while_encrypted(
    runner, data_dir: Path, tmp_path: Path, started
) -> None:
    run(runner, "status")
    assert run(runner, "reset", "--confirm", "delete", "--no-backup").exit_code == 0
    assert not memo(data_dir).exists()
    run(runner, "journal", "add", "again")
    run(runner, "status")
    passfile = tmp_path / "pass.txt"
    passfile.write_text("a long enough passphrase for tests\n")
    assert run(runner, "--passphrase-file", str(passfile), "encrypt").exit_code == 0
    assert not memo(data_dir).exists()
    for args in VIEWS:
        assert run(runner, "--passphrase-file", str(passfile), *args).exit_code == 0
    assert not memo(data_dir).exists()


def test_what_was_drawn_while_the_data_changed_is_not_kept(
    runner, data_dir: Path, monkeypatch: pytest.MonkeyPatch, started
) -> None:
    from exback.commands import status as views

    real = views.status

    def while_a_note_is_added(*args, **kwargs):
        shown = real(*args, **kwargs)
        assert run(runner, "journal", "add", "written meanwhile").exit_code == 0
        return shown

    monkeypatch.setattr(views, "status", while_a_note_is_added)
    assert "1 entry" in run(runner, "status").stdout  # what it read
    assert not memo(data_dir).exists()
    monkeypatch.setattr(views, "status", real)
    assert "2 entries" in run(runner, "status").stdout


def test_a_check_in_replaced_by_one_of_the_same_size_is_seen(
    runner, data_dir: Path, monkeypatch: pytest.MonkeyPatch, started
) -> None:
    """Where file times are coarse (here: seconds, and no inode or ctime to go by), a
    check-in replaced within a second by one of the same size looks like the same file:
    the key's checksum of progress.json still tells them apart."""
    from exback import memo as memo_module

    def coarse(path: Path) -> list[int] | None:
        return [path.stat().st_size, int(path.stat().st_mtime)] if path.exists() else None

    monkeypatch.setattr(memo_module, "stamp", coarse)
    assert run(runner, "checkin", "--mood", "5", "--urge", "2").exit_code == 0
    assert "Mood: last 5/10" in run(runner, "status").stdout
    progress = data_dir / "progress.json"
    text, second = progress.read_text(), int(progress.stat().st_mtime)
    assert '"mood":5' in text or '"mood": 5' in text
    progress.write_text(text.replace('"mood":5', '"mood":6').replace('"mood": 5', '"mood": 6'))
    os.utime(progress, (second, second))  # the same second: the coarse stamp is unchanged
    assert "Mood: last 6/10" in run(runner, "status").stdout
