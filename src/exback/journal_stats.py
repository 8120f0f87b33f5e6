"""`journal stats`: entries per week, mood by week, and "we" against "I" by month. Pure.

Research on breakups reads the words people use: Seraj, Blackburn & Pennebaker
(2021), "Language left behind on social media exposes the emotional and cognitive
costs of a romantic breakup", PNAS 118(7), found "I" and "we" words shifting
around a breakup and settling in the months after it. These are plain counts of
words in the notes, made on this machine and shown only to the person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exback.journal_find import local_day

if TYPE_CHECKING:
    from exback.models import JournalEntry

WE = frozenset({"we", "us", "our", "ours", "ourselves"})
I = frozenset({"i", "me", "my", "mine", "myself"})  # noqa: E741 (the word itself)
WEEKS = 12
MONTHS = 6
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def pronouns(text: str) -> tuple[int, int]:
    """How many we/us/our words and how many I/me/my words `text` holds ("I'm" is an I)."""
    we = me = 0
    for word in _WORD.findall(text.casefold()):
        base = re.split(r"['’]", word)[0]
        if base in WE:
            we += 1
        elif base in I:
            me += 1
    return we, me


def week_start(day: dt.date) -> dt.date:
    """The Monday of a day's week."""
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    start: dt.date
    entries: int
    mood: float | None
    """The mean mood of the week's entries that have one."""


@dataclass(frozen=True)
class Month:
    start: dt.date
    we: int
    me: int

    @property
    def we_share(self) -> float | None:
        """we / (we + I), or None when the month has neither."""
        total = self.we + self.me
        return None if total == 0 else self.we / total


@dataclass(frozen=True)
class Stats:
    weeks: list[Week]
    """The last WEEKS weeks, oldest first, this week last."""
    months: list[Month]
    """The last MONTHS months, oldest first, this month last."""


def stats(
    entries: Iterable[JournalEntry], today: dt.date, weeks: int = WEEKS, months: int = MONTHS
) -> Stats:
    """Counts over the last `weeks` weeks and `months` months up to `today`."""
    first_week = week_start(today) - dt.timedelta(weeks=weeks - 1)
    firsts = month_starts(today, months)
    counts: Counter[dt.date] = Counter()
    moods: dict[dt.date, list[int]] = {}
    words: dict[dt.date, list[int]] = {m: [0, 0] for m in firsts}
    for entry in entries:
        day = local_day(entry)
        week = week_start(day)
        if first_week <= week <= today:
            counts[week] += 1
            if entry.mood is not None:
                moods.setdefault(week, []).append(entry.mood)
        month = day.replace(day=1)
        if month in words:
            we, me = pronouns(entry.text)
            words[month][0] += we
            words[month][1] += me
    week_list = []
    for n in range(weeks):
        start = first_week + dt.timedelta(weeks=n)
        found = moods.get(start)
        mean = None if not found else sum(found) / len(found)
        week_list.append(Week(start, counts[start], mean))
    month_list = [Month(m, *words[m]) for m in firsts]
    return Stats(week_list, month_list)


def month_starts(today: dt.date, months: int) -> list[dt.date]:
    """The first days of the last `months` months, oldest first."""
    starts = [today.replace(day=1)]
    while len(starts) < months:
        starts.append((starts[-1] - dt.timedelta(days=1)).replace(day=1))
    return starts[::-1]
