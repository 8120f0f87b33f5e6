"""Finding journal entries: dates as people say them, `journal list`'s filters, tags,
what was written on this day. Pure: `today` comes in as an argument.

Days are local calendar days: an entry belongs to the day its time shows on this
machine (`created_at.astimezone()`), as `journal list` shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exback.bounds import EARLIEST, LATEST
from exback.errors import UsageError

if TYPE_CHECKING:
    from exback.models import JournalEntry

DATE_WORDS = (
    "YYYY-MM-DD, today, yesterday, N days ago, this week, last week, "
    "this month, last month, this year or last year"
)
ON_THIS_DAY_WEEKS = (1, 2, 3)
"""`--on-this-day` shows the same weekday this many weeks ago (months and years: the date)."""


def parse_days(text: str, today: dt.date, option: str) -> tuple[dt.date, dt.date]:
    """The first and last day a date word names (one day for a date); else exit 2."""
    said = " ".join(text.lower().split())
    if said == "today":
        return today, today
    if said == "yesterday":
        day = today - dt.timedelta(days=1)
        return day, day
    ago = re.fullmatch(r"(\d{1,5}) days? ago", said)
    if ago:
        day = today - dt.timedelta(days=int(ago.group(1)))
        return _in_range(day, text, option), day
    span = re.fullmatch(r"(this|last) (week|month|year)", said)
    if span:
        return _span(today, span.group(1) == "last", span.group(2))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", said):
        try:
            day = dt.date.fromisoformat(said)
        except ValueError:
            raise UsageError(f"{option} {text!r} is not a day of the calendar") from None
        return _in_range(day, text, option), day
    raise UsageError(f"{option} {text!r} is not a date; use {DATE_WORDS}")


def parse_moment(text: str, today: dt.date, option: str) -> tuple[dt.date, dt.time | None]:
    """One day, and maybe a time: "2026-03-01", "yesterday 21:15"; else exit 2."""
    match = re.fullmatch(r"(.*?)(?:\s+(\d{1,2}):(\d{2}))?", text.strip())
    assert match is not None  # the pattern matches any text
    words, hour, minute = match.groups()
    first, last = parse_days(words, today, option)
    if first != last:
        raise UsageError(f"{option} takes one day, not {text!r} ({first} to {last})")
    if hour is None:
        return first, None
    if int(hour) > 23 or int(minute) > 59:
        raise UsageError(f"{option} {text!r}: the time is HH:MM, from 00:00 to 23:59")
    return first, dt.time(int(hour), int(minute))


def _in_range(day: dt.date, text: str, option: str) -> dt.date:
    if not EARLIEST <= day <= LATEST:
        raise UsageError(f"{option} {text!r}: dates must be from {EARLIEST} to {LATEST}")
    return day


def _span(today: dt.date, last: bool, unit: str) -> tuple[dt.date, dt.date]:
    if unit == "week":  # weeks start on Monday
        start = today - dt.timedelta(days=today.weekday() + (7 if last else 0))
        return start, start + dt.timedelta(days=6)
    if unit == "month":
        start = today.replace(day=1)
        if last:
            start = (start - dt.timedelta(days=1)).replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    year = today.year - (1 if last else 0)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def local_day(entry: JournalEntry) -> dt.date:
    """The calendar day an entry shows on this machine."""
    return entry.created_at.astimezone().date()


def clean_tag(tag: str) -> str:
    """A tag as given to a filter: without a leading # or @, compared without case."""
    return tag.strip().lstrip("#@").casefold()


@dataclass(frozen=True)
class Query:
    """What `journal list` keeps. Every condition must hold; None or empty: no condition."""

    since: dt.date | None = None
    until: dt.date | None = None
    contains: str | None = None
    tags: tuple[str, ...] = ()
    not_tags: tuple[str, ...] = ()
    starred: bool = False
    mood_below: int | None = None
    mood_above: int | None = None
    on_this_day: dt.date | None = None
    """Today, for `--on-this-day`."""

    def matches(self, entry: JournalEntry) -> bool:
        day = local_day(entry)
        if self.since is not None and day < self.since:
            return False
        if self.until is not None and day > self.until:
            return False
        if self.on_this_day is not None and ago(day, self.on_this_day) is None:
            return False
        if self.starred and not entry.starred:
            return False
        if self.mood_below is not None or self.mood_above is not None:
            if entry.mood is None:
                return False
            if self.mood_below is not None and not entry.mood < self.mood_below:
                return False
            if self.mood_above is not None and not entry.mood > self.mood_above:
                return False
        if self.tags or self.not_tags:
            have = {t.casefold() for t in entry.tags}
            if not all(t in have for t in self.tags) or any(t in have for t in self.not_tags):
                return False
        return self.contains is None or self.contains in entry.text.casefold()

    @property
    def filters(self) -> bool:
        """Whether any condition is set."""
        return self != Query()

    def past(self, entry: JournalEntry) -> bool:
        """Whether this entry, and every older one, is before the first day asked for."""
        return self.since is not None and local_day(entry) < self.since


