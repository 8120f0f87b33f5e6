"""Every Rich view and message for a person: results in, nothing read or decided here.

Each function takes the UI and a result from a use case (commands/) and draws it.
User and content text always goes through `user_text` (inert, never markup).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from exback.words import count, countdown_line, countdown_sentence

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console, RenderableType
    from rich.text import Text

    from exback.commands.archive import ResetPlan
    from exback.commands.care import HelpNowShown
    from exback.commands.doctor import Report
    from exback.commands.journal import CompactResult, Imported, Listed, StatsResult, Tags
    from exback.commands.letters import Kept, Shown
    from exback.commands.letters import Listed as LettersListed
    from exback.commands.nocontact import CheckedIn, CountdownView, Logged, Started
    from exback.commands.sos import OwnWords
    from exback.commands.start import AnswersApplied
    from exback.commands.status import Validated
    from exback.models import (
        Breathing,
        CareResponse,
        HelpNow,
        JournalEntry,
        Letter,
        MultilineQuestion,
        MultiQuestion,
        NoContactEvent,
        PressureCheck,
        Route,
        SafetyPlan,
        Step,
        StepProgress,
    )
    from exback.pacing import Breath
    from exback.program import Pause
    from exback.ui import UI
    from exback.urges import Patterns

# --- journal, import, export, restore, reset -------------------------------------------


def journal_entries(ui: UI, listed: Listed) -> None:
    """Entries for a person: id, date, mood, tags and star, then the text, inert."""
    from rich.text import Text

    from exback.journal import short_id
    from exback.ui import local_time, user_text

    if not listed.entries:
        if listed.query.on_this_day is not None:
            ui.out.print("Nothing written on this day in earlier weeks, months or years.")
        elif listed.query.filters:
            ui.out.print("No entries match.")
        else:
            ui.out.print('Your journal is empty. Add a note with: exback journal add "..."')
        return
    for entry in listed.entries:
        head = Text(short_id(entry.id), style="dim")
        head.append("  ")
        head.append(local_time(entry.created_at), style="bold")
        ago = listed.ago(entry)
        if ago:
            head.append(f"  {ago}", style="green")
        if entry.starred:
            head.append("  *starred", style="yellow")
        if entry.mood is not None:
            head.append(f"  mood {entry.mood}/10", style="cyan")
        if entry.tags:
            head.append("  ")
            head.append_text(user_text(" ".join("#" + t for t in entry.tags), style="magenta"))
        ui.out.print(head)
        if entry.prompt:
            ui.out.print(user_text(entry.prompt), style="italic", soft_wrap=True)
        ui.out.print(user_text(entry.text), soft_wrap=True)  # long notes: the terminal wraps
        ui.out.print()


def journal_entry_to_delete(ui: UI, entry: JournalEntry) -> None:
    """The entry about to be deleted, on stderr: its id, date and first line."""
    from exback.journal import short_id
    from exback.ui import local_time

    first = entry.text.strip().splitlines()[0]
    first = first if len(first) <= 60 else first[:59] + "…"
    ui.say(f"This deletes entry {short_id(entry.id)} of {local_time(entry.created_at)}: {first}")


def compacted(ui: UI, result: CompactResult) -> None:
    """What a compaction did, and what the .bak still holds."""
    done, name = result.done, result.path.name
    if not done.rewritten:
        ui.say(f"{name} is already compact ({count(done.entries, 'entry')}); nothing was changed.")
    elif done.bak_differs:
        ui.say(
            f"Rewrote {name} with {count(done.entries, 'entry')}, dropping "
            f"{count(done.dropped, 'line')} of old versions and deleted entries."
        )
    else:
        ui.say(f"Replaced {name}.bak with the compacted {name}.")
    if done.bak_differs:
        ui.say(
            f"The file before is kept as {name}.bak, with that text; run 'exback journal "
            "compact' again to replace it too."
        )


def journal_stats(ui: UI, result: StatsResult) -> None:
    """Entries and mood by week, a sparkline, and the we/I share by month."""
    from rich.table import Table

    stats = result.stats
    out = ui.out
    out.print(f"Your journal: {count(result.count, 'entry')}.")
    weeks = Table(box=None, pad_edge=False, title_justify="left", title="By week")
    weeks.add_column("week of")
    weeks.add_column("entries", justify="right")
    weeks.add_column("mood", justify="right")
    for week in stats.weeks:
        mood = "" if week.mood is None else f"{week.mood:.1f}"
        weeks.add_row(week.start.strftime("%Y-%m-%d"), str(week.entries), mood)
    out.print(weeks)
    moods = [w.mood for w in stats.weeks]
    out.print(f"Mood by week, oldest first: {sparkline(moods)}")
    months = Table(box=None, pad_edge=False, title_justify="left", title='"We" and "I" by month')
    months.add_column("month")
    months.add_column("we/us/our", justify="right")
    months.add_column("I/me/my", justify="right")
    months.add_column("we share", justify="right")
    for month in stats.months:
        share = month.we_share
        months.add_row(
            month.start.strftime("%Y-%m"),
            str(month.we),
            str(month.me),
            "" if share is None else f"{share:.0%}",
        )
    out.print(months)
    ui.say(
        "Counted in your notes, on this machine only. Research on breakups reads a move from "
        '"we" words towards "I" words as part of finding your own footing again; it is a '
        "count, not a verdict."
    )


def journal_tags(ui: UI, found: Tags) -> None:
    """Each tag with its count, one a line."""
    from exback.ui import user_text

    if not found.counts:
        ui.out.print('No tags yet. Add some with: exback journal add "..." --tag NAME')
        return
    width = max(len(str(n)) for _, n in found.counts)
    for tag, n in found.counts:
        line = user_text(f"{n:>{width}}  #{tag}")
        ui.out.print(line)


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
STEP_MARKS = {"done": "✔", "in_progress": "…", "available": "○", "waiting": "⌛", "locked": "·"}
CALENDAR_WIDTH = 10 + 7 * 5
"""Columns the calendar needs: the week's date, and seven days of up to 3 with padding."""
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
    # Where the calendar fits, its columns' widths are known (a date; "[✓]" at most):
    # Rich then need not measure every cell, which for years of weeks is most of the time.
    fits = out.width >= CALENDAR_WIDTH
    table.add_column("Week of", width=10 if fits else None)
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        table.add_column(name, justify="center", width=3 if fits else None)
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
    if view.patterns is not None:
        urge_patterns(ui, view.patterns)


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
            f"Try this: {result.tip} When an urge is strong, 'exback sos' gives you a pause, "
            "your own words and a letter you don't send."
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


