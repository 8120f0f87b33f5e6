"""Letters use cases: write one, list them, show one, offer the ones whose hold has passed.

The one place that reads and writes letters. They live in progress.json
(`Progress.letters`), written through `store.update(now)` like every record there,
so they share its atomic writes, `.bak`, lock, export, restore, reset and doctor.
The hold and the numbering are letters.py's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exback import letters
from exback.bounds import MAX_TEXT
from exback.errors import UsageError
from exback.models import Letter
from exback.text import is_unicode_text

if TYPE_CHECKING:
    from exback.storage import Store


def check_letter(text: str) -> str:
    """The letter as written, or exit 2 when it is empty, too long or not Unicode."""
    if not text.strip():
        raise UsageError("the letter is empty; write it as an argument, on stdin, or when asked")
    if not is_unicode_text(text):
        raise UsageError("the letter is not valid UTF-8 text; nothing was saved")
    if len(text) > MAX_TEXT:
        raise UsageError(f"the letter is longer than {MAX_TEXT} characters; nothing was saved")
    return text


@dataclass(frozen=True)
class Kept:
    """A letter just kept, and its number."""

    number: int
    letter: Letter


def add(store: Store, text: str, now: dt.datetime, during_urge: bool = False) -> Kept:
    """Keep a letter (never sent anywhere); on hold for a day."""
    letter = Letter(written_at=now, text=check_letter(text), during_urge=during_urge)
    with store.update(now) as progress:
        number = letters.add(progress, letter)
    return Kept(number, letter)


@dataclass(frozen=True)
class Listed:
    """Every letter with its number, and the moment their state is told at."""

    letters: list[tuple[int, Letter]]
    now: dt.datetime

    def to_json(self) -> list[dict[str, Any]]:
        """`letters --json`: each letter without its text (`letters show N --json` has it)."""
        return [letters.to_json(n, x, self.now, text=False) for n, x in self.letters]


def listing(store: Store, now: dt.datetime) -> Listed:
    """Every letter, oldest first. Reads only."""
    return Listed(letters.numbered(store.load_progress()), now)


@dataclass(frozen=True)
class Shown:
    """One letter, its number and the moment; `first_reading` when this read ends the hold."""

    number: int
    letter: Letter
    now: dt.datetime
    first_reading: bool = False

    def to_json(self) -> dict[str, Any]:
        return letters.to_json(self.number, self.letter, self.now, text=True)


def show(store: Store, number: int, now: dt.datetime) -> Shown:
    """Letter N; once its hold has passed, the first showing is kept as reading it again."""
    progress = store.load_progress()
    count = len(progress.letters) if progress else 0
    if not 1 <= number <= count:
        which = f"from 1 to {count}" if count else "none yet; write one with: exback letters add"
        raise UsageError(f"there is no letter {number}; letters are {which}")
    assert progress is not None
    letter = progress.letters[number - 1]
    if letters.state(letter, now) != "ready":
        return Shown(number, letter, now)
    return read_again(store, number, now)


def read_again(store: Store, number: int, now: dt.datetime) -> Shown:
    """Letter N, marked as read again now (under the lock)."""
    with store.update(now) as progress:
        letter = progress.letters[number - 1]
        if letter.reread_at is None:
            letter.reread_at = now
    return Shown(number, letter, now, first_reading=True)


def mark_offered(store: Store, numbers: list[int], now: dt.datetime) -> None:
    """Remember that `start` offered these letters, so that it offers each once."""
    with store.update(now) as progress:
        for number in numbers:
            progress.letters[number - 1].offered_at = now
