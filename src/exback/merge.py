"""Counting the records of a snapshot, and merging one into another. Pure.

`exback restore --merge` adds what only the file has; the records already in the
data dir always win. `exback reset` and `restore` say what they did in counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from exback import safety_plan, words
from exback.export import Snapshot
from exback.journal import new_by_id
from exback.models import JournalEntry, Progress

Record = TypeVar("Record", bound=BaseModel)


@dataclass
class Added:
    """What a restore or merge added, for the message that says so."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        if n:
            self.counts[what] = self.counts.get(what, 0) + n

    def __str__(self) -> str:
        return ", ".join(words.count(n, what) for what, n in self.counts.items()) or "no records"


def count(snapshot: Snapshot) -> Added:
    """The records in a snapshot, counted by kind."""
    added = Added()
    progress = snapshot.progress
    if progress is not None:
        added.add("answer", sum(len(s.answers) for s in progress.steps.values()))
        added.add("track change", len(progress.route_log))
        if progress.no_contact is not None:
            added.add("no-contact run", len(progress.no_contact.runs))
            added.add("no-contact event", len(progress.no_contact.events))
        added.add("check-in", len(progress.checkins))
        added.add("pressure check", len(progress.pressure_checks))
        added.add("care response shown", len(progress.care_log))
        if progress.safety_plan is not None:
            added.add("safety plan part", len(progress.safety_plan.sections))
        added.add("letter", len(progress.letters))
    added.add("journal entry", len(snapshot.journal))
    return added


def merge_journal(
    current: list[JournalEntry], known: set[str], incoming: list[JournalEntry]
) -> list[JournalEntry]:
    """Current entries plus incoming ones whose id is not `known`, ordered by time (stable).

    `known` holds the ids of deleted entries too: a merge never brings one back.
    """
    extra = new_by_id(known, incoming)
    if not extra:
        return current
    return sorted([*current, *extra], key=lambda e: e.created_at)


def merge_progress(current: Progress, incoming: Progress, now: dt.datetime) -> Added:
    """Add to `current` what only `incoming` has; existing records always win."""
    added = Added()
    for step_id, step in incoming.steps.items():
        mine = current.steps.get(step_id)
        if mine is None:
            current.steps[step_id] = step
            added.add("answer", len(step.answers))
            continue
        for question_id, answer in step.answers.items():
            if question_id not in mine.answers:
                mine.answers[question_id] = answer
                added.add("answer", 1)
        actions = [a for a in step.actions_done if a not in mine.actions_done]
        mine.actions_done += actions
        added.add("done action", len(actions))
        if mine.completed_at is None and step.completed_at is not None:
            mine.completed_at = step.completed_at
            added.add("finished step", 1)
    current.route_log, n = _union(current.route_log, incoming.route_log, lambda r: r.at)
    added.add("track change", n)
    if incoming.no_contact is not None:
        if current.no_contact is None:
            current.no_contact = incoming.no_contact
            added.add("no-contact run", len(incoming.no_contact.runs))
            added.add("no-contact event", len(incoming.no_contact.events))
        else:
            mine_nc, theirs = current.no_contact, incoming.no_contact
            mine_nc.runs, n = _union(mine_nc.runs, theirs.runs, lambda r: r.started_at)
            added.add("no-contact run", n)
            mine_nc.events, n = _union(mine_nc.events, theirs.events, lambda e: e.at)
            added.add("no-contact event", n)
    days = {c.on for c in current.checkins}  # at most one check-in a day: ours wins
    new_days = [c for c in incoming.checkins if c.on not in days]
    current.checkins, n = _union(current.checkins, new_days, lambda c: c.at)
    added.add("check-in", n)
    current.pressure_checks, n = _union(
        current.pressure_checks, incoming.pressure_checks, lambda p: p.at
    )
    added.add("pressure check", n)
    current.care_log, n = _union(current.care_log, incoming.care_log, lambda c: c.at)
    added.add("care response shown", n)
    added.add("safety plan part", safety_plan.merge(current, incoming))
    known = {(x.written_at, x.text) for x in current.letters}  # read again or not, the same
    new_letters = [x for x in incoming.letters if (x.written_at, x.text) not in known]
    current.letters, n = _union(current.letters, new_letters, lambda x: x.written_at)
    added.add("letter", n)
    if added.counts:
        current.created_at = min(current.created_at, incoming.created_at)
        current.updated_at = now
    return added


def _union(
    mine: list[Record], theirs: Iterable[Record], when: Callable[[Record], dt.datetime]
) -> tuple[list[Record], int]:
    """`mine` plus the records of `theirs` it lacks, ordered by time (stable); and how many."""
    extra: list[Record] = []
    for record in theirs:
        if record not in mine and record not in extra:
            extra.append(record)
    if not extra:
        return mine, 0
    return sorted([*mine, *extra], key=when), len(extra)
