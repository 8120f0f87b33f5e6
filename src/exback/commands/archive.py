"""Archive use cases: export the data dir, restore an export, reset (delete) the data.

Export only reads. Restore checks the whole file before it takes the lock, then
writes progress.json and journal.jsonl together (`Store.commit`). Reset lists
exactly what goes, lets the person confirm, writes a backup, then deletes, all
under one lock. Only exback's own files are ever deleted: progress.json and
journal.jsonl with their `.bak`, recovery copies (`<file>.*`) and leftover temp
files (`.<file>.*.tmp`); the data dir itself and the lock stay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exback import export as exports
from exback import keys, memo
from exback.commands.inputs import parse_json, read_json
from exback.errors import (
    DataCorruptError,
    ExbackError,
    NotInteractiveError,
    StorageError,
    UsageError,
)
from exback.export import Snapshot
from exback.journal import erasures
from exback.merge import Added, count, merge_journal, merge_progress
from exback.storage import (
    JOURNAL,
    PROGRESS,
    fsync_dir,
    journal_bytes,
    progress_bytes,
    torn_line,
    unique_path,
    write_file_atomic,
)

if TYPE_CHECKING:
    from exback.commands.encryption import Secrets
    from exback.models import JournalEntry, Program, Progress
    from exback.prompts import Prompter
    from exback.storage import Store

CONFIRM_WORD = "delete"
PARTS = (PROGRESS, JOURNAL)

# --- export -------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """The export's text (for stdout when there is no `--output`), and a line to show."""

    text: str
    notice: str | None = None


def export(
    store: Store,
    markdown: bool,
    program: Callable[[], Program],
    now: dt.datetime,
    version: str,
    output: Path | None = None,
    overwrite: bool = False,
    sealed: bool = False,
) -> Exported:
    """The json dump, or the Markdown report (`program()` is loaded only for it).

    With `output`, it is written there (0600, atomically, as it is made) and the
    text returned is empty; `sealed`: encrypted under the data key (keys.seal_export).
    """
    if output is not None and output.resolve().parent == store.root.resolve():
        raise UsageError(f"--output {output} is inside the data dir; choose a place outside it")
    progress = store.load_progress()
    if markdown:
        journal = store.read_journal()
        text = exports.to_markdown(program(), Snapshot(progress, journal.entries), now, version)
        parts: Iterable[str] = [text]
        torn = journal.torn_tail
    else:  # each note's text is made as it is read: no 100,000 models held at once
        folded, torn = store.fold_journal(exports.entry_text)
        parts = exports.json_parts(progress, folded.entries, now, version)
    if sealed:
        parts = [keys.seal_export(store, "".join(parts))]
    text = ""
    if output is None:
        text = "".join(parts)
    else:
        write_new(output, parts, overwrite)
    notice = torn_line(store.journal_path, "it is not in the export and is left as it is")
    return Exported(text, notice if torn else None)


def write_new(path: Path, text: str | Iterable[str], overwrite: bool = False) -> None:
    """Write a private (0600) file atomically; an existing file is exit 2 unless `overwrite`.

    `text` may come in pieces, written as they come (the temp file is removed if
    making one fails).
    """
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder; name a file")
    if path.exists() and not overwrite:
        raise UsageError(f"{path} already exists; choose another name, or pass --force")
    pieces = [text] if isinstance(text, str) else text
    write_file_atomic(path, (piece.encode("utf-8") for piece in pieces))


# --- restore ------------------------------------------------------------------------


def load_export(path: Path, store: Store, given: Secrets | None = None) -> Snapshot:
    """A json export, fully checked: exit 2 for a bad file, 3 for one from a newer exback.

    An encrypted export is opened first (with the passphrase of its time: exit 5 if wrong).
    """
    expected = "a file made by 'exback export --format json'"
    data = read_json(path, expected)
    if keys.is_sealed_export(data):
        from exback.commands.encryption import Secrets, open_sealed_export

        plain = open_sealed_export(store, given or Secrets(), str(path), data)
        data = parse_json(str(path), plain, expected)
    return exports.parse_export(str(path), data)


def restore(
    store: Store, path: Path, merge: bool, now: dt.datetime, given: Secrets | None = None
) -> Added:
    """Restore `path` into the store: all of it when empty, what is missing with `merge`."""
    incoming = load_export(path, store, given)
    with store.lock():
        current = store.load_progress()
        journal = store.read_journal()
        empty = current is None and not journal.entries and not journal.torn_tail
        if not empty and not merge:
            raise UsageError(
                f"{store.root} already holds your data; restore only fills an empty data "
                "dir. Pass --merge to add what is missing from the file, or "
                "'exback reset' first (it keeps a backup)"
            )
        files: dict[str, bytes] = {}
        if empty:
            if incoming.progress is not None:
                files[PROGRESS] = progress_bytes(incoming.progress)
            if incoming.journal:
                files[JOURNAL] = journal_bytes(incoming.journal)
            if files:  # every byte is ready and proven to read back before the first write
                store.commit(files)
            return count(incoming)
        if journal.torn_tail:
            raise DataCorruptError(
                torn_line(
                    store.journal_path,
                    "merging would rewrite the file without it. Keep a copy of the file "
                    "and remove that line by hand; nothing was changed",
                )
            )
        added = Added()
        if incoming.progress is not None:
            if current is None:
                current, added = incoming.progress, count(Snapshot(incoming.progress, []))
            else:
                added = merge_progress(current, incoming.progress, now)
            if added.counts:
                files[PROGRESS] = progress_bytes(current)
        entries = merge_journal(journal.entries, journal.known_ids, incoming.journal)
        if len(entries) > len(journal.entries):
            files[JOURNAL] = journal_bytes([*erasures(journal.folded), *entries])
            added.add("journal entry", len(entries) - len(journal.entries))
        if files:
            store.commit(files)
        return added