def sparkline(values: Sequence[float | None], low: int = 1, high: int = 10) -> str:
    """Values as a row of block characters, low to high; a space for a missing one."""
    steps = len(SPARKS) - 1
    return "".join(
        " " if v is None else SPARKS[round((v - low) * steps / (high - low))] for v in values
    )


def _journal_recent(journal: dict[str, Any]) -> str:
    """Status's line of `journal stats`: the last weeks' entries and mood, the we share."""
    weeks = journal["recent_weeks"]
    line = f"  Last {len(weeks)} weeks: {count(sum(w['entries'] for w in weeks), 'entry')}"
    moods = [w["mood"] for w in weeks]
    if any(m is not None for m in moods):
        line += f", mood by week {sparkline(moods)}"
    share = journal["we_share_this_month"]
    if share is not None:
        line += f'; "we" {share:.0%} of we/I words this month'
    return line + "."


def _countdown_text(data: dict[str, Any]) -> str:
    """The countdown sentence from the `no_contact` object of `status --json`."""
    return countdown_sentence(
        data["label"],
        data["day"],
        data["days"],
        data["days_remaining"],
        dt.date.fromisoformat(data["ends_on"]),
    )


def status_short(data: dict[str, Any]) -> str:
    """`status --short`: one line for a shell prompt or a tmux status bar, from `status --json`.

    Day N of M of the countdown, whether today has a check-in, and the next step.
    """
    from exback.text import inert

    parts = []
    nc = data["no_contact"]
    if nc is not None:
        parts.append(
            f"{nc['days']} days done" if nc["complete"] else f"day {nc['day']} of {nc['days']}"
        )
    parts.append("checked in today" if data["checkins"]["today"] else "no check-in yet today")
    titles = {s["id"]: s["title"] for s in data["steps"]}
    nxt = data["next_step"]
    parts.append(f"next: {titles[nxt]}" if nxt else "no step open")
    return inert(" · ".join(parts))


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
    styles = {"done": "green", "in_progress": "cyan", "available": "", "waiting": "yellow"}
    styles["locked"] = "dim"
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
    if data["urge_patterns"]:
        urge_patterns(ui, _patterns_from_json(data["urge_patterns"]))
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
        if journal["recent_weeks"] is not None:
            out.print(_journal_recent(journal))
    else:
        out.print("Journal: no entries yet.")
    for wait in data["waiting"]:
        ago = f" ({count(wait['days'], 'day')} ago)" if wait["days"] else ""
        out.print(user_text(f"{wait['title']}: {wait['message']}{ago}."))
        if wait["silence"]:
            offer = f" (exback start --step {wait['offer']})" if wait["offer"] else ""
            out.print(user_text(f"  {wait['silence']}{offer}", style="yellow"))
    for number in data["letters"]["ready_to_read_again"]:
        out.print(
            f"Letter {number} has been held for a day: read it again with "
            f"exback letters show {number}"
        )
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
    if data["encrypted"]:
        out.print("Encryption:  on; your passphrase (or recovery code) opens it")
        if data["key_in_keyring"]:
            out.print(
                "             Its key is also kept in your system keyring, so exback opens "
                "it without asking; 'exback passphrase --forget' removes it from there."
            )
    else:
        out.print("Encryption:  off ('exback encrypt' turns it on)")
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


