"""No contact and daily check-ins: start, urge, exception, slip, checkin, and the countdown view.

Each use case takes the store, the moment and its inputs, and, when a person can
answer, a `Prompter` (None when nobody can: the case then refuses with a message
naming the flag). Prompts come before the lock; the change is one
`store.update(now)`. The arithmetic is `nocontact.py`'s; the words are render.py's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exback import nocontact, urges
from exback import program as logic
from exback.bounds import MAX_NOTE
from exback.errors import NotInteractiveError, UsageError
from exback.models import Checkin, NoContactRecord, Program, Progress
from exback.text import is_unicode_text

if TYPE_CHECKING:
    from exback.prompts import Prompter
    from exback.storage import Store

ALREADY_RUNNING = (
    "a no-contact countdown is already running; pass --restart to start again "
    "(the current run stays in your history)"
)
ALREADY_CHECKED_IN = "you have checked in today already; pass --replace to replace it"


def check_note(note: str | None, flag: str) -> str | None:
    """A note as typed, or exit 2 when it is given but empty or too long."""
    if note is None:
        return None
    if not is_unicode_text(note):
        raise UsageError(f"{flag} is not valid UTF-8 text; nothing was saved")
    if not note.strip():
        raise UsageError(f"{flag} is empty; leave it out, or write something")
    if len(note) > MAX_NOTE:
        raise UsageError(f"{flag} is longer than {MAX_NOTE} characters")
    return note


# --- the countdown -----------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """A countdown just started: its length, first day and the day it is complete."""

    days: int
    started_on: dt.date
    ends_on: dt.date
    exceptions: list[str]


def start(
    store: Store,
    program: Program,
    days: int | None,
    restart: bool,
    today: dt.date,
    now: dt.datetime,
    prompter: Prompter | None,
) -> Started | None:
    """Start a run of `days` days from today; None when the person chose to keep theirs.

    Without `days`, asks (or takes the program's default when nobody can answer).
    A running countdown is restarted only with `restart` or after a yes.
    """
    settings = program.no_contact
    saved = store.load_progress()
    least, why = logic.min_no_contact_days(program, saved)
    if days is None and prompter is not None:
        days = prompter.days(settings.choices, settings.default_days, least, why)
    days = days or max(settings.default_days, least)
    try:
        logic.check_no_contact_days(program, saved, days)
    except ValueError as exc:
        raise UsageError(f"--days: {exc}; nothing was changed") from None
    if nocontact.running(saved.no_contact if saved else None, today) and not restart:
        if prompter is None:
            raise UsageError(ALREADY_RUNNING)
        if not prompter.confirm("A countdown is running. Start again from today?"):
            return None
    with store.update(now) as progress:
        progress.no_contact = nocontact.start_run(progress.no_contact, days, today, now)
        run = progress.no_contact.current
    ends_on = nocontact.Countdown(run.started_on, run.days, today).ends_on
    return Started(run.days, run.started_on, ends_on, list(settings.exceptions))


@dataclass(frozen=True)
class Logged:
    """An urge, exception or slip just logged, with the numbers its message names."""

    kind: nocontact.EventKind
    urges: int
    best_streak: int
    days: int
    """The current run's length (after a slip: the new run's)."""
    tip: str | None = None
    """For an urge: a practical tip from the no-contact step, a different one each time."""


def log(
    store: Store,
    load_program: Callable[[], Program],
    kind: nocontact.EventKind,
    note: str | None,
    today: dt.date,
    now: dt.datetime,
) -> Logged:
    """Log an urge, a logistics exception (its note is the reason) or a slip.

    Exit 2 for a bad note, or before any countdown has started. The program is
    loaded only for an urge's tip, after the urge is saved: logging never waits on
    the content.
    """
    note = check_note(note, "--reason" if kind == "exception" else "--note")
    with store.update(now) as progress:
        if progress.no_contact is None:
            raise UsageError(
                f"no no-contact period has started, so there is no {kind} to log; "
                "start one with: exback nocontact start"
            )
        progress.no_contact = nocontact.log_event(progress.no_contact, kind, today, now, note)
        record = progress.no_contact
    summary = nocontact.summarise(record, today)
    tip = _urge_tip(load_program(), summary.urges) if kind == "urge" else None
    return Logged(kind, summary.urges, summary.best_streak, record.current.days, tip)


def _urge_tip(program: Program, urges: int) -> str:
    step = next((s for s in program.steps if s.starts_no_contact), None)
    tips = step.tips if step and step.tips else ["Write what you wanted to say in your journal."]
    return tips[(urges - 1) % len(tips)]


@dataclass(frozen=True)
class CountdownView:
    """What `exback nocontact` shows: the numbers, the history and the calendar."""

    label: str
    today: dt.date
    summary: nocontact.Summary
    record: NoContactRecord
    weeks: list[nocontact.Week]
    patterns: urges.Patterns | None = None
    """When urges came, from ten urges on."""

    def to_json(self) -> dict[str, Any]:
        """The `nocontact --json` document."""
        return {
            **numbers(self.label, self.summary),
            "runs": [r.model_dump(mode="json") for r in self.record.runs],
            "events": [e.model_dump(mode="json") for e in self.record.events],
            "calendar": [
                {"date": day.isoformat(), "kind": kind}
                for week in self.weeks
                for day, kind in filter(None, week.days)
            ],
            "urge_patterns": self.patterns.to_json() if self.patterns else None,
        }


def view(store: Store, load_program: Callable[[], Program], today: dt.date) -> CountdownView | None:
    """The countdown as it stands today, or None before any start. Reads only.

    The program (for the countdown's name) is loaded after the data is read.
    """
    progress = store.load_progress()
    program = load_program()
    if progress is None or progress.no_contact is None:
        return None
    record = progress.no_contact
    return CountdownView(
        label=logic.countdown_label(program, progress),
        today=today,
        summary=nocontact.summarise(record, today),
        record=record,
        weeks=nocontact.calendar(record, today),
        patterns=urges.patterns(record),
    )


def numbers(label: str, s: nocontact.Summary) -> dict[str, Any]:
    """The countdown's numbers, as `nocontact --json` (and, a part of them, `status`) show them."""
    cd = s.countdown
    return {
        "label": label,
        "started_on": cd.started_on.isoformat(),
        "days": cd.days,
        "day": cd.day,
        "days_remaining": cd.days_remaining,
        "ends_on": cd.ends_on.isoformat(),
        "complete": cd.complete,
        "current_streak": s.current_streak,
        "best_streak": s.best_streak,
        "total_days_kept": s.total_kept,
        "urges": s.urges,
        "exceptions": s.exceptions,
        "slips": s.slips,
    }


# --- check-ins ---------------------------------------------------------------------------


def todays_checkin(progress: Progress | None, today: dt.date) -> Checkin | None:
    """Today's check-in, if there is one."""
    if progress is None:
        return None
    return next((c for c in progress.checkins if c.on == today), None)


@dataclass(frozen=True)
class CheckedIn:
    """A check-in saved; `replaced` when it took the place of an earlier one of today."""

    checkin: Checkin
    replaced: bool
    low: bool
    """Whether the mood or urge calls for a gentle line."""


def checkin(
    store: Store,
    mood: int | None,
    urge: int | None,
    note: str | None,
    replace: bool,
    today: dt.date,
    now: dt.datetime,
    prompter: Prompter | None,
) -> CheckedIn | None:
    """Save today's check-in, asking for what is missing; None when the person kept today's.

    Today's check-in is replaced with `replace`, or after a yes when someone can
    answer; otherwise the case refuses (exit 2) and nothing changes.
    """
    from exback.care import checkin_needs_care

    note = check_note(note, "--note")
    if (mood is None or urge is None) and prompter is None:
        missing = "--mood (1-10)" if mood is None else "--urge (0-10)"
        raise NotInteractiveError(f"{missing} is needed when exback cannot ask")
    existing = todays_checkin(store.load_progress(), today)
    if existing is not None and not replace:
        if prompter is None:
            raise UsageError(ALREADY_CHECKED_IN)
        question = f"You checked in today (mood {existing.mood}, urge {existing.urge}). Replace it?"
        if not prompter.confirm(question):
            return None
        replace = True
    if mood is None or urge is None:
        assert prompter is not None  # refused above
        ask_note = mood is None and urge is None and note is None
        if mood is None:
            mood = prompter.number("How is your mood?", 1, 10, "low", "good")
        if urge is None:
            urge = prompter.number(
                "How strong is the urge to contact them?", 0, 10, "none", "overwhelming"
            )
        if ask_note:
            note = prompter.optional_text("Anything to note? (Enter to skip)")
    entry = Checkin(on=today, at=now, mood=mood, urge=urge, note=note)
    with store.update(now) as progress:
        old = todays_checkin(progress, today)
        if old is not None and not replace:  # another exback checked in meanwhile
            raise UsageError(ALREADY_CHECKED_IN)
        progress.checkins = [c for c in progress.checkins if c.on != today] + [entry]
    return CheckedIn(entry, old is not None, checkin_needs_care(mood, urge))
