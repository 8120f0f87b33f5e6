"""Urges met in `exback sos`: outcomes, the next day's question, patterns, evidence. Pure.

An urge's outcome is kept on its no-contact event ("held", "contacted", "unsure"),
with the triggers the person tagged: an urge event, or for "I contacted them" a
slip, logged as `nocontact slip` logs one (the count restarts). Patterns count
every urge, and every slip that came out of one. The next day the last outcome
is asked about once: "How did you feel an hour after?". From those answers, and
only from them, the person's own evidence is counted; from ten urges on, when
they come (weekday by hour, and by trigger), at the wall-clock time logged.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from exback.models import FeltAfter, NoContactRecord, Outcome, Trigger
from exback.nocontact import EventKind, log_event

OUTCOMES: dict[Outcome, str] = {
    "held": "I held on",
    "contacted": "I contacted them",
    "unsure": "I'm not sure yet",
}
TRIGGERS: dict[Trigger, str] = {
    "night": "Night, or not sleeping",
    "alcohol": "Alcohol",
    "social_media": "Social media",
    "saw_them": "Saw them, or something of theirs",
    "date": "A date that matters",
    "other": "Something else",
}
FEELINGS: dict[FeltAfter, str] = {
    "better": "Better",
    "same": "About the same",
    "worse": "Worse",
    "unknown": "I don't remember, or I'd rather not say",
}
PATTERN_MIN = 10
"""Urges logged before their pattern is shown."""
EVIDENCE_MIN = 2
"""Answers to the next day's question (better, same or worse) before evidence is shown."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def log_outcome(
    record: NoContactRecord,
    outcome: Outcome,
    triggers: list[Trigger],
    today: dt.date,
    now: dt.datetime,
) -> NoContactRecord:
    """Log the urge with its outcome and triggers.

    "I contacted them" is logged as a slip (the count restarts, as with `nocontact
    slip`), carrying the outcome; the others as an urge.
    """
    kind: EventKind = "slip" if outcome == "contacted" else "urge"
    record = log_event(record, kind, today, now)
    events = list(record.events)
    events[-1] = events[-1].model_copy(update={"outcome": outcome, "triggers": triggers})
    return NoContactRecord(runs=list(record.runs), events=events)


def awaiting_feeling(record: NoContactRecord | None, today: dt.date) -> int | None:
    """The index of the last outcome, when it was before today and is not yet asked about."""
    if record is None:
        return None
    for index in range(len(record.events) - 1, -1, -1):
        event = record.events[index]
        if event.outcome is not None:
            return index if event.on < today and event.felt_after is None else None
    return None


def set_feeling(record: NoContactRecord, index: int, felt: FeltAfter) -> NoContactRecord:
    """The record with the answer to "How did you feel an hour after?" on event `index`."""
    events = list(record.events)
    events[index] = events[index].model_copy(update={"felt_after": felt})
    return NoContactRecord(runs=list(record.runs), events=events)


# --- evidence ----------------------------------------------------------------------------


def evidence(record: NoContactRecord | None) -> list[str]:
    """The person's own record, counted plainly, once there is enough of it; else [].

    For example ["4 of the 5 times you held on, you felt better an hour later",
    "the 2 times you contacted them, you felt worse an hour later"].
    """
    if record is None:
        return []
    felt: dict[str, Counter[str]] = {"held": Counter(), "contacted": Counter()}
    for event in record.events:
        if event.outcome in felt and event.felt_after not in (None, "unknown"):
            felt[event.outcome][str(event.felt_after)] += 1
    if sum(sum(c.values()) for c in felt.values()) < EVIDENCE_MIN:
        return []
    lines = []
    for outcome, did in (("held", "held on"), ("contacted", "contacted them")):
        counts = felt[outcome]
        total = sum(counts.values())
        if not total:
            continue
        # the most common answer; a tie goes to the order better, same, worse
        most = max(("better", "same", "worse"), key=lambda f: (counts[f], f == "better"))
        how = {"better": "better", "same": "about the same", "worse": "worse"}[most]
        if total == 1:
            times = f"the one time you {did}"
        elif counts[most] == total:
            times = f"the {total} times you {did}"
        else:
            times = f"{counts[most]} of the {total} times you {did}"
        lines.append(f"{times}, you felt {how} an hour later")
    return lines


# --- patterns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Patterns:
    """When urges came: counts by weekday (Monday first) and hour, and by trigger."""

    urges: int
    by_weekday_hour: list[list[int]]
    """7 rows (Monday first) of 24 hourly counts."""
    by_trigger: dict[str, int]

    def blocks(self, hours: int = 4) -> list[list[int]]:
        """Each weekday's counts summed over blocks of `hours` (0-4, 4-8, ...)."""
        return [
            [sum(row[start : start + hours]) for start in range(0, 24, hours)]
            for row in self.by_weekday_hour
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "urges": self.urges,
            "by_weekday_hour": dict(zip(WEEKDAYS, self.by_weekday_hour, strict=True)),
            "by_trigger": self.by_trigger,
        }


def patterns(record: NoContactRecord | None) -> Patterns | None:
    """The pattern of urges, from PATTERN_MIN urges on; else None."""
    urges = [e for e in record.events if e.kind == "urge" or e.outcome] if record else []
    if len(urges) < PATTERN_MIN:
        return None
    grid = [[0] * 24 for _ in WEEKDAYS]
    for event in urges:
        grid[event.at.weekday()][event.at.hour] += 1
    tagged = Counter(t for event in urges for t in event.triggers)
    return Patterns(len(urges), grid, {t: tagged[t] for t in TRIGGERS if tagged[t]})