def care_response(
    console: Console,
    response: CareResponse,
    help_now: HelpNow | None,
    plan: SafetyPlan | None,
) -> None:
    """One care response: its words, the help it names, the person's plan (or how to make one).

    The walk prints it on stdout (`ui.out`); answers files on stderr (`ui.err`).
    """
    from rich.panel import Panel
    from rich.text import Text

    from exback.care import HELP_NOW_FALLBACK

    body = Text(" ".join(response.message.split()))
    for section_id in response.help:
        section = help_now.section(section_id) if help_now else None
        if section is None:
            continue
        body.append(f"\n\n{section.heading}\n", style="bold")
        body.append("\n".join(f"• {line}" for line in section.lines))
    shown = help_now is not None and any(help_now.section(s) for s in response.help)
    if response.help and not shown:
        body.append(f"\n\n{HELP_NOW_FALLBACK}")
    if response.safety_plan:
        body.append_text(_plan_in_care(plan))
    body.append("\n\nAll of the help, any time: exback help-now", style="bold")
    console.print(Panel(body, title=response.title, border_style="red", title_align="left"))


def _plan_in_care(plan: SafetyPlan | None) -> Text:
    from rich.text import Text

    from exback import safety_plan
    from exback.text import inert

    parts = safety_plan.filled(plan) if plan is not None else []
    if not parts:
        return Text(
            "\n\nA safety plan can help on hard nights: a few lines, in your words, about "
            "what helps and who to call. Make one with: exback safety-plan"
        )
    text = Text("\n\nYour safety plan\n", style="bold")
    for part, value in parts:
        text.append(f"{part.title}: ", style="bold")
        text.append(inert(value.strip()) + "\n")
    return text


def answers_applied(ui: UI, applied: AnswersApplied) -> None:
    """After `start --answers-file`, on stderr: care responses at once (else the gentle
    line when a text answer needs it), then the notices and what was saved."""
    from exback import safety_plan
    from exback.care import gentle_line

    if applied.care:
        for response in applied.care:
            care_response(ui.err, response, applied.help_now, applied.plan)
    elif applied.text_needs_care:
        has_plan = applied.plan is not None and bool(safety_plan.filled(applied.plan))
        ui.say(gentle_line(has_plan))
    for notice in applied.notices:
        ui.say(notice)
    ui.say(applied.summary)


