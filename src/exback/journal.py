"""Journal entries: checking, adding, ordering and showing them."""

from __future__ import annotations

import datetime as dt
import secrets
import sys
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from exback.errors import UsageError
from exback.models import MAX_TAG, MAX_TAGS, MAX_TEXT, JournalEntry, valid_tag
from exback.text import is_unicode_text

if TYPE_CHECKING:
    from exback.storage import Store
    from exback.ui import UI


def make_entry(text: str, mood: int | None, tags: list[str], now: dt.datetime) -> JournalEntry:
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
    if mood is not None and not 1 <= mood <= 10:
        raise UsageError(f"--mood must be a whole number from 1 to 10, not {mood}")
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
        return JournalEntry(
            id=secrets.token_hex(6), created_at=now, text=text, mood=mood, tags=clean
        )
    except ValidationError as exc:  # the models' bounds (a date out of range...)
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(note)"
        raise UsageError(f"{field}: {err['msg']}; nothing was saved") from None


def add(
    store: Store, text: str, mood: int | None, tags: list[str], now: dt.datetime
) -> JournalEntry:
    """Check and append one entry under the data lock."""
    entry = make_entry(text, mood, tags, now)
    with store.lock():
        kept = store.append_journal(entry)
    if kept is not None:
        print(
            f"exback: the journal's last line was incomplete (an interrupted write); "
            f"it was kept in {kept}",
            file=sys.stderr,
        )
    return entry


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


def to_json(entry: JournalEntry) -> dict[str, Any]:
    """The `journal list --json` shape."""
    return {
        "id": entry.id,
        "created_at": entry.created_at.isoformat(),
        "text": entry.text,
        "mood": entry.mood,
        "tags": entry.tags,
    }


def render(ui: UI, entries: list[JournalEntry]) -> None:
    """Entries for a person: date, mood and tags, then the text, inert."""
    from rich.text import Text

    from exback.ui import local_time, user_text

    if not entries:
        ui.out.print('Your journal is empty. Add a note with: exback journal add "..."')
        return
    for entry in entries:
        head = Text(local_time(entry.created_at), style="bold")
        if entry.mood is not None:
            head.append(f"  mood {entry.mood}/10", style="cyan")
        if entry.tags:
            head.append("  ")
            head.append_text(user_text(" ".join("#" + t for t in entry.tags), style="magenta"))
        ui.out.print(head)
        ui.out.print(user_text(entry.text), soft_wrap=True)  # long notes: the terminal wraps
        ui.out.print()