def make_query(
    today: dt.date,
    *,
    since: str | None = None,
    until: str | None = None,
    on: str | None = None,
    contains: str | None = None,
    tags: Iterable[str] = (),
    not_tags: Iterable[str] = (),
    starred: bool = False,
    mood_below: int | None = None,
    mood_above: int | None = None,
    on_this_day: bool = False,
) -> Query:
    """The filters of `journal list` as a Query; exit 2 for bad dates or ranges."""
    if on is not None and (since is not None or until is not None):
        raise UsageError("pass --on, or --from and --to, not both")
    if on_this_day and (on is not None or since is not None or until is not None):
        raise UsageError("--on-this-day picks its own days; leave out --on, --from and --to")
    first = last = None
    if on is not None:
        first, last = parse_days(on, today, "--on")
    if since is not None:
        first = parse_days(since, today, "--from")[0]
    if until is not None:
        last = parse_days(until, today, "--to")[1]
    if first is not None and last is not None and first > last:
        raise UsageError(
            f"--from {_said(since, first)} is after --to {_said(until, last)}; "
            "give the earlier day to --from"
        )
    if mood_below is not None and mood_above is not None and mood_above + 1 >= mood_below:
        raise UsageError(
            f"no mood is both above {mood_above} and below {mood_below}; "
            "--mood-above takes the lower number"
        )
    wanted = tuple(dict.fromkeys(clean_tag(t) for t in tags))
    unwanted = tuple(dict.fromkeys(clean_tag(t) for t in not_tags))
    for tag in (*wanted, *unwanted):
        if not tag:
            raise UsageError("--tag and --not-tag take a tag of 1 or more characters")
    both = set(wanted) & set(unwanted)
    if both:
        raise UsageError(f"#{sorted(both)[0]} is both a --tag and a --not-tag; nothing can match")
    if contains is not None and not contains.strip():
        raise UsageError("--contains takes some text to look for")
    return Query(
        since=first,
        until=last,
        contains=None if contains is None else contains.casefold(),
        tags=wanted,
        not_tags=unwanted,
        starred=starred,
        mood_below=mood_below,
        mood_above=mood_above,
        on_this_day=today if on_this_day else None,
    )


def _said(text: str | None, day: dt.date) -> str:
    return str(day) if text == str(day) else f"{text!r} ({day})"


def ago(day: dt.date, today: dt.date) -> str | None:
    """For `--on-this-day`: "1 week ago", "3 months ago", "2 years ago"; None for other days.

    The same weekday one to three weeks ago, and the same day of the month in every
    earlier month (so this date in every earlier year).
    """
    if day >= today:
        return None
    weeks, rest = divmod((today - day).days, 7)
    if rest == 0 and weeks in ON_THIS_DAY_WEEKS:
        return f"{weeks} week{'s' if weeks > 1 else ''} ago"
    if day.day != today.day:
        return None
    months = (today.year - day.year) * 12 + today.month - day.month
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years > 1 else ''} ago"
    return f"{months} month{'s' if months > 1 else ''} ago"


def tag_counts(entries: Iterable[JournalEntry]) -> list[tuple[str, int]]:
    """Each tag and how many entries carry it, the most used first (then by name).

    Tags differing only in case are one tag (as the filters take them), named as
    it is written most often (on a tie, as the newest entry writes it).
    """
    spellings: dict[str, Counter[str]] = {}
    for entry in sorted(entries, key=lambda e: e.created_at, reverse=True):
        for tag in entry.tags:
            spellings.setdefault(tag.casefold(), Counter())[tag] += 1
    counts = [(c.most_common(1)[0][0], c.total()) for c in spellings.values()]
    return sorted(counts, key=lambda pair: (-pair[1], pair[0].casefold()))