def doctor_report(ui: UI, data: Report) -> None:
    """Doctor's report for a person: problems with their repair, notes, what was changed."""
    from exback.ui import user_text
    from exback.words import count

    out = ui.out
    out.print(user_text(f"Data dir: {data['data_dir']}"), soft_wrap=True)
    if not data["exists"]:
        out.print("Nothing is saved yet: the folder appears with your first answer or note.")
    for change in data["changes"]:
        out.print(user_text(f"  changed: {change}", style="green"), soft_wrap=True)
    for item in data["problems"]:
        line = f"  ✘ {_name_in(item['path'], data)}: {item['problem']}"
        out.print(user_text(line, style="red"), soft_wrap=True)
        if item["repair"]:
            out.print(user_text(f"      --repair would {item['repair']}"), soft_wrap=True)
    for item in data["notes"]:
        line = f"  • {_name_in(item['path'], data)}: {item['note']}"
        out.print(user_text(line), soft_wrap=True)
    problems = data["problems"]
    if not problems:
        out.print("All good: nothing to fix.", style="bold")
        return
    fixable = sum(1 for p in problems if p["repair"])
    summary = f"{count(len(problems), 'problem')} found."
    if fixable:
        summary += " Run 'exback doctor --repair' to fix what exback can (it asks first)."
    if fixable < len(problems):
        summary += " The rest need you: see above."
    out.print(summary, style="bold", soft_wrap=True)


def _name_in(path: str, data: Report) -> str:
    """A file by its name inside the data dir, anything else by its whole path."""
    from pathlib import Path

    inside = Path(path).parent == Path(data["data_dir"])
    return Path(path).name if inside else path


def help_now(ui: UI, shown: HelpNowShown) -> None:
    """What `exback help-now` prints: plain text on stdout, then why the plan is missing."""
    print(help_now_text(shown.help_now, shown.plan), flush=True)
    if shown.problem:
        ui.say(f"exback: {shown.problem}")


def notice(ui: UI, text: str, style: str = "") -> None:
    """A paragraph on stderr for a person at a terminal, wrapped to its width."""
    from exback.ui import user_text

    ui.err.print()
    ui.err.print(user_text(text, style="" if ui.plain else style))


def help_now_plan(ui: UI, plan: SafetyPlan | None, problem: str | None) -> None:
    """After the general help: the person's own plan (help-now with encrypted data)."""
    from exback.text import inert

    lines = plan_lines(plan)
    if problem:
        ui.say(f"exback: {problem}")
    elif not lines:
        ui.say("You have no safety plan yet; 'exback safety-plan' makes one.")
    else:
        print(inert("\n".join(lines)).rstrip(), flush=True)


def help_now_text(help_now: HelpNow | None, plan: SafetyPlan | None = None) -> str:
    """What `exback help-now` prints: the person's own plan first, then the general help."""
    from exback.care import HELP_NOW_FALLBACK
    from exback.text import inert  # the plan and the content alike are shown as text

    lines = plan_lines(plan)
    if help_now is None:
        return inert("\n".join([*lines, HELP_NOW_FALLBACK]))
    lines += [help_now.title, ""]
    for section in help_now.sections:
        lines.append(section.heading)
        lines.extend(f"  - {line}" for line in section.lines)
        lines.append("")
    lines.append(f"(Last reviewed {help_now.last_reviewed.isoformat()}.)")
    return inert("\n".join(lines))


def plan_lines(plan: SafetyPlan | None) -> list[str]:
    """The filled parts of a safety plan as help-now prints them (none: no lines)."""
    from exback import safety_plan

    lines: list[str] = []
    parts = safety_plan.filled(plan) if plan is not None else []
    if parts:
        lines += ["Your safety plan", ""]
        for part, value in parts:
            lines.append(part.title)
            lines += [f"  {line}" for line in value.strip().splitlines()]
            lines.append("")
    return lines


