"""Read-only views: `status`, `where` and `content validate`; nothing here takes the lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import letters, nocontact, safety_plan, urges
from exback import program as logic
from exback.commands import journal
from exback.commands.nocontact import numbers

if TYPE_CHECKING:
    from exback.models import Program, Progress, Step
    from exback.storage import Store

STATUS_WEEKS = 4
"""Weeks of journal entries and mood that `status` sums up (`journal stats` shows more)."""

# the `no_contact` object of `status --json`: the countdown's numbers, no calendar
STATUS_COUNTDOWN = (
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
)


def status(store: Store, program: Program, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    """Everything `status` shows; also the `status --json` document.

    `now` dates the empty placeholder used before anything is saved (never saved), and
    tells which letters' hold has passed.
    """
    progress = store.load_progress() or logic.new_progress(now)
    states = logic.step_states(program, progress, today)
    summary = store.journal_summary()
    # read from the end, so only for a journal in date order (`journal compact` makes one)
    recent = (
        journal.stats(store, today, STATUS_WEEKS, 1, summary.count).to_json()
        if store.journal_in_order()
        else None
    )
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
    waiting = [
        {
            "step": pause.step.id,
            "title": pause.step.title,
            "since": pause.since.isoformat() if pause.since else None,
            "days": (today - pause.since).days if pause.since else 0,
            "asks_from": pause.asks_from.isoformat(),
            "message": pause.message,
            "silence": " ".join(pause.silence.split()) if pause.silence else None,
            "offer": pause.offer.id if pause.offer else None,
        }
        for pause in logic.waiting(program, progress, today)
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
        "waiting": waiting,
        "routes": routes,
        "cooling_off": cooling,
        "safety_plan": safety_plan.has_plan(progress),
        "no_contact": _countdown(program, progress, today),
        "checkins": _checkins(progress, today),
        "letters": {
            "count": len(progress.letters),
            "ready_to_read_again": [n for n, _ in letters.ready(progress, now)],
            "next_ready_at": _iso(letters.next_ready_at(progress, now)),
        },
        "urge_patterns": _patterns(progress),
        "journal": {
            "count": summary.count,
            "last_entry_at": summary.last.created_at.isoformat() if summary.last else None,
            "recent_weeks": recent and recent["weeks"],
            "we_share_this_month": recent and recent["months"][-1]["we_share"],
        },
    }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _actions(step: Step, progress: Progress) -> list[dict[str, Any]]:
    """The step's things to do, each with whether it is ticked off."""
    saved = progress.steps.get(step.id)
    done = set(saved.actions_done) if saved else set()
    return [{"id": a.id, "text": a.text, "done": a.id in done} for a in step.actions]


def _countdown(program: Program, progress: Progress, today: dt.date) -> dict[str, Any] | None:
    """The countdown's numbers (no calendar: status does not show one), or None before a start."""
    if progress.no_contact is None:
        return None
    label = logic.countdown_label(program, progress)
    data = numbers(label, nocontact.summarise(progress.no_contact, today))
    return {k: data[k] for k in STATUS_COUNTDOWN}


def _patterns(progress: Progress) -> dict[str, Any] | None:
    """When urges came (from urges.PATTERN_MIN urges on), else None."""
    found = urges.patterns(progress.no_contact)
    return found.to_json() if found else None


def _checkins(progress: Progress, today: dt.date) -> dict[str, Any]:
    """How many check-ins, the last mood, the trend of the last 30, and whether today has one."""
    ordered = sorted(progress.checkins, key=lambda c: (c.on, c.at))
    recent = [c.mood for c in ordered[-30:]]
    return {
        "count": len(ordered),
        "last_mood": ordered[-1].mood if ordered else None,
        "mood_trend": recent,
        "today": any(c.on == today for c in progress.checkins),
    }


def where(store: Store, content_dir: Path) -> dict[str, Any]:
    """The data dir, the files in it, and the content dir in use."""
    from exback.commands.encryption import keyring_in_use

    files = []
    if store.root.is_dir():
        for path in sorted(store.root.iterdir()):
            if path.is_file():
                files.append({"name": path.name, "bytes": path.stat().st_size})
    return {
        "data_dir": str(store.root),
        "exists": store.root.is_dir(),
        "files": files,
        "encrypted": store.encrypted(),
        "key_in_keyring": keyring_in_use(store),
        "content_dir": str(content_dir),
    }


@dataclass(frozen=True)
class Validated:
    """A content folder that loads, and what it holds."""

    folder: Path
    title: str
    version: int
    steps: int
    questions: int
    tips: int
    routes: int
    extras: str
    """Which optional files it has, in words: help_now.yaml, care_phrases.yaml."""


def validate_content(folder: Path, today: dt.date, warn: Callable[[str], None]) -> Validated:
    """Load every file of a content folder; ContentError (file:line:col) at the first bad one.

    A help list or phrase list due for review is said through `warn`, as soon as it is read.
    """
    from exback.content import (
        CARE_PHRASES_FILE,
        HELP_NOW_FILE,
        help_now_warning,
        load_care_phrases,
        load_help_now,
        load_program,
        review_warning,
    )

    program = load_program(folder)
    extras = "no help_now.yaml (help-now uses the built-in one)"
    if (folder / HELP_NOW_FILE).exists():
        warning = help_now_warning(folder, load_help_now(folder), today)
        if warning:
            warn(warning)
        extras = "help_now.yaml"
    if (folder / CARE_PHRASES_FILE).exists():
        phrases = load_care_phrases(folder)
        warning = review_warning(
            folder / CARE_PHRASES_FILE,
            phrases.last_reviewed,
            today,
            "read the list again, measure it (bench/care_phrases.py), then update it",
        )
        if warning:
            warn(warning)
        extras += ", care_phrases.yaml"
    return Validated(
        folder=folder,
        title=program.title,
        version=program.version,
        steps=len(program.steps),
        questions=sum(len(s.questions) for s in program.steps),
        tips=sum(len(s.tips) for s in program.steps),
        routes=len(program.routes),
        extras=extras,
    )
