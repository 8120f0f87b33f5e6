"""Read-only views: the status dashboard and `where`, as data and as Rich output."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import daily
from exback import program as logic

if TYPE_CHECKING:
    from exback.models import Program
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
    return {
        "program": {"id": program.id, "title": program.title, "version": program.version},
        "steps": [
            {"id": s.step.id, "title": s.step.title, "status": s.status, "reason": s.reason}
            for s in states
        ],
        "next_step": nxt,
        "routes": routes,
        "no_contact": daily.status_summary(program, progress, today),
        "checkins": daily.checkin_summary(progress),
        "journal": {
            "count": summary.count,
            "last_entry_at": summary.last.created_at.isoformat() if summary.last else None,
        },
    }


def render_status(ui: UI, data: dict[str, Any]) -> None:
    """The dashboard for a person."""
    from rich.table import Table
    from rich.text import Text

    from exback.ui import local_time, user_text

    out = ui.out
    out.print(user_text(data["program"]["title"], style="bold"))
    for route in data["routes"]:
        out.print(user_text(f"{route['title']}: {route['reason']}", style="yellow"))
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("", width=2)
    table.add_column("Step")
    table.add_column("Status")
    styles = {"done": "green", "in_progress": "cyan", "available": "", "locked": "dim"}
    for step in data["steps"]:
        label = step["status"].replace("_", " ")
        if step["reason"]:
            label += f" — {step['reason']}"
        style = styles[step["status"]]
        table.add_row(
            MARKS[step["status"]],
            user_text(step["title"], style=style),
            user_text(label, style=style),
        )
    out.print(table)
    done = sum(1 for s in data["steps"] if s["status"] == "done")
    out.print(f"{done} of {len(data['steps'])} steps done.")
    nc = data["no_contact"]
    if nc is None:
        out.print("No contact: not started yet.")
    elif nc["complete"]:
        out.print(
            user_text(f"{nc['label']}: {nc['days']} days complete (since {nc['started_on']}).")
        )
    else:
        out.print(
            user_text(
                f"{nc['label']}: day {nc['day']} of {nc['days']}, {nc['days_remaining']} to go "
                f"(ends {nc['ends_on']})."
            )
        )
    if nc is not None:
        out.print(
            f"  streak {nc['current_streak']} · best {nc['best_streak']} · urges resisted "
            f"{nc['urges']} · slips {nc['slips']}  (exback nocontact for the calendar)"
        )
    checkins = data["checkins"]
    if checkins["count"]:
        out.print(
            f"Mood: last {checkins['last_mood']}/10; last {len(checkins['mood_trend'])} "
            f"check-ins {daily.sparkline(checkins['mood_trend'])}"
        )
    else:
        out.print("Mood: no check-ins yet (exback checkin).")
    journal = data["journal"]
    if journal["count"]:
        last = local_time(dt.datetime.fromisoformat(journal["last_entry_at"]))
        out.print(f"Journal: {journal['count']} entries, the last on {last}.")
    else:
        out.print("Journal: no entries yet.")
    if data["next_step"]:
        out.print(Text("Continue with: exback start", style="bold"))
    out.print(Text("If you need support right now: exback help-now", style="dim"))


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
