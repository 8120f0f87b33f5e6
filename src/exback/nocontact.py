"""Pure no-contact arithmetic and history: dates in, numbers out; never reads the clock.

Days are local calendar days. Day 1 is the start date; a run of `days` days is
complete when today >= started_on + days. A slip ends the current run on that
day and starts a new one from it; nothing is ever erased.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from exback.models import NoContactEvent, NoContactRecord, NoContactRun

DayKind = Literal["slip", "exception", "urge", "kept", "outside"]
EventKind = Literal["urge", "exception", "slip"]

MARKS: dict[DayKind, str] = {
    "kept": "✓",
    "urge": "U",
    "exception": "L",
    "slip": "✗",
    "outside": "·",
}
"""Each calendar day's mark, the same in every view."""


@dataclass(frozen=True)
class Countdown:
    """Where a countdown of `days` days started on `started_on` stands on `today`."""

    started_on: dt.date
    days: int
    today: dt.date

    @property
    def ends_on(self) -> dt.date:
        """The first day after the period: the countdown is complete from this day on."""
        return self.started_on + dt.timedelta(days=self.days)

    @property
    def day(self) -> int:
        """Day N of the period (day 1 is the start date), capped at `days`."""
        return max(1, min(self.days, (self.today - self.started_on).days + 1))

    @property
    def days_remaining(self) -> int:
        return max(0, (self.ends_on - self.today).days)

    @property
    def complete(self) -> bool:
        return self.today >= self.ends_on


def running(record: NoContactRecord | None, today: dt.date) -> bool:
    """Whether a countdown is under way and not yet complete (starting again is a restart)."""
    if record is None:
        return False
    return not Countdown(record.current.started_on, record.current.days, today).complete


def start_run(
    record: NoContactRecord | None, days: int, today: dt.date, now: dt.datetime
) -> NoContactRecord:
    """A record with a new run from today; a running one ends as a restart, kept in history."""
    run = NoContactRun(started_on=today, days=days, started_at=now)
    if record is None:
        return NoContactRecord(runs=[run])
    runs = list(record.runs)
    current = runs[-1]
    if current.ended_on is None:
        runs[-1] = current.model_copy(update={"ended_on": today, "end_reason": "restart"})
    return NoContactRecord(runs=[*runs, run], events=list(record.events))


def log_event(
    record: NoContactRecord,
    kind: EventKind,
    today: dt.date,
    now: dt.datetime,
    note: str | None = None,
) -> NoContactRecord:
    """Add an urge, exception or slip; a slip also restarts the count from today."""
    event = NoContactEvent(kind=kind, on=today, at=now, note=note)
    updated = NoContactRecord(runs=list(record.runs), events=[*record.events, event])
    if kind != "slip":
        return updated
    current = updated.runs[-1]
    updated.runs[-1] = current.model_copy(update={"ended_on": today, "end_reason": "slip"})
    updated.runs.append(NoContactRun(started_on=today, days=current.days, started_at=now))
    return updated


def kept_days(run: NoContactRun, today: dt.date) -> int:
    """Whole days kept in a run: up to the day it ended, or up to today.

    Never more than the run's length: once complete, a run stops counting, as its
    calendar does (days after it are "outside" a period).
    """
    end = run.ended_on if run.ended_on is not None else today
    return max(0, min(run.days, (end - run.started_on).days))


@dataclass(frozen=True)
class Summary:
    """Everything the views show about the countdown on `today`."""

    countdown: Countdown
    current_streak: int
    best_streak: int
    total_kept: int
    urges: int
    exceptions: int
    slips: int
    runs: int


def summarise(record: NoContactRecord, today: dt.date) -> Summary:
    """The countdown of the current run plus the whole history's numbers."""
    current = record.runs[-1]
    streaks = [kept_days(run, today) for run in record.runs]
    # an urge whose outcome is "not sure yet" (exback sos) was not (yet) resisted
    kinds = [e.kind for e in record.events if e.outcome != "unsure"]
    return Summary(
        countdown=Countdown(current.started_on, current.days, today),
        current_streak=streaks[-1],
        best_streak=max(streaks),
        total_kept=sum(streaks),
        urges=kinds.count("urge"),
        exceptions=kinds.count("exception"),
        slips=kinds.count("slip"),
        runs=len(record.runs),
    )


SERIOUS: tuple[EventKind, ...] = ("slip", "exception", "urge")
"""Event kinds, the most serious first: a day with several shows the first."""


def day_kinds(record: NoContactRecord) -> Callable[[dt.date], DayKind]:
    """Each calendar day's kind: its most serious event, else kept or outside a period.

    Indexed once by day (the events of each day, the days each run kept), so a
    calendar of years costs one pass over the history rather than one per day.
    """
    events: dict[dt.date, set[str]] = {}
    for event in record.events:
        events.setdefault(event.on, set()).add(event.kind)
    kept: set[dt.date] = set()
    for run in record.runs:
        end = run.started_on + dt.timedelta(days=run.days)
        if run.ended_on is not None:
            end = min(end, run.ended_on)
        kept.update(
            run.started_on + dt.timedelta(days=i) for i in range((end - run.started_on).days)
        )

    def kind(day: dt.date) -> DayKind:
        kinds = events.get(day, ())
        for serious in SERIOUS:
            if serious in kinds:
                return serious
        return "kept" if day in kept else "outside"

    return kind


def day_kind(record: NoContactRecord, day: dt.date) -> DayKind:
    """One calendar day's kind (see `day_kinds`)."""
    return day_kinds(record)(day)


def calendar_weeks(record: NoContactRecord, last: dt.date) -> list[list[dt.date | None]]:
    """Weeks (Monday first) from the first run's start to `last`; None pads outside days."""
    first = record.runs[0].started_on
    last = max(first, last)
    monday = first - dt.timedelta(days=first.weekday())
    weeks: list[list[dt.date | None]] = []
    while monday <= last:
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        weeks.append([d if first <= d <= last else None for d in days])
        monday += dt.timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class Week:
    """One calendar row: its Monday, and each day (Monday first) with its kind, or None."""

    monday: dt.date
    days: list[tuple[dt.date, DayKind] | None]


def calendar_end(record: NoContactRecord, today: dt.date) -> dt.date:
    """The calendar's last day: today, or earlier when every run and event ended before it."""
    last_planned = max(r.started_on + dt.timedelta(days=r.days - 1) for r in record.runs)
    last_event = max((e.on for e in record.events), default=last_planned)
    return min(today, max(last_planned, last_event))


def calendar(record: NoContactRecord, today: dt.date) -> list[Week]:
    """The calendar from the first run's start to `calendar_end`, one `Week` per row.

    Every view of it (`exback nocontact`, its JSON, the Markdown report) uses this.
    """
    kind = day_kinds(record)
    weeks = []
    for week in calendar_weeks(record, calendar_end(record, today)):
        first = next(d for d in week if d is not None)
        weeks.append(
            Week(
                monday=first - dt.timedelta(days=first.weekday()),
                days=[(d, kind(d)) if d is not None else None for d in week],
            )
        )
    return weeks
