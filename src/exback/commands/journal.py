"""Journal use cases: add, list, tags, edit, delete, compact, stats, import.

The journal is appended to under `store.lock()`: an edit or a deletion is a new
line that supersedes the old one. Only `compact` (and doctor's repairs) rewrite
it, atomically, keeping a `.bak`. A torn last line left by a crash is set aside
first, and the result says where it went.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback.commands.inputs import json_text, read_input
from exback.journal import (
    changed_entry,
    delete_line,
    edit_line,
    find_by_id,
    make_entry,
    to_json,
)
from exback.storage import new_entry_id, no_gc, torn_line

# `journal add` is on the fast path: what only the readers use is imported in them.
if TYPE_CHECKING:
    from exback import journal_import
    from exback.journal import Checked, NewEntry
    from exback.journal_find import Query
    from exback.journal_stats import Stats
    from exback.models import JournalEntry
    from exback.storage import Compacted, Store

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
    notice: str | None
    query: Query

    def ago(self, entry: JournalEntry) -> str | None:
        """How long ago an entry of an on-this-day list was written."""
        from exback.journal_find import ago, local_day

        today = self.query.on_this_day
        return None if today is None else ago(local_day(entry), today)

    def to_json(self) -> list[dict[str, Any]]:
        """The `journal list --json` shape: each entry as its journal line."""
        return [to_json(entry) for entry in self.entries]


@dataclass(frozen=True)
class Tags:
    """Each tag and its count, the most used first."""

    counts: list[tuple[str, int]]
    notice: str | None = None

    def to_json(self) -> list[dict[str, Any]]:
        """The `journal tags --json` shape."""
        return [{"tag": tag, "count": n} for tag, n in self.counts]


@dataclass(frozen=True)
class Imported:
    """What an import read and did."""

    file: str
    format: journal_import.Format
    entries: list[Checked]
    """Every entry of the file, checked (new or not)."""
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


def add(
    store: Store,
    text: str,
    mood: int | None,
    tags: list[str],
    now: dt.datetime,
    prompt: str | None = None,
) -> Added:
    """Check and append one entry under the data lock."""
    entry = make_entry(new_entry_id(), text, mood, tags, now, prompt)
    with store.lock():
        kept = store.append_journal(entry)
    return Added(entry, _set_aside(store, kept))


def writing_prompt(content_dir: Path, today: dt.date) -> str:
    """Today's writing prompt: each day the next one of content/writing_prompts.yaml."""
    from exback.content import load_writing_prompts

    prompts = load_writing_prompts(content_dir).prompts
    return prompts[today.toordinal() % len(prompts)].text


@dataclass(frozen=True)
class Changed:
    """An entry before and after an edit (`after` None: deleted, or nothing changed)."""

    before: JournalEntry
    after: JournalEntry | None
    notice: str | None = None


def find(store: Store, ref: str) -> JournalEntry:
    """The live entry whose id is, or starts with, `ref`; exit 2 if none or several."""
    return find_by_id(store.read_journal().entries, ref)


def edit(
    store: Store,
    ref: str,
    now: dt.datetime,
    changes: dict[str, Any],
    compose: Callable[[str], str] | None = None,
) -> Changed:
    """Append a new version of the entry `ref` with `changes` (and the text `compose` gives).

    `compose(text)` (the editor) runs without the lock held, so that another exback
    can work meanwhile; the edit is then checked and appended under the lock.
    Nothing is written when nothing changes.
    """
    before = find(store, ref)
    if "date" in changes:  # (day, time or None): the time of day stays unless given
        changes = dict(changes)
        day, clock = changes.pop("date")
        local = before.created_at.astimezone()
        changes["created_at"] = dt.datetime.combine(day, clock or local.time()).astimezone()
    if compose is not None:
        changes = {**changes, "text": compose(before.text)}
    after = changed_entry(before, **changes)
    if after == before:
        return Changed(before, None)
    with store.lock():
        find_by_id(store.read_journal().entries, before.id)  # still there
        kept = store.append_journal_lines([edit_line(after, now)])
    return Changed(before, after, _set_aside(store, kept))


def delete(
    store: Store, ref: str, now: dt.datetime, confirm: Callable[[JournalEntry], None]
) -> Changed:
    """Append a deletion of the entry `ref`, once `confirm(entry)` returns (it raises to stop)."""
    entry = find(store, ref)
    confirm(entry)
    with store.lock():
        find_by_id(store.read_journal().entries, entry.id)  # still there
        kept = store.append_journal_lines([delete_line(entry.id, now)])
    return Changed(entry, None, _set_aside(store, kept))


