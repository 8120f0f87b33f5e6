"""`journal import`: jrnl exports and exback's own list --json, idempotent, checked first."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from .conftest import run

FIXTURES = Path(__file__).parent / "fixtures"
JRNL = FIXTURES / "jrnl_export.json"


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local zone is Europe/Berlin: +01:00 in winter, +02:00 in summer."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def listed(runner) -> list[dict[str, object]]:
    result = run(runner, "journal", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_jrnl_export_dates_text_and_tags(runner, berlin: None) -> None:
    result = run(runner, "journal", "import", str(JRNL))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].startswith("Imported 6 of 6 entries")
    entries = listed(runner)
    by_time = sorted(entries, key=lambda e: str(e["created_at"]))
    assert [e["created_at"] for e in by_time] == [
        "2026-01-15T07:45:00+01:00",  # local wall-clock time, winter offset
        "2026-07-04T22:10:00+02:00",  # summer offset
        "2026-07-05T09:00:00+02:00",
        "2026-08-01T12:00:00+02:00",
        "2026-08-01T12:00:00+02:00",  # the same note twice in one minute: both kept
        "2026-09-10T18:30:00+02:00",
    ]
    first, starred, long, ok1, ok2, no_body = by_time
    assert first["text"] == "Woke up and reached for my phone.\nPut it down again. @urge"
    assert first["tags"] == ["urge"] and first["mood"] is None
    assert starred["tags"] == ["friends"] and starred["starred"] is True
    assert long["text"] == (
        "Slept badly.\nKept replaying the last conversation.\n\n"
        'Wrote three pages instead of texting. Ünïcödé, [brackets] and "quotes" @urge @writing'
    )
    assert long["tags"] == ["writing", "urge"]
    assert ok1["text"] == ok2["text"] == "ok." and ok1["id"] != ok2["id"]
    assert no_body["text"] == "No body here" and no_body["tags"] == []


def test_importing_twice_adds_nothing(runner, data_dir: Path) -> None:
    assert run(runner, "journal", "import", str(JRNL)).exit_code == 0
    before = (data_dir / "journal.jsonl").read_bytes()
    again = run(runner, "journal", "import", str(JRNL), "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout) == {
        "file": str(JRNL),
        "format": "jrnl",
        "added": 0,
        "skipped": 6,
    }
    assert (data_dir / "journal.jsonl").read_bytes() == before


def test_a_partly_imported_jrnl_file_adds_only_the_rest(runner, tmp_path: Path) -> None:
    export = json.loads(JRNL.read_text())
    part = tmp_path / "part.json"
    part.write_text(json.dumps({"entries": export["entries"][:4]}))  # one of the two "ok."
    assert json.loads(run(runner, "journal", "import", str(part), "--json").stdout)["added"] == 4
    rest = json.loads(run(runner, "journal", "import", str(JRNL), "--json").stdout)
    assert (rest["added"], rest["skipped"]) == (2, 4)
    assert [e["text"] for e in listed(runner)].count("ok.") == 2


def test_exback_round_trip(runner, tmp_path: Path) -> None:
    with time_machine.travel("2026-11-20 08:00:00+00:00", tick=False):
        run(runner, "journal", "add", "first", "--mood", "3", "--tag", "morning")
        run(runner, "journal", "add", "same second, written later")
    with time_machine.travel("2026-11-22 21:30:00+00:00", tick=False):
        run(runner, "journal", "add", "[bold]x[/] \x1b[2J", "--tag", "a", "--tag", "b")
    exported = run(runner, "journal", "list", "--json").stdout
    source = tmp_path / "notes.json"
    source.write_text(exported)
    fresh = tmp_path / "fresh"
    result = run(runner, "--data-dir", str(fresh), "journal", "import", str(source))
    assert result.exit_code == 0, result.output
    again = run(runner, "--data-dir", str(fresh), "journal", "list", "--json").stdout
    assert again == exported
    twice = run(runner, "--data-dir", str(fresh), "journal", "import", str(source), "--json")
    assert json.loads(twice.stdout)["skipped"] == 3
    assert run(runner, "--data-dir", str(fresh), "journal", "list", "--json").stdout == exported


def test_import_from_stdin(runner) -> None:
    result = run(runner, "journal", "import", "-", input=JRNL.read_text())
    assert result.exit_code == 0, result.output
    assert len(listed(runner)) == 6


def test_import_keeps_a_torn_last_line_aside(runner, data_dir: Path) -> None:
    run(runner, "journal", "add", "kept")
    journal = data_dir / "journal.jsonl"
    with journal.open("ab") as handle:
        handle.write(b'{"id": "half')
    imported = run(runner, "journal", "import", str(JRNL))
    assert imported.exit_code == 0
    assert len(listed(runner)) == 7
    torn = list(data_dir.glob("journal.jsonl.torn-*"))
    assert len(torn) == 1 and torn[0].read_bytes() == b'{"id": "half'
    assert f"last line of {journal} is incomplete" in imported.stderr
    assert f"moved to {torn[0]}" in imported.stderr


GOOD = {"id": "abc123", "created_at": "2026-11-22T21:30:00+00:00", "text": "x", "mood": None}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "bad.json:1:2: not valid JSON"),
        ('{"tags": {}}', "neither a jrnl export"),
        ('"text"', "neither a jrnl export"),
        (json.dumps([GOOD, 5]), "entry 2: (entry): expected an object"),
        (json.dumps([GOOD, {**GOOD, "id": "b", "mood": 11}]), "entry 2: mood: 11 is not"),
        (json.dumps([{**GOOD, "mood": True}]), "entry 1: mood: expected null"),
        (json.dumps([{**GOOD, "created_at": "2026-11-22T21:30:00"}]), "entry 1: created_at:"),
        (json.dumps([{**GOOD, "created_at": "yesterday"}]), "entry 1: created_at:"),
        (json.dumps([{**GOOD, "text": "  "}]), "entry 1: text: empty"),
        (json.dumps([{**GOOD, "tags": ["two words"]}]), "entry 1: tags: 'two words'"),
        (json.dumps([{**GOOD, "colour": "red"}]), "entry 1: colour: unknown field"),
        (json.dumps([{k: v for k, v in GOOD.items() if k != "id"}]), "entry 1: id: missing"),
        (json.dumps([{**GOOD, "id": "a b"}]), "entry 1: id:"),
        (json.dumps({"entries": [{"date": "2026-13-01", "time": "10:00", "title": "t"}]}),
         "entry 1: date: '2026-13-01'"),
        (json.dumps({"entries": [{"date": "2026-01-01", "time": "25:00", "title": "t"}]}),
         "entry 1: time:"),
        (json.dumps({"entries": [{"date": "2026-01-01", "time": "10:00"}]}),
         "entry 1: title: missing"),
        (json.dumps({"entries": [{"date": "2026-01-01", "time": "10:00", "title": " "}]}),
         "entry 1: title: empty"),
        (json.dumps({"entries": [{"date": "2026-01-01", "time": "10:00", "title": "t",
                                  "tags": "@x"}]}), "entry 1: tags: expected a list"),
        (json.dumps({"entries": [{"date": "2026-01-01", "time": "10:00", "title": "t",
                                  "starred": "yes"}]}), "entry 1: starred:"),
    ],
)  # fmt: skip
def test_bad_file_is_exit_2_naming_entry_and_field_and_writes_nothing(
    runner, data_dir: Path, tmp_path: Path, content: str, message: str
) -> None:
    run(runner, "journal", "add", "already here")
    before = (data_dir / "journal.jsonl").read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = run(runner, "journal", "import", str(bad))
    assert result.exit_code == 2
    assert message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert (data_dir / "journal.jsonl").read_bytes() == before


def test_a_bad_entry_late_in_a_file_imports_none_of_it(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    entries = [{**GOOD, "id": f"n{i}"} for i in range(50)] + [{**GOOD, "id": "x", "text": 3}]
    bad = tmp_path / "late.json"
    bad.write_text(json.dumps(entries))
    result = run(runner, "journal", "import", str(bad))
    assert result.exit_code == 2 and "entry 51: text:" in result.stderr
    assert not (data_dir / "journal.jsonl").exists()


def test_missing_file_is_exit_2(runner, tmp_path: Path) -> None:
    result = run(runner, "journal", "import", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_a_failed_write_leaves_the_journal_as_it_was(
    runner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "journal", "add", "already here")
    before = (data_dir / "journal.jsonl").read_bytes()
    real_write = os.write

    def half_then_full_disk(fd: int, data: bytes | memoryview) -> int:
        if len(data) > 200:
            real_write(fd, bytes(data[:100]))
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", half_then_full_disk)
    result = run(runner, "journal", "import", str(JRNL))
    assert result.exit_code == 1 and "No space left" in result.stderr
    assert (data_dir / "journal.jsonl").read_bytes() == before


def big_export(path: Path, count: int) -> Path:
    entries = [{**GOOD, "id": f"n{i}", "text": f"note {i}"} for i in range(count)]
    path.write_text(json.dumps(entries))
    return path


def test_large_import_shows_a_progress_bar_on_a_terminal(data_dir: Path, tmp_path: Path) -> None:
    from .screen import Terminal

    term = Terminal("journal", "import", str(big_export(tmp_path / "big.json", 3000)))
    assert term.finish() == 0
    assert "Checking entries" in term.transcript  # the bar, drawn on the terminal
    assert "Imported 3000 of 3000 entries" in term.transcript


def test_no_progress_bar_when_stderr_is_not_a_terminal(runner, tmp_path: Path) -> None:
    result = run(runner, "journal", "import", str(big_export(tmp_path / "big.json", 3000)))
    assert result.exit_code == 0
    where, imported = result.stderr.splitlines()  # the data dir is made: said once
    assert where.startswith("exback: your answers and notes are kept in")
    assert (
        imported
        == "Imported 3000 of 3000 entries from "
        + str(tmp_path / "big.json")
        + " (exback); skipped 0 entries already in your journal."
    )


_J = json.dumps({"title": "t", "date": "2026-03-01", "time": "21:15", "tags": ["@a"]})
_X = json.dumps({**GOOD, "id": "x1"})
_Y = json.dumps({**GOOD, "id": "y1"})


@pytest.mark.parametrize(
    "document",
    [
        '{"tags": {}, "entries": [J, J]',
        '{"tags": {}, "entries": [J J]}',
        '{"tags": {} "entries": [J]}',
        '{"entries": [J],}',
        '{"entries": [J], }',
        '{"entries": [J]} x',
        '{"tags": {}} x',
        "{} []",
        '{"entries" [J]}',
        '{"entries": [J], "tags": {"a": [1, }}',
        '{"entries": [J], 3: 4}',
        "[X, Y,]",
        "[X] [Y]",
        "[X,\n  Y\n  ",
        "[",
        "",
        "   \n ",
        "nul",
    ],
)
def test_a_file_that_is_not_json_is_named_where_json_would_say(
    runner, data_dir: Path, tmp_path: Path, document: str
) -> None:
    """Issue 19: the file is read one entry at a time, with the same words and place for
    what is not JSON as reading it whole (`json.loads`) gives; nothing is written."""
    text = document.replace("J", _J).replace("X", _X).replace("Y", _Y)
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(json.JSONDecodeError) as exc:
        json.loads(text)
    result = run(runner, "journal", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"exback: {path}:{exc.value.lineno}:{exc.value.colno}: not valid JSON "
        f"({exc.value.msg}); expected a jrnl export (jrnl --export json) or exback journal "
        "list --json\n"
    )
    assert not (data_dir / "journal.jsonl").exists()


@pytest.mark.parametrize(
    ("document", "entries"),
    [
        ('{"entries": [J, J], "tags": {"@a": 2}}', 2),
        ('\n {"tags": {"@a": [1, {"b": null}]}, "x": "entries", "entries": [ ]} \r\n', 0),
        ("[ X ]", 1),
        ("\t[]", 0),
    ],
)
def test_documents_read_entry_by_entry_are_read_as_a_whole(
    runner, tmp_path: Path, document: str, entries: int
) -> None:
    path = tmp_path / "good.json"
    path.write_text(document.replace("J", _J).replace("X", _X))
    result = run(runner, "journal", "import", "--json", str(path))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["added"] == entries


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{}", 'neither a jrnl export (an object with an "entries" list'),
        ('{"entries": {}}', 'neither a jrnl export (an object with an "entries" list'),
        ("3", 'neither a jrnl export (an object with an "entries" list'),
        ('{"entries": [], "entries": []}', '"entries" is given more than once'),
    ],
)
def test_a_json_file_of_another_shape_is_exit_2(
    runner, tmp_path: Path, document: str, message: str
) -> None:
    path = tmp_path / "other.json"
    path.write_text(document)
    result = run(runner, "journal", "import", str(path))
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_imported_lines_are_the_codecs_lines(runner, data_dir: Path, tmp_path: Path) -> None:
    """Issue 19: an import writes each entry's line as it was checked (read back through
    the model, not encoded twice): the bytes the codec writes for the entries as models,
    `late` marks included."""
    from exback.models import JournalEntry
    from exback.storage import Store, journal_bytes

    assert run(runner, "journal", "add", "newer than every imported note").exit_code == 0
    before = (data_dir / "journal.jsonl").read_bytes()
    newest = Store(data_dir).read_journal().entries[-1].created_at
    entries = [
        {**GOOD, "id": "a1", "created_at": "2026-01-01T10:00:00+01:00", "text": "é \x1b[2J\u202e",
         "mood": 3, "tags": ["x", "é"], "starred": True, "prompt": "why?"},
        {**GOOD, "id": "a2", "created_at": "2025-01-01T10:00:00Z", "tags": []},
        {**GOOD, "id": "a3", "created_at": "2099-01-01T10:00:00-05:30", "text": "\"q\"\n\\"},
    ]  # fmt: skip
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(entries, ensure_ascii=False))
    assert run(runner, "journal", "import", str(path)).exit_code == 0
    models = sorted(
        (JournalEntry.model_validate(e) for e in entries[::-1]), key=lambda e: e.created_at
    )
    expected = before + journal_bytes(models, newest, header=False)
    assert (data_dir / "journal.jsonl").read_bytes() == expected
    assert expected.count(b'"late":true') == 2
