"""Journal entries: the rules for a new one, their order, the one codec of journal lines. Pure."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, Protocol, TypeVar

from exback.bounds import MAX_NOTE, MAX_TAG, MAX_TAGS, MAX_TEXT, MOOD, check_moment, valid_tag
from exback.errors import UsageError
from exback.text import is_unicode_text

if TYPE_CHECKING:
    from exback.models import JournalEntry

# This module is on the fast path (docs/architecture.md): `journal add` checks and
# writes a new note without pydantic. The models are imported where lines are read.


class NewEntry(NamedTuple):
    """An entry's fields before they are read back as a `models.JournalEntry`.

    A note `make_entry` checked with bounds.py (the checks that model makes;
    tests/test_bounds.py holds them to it), written without building the model and
    without importing pydantic; or an imported entry, before `checked_line`.
    """

    id: str
    created_at: dt.datetime
    text: str
    tags: list[str]
    mood: int | None = None
    starred: bool = False
    prompt: str | None = None


def make_entry(
    entry_id: str,
    text: str,
    mood: int | None,
    tags: list[str],
    now: dt.datetime,
    prompt: str | None = None,
) -> NewEntry:
    """A new entry (`entry_id` from `storage.new_entry_id`), or UsageError saying what is
    wrong and that nothing was saved."""
    fields = checked_fields(text=text, mood=mood, tags=tags, created_at=now, prompt=prompt)
    return NewEntry(id=entry_id, **fields)


def changed_entry(entry: JournalEntry, **changes: Any) -> JournalEntry:
    """`entry` with `changes` (text, mood, tags, starred, created_at), checked as a new one."""
    from pydantic import ValidationError

    from exback.errors import describe_validation
    from exback.models import JournalEntry

    fields = {name: getattr(entry, name) for name in JournalEntry.model_fields}
    try:
        return JournalEntry(**checked_fields(**{**fields, **changes}))
    except ValidationError as exc:  # belt and braces: checked_fields makes the same checks
        raise UsageError(f"{describe_validation(exc, '(note)')}; nothing was saved") from None


def checked_fields(**fields: Any) -> dict[str, Any]:
    """A note's fields, its tags cleaned, or UsageError saying what is wrong.

    The bounds of models.JournalEntry (bounds.py), said for a person.
    """
    text, mood, tags = fields["text"], fields.get("mood"), fields.get("tags", [])
    moment, prompt = fields["created_at"], fields.get("prompt")
    if not text.strip():
        raise UsageError(
            "the note is empty; give some text as an argument, on stdin, or when asked"
        )
    if not all(is_unicode_text(t) for t in [text, *tags, prompt or ""]):
        raise UsageError("the note or a tag is not valid UTF-8 text; nothing was saved")
    if len(text) > MAX_TEXT:
        raise UsageError(f"the note is longer than {MAX_TEXT} characters; nothing was saved")
    if prompt is not None and len(prompt) > MAX_NOTE:
        raise UsageError(f"the prompt is longer than {MAX_NOTE} characters; nothing was saved")
    if len(tags) > MAX_TAGS:
        raise UsageError(f"at most {MAX_TAGS} tags on one note; nothing was saved")
    if mood is not None and not MOOD[0] <= mood <= MOOD[1]:
        raise UsageError(f"--mood must be a whole number from {MOOD[0]} to {MOOD[1]}, not {mood}")
    if moment.utcoffset() is None:
        raise UsageError("the note's time has no UTC offset; nothing was saved")
    try:
        check_moment(moment)
    except ValueError as exc:
        raise UsageError(f"the note's date is out of range: {exc}; nothing was saved") from None
    clean: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if not valid_tag(tag):
            raise UsageError(
                f"--tag {tag!r} is not allowed: use 1 to {MAX_TAG} characters, no spaces"
            )
        if tag not in clean:
            clean.append(tag)
    return {**fields, "tags": clean}


class HasId(Protocol):
    @property
    def id(self) -> str: ...


WithId = TypeVar("WithId", bound=HasId)


def new_by_id(known: set[str], incoming: list[WithId]) -> list[WithId]:
    """The incoming entries whose id is neither `known` nor earlier in `incoming`."""
    seen = set(known)
    fresh = []
    for entry in incoming:
        if entry.id not in seen:
            seen.add(entry.id)
            fresh.append(entry)
    return fresh


SHORT_ID = 8
"""Characters of an id that `journal list` shows; any 4 or more that fit one entry will do."""
MIN_ID = 4


def short_id(entry_id: str) -> str:
    """The start of an id that `journal list` shows: it never changes."""
    return entry_id[:SHORT_ID]


def find_by_id(entries: list[JournalEntry], ref: str) -> JournalEntry:
    """The one entry whose id is `ref` or starts with it; exit 2 if none or several."""
    ref = ref.strip()
    exact = [e for e in entries if e.id == ref]
    if exact:
        return exact[0]
    if len(ref) < MIN_ID:
        raise UsageError(
            f"give at least {MIN_ID} characters of the id (journal list shows {SHORT_ID})"
        )
    found = [e for e in entries if e.id.startswith(ref)]
    if not found:
        raise UsageError(f"no entry has the id {ref!r}; 'exback journal list' shows the ids")
    if len(found) > 1:
        ids = ", ".join(e.id for e in found[:5])
        raise UsageError(f"{ref!r} starts {len(found)} ids ({ids}); give more of it")
    return found[0]


# --- the one journal-line codec: journal.jsonl, exports and --json share this shape ---
#
# journal.jsonl is append-only. Each line is one of:
# - an entry: {"id", "created_at", "text", "mood", "tags"[, "starred", "prompt"]}, the
#   shape exback has always written (a line without an id gets one derived from its
#   moment and text, see models.JournalEntry);
# - an edit: {"kind":"edit", ...the whole new version of the entry..., "edited_at"}:
#   it supersedes every earlier line with that id;
# - a deletion: {"kind":"delete", "id", "deleted_at"}: no text, only which entry; a
#   compaction drops the entry's lines and keeps this as {"kind":"erased", ...}, so
#   that an import or a merge never brings the entry back;
# - the header {"kind":"journal","format":2}, the first line of every journal written
#   since edits came in: it promises the `late` marks below, which let `journal list`
#   read from the end of the file.
# An entry or edit line is marked "late":true when its created_at is earlier than
# that of an entry or edit line before it. So an unmarked line is at least as new as
# every line before it, and a reader going backwards can stop early (storage.py).

LineKind = Literal["entry", "edit", "delete", "erased", "header"]
HEADER = b'{"kind":"journal","format":2}'


@dataclass(frozen=True)
class Line:
    """One decoded line of journal.jsonl (or one to write)."""

    kind: LineKind
    id: str = ""
    entry: JournalEntry | None = None
    """The entry, or the new version an edit gives it."""
    at: dt.datetime | None = None
    """When an edit or a deletion was made."""
    late: bool = False

    @property
    def moment(self) -> dt.datetime | None:
        """The time the line sorts by (entries and edits), else None."""
        return None if self.entry is None else self.entry.created_at


def entry_line(entry: JournalEntry) -> Line:
    return Line("entry", entry.id, entry)


def edit_line(entry: JournalEntry, at: dt.datetime) -> Line:
    return Line("edit", entry.id, entry, at)


def delete_line(entry_id: str, at: dt.datetime) -> Line:
    return Line("delete", entry_id, None, at)


HEADER_LINE = Line("header")


class EntryFields(Protocol):
    """What an entry's line is made of: a `JournalEntry`, or an imported entry not yet checked."""

    @property
    def id(self) -> str: ...
    @property
    def created_at(self) -> dt.datetime: ...
    @property
    def text(self) -> str: ...
    @property
    def mood(self) -> int | None: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def starred(self) -> bool: ...
    @property
    def prompt(self) -> str | None: ...


