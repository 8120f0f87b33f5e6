"""`journal edit`, `journal delete`, `journal compact`, and the editor."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from exback import cli
from exback.content import load_writing_prompts
from exback.models import JournalEntry
from exback.paths import packaged_content_dir
from exback.storage import Store

from .conftest import run
from .screen import Terminal

NOW = "2026-11-22 21:30:00+00:00"


def listed(runner, *args: str) -> list[dict]:
    result = run(runner, "journal", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def three(runner) -> list[str]:
    """Three notes, oldest first; their ids."""
    with time_machine.travel(NOW, tick=False):
        for n, text in enumerate(["first, about sleep", "second", "third: call them?"]):
            assert run(runner, "journal", "add", text, "--mood", str(n + 4)).exit_code == 0
    return [e["id"] for e in reversed(listed(runner))]


def journal_bytes(data_dir: Path) -> bytes:
    return (data_dir / "journal.jsonl").read_bytes()


# --- edit with options -------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_edit_with_options_appends_a_new_version(runner, data_dir: Path, three) -> None:
    before = journal_bytes(data_dir)
    result = run(
        runner, "journal", "edit", three[0][:5], "--mood", "9", "--tag", "walk", "--tag",
        "sleep", "--star", "--date", "2026-11-20",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Changed the mood, tags, star and date of entry {three[0][:8]}" in result.stderr
    after = journal_bytes(data_dir)
    assert after.startswith(before)  # append-only: the old line is still there
    edit = json.loads(after[len(before) :])
    assert edit["kind"] == "edit" and edit["edited_at"] == "2026-11-22T21:30:00+00:00"
    entries = {e["id"]: e for e in listed(runner)}
    assert len(entries) == 3
    changed = entries[three[0]]
    assert changed["mood"] == 9 and changed["tags"] == ["walk", "sleep"]
    assert changed["starred"] is True and changed["created_at"] == "2026-11-20T21:30:00+00:00"
    assert changed["text"] == "first, about sleep"
    assert [e["id"] for e in listed(runner, "--starred")] == [three[0]]
    assert [e["id"] for e in listed(runner, "--on", "2026-11-20")] == [three[0]]
    unstar = run(runner, "journal", "edit", three[0], "--unstar", "--text", "first, rewritten")
    assert "Changed the text and star" in unstar.stderr
    assert {e["id"]: e for e in listed(runner)}[three[0]]["text"] == "first, rewritten"
    assert "starred" not in {e["id"]: e for e in listed(runner)}[three[0]]


def test_edit_that_changes_nothing_writes_nothing(runner, data_dir: Path, three) -> None:
    before = journal_bytes(data_dir)
    result = run(runner, "journal", "edit", three[1], "--mood", "5")  # its mood already
    assert result.exit_code == 0 and "Nothing changed in entry" in result.stderr
    assert journal_bytes(data_dir) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["nope0000", "--mood", "3"], "no entry has the id 'nope0000'"),
        (["ab", "--mood", "3"], "give at least 4 characters of the id"),
        (["{id}", "--text", "   "], "the note is empty"),
        (["{id}", "--tag", "two words"], "--tag 'two words' is not allowed"),
        (["{id}", "--date", "someday"], "--date 'someday' is not a date"),
        (["{id}", "--date", "last week"], "--date takes one day"),
        (["{id}", "--date", "2026-11-20 25:00"], "the time is HH:MM"),
        (["{id}", "--mood", "11"], "--mood"),
    ],
)
def test_bad_edits_are_exit_2_and_write_nothing(
    runner, data_dir: Path, three, args: list[str], says: str
) -> None:
    before = journal_bytes(data_dir)
    result = run(runner, "journal", "edit", *[a.replace("{id}", three[0]) for a in args])
    assert result.exit_code == 2
    assert says in result.stderr
    assert journal_bytes(data_dir) == before


def test_an_id_prefix_two_entries_share_is_exit_2_naming_them(runner, data_dir: Path) -> None:
    moment = "2026-11-22T10:00:00+00:00"
    Store(data_dir).append_journal_entries(
        [JournalEntry(id=i, created_at=moment, text=i) for i in ("abcd1111", "abcd2222")]
    )
    result = run(runner, "journal", "edit", "abcd", "--mood", "3")
    assert result.exit_code == 2
    assert "'abcd' starts 2 ids (abcd1111, abcd2222); give more of it" in result.stderr
    assert run(runner, "journal", "edit", "abcd2", "--mood", "3").exit_code == 0


# --- the editor ---------------------------------------------------------------------------

EDITOR = """#!{python}
import os, stat, sys
path = sys.argv[1]
with open({log!r}, "a") as log:
    log.write(path + "\\n")
    log.write(oct(stat.S_IMODE(os.stat(path).st_mode)) + "\\n")
    log.write(oct(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode)) + "\\n")
    log.write(open(path).read() + "<end>\\n")
