"""Every Rich view and message for a person: results in, nothing read or decided here.

Each function takes the UI and a result from a use case (commands/) and draws it.
User and content text always goes through `user_text` (inert, never markup).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from exback.words import count, countdown_line, countdown_sentence

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console
    from rich.text import Text

    from exback.commands.archive import ResetPlan
    from exback.commands.care import HelpNowShown
    from exback.commands.doctor import Report
    from exback.commands.journal import Imported
    from exback.commands.nocontact import CheckedIn, CountdownView, Logged, Started
    from exback.commands.start import AnswersApplied
    from exback.commands.status import Validated
    from exback.models import (
        CareResponse,
        HelpNow,
        JournalEntry,
        PressureCheck,
        Route,
        SafetyPlan,
        Step,
        StepProgress,
    )
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