def to_json(entry: EntryFields) -> dict[str, Any]:
    """An entry as JSON data: its line in journal.jsonl, in an export, in --json.

    `starred` and `prompt` appear only when set, so older lines keep their shape.
    """
    data: dict[str, Any] = {
        "id": entry.id,
        "created_at": entry.created_at.isoformat(),
        "text": entry.text,
        "mood": entry.mood,
        "tags": entry.tags,
    }
    if entry.starred:
        data["starred"] = True
    if entry.prompt is not None:
        data["prompt"] = entry.prompt
    return data


def to_line(line: Line, late: bool = False) -> bytes:
    """A line of journal.jsonl, without the newline (may raise UnicodeError)."""
    if line.kind == "header":
        return HEADER
    if line.entry is None:  # a deletion or an erasure
        assert line.at is not None
        data = {"kind": line.kind, "id": line.id, "deleted_at": line.at.isoformat()}
        return _encode(data).encode("utf-8")
    if line.kind == "edit":
        assert line.at is not None
        edit = {"kind": "edit", **to_json(line.entry), "edited_at": line.at.isoformat()}
        encoded = _encode(edit).encode("utf-8")
        return mark_late(encoded) if late else encoded
    return new_entry_line(line.entry, late)


def new_entry_line(entry: EntryFields, late: bool = False) -> bytes:
    """An entry's line of journal.jsonl, without the newline (may raise UnicodeError)."""
    encoded = _encode(to_json(entry)).encode("utf-8")
    return mark_late(encoded) if late else encoded


