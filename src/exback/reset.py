"""`exback reset`: list exactly what goes, back it up as a json export, then delete it.

Only exback's own files in the data dir are touched: progress.json and
journal.jsonl with their `.bak`, recovery copies (`<file>.*`) and leftover
temp files (`.<file>.*.tmp`). The data dir itself and the lock stay.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exback import export
from exback.errors import DataCorruptError, StorageError
from exback.restore import count
from exback.storage import JOURNAL, PROGRESS, fsync_dir

if TYPE_CHECKING:
    from exback.models import JournalEntry, Progress
    from exback.storage import Store

PARTS = (PROGRESS, JOURNAL)


@dataclass(frozen=True)
class Doomed:
    """One file reset will delete, and what it holds in words."""

    path: Path
    what: str


@dataclass(frozen=True)
class Plan:
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
    confirm: Callable[[Plan], None],
    now: dt.datetime,
    version: str,
) -> Plan:
    """Plan, let `confirm` see the plan (it raises to stop), back up, delete; under the lock."""
    root = store.root
    if not any(own_files(root, part) for part in parts):
        return Plan(root, [], None)
    with store.lock():
        progress, journal, notes = _read(store, parts, backup)
        files = [
            Doomed(path, _describe(path, notes)) for part in parts for path in own_files(root, part)
        ]
        plan = Plan(root, files, backup_path(root, now) if backup else None)
        if not files:
            return plan
        confirm(plan)
        if plan.backup is not None:
            text = export.to_json(export.Snapshot(progress, journal), now, version)
            export.write_new(plan.backup, text)
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
        fsync_dir(root)
    return plan


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
                summary = export.Snapshot(progress, [])
            else:
                read = store.read_journal()
                journal = read.entries
                summary = export.Snapshot(None, journal)
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
    stem = f"{root.name}-backup-{now.strftime('%Y%m%dT%H%M%S')}"
    path = root.with_name(stem + ".json")
    n = 2
    while path.exists():
        path = root.with_name(f"{stem}-{n}.json")
        n += 1
    return path
