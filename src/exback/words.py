"""Counts and countdowns in words: "1 day", "3 entries", "complete on ..., in 30 days".

The one place where exback makes a plural or says how long is left, so that
every view says it the same way. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only a type: words stays cheap to import (cli.py imports it)
    from exback.nocontact import Countdown


def plural(word: str, n: int) -> str:
    """`word` as it goes with `n`: day/days, entry/entries, check-in/check-ins."""
    if n == 1:
        return word
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def count(n: int, word: str) -> str:
    """`n` and its noun: "1 day", "0 days", "2 entries"."""
    return f"{n} {plural(word, n)}"


def in_days(n: int) -> str:
    """How far off a day is: "today", "tomorrow", "in 3 days"."""
    if n <= 0:
        return "today"
    return "tomorrow" if n == 1 else f"in {count(n, 'day')}"


def completes(ends_on: dt.date, days_remaining: int) -> str:
    """When a countdown is complete, in words that cannot be misread.

    "complete on 2026-03-31, in 30 days" on day 1 of 30, "complete tomorrow,
    2026-03-31" on day 30, "complete since 2026-03-31" from then on. The date is
    the same in every view: the first day after the period (Countdown.ends_on).
    """
    ends = ends_on.isoformat()
    if days_remaining <= 0:
        return f"complete since {ends}"
    if days_remaining == 1:
        return f"complete tomorrow, {ends}"
    return f"complete on {ends}, {in_days(days_remaining)}"


def countdown_line(label: str, cd: Countdown) -> str:
    """A countdown in one sentence: where it stands and when it is complete."""
    return countdown_sentence(label, cd.day, cd.days, cd.days_remaining, cd.ends_on)


def countdown_sentence(
    label: str, day: int, days: int, days_remaining: int, ends_on: dt.date
) -> str:
    """The same from the numbers of a `--json` view."""
    if days_remaining <= 0:
        return f"{label}: {count(days, 'day')}, {completes(ends_on, 0)}."
    return f"{label}: day {day} of {days}; {completes(ends_on, days_remaining)}."