def json_encoder(item_separator: str, key_separator: str) -> Callable[[Any], str]:
    """`json.dumps(value, ensure_ascii=False, separators=(item_separator, key_separator))`,
    with the C encoder made once rather than at every call."""
    if c_make_encoder is None:  # no C accelerator: the same text, slower
        separators = (item_separator, key_separator)
        return json.JSONEncoder(ensure_ascii=False, separators=separators).encode
    unknown = json.JSONEncoder().default  # raises TypeError, as json.dumps does
    encode = c_make_encoder(
        None, unknown, encode_basestring, None, key_separator, item_separator, False, False, True
    )
    return lambda value: "".join(encode(value, 0))


_encode = json_encoder(",", ":")
"""The one JSON form of a line: compact, UTF-8 text as it is."""


def mark_late(line: bytes) -> bytes:
    """An encoded entry or edit line marked `late`: `"late":true` is its last key."""
    return line[:-1] + b',"late":true}'


class Checked(NamedTuple):
    """An entry's line, encoded and read back through the model (`checked_line`).

    Only the time (to sort by) is kept beside the line; the id and the text are read
    from the line when asked for (an import holds 100,000 of these).
    """

    moment: dt.datetime
    line: bytes

    @property
    def id(self) -> str:
        entry_id: str = json.loads(self.line)["id"]
        return entry_id

    @property
    def text(self) -> str:
        text: str = json.loads(self.line)["text"]
        return text


def checked_line(entry: EntryFields) -> Checked:
    """The line of an entry not yet checked (an import's), proven to read back as a
    `JournalEntry`: every bound of the model is checked on the line itself.

    ValueError (pydantic's ValidationError, a UnicodeError) when it does not.
    """
    line = _encode(to_json(entry)).encode("utf-8")
    read = from_line(line).entry
    assert read is not None  # an entry's line is read as one (no "kind", no "late")
    return Checked(read.created_at, line)


def line_moment(raw: bytes) -> dt.datetime | None:
    """The `created_at` of an entry or edit line, read without checking the rest.

    What `journal add` needs of the lines before its note (their time, for the `late`
    mark), without the models. None when it cannot be read: reading the journal says
    what is wrong with the line.
    """
    try:
        data = json.loads(raw)
        moment = dt.datetime.fromisoformat(data["created_at"])
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    return moment if moment.utcoffset() is not None else None


