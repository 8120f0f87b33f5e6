"""Journal use cases: add a note, list notes, import notes from jrnl or another exback.

The journal is appended to under `store.lock()` (never rewritten); a torn last
line left by a crash is set aside first, and the result says where it went.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback.commands.inputs import read_json
from exback.journal import NewEntry, make_entry, newest_first, to_json
from exback.storage import torn_line

if TYPE_CHECKING:
    from exback import journal_import
    from exback.models import JournalEntry
    from exback.storage import Store

ProgressBar = Callable[[int], AbstractContextManager[Callable[[int], None]]]
"""`progress(total)`: a context that yields `update(done)`, for a long check."""


@dataclass(frozen=True)
class Added:
    """A saved note, and a line to show if a torn last line was set aside first."""

    entry: NewEntry
    notice: str | None = None


@dataclass(frozen=True)
class Listed:
    """Entries newest first, and a line to show if the last line was skipped."""

    entries: list[JournalEntry]
    notice: str | None = None

    def to_json(self) -> list[dict[str, Any]]:
        """The `journal list --json` shape: each entry as its journal line."""
        return [to_json(entry) for entry in self.entries]


@dataclass(frozen=True)
class Imported:
    """What an import read and did."""

    file: str
    format: journal_import.Format
    entries: list[JournalEntry]
    added: int
    notice: str | None = None

    @property
    def skipped(self) -> int:
        return len(self.entries) - self.added

    def to_json(self) -> dict[str, Any]:
        """The `journal import --json` shape."""
        return {
            "file": self.file,
            "format": self.format,
            "added": self.added,
            "skipped": self.skipped,
        }


def add(store: Store, text: str, mood: int | None, tags: list[str], now: dt.datetime) -> Added:
    """Check and append one entry under the data lock."""
    entry = make_entry(text, mood, tags, now)
    with store.lock():
        kept = store.append_journal(entry)
    return Added(entry, _set_aside(store, kept))


def entries(store: Store, limit: int | None = None) -> Listed:
    """The newest `limit` entries (all without it); a torn last line is skipped, not touched."""
    read = store.read_journal()
    notice = torn_line(store.journal_path, "it was skipped and is left as it is")
    return Listed(newest_first(read.entries)[:limit], notice if read.torn_tail else None)


def import_file(store: Store, path: Path, progress: ProgressBar | None = None) -> Imported:
    """Read FILE (`-`: stdin), check every entry, then append the new ones in one write.

    A bad entry is exit 2 naming it, before anything is written.
    """
    from exback import journal_import

    name = "stdin" if str(path) == "-" else str(path)
    export = journal_import.parse_export(name, read_json(path, journal_import.EXPECTED))
    if progress is None:
        checked = journal_import.check_entries(export)
    else:
        with progress(len(export.items)) as update:
            checked = journal_import.check_entries(export, update)
    with store.lock():
        fresh = journal_import.new_entries(store.read_journal().entries, export.format, checked)
        kept = (
            store.append_journal_entries(journal_import.chronological(export.format, fresh))
            if fresh
            else None
        )
    return Imported(name, export.format, checked, len(fresh), _set_aside(store, kept))


def _set_aside(store: Store, kept: Path | None) -> str | None:
    if kept is None:
        return None
    return torn_line(store.journal_path, f"it was moved to {kept}, where you can look at it")
