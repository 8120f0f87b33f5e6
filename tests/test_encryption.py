"""Encryption at rest (issue 20): no plain text on disk, the passphrase, tampering, exports.

Real files, the real key derivation and cipher; the passphrase comes from a file
(`--passphrase-file`), as in scripts. Crash safety of the conversion is in
tests/test_strace_crash.py; the prompts at a terminal in tests/test_encryption_pty.py.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from exback import crypto, keys
from exback.errors import DataCorruptError
from exback.storage import JOURNAL, KEYS, PROGRESS, Store

from .conftest import run

PASS = "correct horse battery staple"
# Every text the person wrote, in every kind of record exback keeps.
NOTE = "I still sleep on my side of the bed, Sam"
NOTE_2 = "Walked past the bakery where we met"
TORN = "a torn note about the anniversary"
CORRUPT = "a note in a damaged line about the letters"
ANSWER = "We stopped talking about the hard things"
CHECKIN = "the anniversary is on friday"
PLAN = "call my sister Ruth"
LETTER = "Dear Sam, I am sorry about the trip to the coast"
OLD = "what I first wrote about the flat keys"
NEW = "what I wrote instead about the flat keys"
GONE = "a note I deleted about the wedding photos"
KNOWN = [NOTE, NOTE_2, TORN, CORRUPT, ANSWER, CHECKIN, PLAN, LETTER, OLD, NEW, GONE]


@pytest.fixture
def passfile(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASS + "\n")
    return path


def everything(runner, data_dir: Path, tmp_path: Path) -> None:
    """A data dir with every kind of record, a `.bak`, a `.torn-*` and a `.corrupt-*` copy."""
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        f"understand:\n  reasons: {ANSWER}\n  my_part: not listening\n  clarity: 5\n"
    )
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"people_to_ask: {PLAN}\n")
    assert run(runner, "safety-plan", "--answers-file", str(plan)).exit_code == 0
    assert run(runner, "checkin", "--mood", "4", "--urge", "3", "--note", CHECKIN).exit_code == 0
    assert run(runner, "journal", "add", NOTE).exit_code == 0
    # a damaged line: doctor keeps the whole file as .corrupt-<time>
    journal = data_dir / JOURNAL
    journal.write_bytes(journal.read_bytes() + f'{{"id": 1, "text": "{CORRUPT}"}}\n'.encode())
    assert run(runner, "doctor", "--repair", "--yes").exit_code == 0
    # a torn last line: the next add sets it aside as .torn-<time>
    with journal.open("ab") as handle:
        handle.write(f'{{"id":"x","text":"{TORN}'.encode())
    assert run(runner, "journal", "add", NOTE_2).exit_code == 0
    letter_edit_and_delete(runner)
    names = os.listdir(data_dir)
    assert any(".torn-" in n for n in names) and any(".corrupt-" in n for n in names)
    assert f"{PROGRESS}.bak" in names


def letter_edit_and_delete(runner, *args: str) -> None:
    """A letter; a note written as OLD then edited to NEW; a note GONE, deleted."""
    assert run(runner, *args, "letters", "add", LETTER).exit_code == 0
    for text in (OLD, GONE):
        assert run(runner, *args, "journal", "add", text).exit_code == 0
    listed = json.loads(run(runner, *args, "journal", "list", "--json").stdout)
    ids = {e["text"]: e["id"] for e in listed}
    assert run(runner, *args, "journal", "edit", ids[OLD], "--text", NEW).exit_code == 0
    deleted = run(runner, *args, "journal", "delete", ids[GONE], "--confirm", "delete")
    assert deleted.exit_code == 0, deleted.output


def plain_text_in(*folders: Path) -> list[tuple[str, str]]:
    """(file, text) for every known text found in any file under the folders."""
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                found += [(str(path), text) for text in KNOWN if text.encode() in data]
    return found


def encrypt(runner, passfile: Path) -> object:
    return run(runner, "--passphrase-file", str(passfile), "encrypt")


def test_after_encrypt_no_known_text_is_anywhere_in_the_data_or_cache_dirs(
    runner, data_dir: Path, tmp_path: Path, passfile: Path
) -> None:
    everything(runner, data_dir, tmp_path)
    assert run(runner, "status").exit_code == 0  # the program cache is there too
    cache = tmp_path / "cache"
    assert plain_text_in(data_dir)  # the scan finds them before
    result = encrypt(runner, passfile)
    assert result.exit_code == 0, result.output
    assert "gone for good" in result.stderr  # the warning, before anything changed
    code = result.stdout.strip()
    assert len(crypto.normal_recovery_code(code)) == 32
    assert plain_text_in(data_dir, cache) == []
    document = json.loads((data_dir / KEYS).read_text())
    assert document["passphrase"]["kdf"]["name"] == "argon2id"
    assert PASS not in (data_dir / KEYS).read_text()
    for path in data_dir.iterdir():
        if path.name not in (KEYS, ".lock"):
            assert path.read_bytes().startswith(crypto.PREFIX), path.name
    # and everything reads back with the passphrase
    listed = run(runner, "--passphrase-file", str(passfile), "journal", "list", "--json")
    assert [e["text"] for e in json.loads(listed.stdout)] == [NEW, NOTE_2, NOTE]
    letter = run(runner, "--passphrase-file", str(passfile), "letters", "show", "1")
    assert LETTER in letter.stdout
    plan = run(runner, "--passphrase-file", str(passfile), "safety-plan", "show", "--json")
    assert PLAN in plan.stdout
    exported = run(runner, "--passphrase-file", str(passfile), "export", "--plain")
    assert all(text in exported.stdout for text in (ANSWER, CHECKIN, NOTE))


def test_reset_backups_next_to_the_data_dir_are_encrypted_too(
    runner, data_dir: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    assert run(runner, "reset", "--confirm", "delete").exit_code == 0
    run(runner, "journal", "add", NOTE_2)
    (backup,) = data_dir.parent.glob("data-backup-*.json")
    (data_dir.parent / "data-backup-mine.json").write_text(f'["{NOTE}", "not an export"]')
    result = encrypt(runner, passfile)
    assert backup.name in result.stderr
    assert NOTE not in backup.read_text() and keys.is_sealed_export(json.loads(backup.read_text()))
    assert NOTE in (data_dir.parent / "data-backup-mine.json").read_text()  # not exback's
    fresh = data_dir.parent / "fresh"
    args = ["--data-dir", str(fresh), "--passphrase-file", str(passfile)]
    assert run(runner, *args, "restore", str(backup)).exit_code == 0
    assert NOTE in run(runner, "--data-dir", str(fresh), "journal", "list").stdout


def test_new_records_are_sealed_and_journal_add_appends_one_line(
    runner, data_dir: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    before = (data_dir / JOURNAL).read_bytes()
    assert run(runner, "--passphrase-file", str(passfile), "journal", "add", NOTE_2).exit_code == 0
    after = (data_dir / JOURNAL).read_bytes()
    assert before.count(b"\n") == 2  # the header and the note, each sealed
    assert after.startswith(before) and after.count(b"\n") == 3  # appended, not rewritten
    assert after[len(before) :].startswith(crypto.PREFIX)
    assert plain_text_in(data_dir) == []


def test_letters_edits_deletions_and_compact_while_encrypted_leave_no_plain_text(
    runner, data_dir: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    args = ["--passphrase-file", str(passfile)]
    letter_edit_and_delete(runner, *args)
    assert plain_text_in(data_dir) == []
    # every line, of every kind (header, entries, the edit, the deletion), is sealed
    lines = (data_dir / JOURNAL).read_bytes().splitlines()
    assert len(lines) == 6 and all(line.startswith(crypto.PREFIX) for line in lines)
    # the newest-first reader opens them from the end (a sealed header counts as one)
    unlocked = crypto.unlock(keys.read_document(Store(data_dir)), PASS)
    store = Store(data_dir, sealer=crypto.Sealer(unlocked.data_key))
    assert store.journal_in_order()
    with store.journal_newest_first() as (entries, torn):
        assert [e.text for e in entries] == [NEW, NOTE] and not torn
    assert store.journal_summary().count == 2
    newest = run(runner, *args, "journal", "list", "--limit", "1", "--json")
    assert [e["text"] for e in json.loads(newest.stdout)] == [NEW]
    doctor = run(runner, *args, "doctor")  # it sees the old text through the seam
    assert doctor.exit_code == 0 and "--repair would compact it" in doctor.stdout
    assert not [t for t in KNOWN if t in doctor.output]
    assert run(runner, *args, "journal", "compact").exit_code == 0
    bak = data_dir / f"{JOURNAL}.bak"
    assert all(line.startswith(crypto.PREFIX) for line in bak.read_bytes().splitlines())
    assert plain_text_in(data_dir) == []
    # what compact kept and what the .bak holds, seen after decrypting
    assert run(runner, *args, "decrypt").exit_code == 0
    journal = (data_dir / JOURNAL).read_text()
    assert NEW in journal and OLD not in journal and GONE not in journal
    assert OLD in bak.read_text() and GONE in bak.read_text()
    assert LETTER in (data_dir / PROGRESS).read_text()


def test_status_short_and_journal_reads_work_with_a_passphrase_file(
    runner, data_dir: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    run(runner, "checkin", "--mood", "5", "--urge", "2")
    plain = [run(runner, *cmd).stdout for cmd in (["status", "--short"], ["journal", "stats"])]
    encrypt(runner, passfile)
    args = ["--passphrase-file", str(passfile)]
    for command, before in zip((["status", "--short"], ["journal", "stats"]), plain, strict=True):
        result = run(runner, *args, *command)
        assert result.exit_code == 0 and result.stdout == before, result.output
        assert run(runner, *command).exit_code == 2  # no passphrase, no terminal
    for command in (["journal", "tags"], ["journal", "list", "--contains", "bed"], ["status"]):
        result = run(runner, *args, *command)
        assert result.exit_code == 0, result.output
    wrong = passfile.with_name("wrong")
    wrong.write_text("not the passphrase\n")
    assert run(runner, "--passphrase-file", str(wrong), "status", "--short").exit_code == 5


def test_letters_and_edits_go_out_and_come_back_encrypted_both_ways(
    runner, data_dir: Path, tmp_path: Path, passfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter_edit_and_delete(runner)
    plain = tmp_path / "plain.json"
    assert run(runner, "export", "-o", str(plain)).exit_code == 0
    encrypt(runner, passfile)
    args = ["--passphrase-file", str(passfile)]
    sealed = tmp_path / "sealed.json"
    assert run(runner, *args, "export", "-o", str(sealed)).exit_code == 0
    assert not [t for t in KNOWN if t in sealed.read_text()]
    # both exports merged into other encrypted data; the encrypted one restored into plain
    encrypted_dir = tmp_path / "encrypted"
    run(runner, "--data-dir", str(encrypted_dir), "journal", "add", NOTE_2)
    monkeypatch.setenv("EXBACK_DATA_DIR", str(encrypted_dir))
    assert encrypt(runner, passfile).exit_code == 0
    for source in (plain, sealed):
        result = run(runner, *args, "restore", "--merge", str(source))
        assert result.exit_code == 0, result.output
        listed = json.loads(run(runner, *args, "journal", "list", "--json").stdout)
        texts = [e["text"] for e in listed]
        assert NEW in texts and NOTE_2 in texts and OLD not in texts and GONE not in texts
        assert LETTER in run(runner, *args, "letters", "show", "1").stdout
        assert plain_text_in(encrypted_dir) == []
    plain_dir = tmp_path / "plain-dir"
    monkeypatch.setenv("EXBACK_DATA_DIR", str(plain_dir))
    assert run(runner, *args, "restore", str(sealed)).exit_code == 0
    assert LETTER in (plain_dir / PROGRESS).read_text()
    journal = (plain_dir / JOURNAL).read_text()
    assert NEW in journal and GONE not in journal


def test_without_a_passphrase_or_terminal_it_is_exit_2_naming_the_flag(
    runner, data_dir: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    result = run(runner, "journal", "list")
    assert result.exit_code == 2
    assert "--passphrase-file" in result.stderr and result.stderr.count("\n") == 1


def test_a_wrong_passphrase_is_exit_5_in_one_line_and_changes_nothing(
    runner, data_dir: Path, tmp_path: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    for args in (["journal", "add", "x"], ["status"], ["decrypt"], ["passphrase"], ["doctor"]):
        result = run(runner, "--passphrase-file", str(wrong), *args)
        assert result.exit_code == 5, (args, result.output)
        assert result.stderr.count("\n") == 1 and "passphrase does not open" in result.stderr
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before


def test_the_passphrase_file_comes_from_the_environment_too(
    runner, data_dir: Path, passfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    monkeypatch.setenv("EXBACK_PASSPHRASE_FILE", str(passfile))
    assert NOTE in run(runner, "journal", "list").stdout


def test_a_short_passphrase_is_refused_before_anything_changes(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    short = tmp_path / "short.txt"
    short.write_text("abc\n")
    result = run(runner, "--passphrase-file", str(short), "encrypt")
    assert result.exit_code == 2 and "shorter than 8" in result.stderr
    assert not (data_dir / KEYS).exists() and NOTE.encode() in (data_dir / JOURNAL).read_bytes()


def test_passphrase_rewraps_only_the_key_document(
    runner, data_dir: Path, tmp_path: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    data = (data_dir / JOURNAL).read_bytes()
    new = tmp_path / "new.txt"
    new.write_text("a brand new passphrase\n")
    result = run(
        runner, "--passphrase-file", str(passfile), "passphrase", "--new-passphrase-file", str(new)
    )
    assert result.exit_code == 0, result.output
    assert (data_dir / JOURNAL).read_bytes() == data  # nothing re-encrypted
    assert run(runner, "--passphrase-file", str(passfile), "journal", "list").exit_code == 5
    assert NOTE in run(runner, "--passphrase-file", str(new), "journal", "list").stdout
    assert not (data_dir / f"{KEYS}.bak").exists()  # the old wrap is not kept


def test_the_recovery_code_sets_a_new_passphrase(
    runner, data_dir: Path, tmp_path: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    code = encrypt(runner, passfile).stdout.strip()
    code_file = tmp_path / "code.txt"
    code_file.write_text(code.lower().replace("-", " ") + "\n")  # as a person may type it
    new = tmp_path / "new.txt"
    new.write_text("remembered this time\n")
    args = ["passphrase", "--recover", "--new-passphrase-file", str(new)]
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA\n")
    assert run(runner, *args, "--recovery-code-file", str(wrong)).exit_code == 5
    result = run(runner, *args, "--recovery-code-file", str(code_file))
    assert result.exit_code == 0, result.output
    assert NOTE in run(runner, "--passphrase-file", str(new), "journal", "list").stdout


def test_decrypt_brings_every_file_back_to_plain_text(
    runner, data_dir: Path, tmp_path: Path, passfile: Path
) -> None:
    everything(runner, data_dir, tmp_path)
    before = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.name != ".lock"}
    encrypt(runner, passfile)
    result = run(runner, "--passphrase-file", str(passfile), "decrypt")
    assert result.exit_code == 0, result.output
    assert not (data_dir / KEYS).exists()
    after = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.name != ".lock"}
    assert after == before  # byte for byte, copies and kept pieces included
    assert NOTE in run(runner, "journal", "list").stdout


def test_encrypt_twice_says_so_and_finishes_plain_leftovers(
    runner, data_dir: Path, passfile: Path
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    store = Store(data_dir)
    (data_dir / "progress.json.bak").write_bytes(b'{"left": "' + ANSWER.encode() + b'"}')
    assert keys.plain_files(store) == ["progress.json.bak"]
    doctor = run(runner, "--passphrase-file", str(passfile), "doctor")
    assert doctor.exit_code == 1 and "still in plain text: progress.json.bak" in doctor.stdout
    result = encrypt(runner, passfile)
    assert result.exit_code == 0 and "already encrypted" in result.stderr
    assert "progress.json.bak" in result.stderr and plain_text_in(data_dir) == []
    # doctor --repair does the same
    (data_dir / "progress.json.bak").write_bytes(b'{"left": "' + ANSWER.encode() + b'"}')
    repaired = run(runner, "--passphrase-file", str(passfile), "doctor", "--repair", "--yes")
    assert repaired.exit_code == 0 and "encrypted progress.json.bak" in repaired.stdout
    assert plain_text_in(data_dir) == []


# --- tampering -------------------------------------------------------------------------------


def sealed_store(runner, data_dir: Path, passfile: Path) -> tuple[Store, crypto.Sealer]:
    run(runner, "journal", "add", NOTE)
    run(runner, "journal", "add", NOTE_2)
    run(runner, "checkin", "--mood", "4", "--urge", "3", "--note", CHECKIN)
    encrypt(runner, passfile)
    unlocked = crypto.unlock(keys.read_document(Store(data_dir)), PASS)
    sealer = crypto.Sealer(unlocked.data_key)
    return Store(data_dir, sealer=sealer), sealer


@pytest.mark.parametrize("name", [PROGRESS, JOURNAL])
def test_every_flipped_byte_of_a_record_is_exit_3_naming_the_file(
    runner, data_dir: Path, passfile: Path, name: str
) -> None:
    store, _ = sealed_store(runner, data_dir, passfile)
    path = data_dir / name
    original = path.read_bytes()
    read = store.load_progress if name == PROGRESS else store.read_journal
    checked = 0
    for index, byte in enumerate(original):
        if byte == ord("\n"):
            continue  # the line breaks are the journal's framing, not a record
        for flip in (0x01, 0x20):
            path.write_bytes(original[:index] + bytes([byte ^ flip]) + original[index + 1 :])
            with pytest.raises(DataCorruptError) as caught:
                read()
            assert str(path) in caught.value.message
            checked += 1
    assert checked > 300
    path.write_bytes(original)
    read()  # and back as it was, it reads


def test_a_tampered_journal_through_the_cli_is_exit_3_and_shows_no_text(
    runner, data_dir: Path, passfile: Path
) -> None:
    sealed_store(runner, data_dir, passfile)
    path = data_dir / JOURNAL
    data = bytearray(path.read_bytes())
    data[40] = ord("A") if data[40] != ord("A") else ord("B")  # still base64: the tag says no
    path.write_bytes(bytes(data))
    result = run(runner, "--passphrase-file", str(passfile), "journal", "list")
    assert result.exit_code == 3 and f"{path}:1:1" in result.stderr
    assert "authentication" in result.stderr and NOTE not in result.output
    doctor = run(runner, "--passphrase-file", str(passfile), "doctor", "--json")
    assert doctor.exit_code == 1 and "authentication" in doctor.stdout
    assert NOTE not in doctor.stdout and NOTE_2 not in doctor.stdout


def test_a_missing_key_document_is_exit_3_not_a_fresh_start(
    runner, data_dir: Path, passfile: Path
) -> None:
    sealed_store(runner, data_dir, passfile)
    (data_dir / KEYS).rename(data_dir.parent / "moved.json")
    result = run(runner, "journal", "list")
    assert result.exit_code == 3 and "encryption.json" in result.stderr
    added = run(runner, "journal", "add", "new")
    assert added.exit_code == 3  # appending a plain line beside sealed ones would hide them


def test_a_swapped_record_kind_does_not_open(runner, data_dir: Path, passfile: Path) -> None:
    """A journal line copied over progress.json fails authentication: kinds are bound."""
    store, sealer = sealed_store(runner, data_dir, passfile)
    line = (data_dir / JOURNAL).read_bytes().split(b"\n")[0]
    (data_dir / PROGRESS).write_bytes(line + b"\n")
    with pytest.raises(DataCorruptError, match="authentication"):
        store.load_progress()
    assert sealer.open_line(line)  # the line itself is fine


def test_a_hostile_key_document_cannot_ask_for_gigabytes() -> None:
    document = crypto.new_key_document(PASS, crypto.new_recovery_code()).document
    document["passphrase"]["kdf"]["memory_kib"] = 1 << 40
    with pytest.raises(crypto.BadKeyDocument, match="memory_kib"):
        crypto.unlock(document, PASS)


@pytest.mark.parametrize("salt", ["not base64!", "", "QQ==", 7])
def test_a_bad_salt_is_a_bad_key_document(salt: object) -> None:
    document = crypto.new_key_document(PASS, crypto.new_recovery_code()).document
    document["recovery"]["kdf"]["salt"] = salt
    with pytest.raises(crypto.BadKeyDocument):
        crypto.unlock(document, PASS)


def test_kdf_parameters_are_read_from_the_header() -> None:
    """Raised parameters in a rewrapped document still open: the file says what was used."""
    unlocked = crypto.new_key_document(PASS, crypto.new_recovery_code())
    document = crypto.rewrap(unlocked, "another passphrase")
    document["passphrase"]["kdf"]["iterations"] = 4  # as if written by a later exback ...
    with pytest.raises(crypto.WrongSecret):  # ... a different key: the wrap no longer opens
        crypto.unlock(document, "another passphrase")
    assert crypto.unlock(crypto.rewrap(unlocked, "x" * 8), "x" * 8).data_key == unlocked.data_key


# --- exports and help-now ----------------------------------------------------------------------


def test_exports_are_encrypted_by_default_and_restore_reads_both(
    runner, data_dir: Path, tmp_path: Path, passfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    sealed, plain = tmp_path / "sealed.json", tmp_path / "plain.json"
    args = ["--passphrase-file", str(passfile), "export"]
    assert run(runner, *args, "-o", str(sealed)).exit_code == 0
    assert NOTE not in sealed.read_text() and keys.is_sealed_export(json.loads(sealed.read_text()))
    result = run(runner, *args, "--plain", "-o", str(plain))
    assert result.exit_code == 0 and "warning" in result.stderr and NOTE in plain.read_text()
    markdown = run(runner, *args, "--format", "md")
    assert markdown.exit_code == 2 and "--plain" in markdown.stderr
    # both restore into a fresh, plain data dir; the sealed one with its passphrase
    for source in (sealed, plain):
        monkeypatch.setenv("EXBACK_DATA_DIR", str(tmp_path / source.stem))
        assert run(runner, "restore", str(source)).exit_code == (2 if source == sealed else 0)
        result = run(runner, "--passphrase-file", str(passfile), "restore", str(source))
        if source == sealed:
            assert result.exit_code == 0, result.output
        assert NOTE in run(runner, "journal", "list").stdout


def test_reset_backup_is_encrypted_when_the_data_is(runner, data_dir: Path, passfile: Path) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    result = run(runner, "--passphrase-file", str(passfile), "reset", "--confirm", "delete")
    assert result.exit_code == 0, result.output
    (backup,) = data_dir.parent.glob("data-backup-*.json")
    assert NOTE not in backup.read_text() and keys.is_sealed_export(json.loads(backup.read_text()))


def test_help_now_needs_no_passphrase(runner, data_dir: Path, tmp_path: Path, passfile) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"people_to_ask: {PLAN}\n")
    run(runner, "safety-plan", "--answers-file", str(plan))
    encrypt(runner, passfile)
    result = run(runner, "help-now")
    assert result.exit_code == 0
    assert "danger" in result.stdout and PLAN not in result.stdout
    assert "encrypted" in result.stderr
    # with the passphrase: the general help first, the plan after it
    result = run(runner, "--passphrase-file", str(passfile), "help-now")
    assert result.exit_code == 0 and result.stdout.index("danger") < result.stdout.index(PLAN)


def test_doctor_checks_an_encrypted_dir_without_showing_content(
    runner, data_dir: Path, tmp_path: Path, passfile: Path
) -> None:
    everything(runner, data_dir, tmp_path)
    encrypt(runner, passfile)
    result = run(runner, "--passphrase-file", str(passfile), "doctor", "--json")
    assert all(text not in result.stdout for text in KNOWN)
    (data_dir / KEYS).write_text("{}")
    result = run(runner, "--passphrase-file", str(passfile), "doctor", "--repair", "--yes")
    assert result.exit_code == 1 and "encryption.json" in result.stdout
    assert "put back a copy from a backup" in result.stdout
    assert plain_text_in(data_dir) == []  # no repair touched the sealed files


def test_the_editor_copy_goes_to_memory_while_encryption_is_on() -> None:
    from exback.editor import MEMORY_DIRS
    from exback.prompts import memory_tempdir

    with memory_tempdir() as folder:
        fd, name = tempfile.mkstemp()
        os.close(fd)
        os.unlink(name)
    if any(os.access(d, os.W_OK) for d in MEMORY_DIRS):
        assert folder is not None and name.startswith(folder)
    assert tempfile.gettempdir() != folder or folder is None or folder == "/tmp"


@pytest.mark.skipif(not os.access("/dev/shm", os.W_OK), reason="no /dev/shm on this system")
def test_journal_edit_in_the_editor_writes_its_file_in_memory_while_encrypted(
    runner, data_dir: Path, tmp_path: Path, passfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "journal", "add", OLD)
    encrypt(runner, passfile)
    seen = tmp_path / "seen"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {seen}\nprintf "{NEW}" > "$1"\n')
    editor.chmod(0o700)
    monkeypatch.setenv("VISUAL", str(editor))
    args = ["--passphrase-file", str(passfile)]
    (entry,) = json.loads(run(runner, *args, "journal", "list", "--json").stdout)
    result = run(runner, *args, "journal", "edit", entry["id"])
    assert result.exit_code == 0, result.output
    path = Path(seen.read_text())
    assert str(path).startswith("/dev/shm/") and not path.parent.exists()
    assert NEW in run(runner, *args, "journal", "list").stdout
    assert plain_text_in(data_dir) == []


# --- the system keyring, only when asked ----------------------------------------------------


@pytest.fixture
def memory_keyring() -> object:
    """keyring's own backend interface, kept in memory: the real keyring is never touched."""
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.kept: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if self.kept.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_the_keyring_keeps_the_key_only_when_asked(
    runner, data_dir: Path, passfile: Path, memory_keyring
) -> None:
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    assert memory_keyring.kept == {}  # not unless asked
    assert run(runner, "journal", "list").exit_code == 2
    result = run(runner, "--passphrase-file", str(passfile), "passphrase", "--remember")
    assert result.exit_code == 0, result.output
    assert list(memory_keyring.kept) == [("exback", str(data_dir.resolve()))]
    assert PASS not in str(memory_keyring.kept)  # the data key, never the passphrase
    assert NOTE in run(runner, "journal", "list").stdout  # no passphrase needed now
    where = run(runner, "where")
    assert "system keyring" in where.stdout and "passphrase --forget" in where.stdout
    assert json.loads(run(runner, "where", "--json").stdout)["key_in_keyring"] is True
    # a key in the keyring that is not this data dir's is not used
    memory_keyring.kept[("exback", str(data_dir.resolve()))] = "A" * 44
    assert run(runner, "journal", "list").exit_code == 2
    assert run(runner, "passphrase", "--forget").exit_code == 0
    assert memory_keyring.kept == {}
    assert run(runner, "journal", "list").exit_code == 2
    assert "system keyring" not in run(runner, "where").stdout


