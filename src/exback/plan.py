"""`exback safety-plan`: saving the plan under the lock, reading it for help-now, showing it.

The plan's sections and pure logic are in safety_plan.py; this module does the I/O.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import program as logic
from exback import safety_plan
from exback.errors import DataCorruptError, ExbackError, UsageError

if TYPE_CHECKING:
    from exback.models import SafetyPlan
    from exback.prompts import Prompter
    from exback.storage import Store
    from exback.ui import UI


def save_parts(store: Store, parts: dict[str, str], now: dt.datetime) -> int:
    """Save checked parts of the plan in one write under the lock; how many changed."""
    with store.lock():
        progress = store.load_progress() or logic.new_progress(now)
        changed = sum(safety_plan.set_section(progress, k, v, now) for k, v in parts.items())
        if changed or progress.safety_plan is None:
            store.save_progress(progress)
    return changed


def walk(store: Store, prompter: Prompter, now: Callable[[], dt.datetime]) -> int:
    """Ask each part of the plan (earlier answers come back), saving each at once.

    Returns how many parts changed. Ctrl-C keeps every part already answered.
    """
    progress = store.load_progress()
    saved = progress.safety_plan if progress else None
    changed = 0
    count = len(safety_plan.SECTIONS)
    for number, part in enumerate(safety_plan.SECTIONS, 1):
        previous = saved.sections[part.id].value if saved and part.id in saved.sections else None
        answer = prompter.ask(
            part.question(), previous, position=f"Your safety plan · part {number} of {count}"
        )
        text = safety_plan.check_section(part.id, answer)
        changed += save_parts(store, {part.id: text}, now())
    return changed


def read_file(path: Path) -> dict[str, str]:
    """`--answers-file`: part id -> text, every part checked before anything is saved."""
    import json

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read --answers-file {path}: {exc}") from None
    try:
        if path.suffix.lower() == ".json":
            data: Any = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # yaml.YAMLError or json.JSONDecodeError
        raise UsageError(f"--answers-file {path} does not parse: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise UsageError(
            f"--answers-file {path}: expected part id -> text; parts are: "
            + ", ".join(safety_plan.SECTION_IDS)
        )
    parts = {}
    for key, value in data.items():
        try:
            parts[str(key)] = safety_plan.check_section(str(key), value)
        except ValueError as exc:
            raise UsageError(f"{path}: {key}: {exc}; nothing was saved") from None
    return parts


def plan_for_help(store: Store) -> tuple[SafetyPlan | None, str | None]:
    """The plan for help-now, or why it cannot be shown; never raises, never waits."""
    try:
        progress = store.load_progress()
    except DataCorruptError:
        return None, (
            f"your data in {store.root} could not be read, so your safety plan is not shown; "
            "'exback doctor' can help once you are safe"
        )
    except (ExbackError, OSError):
        return None, f"{store.root} could not be read, so your safety plan is not shown"
    return (progress.safety_plan if progress else None), None


def render(ui: UI, plan: SafetyPlan | None) -> None:
    """The plan for a person, every part (empty ones say so)."""
    from rich.text import Text

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


def progress_quietly(store: Store) -> Any:
    """The saved progress, or None when it cannot be read (for optional extras)."""
    with contextlib.suppress(ExbackError, OSError):
        return store.load_progress()
    return None