@dataclass(frozen=True)
class CompactResult:
    """What `journal compact` did, and a line to show if a torn last line was set aside."""

    path: Path
    done: Compacted
    notice: str | None = None

    @property
    def backup(self) -> Path:
        return self.path.with_name(self.path.name + ".bak")

    def to_json(self) -> dict[str, Any]:
        """The `journal compact --json` shape."""
        return {
            "file": str(self.path),
            "rewritten": self.done.rewritten,
            "entries": self.done.entries,
            "dropped_lines": self.done.dropped,
            "backup": str(self.backup) if self.backup.exists() else None,
            "backup_holds_old_lines": self.done.bak_differs,
        }


def compact(store: Store) -> CompactResult:
    """Rewrite the journal without old versions and deleted text (see Store.compact_journal)."""
    with store.lock():
        done = store.compact_journal()
    return CompactResult(store.journal_path, done, _set_aside(store, done.torn_kept))


def entries(store: Store, query: Query | None = None, limit: int | None = None) -> Listed:
    """The newest `limit` entries that match `query`; a torn last line is skipped, not touched.

    The journal is read from its end and only as far as needed (see
    `Store.journal_newest_first`): `--limit 10` costs the same at any size.
    """
    from exback.journal_find import Query

    query = query or Query()
    found: list[JournalEntry] = []
    with store.journal_newest_first() as (newest, torn):
        for entry in newest:
            if (limit is not None and len(found) >= limit) or query.past(entry):
                break
            if query.matches(entry):
                found.append(entry)
    notice = torn_line(store.journal_path, "it was skipped and is left as it is")
    return Listed(found, notice if torn else None, query)


@dataclass(frozen=True)
class StatsResult:
    """`journal stats`: counts by week and by month, and a line to show for a torn last line."""

    stats: Stats
    count: int
    """Entries in the whole journal."""
    notice: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The `journal stats --json` shape."""
        return {
            "entries": self.count,
            "weeks": [
                {"week_of": w.start.isoformat(), "entries": w.entries, "mood": w.mood}
                for w in self.stats.weeks
            ],
            "months": [
                {"month": m.start.strftime("%Y-%m"), "we": m.we, "i": m.me, "we_share": m.we_share}
                for m in self.stats.months
            ],
        }


def stats(
    store: Store,
    today: dt.date,
    weeks: int | None = None,
    months: int | None = None,
    count: int | None = None,
) -> StatsResult:
    """Entries and mood by week, we/I words by month: read from the end, as far as needed.

    `count`: the journal's size when the caller has it (status), else it is counted.
    Without `weeks` and `months`, those of `journal stats` (journal_stats.WEEKS, MONTHS).
    """
    from exback import journal_stats
    from exback.journal_find import Query

    weeks = weeks or journal_stats.WEEKS
    months = months or journal_stats.MONTHS
    start = journal_stats.week_start(today) - dt.timedelta(weeks=weeks - 1)
    first = min(start, journal_stats.month_starts(today, months)[0])
    listed = entries(store, Query(since=first))
    counted = journal_stats.stats(listed.entries, today, weeks, months)
    if count is None:
        count = store.journal_summary().count
    return StatsResult(counted, count, listed.notice)


def tags(store: Store) -> Tags:
    """Every tag of the live entries, with how many carry it."""
    from exback.journal_find import tag_counts

    read = store.read_journal()
    notice = torn_line(store.journal_path, "it was skipped and is left as it is")
    return Tags(tag_counts(read.entries), notice if read.torn_tail else None)


def import_file(store: Store, path: Path, progress: ProgressBar | None = None) -> Imported:
    """Read FILE (`-`: stdin), check every entry, then append the new ones in one write.

    A bad entry is exit 2 naming it, before anything is written. The file is read
    one entry at a time, each kept only as its line (`journal_import.check_entries`).
    """
    from exback import journal_import

    name, raw = read_input(path)
    text = json_text(name, raw, journal_import.EXPECTED)
    del raw  # the text is all that is needed from here on
    export = journal_import.read_export(name, text)
    export_format = export.format
    with no_gc():
        if progress is None or len(text) < PROGRESS_CHARACTERS:
            checked = journal_import.check_entries(export)
        else:
            with progress(len(text)) as update:
                checked = journal_import.check_entries(export, update)
    del text, export
    with store.lock():
        folded, _ = store.fold_journal(lambda entry: (entry.created_at, entry.text))
        have = (kept for _, _, kept in folded.versions.values())
        known = {*folded.versions, *folded.deleted}
        fresh = journal_import.new_entries(have, known, export_format, checked)
        kept = (
            store.append_journal_lines(journal_import.chronological(export_format, fresh))
            if fresh
            else None
        )
    return Imported(name, export_format, checked, len(fresh), _set_aside(store, kept))


PROGRESS_CHARACTERS = 200_000
"""A file this long (some 2,000 entries) gets a progress bar at a terminal, by characters read."""


def _set_aside(store: Store, kept: Path | None) -> str | None:
    if kept is None:
        return None
    return torn_line(store.journal_path, f"it was moved to {kept}, where you can look at it")