def test_restore_and_import_into_encrypted_data_are_sealed(
    runner, data_dir: Path, tmp_path: Path, passfile: Path
) -> None:
    other = tmp_path / "other"
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"understand:\n  reasons: {ANSWER}\n")
    run(runner, "--data-dir", str(other), "start", "--answers-file", str(answers))
    run(runner, "--data-dir", str(other), "journal", "add", NOTE_2)
    plain = tmp_path / "plain.json"
    run(runner, "--data-dir", str(other), "export", "-o", str(plain))
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    args = ["--passphrase-file", str(passfile)]
    assert run(runner, *args, "restore", "--merge", str(plain)).exit_code == 0
    assert run(runner, *args, "journal", "import", str(plain.with_name("x.json"))).exit_code == 2
    listed = run(runner, *args, "journal", "list", "--json").stdout
    assert NOTE in listed and NOTE_2 in listed
    assert plain_text_in(data_dir) == []


def test_import_and_export_note_by_note_with_encryption_on(
    runner, data_dir: Path, tmp_path: Path, passfile: Path
) -> None:
    """Issue 19: an import's checked lines are sealed on the way in (one by one, late
    marks included), and a plain export opens each line as the journal is read."""
    run(runner, "journal", "add", NOTE)
    encrypt(runner, passfile)
    args = ["--passphrase-file", str(passfile)]
    notes = tmp_path / "notes.json"
    older = {"id": "i1", "created_at": "2020-01-01T10:00:00+00:00", "text": NOTE_2, "tags": ["t"]}
    notes.write_text(json.dumps([older]))
    assert run(runner, *args, "journal", "import", str(notes)).exit_code == 0
    assert plain_text_in(data_dir) == []
    plain = tmp_path / "plain.json"
    assert run(runner, *args, "export", "--plain", "-o", str(plain)).exit_code == 0
    document = json.loads(plain.read_text())
    assert [e["text"] for e in document["journal"]] == [NOTE_2, NOTE]  # by time
    assert document["journal"][0]["tags"] == ["t"]
