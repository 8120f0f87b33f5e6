"""Issue 14: one set of bounds at every door, so nothing saved is unreadable later."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from exback.bounds import MAX_TAG, MAX_TAGS, MAX_TEXT
from exback.errors import UsageError
from exback.journal import entry_line, from_line, make_entry, to_json, to_line
from exback.models import JournalEntry
from exback.storage import Store, new_entry_id

from .conftest import run

ENTRY = {"id": "a1", "created_at": "2026-03-01T10:00:00+01:00", "text": "hello", "tags": []}


def _import(runner, tmp_path: Path, entries: list) -> object:
    source = tmp_path / "notes.json"
    source.write_text(json.dumps(entries))
    return run(runner, "journal", "import", str(source))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"created_at": "9999-12-31T23:59:59-12:00"}, "created_at"),
        ({"created_at": "0001-01-01T00:00:00+00:00"}, "created_at"),
        ({"created_at": "2026-03-01T10:00:00"}, "created_at"),  # no UTC offset
        ({"id": ""}, "id"),
        ({"text": "   "}, "text"),
        ({"text": "bad \ud800"}, "text"),
        ({"tags": ["x" * 100_000]}, "tags"),
        ({"tags": ["with space"]}, "tags"),
        ({"tags": ["esc\x1b"]}, "tags"),
    ],
)
def test_import_refuses_what_cannot_be_read_back(
    runner, data_dir: Path, tmp_path: Path, change: dict, field: str
) -> None:
    result = _import(runner, tmp_path, [{**ENTRY, **change}])
    assert result.exit_code == 2, result.output
    assert f"entry 1: {field}" in result.stderr and result.stderr.count("\n") == 1
    assert not (data_dir / "journal.jsonl").exists()


def test_import_refuses_duplicate_ids(runner, data_dir: Path, tmp_path: Path) -> None:
    result = _import(runner, tmp_path, [ENTRY, {**ENTRY, "text": "other"}])
    assert result.exit_code == 2 and "entry 2: id" in result.stderr
    assert not (data_dir / "journal.jsonl").exists()


def _export_doc() -> dict:
    return {
        "exback_export": 1,
        "exported_at": "2026-03-01T10:00:00+00:00",
        "exback_version": "0.1.0",
        "schema_version": 2,
        "progress": {
            "schema_version": 2,
            "created_at": "2026-03-01T10:00:00+00:00",
            "updated_at": "2026-03-01T10:00:00+00:00",
            "no_contact": {
                "runs": [
                    {
                        "started_on": "2026-03-01",
                        "days": 30,
                        "started_at": "2026-03-01T10:00:00+00:00",
                    }
                ]
            },
        },
        "journal": [dict(ENTRY)],
    }


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["progress"]["no_contact"]["runs"][0].update(started_on="9999-12-20"),
        lambda d: d["progress"]["no_contact"]["runs"][0].update(started_on="0001-01-01"),
        lambda d: d["progress"].update(created_at="2026-03-01T10:00:00"),
        lambda d: d["journal"][0].update(created_at="2026-03-01T10:00:00"),
        lambda d: d["journal"].append(dict(ENTRY)),  # a duplicate id
        lambda d: d["journal"][0].update(id=""),
        lambda d: d["journal"][0].update(text=""),
        lambda d: d["journal"][0].update(tags=["t" * 100_000]),
        lambda d: d["progress"].update(steps={"": {"started_at": "2026-03-01T10:00:00+00:00"}}),
        lambda d: d["progress"].update(
            checkins=[
                {
                    "on": "2026-03-01",
                    "at": "2026-03-01T10:00:00+00:00",
                    "mood": 5,
                    "urge": 1,
                    "note": "\ud800",
                }
            ]
        ),
    ],
)
def test_restore_refuses_what_cannot_be_read_back(
    runner, data_dir: Path, tmp_path: Path, damage
) -> None:
    document = _export_doc()
    source = tmp_path / "good.json"
    source.write_text(json.dumps(document))
    damage(document)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    result = run(runner, "restore", str(bad))
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "nothing was restored" in result.stderr
    assert not data_dir.exists() or not any(data_dir.glob("*.json*"))
    assert run(runner, "restore", str(source)).exit_code == 0  # the good one is fine


def _huge(kind: str) -> str:
    if kind == "int":
        return '{"schema_version": 2, "x": ' + "9" * 5000 + "}"
    return "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("kind", ["int", "nesting"])
def test_huge_numbers_and_deep_nesting_in_progress_are_exit_3(
    runner, data_dir: Path, kind: str
) -> None:
    data_dir.mkdir(mode=0o700)
    progress = data_dir / "progress.json"
    progress.write_text(_huge(kind))
    progress.chmod(0o600)
    for argv in (["status"], ["nocontact"], ["export"], ["checkin", "--mood", "3", "--urge", "1"]):
        result = run(runner, *argv)
        assert result.exit_code == 3, (argv, result.output)
        assert str(progress) in result.stderr and "bug" not in result.stderr
    result = run(runner, "doctor", "--json")
    assert result.exit_code == 1 and str(progress) in result.stdout
    result = run(runner, "doctor", "--repair", "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert run(runner, "status").exit_code == 0
    [aside] = data_dir.glob("progress.json.corrupt-*")
    assert aside.read_text() == _huge(kind)


@pytest.mark.parametrize("command", [["restore"], ["journal", "import"]])
@pytest.mark.parametrize("kind", ["int", "nesting"])
def test_huge_numbers_and_deep_nesting_in_input_are_exit_2(
    runner, data_dir: Path, tmp_path: Path, command: list[str], kind: str
) -> None:
    source = tmp_path / "input.json"
    source.write_text(_huge(kind))
    result = run(runner, *command, str(source))
    assert result.exit_code == 2, result.output
    assert str(source) in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["checkin", "--mood", "5", "--urge", "1", "--note", "bad \udcff"],
        ["nocontact", "urge", "--note", "bad \udcff"],
        ["nocontact", "exception", "--reason", "bad \udcff"],
    ],
)
def test_invalid_utf8_in_notes_is_exit_2(runner, data_dir: Path, argv: list[str]) -> None:
    assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0
    before = (data_dir / "progress.json").read_bytes()
    result = run(runner, *argv)
    assert result.exit_code == 2, result.output
    assert "not valid UTF-8" in result.stderr and "bug" not in result.stderr
    assert (data_dir / "progress.json").read_bytes() == before


def test_an_answers_file_answer_is_bounded(runner, data_dir: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"understand": {"reasons": "x" * ((1 << 20) + 1)}}))
    result = run(runner, "start", "--answers-file", str(answers))
    assert result.exit_code == 2 and "longer than" in result.stderr
    assert not (data_dir / "progress.json").exists()


def test_doctor_reports_a_journal_line_status_cannot_show(runner, data_dir: Path) -> None:
    assert run(runner, "journal", "add", "fine").exit_code == 0
    journal = data_dir / "journal.jsonl"
    bad = {**ENTRY, "id": "b2", "created_at": "9999-12-31T23:59:59-12:00"}
    journal.write_bytes(journal.read_bytes() + json.dumps(bad).encode() + b"\n")
    assert run(runner, "journal", "list").exit_code == 3
    result = run(runner, "doctor", "--json")
    assert result.exit_code == 1 and "line 3 cannot be read" in result.stdout  # 1: the header
    assert run(runner, "doctor", "--repair", "--yes").exit_code == 0
    assert [e.text for e in Store(data_dir).read_journal().entries] == ["fine"]
    for argv in (["status"], ["journal", "list"], ["export", "--format", "md"]):
        assert run(runner, *argv).exit_code == 0


# `journal add` checks a new note with bounds.py and writes it without building the
# model (pydantic stays unloaded): what it accepts, the model must read back, and
# what the model refuses, it must refuse too.
NOW = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.mark.parametrize(
    ("text", "mood", "tags", "now"),
    [
        ("hello", None, [], NOW),
        ("x" * MAX_TEXT, 10, ["t" * MAX_TAG] * 1, NOW),
        ("é\u200b\tline\nline", 1, [f"tag{i}" for i in range(MAX_TAGS)], NOW),
        ("last day", 5, ["evening"], dt.datetime(2100, 12, 31, 23, 59, tzinfo=dt.timezone.utc)),
        ("first day", 5, [], dt.datetime(1970, 1, 1, 0, 0, tzinfo=dt.timezone.utc)),
    ],
)
def test_a_new_note_reads_back_as_the_model(text: str, mood, tags: list, now) -> None:
    entry = make_entry(new_entry_id(), text, mood, tags, now)
    back = from_line(to_line(entry_line(entry))).entry
    assert back is not None and to_json(back) == to_json(entry)


@pytest.mark.parametrize(
    ("text", "mood", "tags", "now"),
    [
        ("   ", None, [], NOW),
        ("bad \ud800", None, [], NOW),
        ("x" * (MAX_TEXT + 1), None, [], NOW),
        ("hi", 0, [], NOW),
        ("hi", 11, [], NOW),
        ("hi", None, ["with space"], NOW),
        ("hi", None, ["t" * (MAX_TAG + 1)], NOW),
        ("hi", None, [f"t{i}" for i in range(MAX_TAGS + 1)], NOW),
        ("hi", None, [], dt.datetime(2101, 1, 1, tzinfo=dt.timezone.utc)),
        ("hi", None, [], dt.datetime(2026, 3, 1, 10, 0)),  # no UTC offset
    ],
)
def test_a_new_note_is_refused_where_the_model_refuses_it(text: str, mood, tags, now) -> None:
    with pytest.raises(UsageError):
        make_entry(new_entry_id(), text, mood, tags, now)
    line = {"id": "a1", "created_at": now.isoformat(), "text": text, "mood": mood, "tags": tags}
    with pytest.raises(ValidationError):
        JournalEntry.model_validate_json(json.dumps(line))


def test_a_tag_refuses_exactly_the_spaces_and_controls() -> None:
    """Issue 19: `valid_tag` finds a space with one pattern; it is `str.isspace` or C0, for
    every code point."""
    from exback.bounds import valid_tag

    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # lone surrogates: never valid text
        char = chr(code)
        assert valid_tag(f"a{char}") is not (char.isspace() or code < 32), hex(code)