open(path + ".swp", "w").write("a swap file")  # as vim leaves beside the file
with open(path, "w") as f:
    f.write({text!r})
sys.exit({code})
"""


def make_editor(tmp_path: Path, text: str, code: int = 0) -> tuple[Path, Path]:
    log = tmp_path / "editor.log"
    script = tmp_path / "my editor"  # a space in its path: quoted as a shell would
    script.write_text(EDITOR.format(python=sys.executable, log=str(log), text=text, code=code))
    script.chmod(0o700)
    return script, log


def test_edit_opens_the_editor_on_a_private_temp_file_removed_after(
    runner, data_dir: Path, three, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = make_editor(tmp_path, "first, about sleep: better now\n")
    monkeypatch.setenv("VISUAL", f"'{script}'")
    monkeypatch.setenv("EDITOR", "false")  # $VISUAL wins
    old_umask = os.umask(0o022)
    try:
        result = run(runner, "journal", "edit", three[0])
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    path, mode, folder_mode, shown, _ = log.read_text().split("\n", 4)
    assert mode == "0o600" and folder_mode == "0o700"
    assert shown == "first, about sleep"  # the text, then the editor's newline
    assert not Path(path).exists() and not Path(path).parent.exists()  # swap file too
    assert {e["id"]: e for e in listed(runner)}[three[0]][
        "text"
    ] == "first, about sleep: better now"


def test_a_failing_editor_saves_nothing_and_still_removes_the_file(
    runner, data_dir: Path, three, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = make_editor(tmp_path, "half written", code=3)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"'{script}'")
    before = journal_bytes(data_dir)
    result = run(runner, "journal", "edit", three[0])
    assert result.exit_code == 1 and "stopped with exit code 3; nothing was saved" in result.stderr
    assert journal_bytes(data_dir) == before
    assert not Path(log.read_text().split("\n")[0]).parent.exists()
    emptied, _ = make_editor(tmp_path, "\n")
    monkeypatch.setenv("EDITOR", f"'{emptied}'")
    empty = run(runner, "journal", "edit", three[0])
    assert empty.exit_code == 2 and "the note is empty" in empty.stderr
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    missing = run(runner, "journal", "edit", three[0])
    assert missing.exit_code == 2 and "cannot start the editor" in missing.stderr
    monkeypatch.delenv("EDITOR")
    none = run(runner, "journal", "edit", three[0])
    assert none.exit_code == 2 and "set $VISUAL or $EDITOR" in none.stderr
    assert journal_bytes(data_dir) == before


CTRL_C_EDITOR = """#!{python}
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)  # as vim does: Ctrl-C is its own
os.killpg(0, signal.SIGINT)  # Ctrl-C at the terminal reaches every process of the job
with open(sys.argv[1], "w") as f:
    f.write("kept through Ctrl-C")