def safety_plan_view(ui: UI, plan: SafetyPlan | None) -> None:
    """The plan for a person, every part (empty ones say so)."""
    from rich.text import Text

    from exback import safety_plan
    from exback.ui import local_time, user_text

    out = ui.out
    if plan is None or not safety_plan.filled(plan):
        out.print("You have no safety plan yet. Make one with: exback safety-plan")
        return
    out.print(Text("My safety plan", style="bold"))
    out.print(f"Last changed {local_time(plan.updated_at)}.")
    for part in safety_plan.SECTIONS:
        answer = plan.sections.get(part.id)
        text = str(answer.value).strip() if answer else ""
        out.print()
        out.print(Text(part.title, style="bold"))
        out.print(user_text(text) if text else Text("(nothing yet)", style="dim"), soft_wrap=True)
    out.print()
    out.print("Change it any time with: exback safety-plan. Help now: exback help-now")


# the walk (commands.walk.Walk) draws its views here


def walk_welcome(ui: UI, steps: int, root: Path) -> None:
    """The first run's welcome: what exback is, how long it takes, where the data stays."""
    from rich.panel import Panel
    from rich.text import Text

    from exback.ui import user_text

    body = Text(
        "exback walks you through the weeks after a breakup, one step at a time: "
        "understanding what happened, giving each other space, looking after "
        "yourself and, only if it is healthy and mutual, reaching out with care.\n\n"
        f"There are {steps} steps. Most take 5 to 15 minutes, and the "
        "program is meant to be walked over days and weeks, in as many sittings as you "
        "like: some steps open only after time has passed.\n\n"
        "Everything you write stays on this machine, in "
    )
    body.append(user_text(str(root)))
    body.append(
        ". Nothing is sent anywhere. Press Ctrl-C at any time: your answers, and what "
        "you were typing, are kept."
    )
    ui.out.print(Panel(body, title="Welcome to exback"))


def walk_routes(ui: UI, routes: dict[str, str]) -> None:
    """Above the step menu: each route that closes steps, with why (reason -> title)."""
    from exback.ui import user_text

    for reason, title in routes.items():
        ui.out.print()
        ui.out.print(user_text(f"{title}: {' '.join(reason.split())}"))


def pressure_check_intro(ui: UI, check: PressureCheck) -> None:
    from rich.panel import Panel

    from exback.ui import user_text

    ui.out.print(Panel(user_text(" ".join(check.summary.split())), title=check.title))


def pressure_check_paused(ui: UI, check: PressureCheck, step: Step) -> None:
    from rich.panel import Panel

    from exback.ui import user_text

    ui.out.print(
        Panel(
            user_text(" ".join(check.pause_reason.split())),
            title=f"{step.title}: paused until tomorrow",
            border_style="yellow",
        )
    )


def walk_pause(ui: UI, step: Step, pause: Pause) -> None:
    """Why the step stops here for now: a hold, an action still to do, or waiting."""
    from rich.panel import Panel

    from exback.ui import user_text

    if pause.kind == "hold":
        title = f"{step.title}: paused"
        body = " ".join(pause.message.split())
        body += f"\n\nPaused until {pause.asks_from.isoformat()}"
        body += f"; the step that helps: {pause.see.title}." if pause.see is not None else "."
    elif pause.kind == "waiting":
        title = f"{step.title}: waiting"
        body = (
            f"{pause.message[:1].upper()}{pause.message[1:]}. What happened next is asked "
            f"from {pause.asks_from.isoformat()} on. Until then, the rest of the program is "
            "open to you."
        )
    else:
        title = f"{step.title}: not yet"
        body = " ".join(pause.message.split())
    ui.out.print(Panel(user_text(body), title=user_text(title), border_style="yellow"))


