"""Journal entries: the rules for a new one, their order, their JSON shape. Pure.

Free of pydantic at import, so that `journal add` does not load it: a new note is
checked with the bounds of `JournalEntry` (bounds.py), and only reading notes back
(`from_line`) builds the model.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from exback.bounds import (
    MAX_TAG,
    MAX_TAGS,
    MAX_TEXT,
    MOOD,
    check_moment,
    valid_tag,
)
from exback.errors import UsageError
from exback.text import is_unicode_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from exback.models import JournalEntry


class Entry(Protocol):
    """What the journal-line codec reads: a `JournalEntry`, or a `NewEntry`."""

    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def text(self) -> str: ...
    @property
    def mood(self) -> int | None: ...
    @property
    def tags(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class NewEntry:
    """A note `make_entry` has checked: every field within `JournalEntry`'s bounds."""

    id: str
    created_at: dt.datetime
    text: str
    mood: int | None
    tags: list[str]


def make_entry(text: str, mood: int | None, tags: list[str], now: dt.datetime) -> NewEntry:
    """A new entry, or UsageError for empty text or a bad tag."""
    if not text.strip():
        raise UsageError(
            "the note is empty; give some text as an argument, on stdin, or when asked"
        )
    if not all(is_unicode_text(t) for t in [text, *tags]):
        raise UsageError("the note or a tag is not valid UTF-8 text; nothing was saved")
    if len(text) > MAX_TEXT:
        raise UsageError(f"the note is longer than {MAX_TEXT} characters; nothing was saved")
    if len(tags) > MAX_TAGS:
        raise UsageError(f"at most {MAX_TAGS} tags on one note; nothing was saved")
    if mood is not None and not MOOD[0] <= mood <= MOOD[1]:
        raise UsageError(f"--mood must be a whole number from {MOOD[0]} to {MOOD[1]}, not {mood}")
    clean: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if not valid_tag(tag):
            raise UsageError(
                f"--tag {tag!r} is not allowed: use 1 to {MAX_TAG} characters, no spaces"
            )
        if tag not in clean:
            clean.append(tag)
    try:
        if now.utcoffset() is None:
            raise ValueError("the time has no UTC offset")
        check_moment(now)
    except ValueError as exc:  # the models' bounds (a date out of range...)
        raise UsageError(f"created_at: {exc}; nothing was saved") from None
    return NewEntry(id=secrets.token_hex(6), created_at=now, text=text, mood=mood, tags=clean)


def new_by_id(existing: list[JournalEntry], incoming: list[JournalEntry]) -> list[JournalEntry]:
    """The incoming entries whose id is in neither `existing` nor earlier in `incoming`."""
    seen = {e.id for e in existing}
    fresh = []
    for entry in incoming:
        if entry.id not in seen:
            seen.add(entry.id)
            fresh.append(entry)
    return fresh


def newest_first(entries: list[JournalEntry]) -> list[JournalEntry]:
    """Entries by time, newest first; entries of the same second keep file order reversed."""
    order = sorted(enumerate(entries), key=lambda pair: (pair[1].created_at, pair[0]), reverse=True)
    return [entry for _, entry in order]


# --- the one journal-line codec: journal.jsonl, exports and --json share this shape ---


def to_json(entry: Entry) -> dict[str, Any]:
    """An entry as JSON data: its line in journal.jsonl, in an export, in --json."""
    return {
        "id": entry.id,
        "created_at": entry.created_at.isoformat(),
        "text": entry.text,
        "mood": entry.mood,
        "tags": list(entry.tags),
    }


def to_line(entry: Entry) -> bytes:
    """An entry's line in journal.jsonl, without the newline (may raise UnicodeError)."""
    return json.dumps(to_json(entry), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def from_line(line: bytes | str) -> JournalEntry:
    """A journal line (or one entry's JSON) back into its entry; pydantic's ValidationError."""
    from exback.models import JournalEntry

    return JournalEntry.model_validate_json(line)
