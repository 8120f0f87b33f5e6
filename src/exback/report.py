"""Read-only views: the status dashboard and `where`, as data and as Rich output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import daily, safety_plan
from exback import program as logic
from exback.words import count

if TYPE_CHECKING:
    from exback.models import Program, Progress, Step
    from exback.storage import Store
    from exback.ui import UI

MARKS = {"done": "✔", "in_progress": "…", "available": "○", "locked": "·"}


def status(program: Program, store: Store, today: dt.date) -> dict[str, Any]:
    """Everything `status` shows; also the `status --json` document."""
    progress = store.load_progress() or logic.new_progress(
        dt.datetime.now(dt.timezone.utc)  # never saved: only an empty placeholder
    )
    states = logic.step_states(program, progress, today)
    summary = store.journal_summary()
    nxt = next((s.step.id for s in states if s.status in ("in_progress", "available")), None)
    routes = []
    for route_id in sorted(progress.active_routes()):
        route = program.routes.get(route_id)
        since = max(c.at for c in progress.route_log if c.route == route_id and c.active)
        routes.append(
            {
                "id": route_id,
                "title": route.title if route else route_id,
                "reason": route.reason if route else None,
                "since": since.isoformat(),
            }
        )
    cooling = [
        {
            "route": c.route_id,
            "title": c.route.title,
            "since": c.since.isoformat(),
            "until": c.until.isoformat(),
            "days_left": c.days_left,
            "message": c.reason,
        }
        for c in logic.cooling_off(program, progress, today)
    ]
    return {
        "program": {"id": program.id, "title": program.title, "version": program.version},
        "steps": [
            {
                "id": s.step.id,
                "title": s.step.title,
                "status": s.status,
                "reason": s.reason,
                "actions": _actions(s.step, progress),
            }
            for s in states
        ],
        "next_step": nxt,
        "routes": routes,
        "cooling_off": cooling,
        "safety_plan": safety_plan.has_plan(progress),
        "no_contact": daily.status_summary(program, progress, today),
        "checkins": daily.checkin_summary(progress),
        "journal": {
            "count": summary.count,
            "last_entry_at": summary.last.created_at.isoformat() if summary.last else None,
        },
    }


def _actions(step: Step, progress: Progress) -> list[dict[str, Any]]:
    """The step's things to do, each with whether it is ticked off."""
    saved = progress.steps.get(step.id)
    done = set(saved.actions_done) if saved else set()
    return [{"id": a.id, "text": a.text, "done": a.id in done} for a in step.actions]


def render_status(ui: UI, data: dict[str, Any]) -> None:
    """The dashboard for a person."""
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
            MARKS[step["status"]],
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
        out.print(user_text(daily.countdown_text(nc)))
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
            f"{daily.sparkline(checkins['mood_trend'])}"
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


def where(store: Store, content_dir: Path) -> dict[str, Any]:
    """The data dir, the files in it, and the content dir in use."""
    files = []
    if store.root.is_dir():
        for path in sorted(store.root.iterdir()):
            if path.is_file():
                files.append({"name": path.name, "bytes": path.stat().st_size})
    return {
        "data_dir": str(store.root),
        "exists": store.root.is_dir(),
        "files": files,
        "content_dir": str(content_dir),
    }


def render_where(ui: UI, data: dict[str, Any]) -> None:
    """`where` for a person."""
    from exback.ui import user_text

    out = ui.out
    out.print(user_text(f"Data dir:    {data['data_dir']}"))
    if not data["exists"]:
        out.print("             (not created yet: it appears with your first answer or note)")
    for item in data["files"]:
        out.print(user_text(f"             {item['name']}  ({item['bytes']} bytes)"))
    out.print(user_text(f"Content dir: {data['content_dir']}"))
