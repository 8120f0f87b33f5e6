"""export, restore and reset: round trips, the report, refusals, merging, permissions."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from exback import cli, export, merge
from exback import program as logic
from exback.content import load_program
from exback.models import (
    Checkin,
    JournalEntry,
    NoContactEvent,
    NoContactRecord,
    NoContactRun,
    Progress,
)
from exback.storage import Store
from exback.text import inert
from exback.text import json_inert as inert_json

from .conftest import CONTENT, run

GOLDEN = Path(__file__).parent / "golden"
FROZEN = "2026-11-22 21:30:00+00:00"
UTC = dt.timezone.utc
HOSTILE = (
    "```\n````` five\n</pre><script>alert(1)</script>\n[x](http://y) <http://z> www.z.com "
    "&amp; &lt;b&gt;  \nline\r end\x1b[2J\u202e\n~~~\n    indented\n"
)


def at(day: int, hour: int = 20) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def seed(data_dir: Path) -> Store:
    """A data dir with every kind of record, written through Store (real files)."""
    program = load_program(CONTENT)
    store = Store(data_dir)
    progress = logic.new_progress(at(1, 9))

    def answer(step_id: str, question_id: str, value: object, when: dt.datetime) -> None:
        step = program.step(step_id)
        assert step is not None
        question = next(q for q in step.questions if q.id == question_id)
        logic.record_answer(program, progress, step, question, value, when)

    answer("understand", "reasons", "We stopped talking.\nThen it got <b>worse</b>.", at(1, 10))
    answer("understand", "my_part", "I withdrew [x](http://y)", at(1, 10))
    answer("understand", "clarity", 6, at(1, 10))
    answer("understand", "clarity", 7, at(2, 10))
    answer("safety_check", "fear", "fear", at(2, 11))
    answer("safety_check", "fear", "no_fear", at(2, 12))
    answer("no_contact", "terms", ["no_messages", "no_social"], at(3, 9))
    progress.no_contact = NoContactRecord(
        runs=[
            NoContactRun(
                started_on=dt.date(2026, 11, 3),
                days=30,
                started_at=at(3),
                ended_on=dt.date(2026, 11, 6),
                end_reason="slip",
            ),
            NoContactRun(started_on=dt.date(2026, 11, 6), days=30, started_at=at(6)),
        ],
        events=[
            NoContactEvent(kind="urge", on=dt.date(2026, 11, 4), at=at(4), note="wanted to text"),
            NoContactEvent(kind="slip", on=dt.date(2026, 11, 6), at=at(6)),
            NoContactEvent(
                kind="exception", on=dt.date(2026, 11, 10), at=at(10), note="keys\r\nreturned"
            ),
        ],
    )
    progress.checkins = [
        Checkin(on=dt.date(2026, 11, 4), at=at(4, 21), mood=3, urge=8),
        Checkin(on=dt.date(2026, 11, 5), at=at(5, 21), mood=4, urge=6, note="a `note`"),
        Checkin(on=dt.date(2026, 11, 8), at=at(8, 21), mood=6, urge=3),
    ]
    logic.record_pressure_check(
        program,
        progress,
        {"unanswered": "none", "asked_space": "not_asked", "easing_pain": "mostly_pain"},
        dt.date(2026, 11, 9),
        at(9),
        ["reach_out"],
    )
    with store.lock():
        store.save_progress(progress)
        store.append_journal(
            JournalEntry(
                id="aaaaaaaaaaaa",
                created_at=at(4, 22),
                text=HOSTILE,
                mood=3,
                tags=["`tick", "<b>"],
            )
        )
        store.append_journal(
            JournalEntry(id="bbbbbbbbbbbb", created_at=at(5, 8), text="Better morning.")
        )
    return store


def snapshot(runner) -> tuple[str, str]:
    return run(runner, "status", "--json").stdout, run(runner, "journal", "list", "--json").stdout


# --- round trip ---------------------------------------------------------------------


@time_machine.travel(FROZEN, tick=False)
def test_export_reset_restore_round_trip(runner, data_dir: Path, tmp_path: Path) -> None:
    seed(data_dir)
    run(runner, "journal", "add", "one more, with \x1b[31m escape", "--mood", "5", "--tag", "x")
    before = snapshot(runner)
    files = {name: (data_dir / name).read_bytes() for name in ("progress.json", "journal.jsonl")}
    out = tmp_path / "all.json"
    assert run(runner, "export", "--output", str(out)).exit_code == 0

    reset = run(runner, "reset", "--confirm", "delete", "--no-backup")
    assert reset.exit_code == 0, reset.output
    assert not (data_dir / "progress.json").exists()
    assert json.loads(run(runner, "journal", "list", "--json").stdout) == []

    restored = run(runner, "restore", str(out))
    assert restored.exit_code == 0, restored.output
    assert "5 answers" in restored.stderr and "3 journal entries" in restored.stderr
    assert snapshot(runner) == before
    for name, data in files.items():  # every record, byte for byte
        assert (data_dir / name).read_bytes() == data
    again = tmp_path / "again.json"
    run(runner, "export", "--output", str(again))
    assert again.read_bytes() == out.read_bytes()


@time_machine.travel(FROZEN, tick=False)
def test_json_export_to_stdout_is_complete_and_terminal_safe(runner, data_dir: Path) -> None:
    store = seed(data_dir)
    result = run(runner, "export")
    assert result.exit_code == 0
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert set(data) == {
        "exback_export",
        "exported_at",
        "exback_version",
        "schema_version",
        "progress",
        "journal",
    }
    assert data["exback_export"] == export.FORMAT_VERSION
    assert data["exported_at"] == "2026-11-22T21:30:00+00:00"
    assert Progress.model_validate(data["progress"]) == store.load_progress()
    assert [JournalEntry.model_validate(e) for e in data["journal"]] == (
        store.read_journal().entries
    )
    assert data["journal"][0]["text"] == HOSTILE
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "\\u202e" in result.stdout


def test_export_of_an_empty_data_dir(runner, data_dir: Path) -> None:
    data = json.loads(run(runner, "export").stdout)
    assert data["progress"] is None and data["journal"] == []
    assert "Nothing is saved yet." in run(runner, "export", "--format", "md").stdout
    assert not data_dir.exists()  # exporting never creates the data dir


# --- the report --------------------------------------------------------------------


@time_machine.travel(FROZEN, tick=False)
def test_markdown_report_matches_golden(runner, data_dir: Path) -> None:
    seed(data_dir)
    result = run(runner, "export", "--format", "md")
    assert result.exit_code == 0
    golden = GOLDEN / "export_report.md"
    if os.environ.get("EXBACK_UPDATE_GOLDEN"):
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text()


def _render(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


def _code_blocks(rendered: str) -> list[str]:
    blocks = re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", rendered, re.S)
    return [html.unescape(b) for b in blocks]


@time_machine.travel(FROZEN, tick=False)
def test_report_keeps_hostile_text_exact_and_inert(runner, data_dir: Path) -> None:
    seed(data_dir)
    report = run(runner, "export", "--format", "md").stdout
    assert "\x1b" not in report and "\r" not in report and "\u202e" not in report
    rendered = _render(report)
    assert "<script" not in rendered and "<a " not in rendered and "<b>" not in rendered
    blocks = _code_blocks(rendered)
    assert inert(HOSTILE) + "\n" in blocks  # the journal entry, whole and exact
    assert "We stopped talking.\nThen it got <b>worse</b>.\n" in blocks
    assert "keys\\x0d\nreturned\n" in blocks
    assert "<code>`tick</code>" in rendered and "<code>&lt;b&gt;</code>" in rendered


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_survives_a_markdown_renderer(text: str) -> None:
    lines = export.fenced(text)
    blocks = _code_blocks(_render("\n".join(lines) + "\n"))
    assert blocks == [inert(text) + "\n"]


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"), min_size=1)
    | st.from_regex(r"\A[ `]{1,6}x?[ `]{0,6}\Z")
)
def test_any_tag_is_one_literal_code_span(tag: str) -> None:
    rendered = _render("x " + export.code_span(tag) + " y\n")
    spans = re.findall(r"<code>(.*?)</code>", rendered, re.S)
    assert [html.unescape(s) for s in spans] == [inert(tag)]


def test_calendar_marks_the_worst_event_of_each_day() -> None:
    record = NoContactRecord(
        runs=[NoContactRun(started_on=dt.date(2026, 11, 4), days=3, started_at=at(4))],
        events=[
            NoContactEvent(kind="urge", on=dt.date(2026, 11, 5), at=at(5)),
            NoContactEvent(kind="slip", on=dt.date(2026, 11, 5), at=at(5, 21)),
        ],
    )
    rows = export.calendar(record, dt.date(2026, 11, 20))
    assert rows[2] == "| 2026-11-02 |   |   | ✓ | ✗ | ✓ |   |   |"
    assert len(rows) == 3  # the period ended; the calendar stops with it


# --- writing files -----------------------------------------------------------------


def test_written_files_are_private_whatever_the_umask(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    seed(data_dir)
    old = os.umask(0o022)
    try:
        for fmt in ("json", "md"):
            out = tmp_path / f"out.{fmt}"
            assert run(runner, "export", "--format", fmt, "--output", str(out)).exit_code == 0
            assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert run(runner, "reset", "--confirm", "delete").exit_code == 0
    finally:
        os.umask(old)
    (backup,) = tmp_path.glob("data-backup-*.json")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.glob(".*.tmp")] == []


def test_export_refuses_to_overwrite_without_force(runner, data_dir: Path, tmp_path: Path) -> None:
    seed(data_dir)
    out = tmp_path / "report.md"
    out.write_text("mine")
    result = run(runner, "export", "--output", str(out))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert out.read_text() == "mine"
    assert run(runner, "export", "--output", str(out), "--force").exit_code == 0
    assert json.loads(out.read_text())["exback_export"] == 1
    missing = run(runner, "export", "--output", str(tmp_path / "nope" / "x.json"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    assert run(runner, "export", "--format", "pdf").exit_code == 2
    progress = (data_dir / "progress.json").read_bytes()
    inside = run(runner, "export", "-o", str(data_dir / "progress.json"), "--force")
    assert inside.exit_code == 2 and "inside the data dir" in inside.stderr
    assert (data_dir / "progress.json").read_bytes() == progress


# --- reset ---------------------------------------------------------------------------


def test_reset_without_a_terminal_needs_confirm(runner, data_dir: Path, tmp_path: Path) -> None:
    seed(data_dir)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = run(runner, "reset", input="delete\n")
    assert result.exit_code == 2
    assert "--confirm delete" in result.stderr
    assert "progress.json: 5 answers, 2 track changes" in result.stderr  # it still lists
    assert "journal.jsonl: 2 journal entries" in result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # no backup, nothing gone
    wrong = run(runner, "reset", "--confirm", "yes")
    assert wrong.exit_code == 2 and "'delete'" in wrong.stderr
    both = run(runner, "reset", "--journal", "--progress", "--confirm", "delete")
    assert both.exit_code == 2
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def _reset_at_a_terminal(runner, monkeypatch: pytest.MonkeyPatch, typed: str):
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    with create_pipe_input() as pipe:
        pipe.send_text(typed)
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            return run(runner, "reset", "--no-backup")


@pytest.mark.timeout(30)
def test_reset_at_a_terminal_needs_the_word_typed(
    runner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(data_dir)
    refused = _reset_at_a_terminal(runner, monkeypatch, "yes\r")
    assert refused.exit_code == 1
    assert "nothing was deleted" in refused.stderr
    assert (data_dir / "progress.json").exists()
    interrupted = _reset_at_a_terminal(runner, monkeypatch, "\x03")
    assert interrupted.exit_code == 130
    assert (data_dir / "journal.jsonl").exists()
    done = _reset_at_a_terminal(runner, monkeypatch, "delete\r")
    assert done.exit_code == 0, done.output
    assert not (data_dir / "progress.json").exists()
    assert not (data_dir / "journal.jsonl").exists()


@time_machine.travel(FROZEN, tick=False)
def test_reset_lists_backs_up_and_says_what_it_removed(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    store = seed(data_dir)
    with store.lock():
        store.save_progress(store.load_progress())  # makes progress.json.bak
    (data_dir / "journal.jsonl.torn-20261120T101010").write_text("{half")
    (data_dir / "notes.txt").write_text("not exback's")
    result = run(runner, "reset", "--confirm", "delete")
    assert result.exit_code == 0, result.output
    backup = tmp_path / "data-backup-20261122T213000.json"
    assert result.stderr.splitlines() == [
        f"This deletes, in {data_dir}:",
        "  progress.json: 5 answers, 2 track changes, 2 no-contact runs, "
        "3 no-contact events, 3 check-ins, 1 pressure check",
        "  progress.json.bak: the previous copy of progress.json",
        "  journal.jsonl: 2 journal entries",
        "  journal.jsonl.torn-20261120T101010: a copy of journal.jsonl set aside by exback "
        "(not in the backup)",
        f"A backup goes first to {backup}.",
        f"Deleted from {data_dir}: progress.json (5 answers, 2 track changes, 2 no-contact "
        "runs, 3 no-contact events, 3 check-ins, 1 pressure check), progress.json.bak (the "
        "previous copy of progress.json), journal.jsonl (2 journal entries), "
        "journal.jsonl.torn-20261120T101010 (a copy of journal.jsonl set aside by exback "
        "(not in the backup)).",
        f"Your backup is {backup}; 'exback restore {backup}' brings it back.",
    ]
    assert sorted(p.name for p in data_dir.iterdir()) == [".lock", "notes.txt"]
    data = json.loads(backup.read_text())
    assert len(data["journal"]) == 2 and data["progress"]["checkins"]
    nothing = run(runner, "reset", "--confirm", "delete")
    assert nothing.exit_code == 0 and "Nothing to delete" in nothing.stderr
    assert len(list(tmp_path.glob("data-backup-*"))) == 1


@pytest.mark.parametrize(
    ("flag", "gone", "kept"),
    [
        ("--journal", "journal.jsonl", "progress.json"),
        ("--progress", "progress.json", "journal.jsonl"),
    ],
)
def test_reset_one_part(
    runner, data_dir: Path, tmp_path: Path, flag: str, gone: str, kept: str
) -> None:
    seed(data_dir)
    kept_bytes = (data_dir / kept).read_bytes()
    result = run(runner, "reset", flag, "--confirm", "delete")
    assert result.exit_code == 0, result.output
    assert kept not in result.stderr
    assert not (data_dir / gone).exists()
    assert (data_dir / kept).read_bytes() == kept_bytes
    (backup,) = tmp_path.glob("data-backup-*.json")
    data = json.loads(backup.read_text())  # the backup holds what was deleted
    assert (data["progress"] is None) == (gone == "journal.jsonl")
    assert (data["journal"] == []) == (gone == "progress.json")


def test_reset_of_a_damaged_file_needs_no_backup(runner, data_dir: Path, tmp_path: Path) -> None:
    seed(data_dir)
    (data_dir / "progress.json").write_text("{broken")
    result = run(runner, "reset", "--confirm", "delete")
    assert result.exit_code == 3
    assert "--no-backup" in result.stderr
    assert (data_dir / "progress.json").read_text() == "{broken"
    forced = run(runner, "reset", "--confirm", "delete", "--no-backup")
    assert forced.exit_code == 0
    assert "progress.json: cannot be read (damaged)" in forced.stderr
    assert not (data_dir / "progress.json").exists()
    assert list(tmp_path.glob("data-backup-*")) == []


# --- restore ----------------------------------------------------------------------------


def test_restore_into_a_non_empty_data_dir_refuses(runner, data_dir: Path, tmp_path: Path) -> None:
    seed(data_dir)
    out = tmp_path / "x.json"
    run(runner, "export", "--output", str(out))
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    result = run(runner, "restore", str(out))
    assert result.exit_code == 2
    assert "--merge" in result.stderr
    merged = run(runner, "restore", str(out), "--merge")
    assert merged.exit_code == 0
    assert "already has everything" in merged.stderr
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before


@time_machine.travel(FROZEN, tick=False)
def test_merge_adds_what_is_missing_without_duplicates(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    store = seed(data_dir)
    out = tmp_path / "x.json"
    run(runner, "export", "--output", str(out))
    # Here, since the export: one answer changed, a check-in on a day the export
    # also has, and a new journal entry; and the oldest entry, an event and a run lost.
    progress = store.load_progress()
    assert progress is not None and progress.no_contact is not None
    progress.steps["understand"].answers["clarity"].value = 3
    progress.steps["understand"].answers.pop("my_part")
    progress.checkins[0] = Checkin(on=dt.date(2026, 11, 4), at=at(4, 23), mood=9, urge=0)
    progress.no_contact.events.pop(0)
    progress.no_contact.runs.pop(0)
    with store.lock():
        store.save_progress(progress)
        store.write_atomic(store.journal_path, b"")
        store.append_journal(JournalEntry(id="cccccccccccc", created_at=at(20), text="new"))
        store.append_journal(
            JournalEntry(id="bbbbbbbbbbbb", created_at=at(5, 8), text="Better morning.")
        )

    result = run(runner, "restore", str(out), "--merge")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"Merged from {out} into {data_dir}: 1 answer, 1 no-contact run, 1 no-contact event, "
        "1 journal entry."
    )
    merged = store.load_progress()
    assert merged is not None and merged.no_contact is not None
    understand = merged.steps["understand"].answers
    assert understand["clarity"].value == 3  # ours wins
    assert understand["my_part"].value == "I withdrew [x](http://y)"
    assert [c.mood for c in merged.checkins] == [9, 4, 6]  # one a day, ours kept
    assert [r.started_on.day for r in merged.no_contact.runs] == [3, 6]
    assert [e.on.day for e in merged.no_contact.events] == [4, 6, 10]
    assert merged.updated_at == dt.datetime(2026, 11, 22, 21, 30, tzinfo=UTC)
    ids = [e.id for e in store.read_journal().entries]
    assert ids == ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"]  # by time, once each
    again = run(runner, "restore", str(out), "--merge")
    assert "already has everything" in again.stderr


def test_merge_progress_orders_records_by_time() -> None:
    mine = Progress(created_at=at(5), updated_at=at(5))
    mine.checkins = [Checkin(on=dt.date(2026, 11, 5), at=at(5), mood=5, urge=5)]
    theirs = Progress(created_at=at(1), updated_at=at(9))
    theirs.checkins = [
        Checkin(on=dt.date(2026, 11, d), at=at(d), mood=d, urge=1) for d in (1, 5, 9)
    ]
    added = merge.merge_progress(mine, theirs, at(20))
    assert str(added) == "2 check-ins"
    assert [(c.on.day, c.mood) for c in mine.checkins] == [(1, 1), (5, 5), (9, 9)]
    assert mine.created_at == at(1)


def _export_text(**changes: object) -> str:
    data: dict[str, object] = {
        "exback_export": 1,
        "exported_at": "2026-11-22T21:30:00+00:00",
        "exback_version": "0.1.0",
        "schema_version": 1,
        "progress": None,
        "journal": [{"id": "a", "created_at": "2026-11-22T21:30:00+00:00", "text": "x"}],
    }
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ("{not json", 2, "x.json:1:2: not valid JSON"),
        ("[1, 2]", 2, "not an exback export"),
        ('{"journal": []}', 2, "not an exback export"),
        (_export_text(exback_export=99), 3, "newer exback (export format 99"),
        (_export_text(exback_export="1"), 2, "exback_export must be a positive whole number"),
        (_export_text(schema_version=99), 3, "newer exback (schema 99"),
        (
            _export_text(progress={"schema_version": 7, "created_at": "x", "updated_at": "x"}),
            3,
            "schema 7",
        ),
        (_export_text(journal=[{"id": "a", "text": "x"}]), 2, "journal.0.created_at"),
        (_export_text(extra=1), 2, "extra"),
        (_export_text(progress={"schema_version": 1}), 2, "progress.created_at"),
        (
            _export_text(
                journal=[{"id": "a", "created_at": "2026-11-22T21:30:00Z", "text": "x"}] * 2
            ),
            2,
            "x.json: (top): journal id 'a' is used by more than one entry; nothing was restored",
        ),
    ],
)
def test_bad_restore_files_change_nothing(
    runner, data_dir: Path, tmp_path: Path, body: str, code: int, message: str
) -> None:
    bad = tmp_path / "x.json"
    bad.write_text(body)
    result = run(runner, "restore", str(bad))
    assert result.exit_code == code
    assert message in result.stderr and str(bad) in result.stderr
    assert "Traceback" not in result.output
    assert not data_dir.exists()


def test_restore_of_a_missing_file(runner, tmp_path: Path) -> None:
    result = run(runner, "restore", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "nope.json" in result.stderr


def test_merge_fills_a_missing_part_exactly(runner, data_dir: Path, tmp_path: Path) -> None:
    seed(data_dir)
    progress = (data_dir / "progress.json").read_bytes()
    out = tmp_path / "x.json"
    run(runner, "export", "--output", str(out))
    assert run(runner, "reset", "--progress", "--confirm", "delete", "--no-backup").exit_code == 0
    assert run(runner, "restore", str(out), "--merge").exit_code == 0
    assert (data_dir / "progress.json").read_bytes() == progress
    with (data_dir / "journal.jsonl").open("ab") as handle:
        handle.write(b'{"id": "torn')
    torn = run(runner, "restore", str(out), "--merge")
    assert torn.exit_code == 3 and "incomplete" in torn.stderr
    assert (data_dir / "journal.jsonl").read_bytes().endswith(b'{"id": "torn')


# --- the use cases, called directly ----------------------------------------------------


def test_two_resets_in_one_second_keep_both_backups(data_dir: Path) -> None:
    from exback.commands import archive
    from exback.commands import journal as notes

    store = Store(data_dir)
    shown: list[archive.ResetPlan] = []
    backups = []
    for text in ("first", "second"):
        notes.add(store, text, None, [], at(20))
        plan = archive.reset(store, ("journal.jsonl",), True, shown.append, True, None, at(21), "t")
        assert plan.backup is not None
        backups.append(plan.backup)
    stem = f"{data_dir.name}-backup-20261121T200000"
    assert [b.name for b in backups] == [f"{stem}.json", f"{stem}-2.json"]
    kept = [json.loads(b.read_text())["journal"][0]["text"] for b in backups]
    assert kept == ["first", "second"]
    assert [p.backup for p in shown] == backups  # each plan was shown, its backup named


def test_reset_without_confirmation_or_terminal_deletes_nothing(data_dir: Path) -> None:
    from exback.commands import archive
    from exback.commands import journal as notes
    from exback.errors import NotInteractiveError

    store = Store(data_dir)
    notes.add(store, "kept", None, [], at(20))
    before = (data_dir / "journal.jsonl").read_bytes()
    shown: list[archive.ResetPlan] = []
    with pytest.raises(NotInteractiveError, match="--confirm delete"):
        archive.reset(store, ("journal.jsonl",), True, shown.append, False, None, at(21), "t")
    assert [d.path.name for d in shown[0].files] == ["journal.jsonl"]  # listed first
    assert (data_dir / "journal.jsonl").read_bytes() == before
    assert not list(data_dir.parent.glob("*-backup-*"))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda n, text, mood, tags, starred, prompt: JournalEntry(
                id=f"e{n}",
                created_at=dt.datetime(2026, 3, 1, 9, tzinfo=UTC) + dt.timedelta(minutes=n),
                text=text,
                mood=mood,
                tags=tags,
                starred=starred,
                prompt=prompt,
            ),
            st.integers(0, 10_000),
            st.text(st.characters(blacklist_categories=["Cs"]), min_size=1).filter(str.strip),
            st.none() | st.integers(1, 10),
            st.lists(
                st.sampled_from(["evening", "é", "a\u202eb", 'q"\\', "x\u200by"]),
                max_size=3,
                unique=True,
            ),
            st.booleans(),
            st.none() | st.text(st.characters(blacklist_categories=["Cs"]), max_size=20),
        ),
        max_size=5,
    )
)
def test_json_export_is_the_document_dumped_whole(entries: list[JournalEntry]) -> None:
    """Issue 19: the journal is dumped one entry at a time (memory, speed), to the same text."""
    now = dt.datetime(2026, 11, 22, 21, 30, tzinfo=UTC)
    progress = logic.new_progress(now)
    whole = {
        "exback_export": export.FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "exback_version": "9.9",
        "schema_version": export.SCHEMA_VERSION,
        "progress": progress.model_dump(mode="json"),
        "journal": [export.entry_json(e) for e in entries],
    }
    expected = inert_json(json.dumps(whole, ensure_ascii=False, indent=2)) + "\n"
    assert export.to_json(export.Snapshot(progress, entries), now, "9.9") == expected


def _note(n: int, text: str = "", **fields: object) -> JournalEntry:
    return JournalEntry(
        id=f"n{n}", created_at=at(10 + n % 4, 8 + n), text=text or f"note {n}", **fields
    )


def test_streamed_export_of_a_mixed_journal_is_the_old_text(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    """Issue 19: the export, made note by note as the journal is read, is byte for byte the
    whole journal as `read_journal` folds it dumped at once, and holds exactly the notes
    `journal list` shows: edits folded, deleted and erased notes left out."""
    from exback.journal import delete_line, edit_line, entry_line

    seed(data_dir)
    store = Store(data_dir)
    with store.lock():
        store.append_journal_entries(
            [
                _note(1, mood=3, tags=["a", "évening"]),
                _note(2, starred=True),
                _note(3, prompt="What helped today?"),
                _note(4, HOSTILE, tags=["x"]),
                _note(5, "gone for good"),
            ]
        )
        store.append_journal_lines([delete_line("n5", at(20))])
        store.compact_journal()  # n5 is now an erased line: its text is nowhere
        store.append_journal_lines(
            [
                edit_line(_note(1, "edited\ttext", mood=9, tags=["b"], starred=True), at(21)),
                delete_line("n3", at(21)),
                entry_line(_note(6, "older than the rest, so late")),
            ]
        )
    raw = store.journal_path.read_bytes()
    assert b'"kind":"erased"' in raw and b'"late":true' in raw and b'"kind":"edit"' in raw

    out = tmp_path / "out.json"
    assert run(runner, "export", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    document = json.loads(text)
    entries = store.read_journal().entries
    whole = {**document, "journal": [export.entry_json(e) for e in entries]}
    assert text == inert_json(json.dumps(whole, ensure_ascii=False, indent=2)) + "\n"
    listed = json.loads(run(runner, "journal", "list", "--json").stdout)
    assert sorted(e["id"] for e in document["journal"]) == sorted(e["id"] for e in listed)
    ours = sorted(e["id"] for e in listed if e["id"].startswith("n"))
    assert ours == ["n1", "n2", "n4", "n6"]
    assert document["journal"][[e["id"] for e in document["journal"]].index("n1")]["text"] == (
        "edited\ttext"
    )
    assert "gone for good" not in text and "note 3" not in text


def test_export_of_a_damaged_journal_is_exit_3_and_leaves_the_file(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    """The export is written as it is made, but only after every line was read and checked."""
    store = Store(data_dir)
    with store.lock():
        store.append_journal_entries([_note(1), _note(2)])
    lines = store.journal_path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b'"text":"note 2"', b'"text":""')
    store.journal_path.write_bytes(b"\n".join(lines))
    out = tmp_path / "out.json"
    out.write_text("the old export\n")
    result = run(runner, "export", "-o", str(out), "--force")
    assert result.exit_code == 3
    assert f"{store.journal_path}:3:1" in result.stderr
    assert out.read_text() == "the old export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_file_written_in_pieces_is_whole_or_not_at_all(tmp_path: Path) -> None:
    """write_new: when making a piece fails, the temp file goes and the old file stays."""
    from exback.commands.archive import write_new

    out = tmp_path / "out.json"
    out.write_text("before\n")

    def pieces() -> Iterator[str]:
        yield "half of it"
        raise RuntimeError("the disk went away")

    with pytest.raises(RuntimeError):
        write_new(out, pieces(), overwrite=True)
    assert out.read_text() == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    write_new(out, iter(["a", "b\n"]), overwrite=True)
    assert out.read_text() == "ab\n"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(blacklist_categories=["Cs"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(_JSON, st.sampled_from([(",", ":"), (",\n      ", ": ")]))
def test_the_encoder_made_once_writes_what_json_dumps_writes(value: object, separators) -> None:
    """Issue 19: lines and the dump's entries use one C encoder made once (json_encoder)."""
    from exback.journal import json_encoder

    expected = json.dumps(value, ensure_ascii=False, separators=separators)
    assert json_encoder(*separators)(value) == expected
