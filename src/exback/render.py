"""Every Rich view and message for a person: results in, nothing read or decided here.

Each function takes the UI and a result from a use case (commands/) and draws it.
User and content text always goes through `user_text` (inert, never markup).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from exback.words import count, countdown_line, countdown_sentence

if TYPE_CHECKING:
    from exback.commands.archive import ResetPlan
    from exback.commands.journal import Imported
    from exback.commands.nocontact import CheckedIn, CountdownView, Logged, Started
    from exback.commands.status import Validated
    from exback.models import JournalEntry
    from exback.ui import UI

# --- journal, import, export, restore, reset -------------------------------------------


def journal_entries(ui: UI, entries: list[JournalEntry]) -> None:
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


def reset_plan(ui: UI, plan: ResetPlan) -> None:
    """What a reset is about to delete, and where the backup goes, on stderr."""
    lines = [f"This deletes, in {plan.root}:"]
    lines += [f"  {d.path.name}: {d.what}" for d in plan.files]
    lines.append(
        f"A backup goes first to {plan.backup}."
        if plan.backup
        else "No backup is written (--no-backup)."
    )
    ui.say("\n".join(lines))


def reset_done(ui: UI, plan: ResetPlan) -> None:
    """What a reset deleted, and how to bring it back; or that there was nothing."""
    if not plan.files:
        ui.say(f"Nothing to delete: {plan.root} holds none of those files.")
        return
    removed = ", ".join(f"{d.path.name} ({d.what})" for d in plan.files)
    ui.say(f"Deleted from {plan.root}: {removed}.")
    if plan.backup:
        ui.say(f"Your backup is {plan.backup}; 'exback restore {plan.backup}' brings it back.")


def imported(ui: UI, result: Imported) -> None:
    """What `journal import` added and skipped."""
    from exback.words import count

    ui.say(
        f"Imported {result.added} of {count(len(result.entries), 'entry')} from "
        f"{result.file} ({result.format}); skipped {count(result.skipped, 'entry')} "
        "already in your journal."
    )


# --- no contact, check-ins, status, where, content -----------------------------------

SPARKS = "▁▂▃▄▅▆▇█"
LEGEND = "✓ kept  U urge resisted  L logistics contact  ✗ slip  · outside a period  [ ] today"
STEP_MARKS = {"done": "✔", "in_progress": "…", "available": "○", "locked": "·"}
COUNTDOWN_KEPT = "Nothing changed; your countdown goes on."
CHECKIN_KEPT = "Nothing changed; today's check-in stays as it was."


def countdown(ui: UI, view: CountdownView | None) -> None:
    """The countdown for a person: day N of M, a bar, the numbers, the calendar."""
    from rich.table import Table
    from rich.text import Text

    from exback.nocontact import MARKS
    from exback.ui import user_text

    out = ui.out
    if view is None:
        out.print("No no-contact period has started. Start one with: exback nocontact start")
        return
    s = view.summary
    cd = s.countdown
    out.print(user_text(countdown_line(view.label, cd), style="bold"))
    done = cd.days - cd.days_remaining  # whole days behind you; today is not yet
    width = 30
    filled = round(width * done / cd.days)
    out.print(Text("█" * filled + "░" * (width - filled), style="green"), end="")
    out.print(f" {done} of {count(cd.days, 'day')} behind you")
    if cd.complete:
        out.print("Whatever you decide next, that took strength.")
    out.print(
        f"Current streak {count(s.current_streak, 'day')} · "
        f"best {count(s.best_streak, 'day')} · "
        f"{count(s.total_kept, 'day')} kept in all"
    )
    out.print(
        f"{count(s.urges, 'urge')} resisted · "
        f"{count(s.exceptions, 'logistics contact')} · {count(s.slips, 'slip')}"
    )
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("Week of")
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        table.add_column(name, justify="center")
    for week in view.weeks:
        cells = []
        for entry in week.days:
            if entry is None:
                cells.append("")
                continue
            day, kind = entry
            cells.append(f"[{MARKS[kind]}]" if day == view.today else MARKS[kind])
        table.add_row(week.monday.isoformat(), *cells)
    out.print(table, markup=False)
    out.print(LEGEND, markup=False)


def started(result: Started) -> str:
    """What `nocontact start` says when it has started the countdown."""
    exceptions = "; ".join(result.exceptions) or "none named"
    return (
        f"No contact started: {count(result.days, 'day')} from today "
        f"({result.started_on.isoformat()}), complete on {result.ends_on.isoformat()}. "
        f"Contact about practical matters does not break it: {exceptions}."
    )


def logged(result: Logged) -> str:
    """What `nocontact urge`, `exception` and `slip` say once the event is saved."""
    if result.kind == "urge":
        return (
            f"Urge resisted: that is {result.urges} so far, and each one gets easier. "
            f"Try this: {result.tip}"
        )
    if result.kind == "exception":
        return (
            "Logged as logistics contact; your count goes on. Keeping it short and practical "
            "was the right call."
        )
    best = result.best_streak
    kept = (
        f"It does not undo the days you kept: your best run, {count(best, 'day')}, "
        "stays in your record. "
        if best
        else "Starting again is what counts. "
    )
    return (
        f"Logged. Slips happen to almost everyone. {kept}"
        f"Your count starts again today: day 1 of {result.days}."
    )


def checked_in(result: CheckedIn) -> str:
    """What `checkin` says once it is saved."""
    c = result.checkin
    verb = "replaced" if result.replaced else "saved"
    return f"Check-in {verb} for {c.on.isoformat()}: mood {c.mood}/10, urge {c.urge}/10."


def sparkline(values: list[int], low: int = 1, high: int = 10) -> str:
    """Values as a row of block characters, low to high."""
    steps = len(SPARKS) - 1
    return "".join(SPARKS[round((v - low) * steps / (high - low))] for v in values)


def _countdown_text(data: dict[str, Any]) -> str:
    """The countdown sentence from the `no_contact` object of `status --json`."""
    return countdown_sentence(
        data["label"],
        data["day"],
        data["days"],
        data["days_remaining"],
        dt.date.fromisoformat(data["ends_on"]),
    )


def status(ui: UI, data: dict[str, Any]) -> None:
    """The dashboard for a person, from the `status --json` document."""
    from rich.table import Table
    from rich.text import Text

    from exback.ui import local_time, user_text

    out = ui.out
    out.print(user_text(data["program"]["title"], style="bold"))
    # a route's reason is said once, here, not under each step it closes
    by_reason: dict[str, str] = {}
    for route in data["routes"]:
        out.print(user_text(f"{route['title']}: {route['reason']}", style="yellow"))
        by_reason[route["reason"]] = route["title"]
    for cooling in data["cooling_off"]:
        out.print(user_text(f"{cooling['title']}: {cooling['message']}", style="yellow"))
        by_reason[cooling["message"]] = cooling["title"]
    if len(by_reason) == 1:
        by_reason = dict.fromkeys(by_reason, "the note")
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("", width=2)
    table.add_column("Step")
    table.add_column("Status")
    styles = {"done": "green", "in_progress": "cyan", "available": "", "locked": "dim"}
    for step in data["steps"]:
        label = step["status"].replace("_", " ")
        if step["reason"] in by_reason:
            label += f" — see {by_reason[step['reason']]} above"
        elif step["reason"]:
            label += f" — {step['reason']}"
        style = styles[step["status"]]
        table.add_row(
            STEP_MARKS[step["status"]],
            user_text(step["title"], style=style),
            user_text(label, style=style),
        )
    out.print(table)
    done = sum(1 for s in data["steps"] if s["status"] == "done")
    out.print(f"{done} of {count(len(data['steps']), 'step')} done.")
    nc = data["no_contact"]
    if nc is None:
        out.print("No contact: not started yet.")
    else:
        out.print(user_text(_countdown_text(nc)))
        out.print(
            f"  streak {count(nc['current_streak'], 'day')} · "
            f"best {count(nc['best_streak'], 'day')} · {count(nc['urges'], 'urge')} resisted · "
            f"{count(nc['slips'], 'slip')}"
        )
        out.print("  (exback nocontact shows the calendar)")
    checkins = data["checkins"]
    if checkins["count"]:
        out.print(
            f"Mood: last {checkins['last_mood']}/10; last "
            f"{count(len(checkins['mood_trend']), 'check-in')} "
            f"{sparkline(checkins['mood_trend'])}"
        )
    else:
        out.print("Mood: no check-ins yet (exback checkin).")
    journal = data["journal"]
    if journal["count"]:
        last = local_time(dt.datetime.fromisoformat(journal["last_entry_at"]))
        out.print(f"Journal: {count(journal['count'], 'entry')}, the last on {last}.")
    else:
        out.print("Journal: no entries yet.")
    if data["next_step"]:
        out.print(Text("Continue with: exback start", style="bold"))
    plan = "; your safety plan: exback safety-plan show" if data["safety_plan"] else ""
    out.print(Text(f"If you need support right now: exback help-now{plan}", style="dim"))


def where(ui: UI, data: dict[str, Any]) -> None:
    """`where` for a person, from the `where --json` document."""
    from exback.ui import user_text

    out = ui.out
    out.print(user_text(f"Data dir:    {data['data_dir']}"))
    if not data["exists"]:
        out.print("             (not created yet: it appears with your first answer or note)")
    for item in data["files"]:
        out.print(user_text(f"             {item['name']}  ({item['bytes']} bytes)"))
    out.print(user_text(f"Content dir: {data['content_dir']}"))


def content_valid(result: Validated) -> str:
    """The line `content validate` prints for a folder that loads (inert: it names a path)."""
    from exback.text import inert

    return inert(
        f"{result.folder}: valid: {result.title!s} v{result.version}: "
        f"{count(result.steps, 'step')}, {count(result.questions, 'question')}, "
        f"{count(result.tips, 'tip')}, {count(result.routes, 'route')}, {result.extras}"
    )


# --- start, doctor, help-now, safety plan -------------------------------------------------