def walk_silence(ui: UI, step: Step, pause: Pause) -> None:
    """After the content's silence period: silence is an answer too."""
    from rich.panel import Panel

    from exback.ui import user_text

    assert pause.silence is not None
    ui.out.print(
        Panel(
            user_text(f"{pause.message[:1].upper()}{pause.message[1:]}.\n\n")
            + user_text(" ".join(pause.silence.split())),
            title=user_text(f"{step.title}: silence is an answer too"),
            border_style="yellow",
        )
    )


def walk_step(ui: UI, step: Step, position: str) -> None:
    """A step's panel: "Step N of M", its summary, tips and things to do."""
    from rich.panel import Panel
    from rich.text import Text

    from exback.ui import user_text

    body = user_text(" ".join(step.summary.split()))
    if step.tips:
        body.append("\n\nTips\n", style="bold")
        body.append(user_text("\n".join(f"• {tip}" for tip in step.tips)))
    if step.actions:
        body.append("\n\nThings to do (tick them off in the review)\n", style="bold")
        body.append(user_text("\n".join(f"☐ {a.text}" for a in step.actions)))
    title = Text(f"{position} · ")
    title.append(user_text(step.title))
    ui.out.print(Panel(body, title=title, title_align="left"))


def route_closed(ui: UI, route: Route) -> None:
    """A route that now closes the contact steps: why, and that everything else stays open."""
    from rich.panel import Panel

    from exback.ui import user_text

    ui.out.print(
        Panel(
            user_text(
                f"{' '.join(route.reason.split())}\n\nThe steps about contacting them "
                "are closed now. Everything else stays open for you. If you need "
                "support right now: exback help-now"
            ),
            title=user_text(route.title),
            border_style="yellow",
        )
    )


def step_answers(ui: UI, step: Step, saved: StepProgress | None) -> None:
    """A step's review: each question with its answer, and the things to do, ticked or not."""
    from rich.padding import Padding
    from rich.text import Text

    from exback import program as logic
    from exback.ui import user_text

    out = ui.out
    out.print()
    heading = Text("Your answers: ", style="bold")
    heading.append(user_text(step.title, style="bold"))
    out.print(heading)
    for question in step.questions:
        answer = saved.answers.get(question.id) if saved else None
        shown = "(not answered)" if answer is None else logic.describe(question, answer.value)
        out.print(user_text(question.prompt, style="bold"))
        out.print(Padding(user_text(shown), (0, 0, 0, 2)))
    if step.actions:
        done = set(saved.actions_done) if saved else set()
        out.print(Text("Things to do", style="bold"))
        for action in step.actions:
            mark = "☑" if action.id in done else "☐"
            out.print(Padding(user_text(f"{mark} {action.text}"), (0, 0, 0, 2)))


# --- sos, letters and urge patterns (issue 17) -------------------------------------------

NO_COUNTDOWN_FOR_OUTCOME = (
    "No no-contact countdown is running, so this urge is not counted. When you want one: "
    "exback nocontact start"
)


def letter_question() -> MultilineQuestion:
    """The box for the letter, in `exback sos` and `letters add`."""
    from exback.models import MultilineQuestion

    return MultilineQuestion(
        id="letter",
        kind="multiline",
        prompt="Write what you want to send them. It stays here and is never sent.",
        help="Say all of it, as you would in the message. It is kept for a day; tomorrow, "
        "read it again before you decide anything. Leave it empty to skip.",
        required=False,
    )


def triggers_question() -> MultiQuestion:
    """What came before the urge: optional, nothing ticked."""
    from exback.models import Choice, MultiQuestion
    from exback.urges import TRIGGERS

    return MultiQuestion(
        id="triggers",
        kind="multi",
        prompt="What came before the urge? (optional)",
        choices=[Choice(value=v, label=label) for v, label in TRIGGERS.items()],
        required=False,
    )


def sos_intro(ui: UI) -> None:
    """The first words of `exback sos`."""
    from rich.panel import Panel

    ui.out.print(
        Panel(
            "You opened this instead of writing to them. That already counts.\n"
            "First a pause, then your own words, a letter that stays here, and a minute "
            "of breathing. Every step can be cut short.",
            title="A pause before anything else",
            title_align="left",
        )
    )