# --- reset --------------------------------------------------------------------------


@dataclass(frozen=True)
class Doomed:
    """One file reset will delete, and what it holds in words."""

    path: Path
    what: str


@dataclass(frozen=True)
class ResetPlan:
    """What a reset deletes, and where the backup goes (None with --no-backup)."""

    root: Path
    files: list[Doomed]
    backup: Path | None


def own_files(root: Path, base: str) -> list[Path]:
    """exback's files for one part (`progress.json` or `journal.jsonl`), sorted by name."""
    if not root.is_dir():
        return []
    found = []
    for path in root.iterdir():
        name = path.name
        ours = (
            name == base
            or name.startswith(base + ".")
            or (name.startswith(f".{base}.") and name.endswith(".tmp"))
        )
        if ours and (path.is_file() or path.is_symlink()):
            found.append(path)
    return sorted(found, key=lambda p: (p.name != base, p.name))


def reset(
    store: Store,
    parts: tuple[str, ...],
    backup: bool,
    show: Callable[[ResetPlan], None],
    confirmed: bool,
    ask: Prompter | None,
    now: dt.datetime,
    version: str,
) -> ResetPlan:
    """Plan, `show` the plan, confirm, back up, delete; all under the lock.

    Going ahead needs `confirmed` (--confirm delete) or the word typed at `ask`
    (None when there is no terminal: exit 2). Returns the plan carried out; one
    with no files when there was nothing to delete.
    """
    root = store.root
    if not any(own_files(root, part) for part in parts):
        return ResetPlan(root, [], None)
    with store.lock():
        progress, journal, notes = _read(store, parts, backup)
        files = [
            Doomed(path, _describe(path, notes)) for part in parts for path in own_files(root, part)
        ]
        plan = ResetPlan(root, files, backup_path(root, now) if backup else None)
        if not files:
            return plan
        show(plan)
        if not confirmed:
            _ask_for_the_word(ask)
        if plan.backup is not None:
            text = exports.to_json(Snapshot(progress, journal), now, version)
            write_new(plan.backup, keys.seal_export(store, text) if store.encrypted() else text)
        removed: list[str] = []
        # copies first, each live file last: an interruption leaves the live files,
        # never a `.bak` without its live file (which would block every command)
        for doomed in sorted(files, key=lambda d: d.path.name in parts):
            try:
                doomed.path.unlink(missing_ok=True)
            except OSError as exc:
                so_far = ", ".join(removed) or "nothing"
                raise StorageError(
                    f"cannot delete {doomed.path}: {exc.strerror or exc}; removed so far: {so_far}"
                ) from None
            removed.append(doomed.path.name)
        memo.forget(root)  # what status last showed
        fsync_dir(root)
    return plan


def _ask_for_the_word(ask: Prompter | None) -> None:
    if ask is None:
        raise NotInteractiveError(
            f"reset asks you to type '{CONFIRM_WORD}', but there is no terminal; "
            f"pass --confirm {CONFIRM_WORD}. Nothing was deleted"
        )
    if not ask.word(f"Type {CONFIRM_WORD} to delete these files:", CONFIRM_WORD):
        raise ExbackError(f"you did not type '{CONFIRM_WORD}'; nothing was deleted")


def _read(
    store: Store, parts: tuple[str, ...], backup: bool
) -> tuple[Progress | None, list[JournalEntry], dict[str, str]]:
    """The records to back up, and a description of each main file."""
    progress: Progress | None = None
    journal: list[JournalEntry] = []
    notes: dict[str, str] = {}
    for part in parts:
        try:
            if part == PROGRESS:
                progress = store.load_progress()
                summary = Snapshot(progress, [])
            else:
                read = store.read_journal()
                journal = read.entries
                summary = Snapshot(None, journal)
        except DataCorruptError as exc:
            if backup:
                raise DataCorruptError(
                    f"{exc.message}. It cannot go into a backup: copy it elsewhere if you "
                    "want to keep it, then run reset again with --no-backup"
                ) from None
            notes[part] = "cannot be read (damaged)"
            continue
        notes[part] = str(count(summary))
        if part == JOURNAL and read.torn_tail:
            notes[part] += ", and an incomplete last line that is not in any backup"
    return progress, journal, notes


def _describe(path: Path, notes: dict[str, str]) -> str:
    name = path.name
    if name in notes:
        return notes[name]
    if name.startswith("."):
        return "a leftover temporary file"
    part = next(p for p in PARTS if name.startswith(p + "."))
    if name == part + ".bak":
        return f"the previous copy of {part}"
    return f"a copy of {part} set aside by exback (not in the backup)"


def backup_path(root: Path, now: dt.datetime) -> Path:
    """`<data-dir>-backup-<time>.json` next to the data dir, a new name every time."""
    root = root.resolve()
    return unique_path(root.parent, f"{root.name}-backup-{now:%Y%m%dT%H%M%S}", ".json")
