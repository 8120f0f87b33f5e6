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
import json
import re
import secrets
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal, NoReturn

from pydantic import ValidationError

from exback.bounds import EARLIEST, ENTRY_ID_PATTERN, LATEST, MAX_TAG, MAX_TAGS, valid_tag
from exback.errors import UsageError, bad_json, describe_validation
from exback.journal import Checked, NewEntry, checked_line, new_by_id
from exback.models import JournalEntry

Format = Literal["jrnl", "exback"]

EXBACK_FIELDS = ("id", "created_at", "text", "mood", "tags", "starred", "prompt")
JRNL_FIELDS = ("date", "time", "title", "body", "tags", "starred")
TICK_EVERY = 1000
EXPECTED = "a jrnl export (jrnl --export json) or exback journal list --json"
_ID = re.compile(ENTRY_ID_PATTERN)


@dataclass(frozen=True)
class Export:
    """An export file being read: its format and its raw entries, not yet checked.

    `items` decodes one entry at a time, with where it ends in the text, and checks
    the rest of the document as JSON after the last: the whole file is never held
    as 100,000 decoded objects at once.
    """

    name: str
    format: Format
    items: Iterator[tuple[Any, int]]


def read_export(name: str, text: str) -> Export:
    """The JSON text of file `name` as an export; exit 2 if it is of no known shape.

    Text that is not JSON is exit 2 (`bad_json`) when it is met, as the entries are read.
    """
    start = _space(text, 0)
    if text.startswith("[", start):
        return Export(name, "exback", _document(name, text, _array(text, start)))
    if text.startswith("{", start):
        return Export(name, "jrnl", _document(name, text, _entries(name, text, start)))
    try:
        json.loads(text)  # not JSON: say where; JSON of another kind: say what is expected
    except (ValueError, RecursionError) as exc:
        raise bad_json(name, exc, EXPECTED) from None
    raise _no_entries(name)


def check_entries(export: Export, advance: Callable[[int], None] = lambda n: None) -> list[Checked]:
    """Every entry as its journal line, read back through the model, or UsageError naming
    the first bad entry and field.

    `advance(n)` is called now and then with how far into the text the check has got.
    """
    convert = _exback_entry if export.format == "exback" else _jrnl_entry
    entries = []
    seen: set[str] = set()
    for number, (item, end) in enumerate(export.items, 1):
        draft = convert(export.name, number, item)
        entries.append(_checked(export.name, number, draft))
        if export.format == "exback":
            if draft.id in seen:
                _bad(export.name, number, "id", f"{draft.id!r} is used by an earlier entry")
            seen.add(draft.id)
        if number % TICK_EVERY == 0:
            advance(end)
    return entries


def new_entries(
    existing: Iterable[tuple[dt.datetime, str]],
    known: set[str],
    format: Format,
    incoming: list[Checked],
) -> list[Checked]:
    """The incoming entries that are not in the journal yet (see the module docstring).

    `existing`: the moment and text of each live entry of the journal; `known`: the
    ids of its entries, deleted ones included: a deleted entry is not brought back by
    importing it again.
    """
    if format == "exback":
        return new_by_id(known, incoming)
    have = Counter(existing)
    if not have:  # a new journal: nothing to compare with
        return incoming
    fresh = []
    for entry in incoming:
        key = (entry.moment, entry.text)
        if have[key] > 0:
            have[key] -= 1
        else:
            fresh.append(entry)
    return fresh


def chronological(format: Format, entries: list[Checked]) -> list[Checked]:
    """Oldest first, keeping the order that `journal list` shows for equal times.

    exback's list is newest first (equal times: the later-written first); jrnl's
    export is oldest first.
    """
    ordered = entries[::-1] if format == "exback" else entries
    return sorted(ordered, key=attrgetter("moment"))


# --- reading the file one entry at a time ----------------------------------------------

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, as `json` skips it


def _space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    assert match is not None  # it matches the empty string
    return match.end()


def _expect(text: str, pos: int, char: str, what: str) -> int:
    """The position after `char` (after any whitespace at `pos`); JSONDecodeError if not there."""
    pos = _space(text, pos)
    if not text.startswith(char, pos):
        raise json.JSONDecodeError(what, text, pos)
    return pos + 1


Items = Generator[tuple[Any, int], None, tuple[int, bool]]
"""Entries, each with where it ends in the text; then where the document ends, and
whether it had a list of entries."""


def _array(text: str, pos: int) -> Items:
    """The values of the array at `pos`."""
    pos = _space(text, pos + 1)
    if text.startswith("]", pos):
        return pos + 1, True
    while True:
        value, pos = _DECODER.raw_decode(text, _space(text, pos))
        yield value, pos
        pos = _space(text, pos)
        if text.startswith("]", pos):
            return pos + 1, True
        pos = _expect(text, pos, ",", "Expecting ',' delimiter")


def _entries(name: str, text: str, pos: int) -> Items:
    """The values of the `entries` list of the object at `pos`."""
    pos = _space(text, pos + 1)
    found: bool | None = None  # None: no `entries`; False: one, not a list
    if text.startswith("}", pos):
        return pos + 1, False
    while True:
        if not text.startswith('"', pos):
            raise json.JSONDecodeError(
                "Expecting property name enclosed in double quotes", text, pos
            )
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _space(text, _expect(text, pos, ":", "Expecting ':' delimiter"))
        if key == "entries" and found is not None:
            raise UsageError(f'{name}: "entries" is given more than once; expected {EXPECTED}')
        if key == "entries" and text.startswith("[", pos):
            found = True
            pos, found = yield from _array(text, pos)
        else:
            found = False if key == "entries" else found
            _, pos = _DECODER.raw_decode(text, pos)
        pos = _space(text, pos)
        if text.startswith("}", pos):
            return pos + 1, bool(found)
        pos = _space(text, _expect(text, pos, ",", "Expecting ',' delimiter"))


def _document(name: str, text: str, items: Items) -> Iterator[tuple[Any, int]]:
    """The entries, then a check that nothing but whitespace follows the document."""
    try:
        end, found = yield from items
        if _space(text, end) != len(text):
            raise json.JSONDecodeError("Extra data", text, _space(text, end))
    except (ValueError, RecursionError) as exc:
        raise bad_json(name, exc, EXPECTED) from None
    if not found:
        raise _no_entries(name)


def _no_entries(name: str) -> UsageError:
    return UsageError(
        f'{name}: neither a jrnl export (an object with an "entries" list, from '
        "jrnl --export json) nor exback journal list --json (a list of entries)"
    )


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


def _exback_entry(name: str, number: int, item: Any) -> NewEntry:
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
    return NewEntry(
        id=entry_id,
        created_at=created_at,
        text=text,
        mood=mood,
        tags=tags,
        starred=starred,
        prompt=prompt,
    )


def _jrnl_entry(name: str, number: int, item: Any) -> NewEntry:
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
    return NewEntry(
        id=secrets.token_hex(6),
        created_at=created_at,
        text=text,
        tags=tags,
        starred=starred,
    )


def _checked(name: str, number: int, draft: NewEntry) -> Checked:
    """The entry's line, checked against the one set of bounds in models.py."""
    try:
        return checked_line(draft)
    except ValueError:  # pydantic's ValidationError; a UnicodeError
        pass
    try:  # the model's own words for what is wrong
        JournalEntry(**draft._asdict())
    except ValidationError as exc:
        raise UsageError(
            f"{name}: entry {number}: {describe_validation(exc, '(entry)')}; nothing was imported"
        ) from None
    raise UsageError(f"{name}: entry {number} cannot be saved as it is; nothing was imported")
