"""Letters written and never sent: the 24-hour hold and what is offered to read again. Pure.

A letter is kept in progress.json (`Progress.letters`, oldest first), so it has the
same care as everything there: atomic writes, a `.bak`, export, restore, reset and
doctor. It is numbered from 1 in that order (`exback letters show N`). For a day
after it is written it is "on hold": the program offers to read it again only
once the hold has passed, because what felt urgent at night often reads
differently the next day.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from exback.models import Letter, Progress

HOLD = dt.timedelta(hours=24)
State = Literal["on_hold", "ready", "read_again"]


def hold_ends(letter: Letter) -> dt.datetime:
    """The moment the hold passes."""
    return letter.written_at + HOLD


def state(letter: Letter, now: dt.datetime) -> State:
    """On hold for a day; then ready to read again; read again once it has been."""
    if letter.reread_at is not None:
        return "read_again"
    return "ready" if now >= hold_ends(letter) else "on_hold"


def add(progress: Progress, letter: Letter) -> int:
    """Keep a letter; its number."""
    progress.letters.append(letter)
    return len(progress.letters)


def numbered(progress: Progress | None) -> list[tuple[int, Letter]]:
    """Every letter with its number, oldest first."""
    return list(enumerate(progress.letters, 1)) if progress else []


def ready(progress: Progress | None, now: dt.datetime) -> list[tuple[int, Letter]]:
    """Letters whose hold has passed and that have not been read again yet."""
    return [(n, x) for n, x in numbered(progress) if state(x, now) == "ready"]


def next_ready_at(progress: Progress | None, now: dt.datetime) -> dt.datetime | None:
    """When the next letter on hold becomes ready to read again (None: none is on hold)."""
    held = [hold_ends(x) for _, x in numbered(progress) if state(x, now) == "on_hold"]
    return min(held, default=None)


def to_offer(progress: Progress | None, now: dt.datetime) -> list[tuple[int, Letter]]:
    """Ready letters `start` has not offered yet (it offers each once)."""
    return [(n, x) for n, x in ready(progress, now) if x.offered_at is None]


def first_line(text: str, width: int = 60) -> str:
    """The letter's first non-empty line, cut to `width` characters."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def to_json(number: int, letter: Letter, now: dt.datetime, text: bool) -> dict[str, Any]:
    """One letter as `letters --json` (without its text) and `letters show --json` give it."""
    data: dict[str, Any] = {
        "number": number,
        "written_at": letter.written_at.isoformat(),
        "during_urge": letter.during_urge,
        "state": state(letter, now),
        "hold_ends": hold_ends(letter).isoformat(),
        "reread_at": letter.reread_at.isoformat() if letter.reread_at else None,
        "first_line": first_line(letter.text),
    }
    if text:
        data["text"] = letter.text
    return data
