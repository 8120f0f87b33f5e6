"""`journal import`: entries from a jrnl JSON export or exback's own `journal list --json`.

Pure: the file is read, and the new entries appended, by commands/journal.py.
Every entry is checked before anything is written. Importing the same file again
adds nothing:
- an exback entry is the same entry when its `id` is already in the journal;
- a jrnl entry has no id, so it is the same when an entry with the same moment
  and text is there. This counts as a multiset: a file holding one note twice in
  the same minute imports both, and importing it again adds neither.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

from pydantic import ValidationError

from exback.bounds import EARLIEST, ENTRY_ID_PATTERN, LATEST, MAX_TAG, MAX_TAGS, valid_tag
from exback.errors import UsageError, describe_validation
from exback.journal import new_by_id
from exback.models import JournalEntry

Format = Literal["jrnl", "exback"]

EXBACK_FIELDS = ("id", "created_at", "text", "mood", "tags", "starred", "prompt")
JRNL_FIELDS = ("date", "time", "title", "body", "tags", "starred")
TICK_EVERY = 1000
EXPECTED = "a jrnl export (jrnl --export json) or exback journal list --json"
_ID = re.compile(ENTRY_ID_PATTERN)


@dataclass(frozen=True)
class Export:
    """A parsed export file: its format and its raw entries, not yet checked."""

    name: str
    format: Format
    items: list[Any]


def parse_export(name: str, data: Any) -> Export:
    """The decoded JSON of file `name` as an export; exit 2 if it is of no known shape."""
    if isinstance(data, list):
        return Export(name, "exback", data)
    if isinstance(data, dict) and isinstance(data.get("entries"), list):
        return Export(name, "jrnl", data["entries"])
    raise UsageError(
        f'{name}: neither a jrnl export (an object with an "entries" list, from '
        "jrnl --export json) nor exback journal list --json (a list of entries)"
    )


def check_entries(
    export: Export, advance: Callable[[int], None] = lambda n: None
) -> list[JournalEntry]:
    """Every entry as a JournalEntry, or UsageError naming the first bad entry and field.

    `advance(n)` is called now and then with the number of entries checked so far.
    """
    convert = _exback_entry if export.format == "exback" else _jrnl_entry
    entries = []
    seen: set[str] = set()
    for index, item in enumerate(export.items):
        entry = convert(export.name, index + 1, item)
        if export.format == "exback" and entry.id in seen:
            _bad(export.name, index + 1, "id", f"{entry.id!r} is used by an earlier entry")
        seen.add(entry.id)
        entries.append(entry)
        if (index + 1) % TICK_EVERY == 0:
            advance(index + 1)
    advance(len(export.items))
    return entries


def new_entries(
    existing: list[JournalEntry], known: set[str], format: Format, incoming: list[JournalEntry]
) -> list[JournalEntry]:
    """The incoming entries that are not in the journal yet (see the module docstring).

    `known`: the ids of the journal's entries, deleted ones included: a deleted entry
    is not brought back by importing it again.
    """
    if format == "exback":
        return new_by_id(known, incoming)
    have = Counter((e.created_at, e.text) for e in existing)
    fresh = []
    for entry in incoming:
        key = (entry.created_at, entry.text)
        if have[key] > 0:
            have[key] -= 1
        else:
            fresh.append(entry)
    return fresh


def chronological(format: Format, entries: list[JournalEntry]) -> list[JournalEntry]:
    """Oldest first, keeping the order that `journal list` shows for equal times.

    exback's list is newest first (equal times: the later-written first); jrnl's
    export is oldest first.
    """
    ordered = entries[::-1] if format == "exback" else entries
    return sorted(ordered, key=lambda e: e.created_at)


# --- one entry of each format --------------------------------------------------------


def _bad(name: str, number: int, field: str, message: str) -> NoReturn:
    raise UsageError(f"{name}: entry {number}: {field}: {message}; nothing was imported")


def _object(name: str, number: int, item: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(item, dict):
        _bad(name, number, "(entry)", "expected an object with " + ", ".join(fields))
    return item


def _text(name: str, number: int, item: dict[str, Any], field: str) -> str:
    value = item.get(field)
    if not isinstance(value, str):
        _bad(name, number, field, "missing or not a string")
    return value


def _tags(name: str, number: int, value: Any, strip_symbol: bool) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        _bad(name, number, "tags", "expected a list of strings")
    if len(value) > MAX_TAGS:
        _bad(name, number, "tags", f"at most {MAX_TAGS} tags")
    tags: list[str] = []
    for tag in value:
        clean = tag[1:] if strip_symbol and tag[:1] in ("@", "#") else tag
        if not valid_tag(clean):
            _bad(name, number, "tags", f"{tag!r}: use 1 to {MAX_TAG} characters, no spaces")
        if clean not in tags:
            tags.append(clean)
    return tags


def _exback_entry(name: str, number: int, item: Any) -> JournalEntry:
    entry = _object(name, number, item, EXBACK_FIELDS)
    for key in entry:
        if key not in EXBACK_FIELDS:
            _bad(name, number, str(key), "unknown field; allowed: " + ", ".join(EXBACK_FIELDS))
    entry_id = _text(name, number, entry, "id")
    if not _ID.fullmatch(entry_id):
        _bad(name, number, "id", "expected 1 to 64 letters, digits, '-' or '_'")
    raw_time = _text(name, number, entry, "created_at")
    try:
        created_at = dt.datetime.fromisoformat(raw_time)
    except ValueError:
        created_at = None
    if created_at is None or created_at.utcoffset() is None:
        _bad(name, number, "created_at", f"{raw_time!r} is not a date-time with a UTC offset")
    text = _text(name, number, entry, "text")
    if not text.strip():
        _bad(name, number, "text", "empty")
    mood = entry.get("mood")
    if mood is not None and (isinstance(mood, bool) or not isinstance(mood, int)):
        _bad(name, number, "mood", "expected null or a whole number from 1 to 10")
    if mood is not None and not 1 <= mood <= 10:
        _bad(name, number, "mood", f"{mood} is not a whole number from 1 to 10")
    tags = _tags(name, number, entry.get("tags", []), strip_symbol=False)
    starred = entry.get("starred", False)
    if not isinstance(starred, bool):
        _bad(name, number, "starred", "expected true or false")
    prompt = entry.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        _bad(name, number, "prompt", "expected null or a string")
    return _entry(
        name,
        number,
        id=entry_id,
        created_at=created_at,
        text=text,
        mood=mood,
        tags=tags,
        starred=starred,
        prompt=prompt,
    )


def _jrnl_entry(name: str, number: int, item: Any) -> JournalEntry:
    entry = _object(name, number, item, JRNL_FIELDS)
    raw_date, raw_time = _text(name, number, entry, "date"), _text(name, number, entry, "time")
    try:
        day = dt.date.fromisoformat(raw_date)
    except ValueError:
        _bad(name, number, "date", f"{raw_date!r} is not a date like 2026-03-01")
    try:
        clock = dt.time.fromisoformat(raw_time)
    except ValueError:
        _bad(name, number, "time", f"{raw_time!r} is not a time like 21:15")
    if clock.tzinfo is not None:
        _bad(name, number, "time", f"{raw_time!r}: jrnl times carry no UTC offset")
    if not EARLIEST <= day <= LATEST:
        _bad(name, number, "date", f"{raw_date!r}: dates must be from {EARLIEST} to {LATEST}")
    # jrnl keeps local wall-clock times; astimezone() gives them this machine's offset then.
    created_at = dt.datetime.combine(day, clock).astimezone()
    title = _text(name, number, entry, "title")
    body = entry.get("body", "")
    if not isinstance(body, str):
        _bad(name, number, "body", "not a string")
    text = f"{title}\n{body}" if body else title
    if not text.strip():
        _bad(name, number, "title", "empty, and so is body")
    tags = _tags(name, number, entry.get("tags", []), strip_symbol=True)
    starred = entry.get("starred", False)
    if not isinstance(starred, bool):
        _bad(name, number, "starred", "expected true or false")
    return _entry(
        name,
        number,
        id=secrets.token_hex(6),
        created_at=created_at,
        text=text,
        tags=tags,
        starred=starred,
    )


def _entry(name: str, number: int, **fields: Any) -> JournalEntry:
    """The entry, checked against the one set of bounds in models.py."""
    try:
        return JournalEntry(**fields)
    except ValidationError as exc:
        raise UsageError(
            f"{name}: entry {number}: {describe_validation(exc, '(entry)')}; nothing was imported"
        ) from None
