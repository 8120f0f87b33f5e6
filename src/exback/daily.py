"""The no-contact countdown and daily check-ins: changes under the lock, and their views."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from exback import nocontact
from exback import program as logic
from exback.errors import UsageError
from exback.models import MAX_NOTE, Checkin, NoContactRecord, Program, Progress
from exback.text import is_unicode_text
from exback.words import count, countdown_sentence

if TYPE_CHECKING:
    from exback.storage import Store
    from exback.ui import UI

SPARKS = "▁▂▃▄▅▆▇█"
MARKS = {"kept": "✓", "urge": "U", "exception": "L", "slip": "✗", "outside": "·"}
LEGEND = "✓ kept  U urge resisted  L logistics contact  ✗ slip  · outside a period  [ ] today"


def _change(store: Store, now: dt.datetime, change: Callable[[Progress], Any]) -> Any:
    """Read, change and save progress under the lock; returns what `change` returns."""
    with store.lock():
        progress = store.load_progress() or logic.new_progress(now)
        result = change(progress)
        progress.updated_at = now
        store.save_progress(progress)
    return result


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


# --- no contact ------------------------------------------------------------------------


def running(progress: Progress | None, today: dt.date) -> bool:
    """Whether a countdown is under way and not yet complete."""
    cd = logic.countdown(progress.no_contact if progress else None, today)
    return cd is not None and not cd.complete


def start(store: Store, days: int, today: dt.date, now: dt.datetime) -> NoContactRecord:
    """Start a run of `days` days from today (a running one ends as a restart)."""

    def change(progress: Progress) -> NoContactRecord:
        progress.no_contact = nocontact.start_run(progress.no_contact, days, today, now)
        return progress.no_contact

    result: NoContactRecord = _change(store, now, change)
    return result


def log(
    store: Store,
    kind: nocontact.EventKind,
    note: str | None,
    today: dt.date,
    now: dt.datetime,
) -> NoContactRecord:
    """Log an urge, a logistics exception or a slip; exit 2 before any start."""

    def change(progress: Progress) -> NoContactRecord:
        if progress.no_contact is None:
            raise UsageError(
                f"no no-contact period has started, so there is no {kind} to log; "
                "start one with: exback nocontact start"
            )
        progress.no_contact = nocontact.log_event(progress.no_contact, kind, today, now, note)
        return progress.no_contact

    result: NoContactRecord = _change(store, now, change)
    return result


def urge_tip(program: Program, record: NoContactRecord) -> str:
    """A practical tip from the no-contact step, a different one each time."""
    step = next((s for s in program.steps if s.starts_no_contact), None)
    tips = step.tips if step and step.tips else ["Write what you wanted to say in your journal."]
    urges = sum(1 for e in record.events if e.kind == "urge")
    return tips[(urges - 1) % len(tips)]


def view(program: Program, progress: Progress | None, today: dt.date) -> dict[str, Any] | None:
    """The `nocontact --json` document, or None before any start."""
    if progress is None or progress.no_contact is None:
        return None
    record = progress.no_contact
    s = nocontact.summarise(record, today)
    cd = s.countdown
    return {
        "label": logic.countdown_label(program, progress),
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
        "runs": [r.model_dump(mode="json") for r in record.runs],
        "events": [e.model_dump(mode="json") for e in record.events],
        "calendar": [
            {"date": d.isoformat(), "kind": nocontact.day_kind(record, d)}
            for week in nocontact.calendar_weeks(record, today)
            for d in week
            if d is not None
        ],
    }


def status_summary(program: Program, progress: Progress, today: dt.date) -> dict[str, Any] | None:
    """The `no_contact` object of `status --json`."""
    data = view(program, progress, today)
    if data is None:
        return None
    keys = [
        "label",
        "started_on",
        "days",
        "day",
        "days_remaining",
        "ends_on",
        "complete",
        "slips",
        "urges",
        "exceptions",
        "current_streak",
        "best_streak",
    ]
    return {k: data[k] for k in keys}


def countdown_text(data: dict[str, Any]) -> str:
    """The countdown sentence from a `view` (or `status --json`) document."""
    return countdown_sentence(
        data["label"],
        data["day"],
        data["days"],
        data["days_remaining"],
        dt.date.fromisoformat(data["ends_on"]),
    )


def render(ui: UI, program: Program, progress: Progress | None, today: dt.date) -> None:
    """The countdown for a person: day N of M, a bar, the numbers, the calendar."""
    from rich.table import Table
    from rich.text import Text

    data = view(program, progress, today)
    out = ui.out
    if data is None or progress is None or progress.no_contact is None:
        out.print("No no-contact period has started. Start one with: exback nocontact start")
        return
    from exback.ui import user_text

    out.print(user_text(countdown_text(data), style="bold"))
    done = data["days"] - data["days_remaining"]  # whole days behind you; today is not yet
    width = 30
    filled = round(width * done / data["days"])
    out.print(Text("█" * filled + "░" * (width - filled), style="green"), end="")
    out.print(f" {done} of {count(data['days'], 'day')} behind you")
    if data["complete"]:
        out.print("Whatever you decide next, that took strength.")
    out.print(
        f"Current streak {count(data['current_streak'], 'day')} · "
        f"best {count(data['best_streak'], 'day')} · "
        f"{count(data['total_days_kept'], 'day')} kept in all"
    )
    out.print(
        f"{count(data['urges'], 'urge')} resisted · "
        f"{count(data['exceptions'], 'logistics contact')} · {count(data['slips'], 'slip')}"
    )
    record = progress.no_contact
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("Week of")
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        table.add_column(name, justify="center")
    for week in nocontact.calendar_weeks(record, today):
        monday = next(d for d in week if d is not None)
        monday -= dt.timedelta(days=monday.weekday())
        cells = []
        for d in week:
            if d is None:
                cells.append("")
                continue
            mark = MARKS[nocontact.day_kind(record, d)]
            cells.append(f"[{mark}]" if d == today else mark)
        table.add_row(monday.isoformat(), *cells)
    out.print(table, markup=False)
    out.print(LEGEND, markup=False)


# --- check-ins -------------------------------------------------------------------------


def todays_checkin(progress: Progress | None, today: dt.date) -> Checkin | None:
    if progress is None:
        return None
    return next((c for c in progress.checkins if c.on == today), None)


def checkin(
    store: Store,
    mood: int,
    urge: int,
    note: str | None,
    replace: bool,
    today: dt.date,
    now: dt.datetime,
) -> bool:
    """Save today's check-in; True when it replaced an earlier one of today."""
    entry = Checkin(on=today, at=now, mood=mood, urge=urge, note=note)

    def change(progress: Progress) -> bool:
        old = todays_checkin(progress, today)
        if old is not None and not replace:
            raise UsageError("you have checked in today already; pass --replace to replace it")
        progress.checkins = [c for c in progress.checkins if c.on != today] + [entry]
        return old is not None

    replaced: bool = _change(store, now, change)
    return replaced


def sparkline(values: list[int], low: int = 1, high: int = 10) -> str:
    """Values as a row of block characters, low to high."""
    steps = len(SPARKS) - 1
    return "".join(SPARKS[round((v - low) * steps / (high - low))] for v in values)


def checkin_summary(progress: Progress) -> dict[str, Any]:
    """The `checkins` object of `status --json`, plus the trend of the last 30."""
    ordered = sorted(progress.checkins, key=lambda c: (c.on, c.at))
    recent = [c.mood for c in ordered[-30:]]
    return {
        "count": len(ordered),
        "last_mood": ordered[-1].mood if ordered else None,
        "mood_trend": recent,
    }