def from_line(line: bytes | str) -> Line:
    """A journal line back into a Line; pydantic's ValidationError if it is not one.

    A plain entry line (the most common, and the only kind before edits came in) is
    decoded straight into a JournalEntry; `"kind":` and `"late":` can only appear
    in a line as keys (inside a string a quote is escaped), so looking for them is
    exact.
    """
    from exback.models import JournalDelete, JournalEdit, JournalEntry, JournalHeader, LateEntry

    raw = line.encode("utf-8") if isinstance(line, str) else line
    if b'"kind":' not in raw:
        if b'"late":' not in raw:
            entry = JournalEntry.model_validate_json(raw)
            return Line("entry", entry.id, entry)
        late = LateEntry.model_validate_json(raw)
        return Line("entry", late.id, _plain(late), late=late.late)
    if b'"kind":"edit"' in raw:
        edit = JournalEdit.model_validate_json(raw)
        return Line("edit", edit.id, _plain(edit), edit.edited_at, edit.late)
    if b'"kind":"delete"' in raw or b'"kind":"erased"' in raw:
        gone = JournalDelete.model_validate_json(raw)
        return Line(gone.kind, gone.id, None, gone.deleted_at)
    JournalHeader.model_validate_json(raw)
    return HEADER_LINE


def _plain(entry: JournalEntry) -> JournalEntry:
    from exback.models import JournalEntry

    fields = {name: getattr(entry, name) for name in JournalEntry.model_fields}
    return JournalEntry.model_construct(**fields)


def late_marks(moments: Sequence[dt.datetime | None], newest: dt.datetime | None) -> list[bool]:
    """For lines of these moments (`Line.moment`) appended after a line of time `newest`,
    which ones are `late`."""
    marks = []
    for moment in moments:
        late = moment is not None and newest is not None and moment < newest
        marks.append(late)
        if moment is not None and not late:
            newest = moment
    return marks


# --- reading: later lines supersede earlier ones ------------------------------------


Kept = TypeVar("Kept")
"""What a fold keeps of each live entry: the entry itself, or less (an export's text)."""


@dataclass
class Folded(Generic[Kept]):
    """A journal as exback reads it: each entry's latest version, deletions applied."""

    versions: dict[str, tuple[dt.datetime, int, Kept]] = field(default_factory=dict)
    """id -> (its time, the line number of its latest version, what is kept of it), in
    order of first appearance; sorted as they are, by time then line."""
    deleted: dict[str, dt.datetime] = field(default_factory=dict)
    """id -> when it was deleted, for every entry deleted (and not brought back)."""
    stale: int = 0
    """Lines a compaction drops: older versions, and the lines of deleted entries."""

    @property
    def entries(self) -> list[Kept]:
        """The live entries by time, oldest first; equal times: the earlier-written first.

        "Written" counts from each entry's latest version. A compaction writes them
        in this order, an export lists them so, and a restore keeps it.
        """
        return [kept for _, _, kept in sorted(self.versions.values())]  # no two lines alike

    def newest_first(self) -> list[Kept]:
        """`entries` the other way round: what `journal list` shows."""
        return self.entries[::-1]

    def add(self, number: int, line: Line, keep: Callable[[JournalEntry], Kept]) -> None:
        """Apply line `number` of the file (an edit or a deletion supersedes earlier lines).

        `keep(entry)` is what is kept of an entry's version.
        """
        versions, deleted = self.versions, self.deleted
        if line.kind == "header":
            return
        if line.id in versions:
            self.stale += 1
        if line.entry is None:  # a deletion or an erasure
            assert line.at is not None
            if versions.pop(line.id, None) is not None or line.id not in deleted:
                deleted[line.id] = line.at
            return
        if line.id in deleted:  # a later line brings a deleted entry back
            del deleted[line.id]
        versions[line.id] = (line.entry.created_at, number, keep(line.entry))


def the_entry(entry: JournalEntry) -> JournalEntry:
    """Keep the whole entry (`Folded.add`)."""
    return entry


def fold(lines: Iterable[Line]) -> Folded[JournalEntry]:
    """Apply every edit and deletion, in file order."""
    folded: Folded[JournalEntry] = Folded()
    for number, line in enumerate(lines, 1):
        folded.add(number, line, the_entry)
    return folded


def erasures(folded: Folded[Any]) -> list[Line]:
    """What a rewritten journal keeps of its deletions: the ids, never the text."""
    return [Line("erased", entry_id, None, at) for entry_id, at in folded.deleted.items()]


def compacted(folded: Folded[JournalEntry]) -> list[Line]:
    """The lines of a compacted journal (after its header): erasures, then entries by time."""
    return [*erasures(folded), *(entry_line(entry) for entry in folded.entries)]
