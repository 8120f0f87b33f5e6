"""`exback help-now` and `exback safety-plan`: the help, never failing; the plan, asked or read.

- `help_now(store, content_dir)`: what help-now shows (render.help_now): the
  person's plan when it can be read, the help text, and why the plan is missing
  when it cannot be read. Never raises and never waits for the lock.
- `walk_plan(store, prompter, now, interactive)`: ask each part, saving each at once.
- `plan_from_file(store, path, now)`: `--answers-file`, every part checked first.
- `saved_plan(store)`: the plan for `safety-plan show`.

The plan's parts and pure logic are safety_plan.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exback import program as logic
from exback import safety_plan
from exback.errors import DataCorruptError, ExbackError, NotInteractiveError, UsageError

if TYPE_CHECKING:
    from exback.models import HelpNow, SafetyPlan
    from exback.prompts import Prompter
    from exback.storage import Store


# --- help now ---------------------------------------------------------------------------


@dataclass
class HelpNowShown:
    """What help-now shows: the plan first (when readable), then the help."""

    help_now: HelpNow | None
    """help_now.yaml (None when it cannot load: a short fallback is shown instead)."""
    plan: SafetyPlan | None
    problem: str | None
    """Why the plan is not shown, when the data cannot be read."""


def help_now(store: Store, content_dir: Path | None) -> HelpNowShown:
    """Everything help-now shows; never raises, never waits, creates nothing."""
    from exback.care import load_help

    plan, problem = plan_for_help(store)
    return HelpNowShown(load_help(content_dir), plan, problem)


def plan_for_help(store: Store) -> tuple[SafetyPlan | None, str | None]:
    """The plan for help-now, or why it cannot be shown; never raises, never waits.

    An encrypted data dir not yet opened in this run gives no plan and no problem:
    help-now shows the general help first, then asks (`cli.help_now`).
    """
    if store.needs_passphrase():
        return None, None
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


# --- the safety plan --------------------------------------------------------------------


def save_plan_parts(store: Store, parts: dict[str, str], now: dt.datetime) -> int:
    """Save checked parts of the plan in one write under the lock; how many changed.

    Nothing is written when nothing changed (and a plan is already there).
    """
    with store.lock():
        progress = store.load_progress() or logic.new_progress(now)
        changed = sum(safety_plan.set_section(progress, k, v, now) for k, v in parts.items())
        if changed or progress.safety_plan is None:
            store.save_progress(progress)
    return changed


def walk_plan(
    store: Store,
    prompter: Prompter,
    now: Callable[[], dt.datetime],
    interactive: bool = True,
) -> int:
    """Ask each part of the plan (earlier answers come back), saving each at once.

    Returns how many parts changed. Ctrl-C keeps every part already answered.
    Without a terminal (`interactive` false), exit 2 before asking anything.
    """
    if not interactive:
        raise NotInteractiveError(
            "safety-plan needs a terminal to ask; pass --answers-file FILE (part id -> text), "
            "or print your plan with: exback safety-plan show"
        )
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
        changed += save_plan_parts(store, {part.id: text}, now())
    return changed


def plan_from_file(store: Store, path: Path, now: dt.datetime) -> int:
    """`safety-plan --answers-file PATH`: read and check every part, then save; how many
    changed."""
    return save_plan_parts(store, read_plan_file(path), now)


def read_plan_file(path: Path) -> dict[str, str]:
    """`--answers-file`: part id -> text, every part checked before anything is saved."""
    from exback.commands.start import read_answers_file

    expected = "part id -> text; parts are: " + ", ".join(safety_plan.SECTION_IDS)
    data = read_answers_file(path, expected)  # the same file rules as start's answers files
    if not data:
        raise UsageError(f"--answers-file {path}: expected {expected}")
    parts = {}
    for key, value in data.items():
        try:
            parts[str(key)] = safety_plan.check_section(str(key), value)
        except ValueError as exc:
            raise UsageError(f"{path}: {key}: {exc}; nothing was saved") from None
    return parts


def saved_plan(store: Store) -> SafetyPlan | None:
    """The saved plan, for `safety-plan show` (exit 3 when the data cannot be read)."""
    progress = store.load_progress()
    return progress.safety_plan if progress else None