def pause_frame(left: int, total: int, why: str) -> RenderableType:
    """One frame of the pause: the time left, a bar that empties, why waiting helps."""
    from rich.console import Group
    from rich.text import Text

    from exback.pacing import clock
    from exback.ui import user_text

    width = 30
    filled = round(width * left / total) if total else 0
    return Group(
        Text(f"Pause · {clock(left)}", style="bold"),
        Text("█" * filled + "░" * (width - filled), style="cyan"),
        user_text(why),
    )


def pause_line(left: int, why: str, first: bool) -> str:
    """The plain pause: why waiting helps first, then the time left."""
    line = f"Pause: {_minutes(left)} left."
    return f"{why}\n{line}" if first else line


def _minutes(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    parts = ([count(minutes, "minute")] if minutes else []) + (
        [count(rest, "second")] if rest else []
    )
    return " ".join(parts) or "no time"


def breathing_intro(pattern: Breathing) -> str:
    """What the breathing exercise is, in one line."""
    from exback.pacing import total_seconds

    hold = f", hold for {pattern.hold}" if pattern.hold else ""
    return (
        f"Now breathe with this: in for {pattern.breathe_in}{hold}, out for "
        f"{pattern.breathe_out}, {count(pattern.rounds, 'breath')} "
        f"(about {_minutes(total_seconds(pattern))})."
    )


def breath_frame(breath: Breath | None) -> RenderableType:
    """One frame of the breath: the word, a bar that fills as you breathe in and empties out."""
    from rich.console import Group
    from rich.text import Text

    if breath is None:
        return Text("Well done.", style="bold")
    width = 24
    if breath.phase == "in":
        filled = round(width * breath.fraction)
    elif breath.phase == "hold":
        filled = width
    else:
        filled = round(width * (1 - breath.fraction))
    return Group(
        Text(f"{breath.words} · {breath.left}", style="bold"),
        Text("●" * filled + "·" * (width - filled), style="green"),
        Text(f"breath {breath.round} of {breath.rounds}", style="dim"),
    )


def breath_line(breath: Breath | None) -> str:
    """The plain breath: one line per phase."""
    if breath is None:
        return "Well done."
    seconds = count(breath.seconds, "second")
    return f"{breath.words} for {seconds} ({breath.round} of {breath.rounds})."


def own_words(ui: UI, shown: list[OwnWords], evidence: list[str]) -> None:
    """The person's own words, exactly as written, and their own evidence when there is some."""
    from rich.panel import Panel
    from rich.text import Text

    from exback.ui import user_text

    out = ui.out
    out.print()
    out.print(Text("In your own words", style="bold"))
    for words in shown:
        if words.text is None:
            out.print(user_text(f"{words.title}: {words.missing}", style="dim"))
        else:
            title = user_text(words.title)
            out.print(Panel(user_text(words.text), title=title, title_align="left"))
    if evidence:
        out.print(Text("From your own record", style="bold"))
        out.print(user_text(_sentence("; ".join(evidence))))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def sos_without_data(problem: str) -> str:
    """Why `exback sos` goes straight to the breath: the data cannot be read."""
    return (
        f"exback: {problem}. Until it is mended, your own words cannot be shown and a letter "
        "cannot be kept; the breathing is still here."
    )


def write_now_question(title: str) -> str:
    """The brief offer to write a missing answer during `exback sos`."""
    return f"{title}: would you like to write it now, in a few words?"


def own_words_saved(step_title: str) -> str:
    """Said once a missing answer written during `exback sos` is saved."""
    return f"Saved in the step “{step_title}”; it will be here next time."


def letter_kept(kept: Kept) -> str:
    """What is said once a letter is kept."""
    from exback.letters import hold_ends
    from exback.text import local_time

    return (
        f"Kept as letter {kept.number}, here only; it is never sent. It is on hold until "
        f"{local_time(hold_ends(kept.letter))}: read it again then (exback letters show "
        f"{kept.number}), before you decide anything."
    )


def sos_logged(outcome: str, best_streak: int, days: int) -> str:
    """What is said once the outcome is logged."""
    if outcome == "held":
        return "Logged: you held on. That took something; be kind to yourself today."
    if outcome == "unsure":
        return (
            "Logged as not sure yet. If you do end up in touch, log it with 'exback nocontact "
            "slip'; if the urge comes back, 'exback sos' is here."
        )
    from exback.commands.nocontact import Logged

    return logged(Logged("slip", 0, best_streak, days))  # as `nocontact slip` says it


def feeling_question(event: NoContactEvent) -> str:
    """The next day's question, naming the outcome and when it was."""
    from exback.text import local_time
    from exback.urges import OUTCOMES

    said = OUTCOMES[event.outcome] if event.outcome else "an urge"
    return f"On {local_time(event.at)} you said: {said}. How did you feel an hour after?"


def reread_question(number: int, letter: Letter) -> str:
    """`start`'s offer of a letter whose hold has passed."""
    from exback.text import local_time

    return (
        f"On {local_time(letter.written_at)} you wrote letter {number} and held it for a day. "
        "Read it again now?"
    )


def letters_list(ui: UI, listed: LettersListed) -> None:
    """`exback letters`: number, date, state and first line."""
    from rich.table import Table

    from exback.letters import first_line, hold_ends, state
    from exback.text import local_time
    from exback.ui import user_text

    if not listed.letters:
        ui.out.print("No letters yet. Write one, never sent: exback letters add (or exback sos).")
        return
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    for name in ("#", "Written", "Hold", "First line"):
        table.add_column(name)
    for number, letter in listed.letters:
        now_state = state(letter, listed.now)
        hold = {
            "on_hold": f"until {local_time(hold_ends(letter))[5:16]}",
            "ready": "passed: read it again",
            "read_again": "read again",
        }[now_state]
        table.add_row(
            str(number),
            local_time(letter.written_at)[:10],
            hold,
            user_text(first_line(letter.text, 40)),
        )
    ui.out.print(table)
    ui.out.print("Show one with: exback letters show N")


def letter_view(ui: UI, shown: Shown) -> None:
    """One letter, exactly as written, with where its hold stands."""
    from rich.panel import Panel

    from exback.letters import hold_ends, state
    from exback.text import local_time
    from exback.ui import user_text

    letter = shown.letter
    title = f"Letter {shown.number} · written {local_time(letter.written_at)}"
    ui.out.print(Panel(user_text(letter.text), title=title, title_align="left"))
    if state(letter, shown.now) == "on_hold":
        ui.out.print(
            f"On hold until {local_time(hold_ends(letter))}. Read it again then, before you "
            "decide anything."
        )
    elif shown.first_reading:
        ui.out.print(
            "A day on, how does it read? It stays here, unsent; you can write another, or "
            "put some of it in your journal."
        )


def _patterns_from_json(data: dict[str, Any]) -> Patterns:
    from exback.urges import WEEKDAYS, Patterns

    grid = [data["by_weekday_hour"][day] for day in WEEKDAYS]
    return Patterns(data["urges"], grid, data["by_trigger"])


def urge_patterns(ui: UI, found: Patterns) -> None:
    """When urges came: weekdays by four-hour blocks, and by trigger."""
    from rich.table import Table

    from exback.urges import WEEKDAYS

    ui.out.print(f"When urges came ({count(found.urges, 'urge')}):")
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    table.add_column("")
    for start in range(0, 24, 4):
        table.add_column(f"{start}h", justify="right")
    for name, row in zip(WEEKDAYS, found.blocks(4), strict=True):
        table.add_row(name, *(str(n) if n else "·" for n in row))
    ui.out.print(table)
    if found.by_trigger:
        parts = [f"{t.replace('_', ' ')} {n}" for t, n in found.by_trigger.items()]
        ui.out.print("Before them: " + " · ".join(parts))