"""


def test_ctrl_c_in_the_editor_does_not_stop_exback(runner, three, tmp_path: Path) -> None:
    script = tmp_path / "ctrl-c-editor"
    script.write_text(CTRL_C_EDITOR.format(python=sys.executable))
    script.chmod(0o700)
    env = {**os.environ, "EDITOR": str(script), "VISUAL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "exback", "journal", "edit", three[0]],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # its own process group, as a shell job has
    )
    assert done.returncode == 0, done.stderr
    assert {e["id"]: e for e in listed(runner)}[three[0]]["text"] == "kept through Ctrl-C"


def test_add_without_text_at_a_terminal_opens_the_editor(
    runner, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, log = make_editor(tmp_path, "written in my editor\n")
    monkeypatch.setenv("EDITOR", f"'{script}'")
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    result = run(runner, "journal", "add", "--mood", "6")
    assert result.exit_code == 0, result.output
    [entry] = listed(runner)
    assert entry["text"] == "written in my editor" and entry["mood"] == 6
    assert not Path(log.read_text().split("\n")[0]).exists()
    # piped text never opens the editor
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: False)
    assert run(runner, "journal", "add", input="piped\n").exit_code == 0
    assert log.read_text().count("<end>") == 1


@pytest.mark.slow
@pytest.mark.timeout(60)
@pytest.mark.parametrize(("columns", "rows"), [(80, 24), (40, 15)])
def test_add_opens_the_editor_in_a_real_terminal(
    data_dir: Path, tmp_path: Path, columns: int, rows: int
) -> None:
    script, log = make_editor(tmp_path, "from a real terminal\n")
    term = Terminal(
        "journal", "add", columns=columns, rows=rows,
        env={"EDITOR": f"'{script}'", "EXBACK_DATA_DIR": str(data_dir)},
    )  # fmt: skip
    assert term.finish() == 0
    assert "Saved to your journal" in term.text()
    assert [e.text for e in Store(data_dir).read_journal().entries] == ["from a real terminal"]
    assert not Path(log.read_text().split("\n")[0]).exists()


# --- delete -------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_delete_with_the_word_removes_it_everywhere_and_keeps_no_text(
    runner, data_dir: Path, three
) -> None:
    before = journal_bytes(data_dir)
    result = run(runner, "journal", "delete", three[2][:6], "--confirm", "delete")
    assert result.exit_code == 0, result.output
    assert "This deletes entry" in result.stderr and "third: call them?" in result.stderr
    assert f"Deleted entry {three[2][:8]}" in result.stderr
    line = journal_bytes(data_dir)[len(before) :]
    assert json.loads(line) == {
        "kind": "delete", "id": three[2], "deleted_at": "2026-11-22T21:30:00+00:00",
    }  # fmt: skip
    assert [e["id"] for e in listed(runner)] == [three[1], three[0]]
    status = json.loads(run(runner, "status", "--json").stdout)["journal"]
    assert status["count"] == 2
    export = json.loads(run(runner, "export").stdout)
    assert {e["id"] for e in export["journal"]} == {three[0], three[1]}
    again = run(runner, "journal", "delete", three[2], "--confirm", "delete")
    assert again.exit_code == 2 and "no entry has the id" in again.stderr


def test_delete_needs_the_word(runner, data_dir: Path, three, monkeypatch) -> None:
    before = journal_bytes(data_dir)
    wrong = run(runner, "journal", "delete", three[0], "--confirm", "yes")
    assert wrong.exit_code == 2 and "--confirm takes the word 'delete'" in wrong.stderr
    piped = run(runner, "journal", "delete", three[0])
    assert piped.exit_code == 2 and "pass --confirm delete" in piped.stderr
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    for typed, code in (("no\r", 1), ("\x03", 130)):
        with create_pipe_input() as pipe:
            pipe.send_text(typed)
            pipe.close()
            with create_app_session(input=pipe, output=DummyOutput()):
                result = run(runner, "journal", "delete", three[0])
        assert result.exit_code == code and "nothing was deleted" in result.stderr
    assert journal_bytes(data_dir) == before
    with create_pipe_input() as pipe:
        pipe.send_text("delete\r")
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            assert run(runner, "journal", "delete", three[0]).exit_code == 0
    assert three[0] not in [e["id"] for e in listed(runner)]


# --- compact ------------------------------------------------------------------------------


def test_compact_erases_deleted_text_and_old_versions_keeping_a_bak(
    runner, data_dir: Path, three
) -> None:
    run(runner, "journal", "edit", three[0], "--text", "first, rewritten")
    run(runner, "journal", "delete", three[2], "--confirm", "delete")
    shown = listed(runner)
    original = journal_bytes(data_dir)
    assert b"call them?" in original and b"about sleep" in original

    first = run(runner, "journal", "compact")
    assert first.exit_code == 0
    assert (
        "dropping 2 lines" in first.stderr and "run 'exback journal compact' again" in first.stderr
    )
    journal = journal_bytes(data_dir)
    assert b"call them?" not in journal and b"about sleep" not in journal
    assert (data_dir / "journal.jsonl.bak").read_bytes() == original
    assert stat.S_IMODE((data_dir / "journal.jsonl").stat().st_mode) == 0o600
    assert listed(runner) == shown  # the same entries, the same ids
    deleted_at = json.loads(original.splitlines()[-1])["deleted_at"]
    erased = {"kind": "erased", "id": three[2], "deleted_at": deleted_at}
    assert json.loads(journal.splitlines()[1]) == erased

    second = json.loads(run(runner, "journal", "compact", "--json").stdout)
    assert second["rewritten"] and not second["backup_holds_old_lines"]
    assert b"call them?" not in (data_dir / "journal.jsonl.bak").read_bytes()
    third = run(runner, "journal", "compact")
    assert "already compact (2 entries); nothing was changed" in third.stderr
    # an export of the deleted entry does not bring it back, by import or by merge
    old_export = [{"id": three[2], "created_at": "2026-11-22T21:30:00+00:00", "text": "x"}]
    (data_dir.parent / "old.json").write_text(json.dumps(old_export))
    imported = run(runner, "journal", "import", str(data_dir.parent / "old.json"), "--json")
    assert json.loads(imported.stdout)["added"] == 0
    assert listed(runner) == shown


def test_compact_puts_an_older_journal_in_order_and_doctor_offers_it(
    runner, data_dir: Path
) -> None:
    data_dir.mkdir(mode=0o700)
    lines = [
        b'{"id":"b","created_at":"2026-01-02T10:00:00+00:00","text":"b","mood":null,"tags":[]}',
        b'{"id":"a","created_at":"2026-01-01T10:00:00+00:00","text":"a","mood":null,"tags":[]}',
    ]
    (data_dir / "journal.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (data_dir / "journal.jsonl").chmod(0o600)
    doctor = json.loads(run(runner, "doctor", "--json").stdout)
    assert doctor["healthy"]
    assert "journal list reads all of it" in doctor["notes"][0]["note"]
    repaired = json.loads(run(runner, "doctor", "--repair", "--yes", "--json").stdout)
    assert repaired["changes"] == [
        "compacted journal.jsonl (2 entries); the file before is journal.jsonl.bak"
    ]
    assert journal_bytes(data_dir).splitlines() == [
        b'{"kind":"journal","format":2}',
        lines[1],
        lines[0],
    ]
    assert json.loads(run(runner, "doctor", "--json").stdout)["notes"] == []


def test_export_and_restore_carry_ids_edits_and_deletions(
    runner, data_dir: Path, three, tmp_path: Path
) -> None:
    run(runner, "journal", "edit", three[0], "--text", "first, rewritten", "--star")
    run(runner, "journal", "delete", three[2], "--confirm", "delete")
    shown = listed(runner)
    export = tmp_path / "export.json"
    assert run(runner, "export", "--output", str(export)).exit_code == 0
    other = tmp_path / "other"
    assert run(runner, "--data-dir", str(other), "restore", str(export)).exit_code == 0
    restored = run(runner, "--data-dir", str(other), "journal", "list", "--json")
    assert json.loads(restored.stdout) == shown
    assert b"call them?" not in (other / "journal.jsonl").read_bytes()
    # a merge keeps the deletion: an older export with the entry does not bring it back
    older = tmp_path / "older.json"
    document = json.loads(export.read_text())
    document["journal"].append(
        {"id": three[2], "created_at": "2026-11-22T21:30:00+00:00", "text": "t"}
    )
    older.write_text(json.dumps(document))
    merged = run(runner, "restore", "--merge", str(older))
    assert merged.exit_code == 0, merged.output
    assert listed(runner) == shown


@pytest.mark.slow
@pytest.mark.timeout(90)
@pytest.mark.parametrize(("columns", "rows"), [(80, 24), (40, 15)])
def test_delete_and_prompt_in_a_real_terminal(data_dir: Path, columns: int, rows: int) -> None:
    """What a person sees: the entry about to go, the word to type; the day's prompt."""
    env = {"EXBACK_DATA_DIR": str(data_dir), "VISUAL": "", "EDITOR": ""}
    moment = NOW.replace(" ", "T")
    Store(data_dir).append_journal_entries(
        [JournalEntry(id="abcd1234ef", created_at=moment, text="to go")]
    )
    term = Terminal("journal", "delete", "abcd", columns=columns, rows=rows, env=env)
    term.wait_for("This deletes entry abcd1234")
    term.wait_for("Type delete to delete this entry")
    term.wait_prompt()
    term.type("delete\r")
    assert term.finish() == 0
    assert "Deleted entry abcd1234" in term.text()
    assert Store(data_dir).read_journal().entries == []

    term = Terminal("journal", "add", "--prompt", columns=columns, rows=rows, env=env)
    term.wait_prompt()
    shown = term.text()
    prompts = load_writing_prompts(packaged_content_dir()).prompts
    [prompt] = [p.text for p in prompts if " ".join(p.text.split()[:4]) in shown]
    term.type("a note under the prompt\r")
    assert term.finish() == 0
    [entry] = Store(data_dir).read_journal().entries
    assert entry.prompt == prompt and entry.text == "a note under the prompt"
