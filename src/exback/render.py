"""Every Rich view and message for a person: results in, nothing read or decided here.

Each function takes the UI and a result from a use case (commands/) and draws it.
User and content text always goes through `user_text` (inert, never markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exback.commands.archive import ResetPlan
    from exback.commands.journal import Imported
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


# --- start, doctor, help-now, safety plan -------------------------------------------------
