"""The personal safety plan: its sections (the Stanley-Brown form), checking, merging.

Pure but for nothing: no I/O, no clock. The plan is kept in progress.json
(`Progress.safety_plan`), so it is saved, locked, exported, restored, reset and
checked by doctor like every other record. `exback safety-plan` walks it with
commands/care.walk_plan (the same prompts as the walk); `exback help-now` shows it first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from exback.models import Answer, EarlierAnswer, MultilineQuestion, Progress, SafetyPlan

MAX_SECTION = 10_000


@dataclass(frozen=True)
class Section:
    """One part of the plan: an id (stored), a short title, and the question asked."""

    id: str
    title: str
    prompt: str
    help: str

    def question(self) -> MultilineQuestion:
        """The prompt the walk asks (optional: any part may stay empty)."""
        return MultilineQuestion(
            id=self.id, kind="multiline", prompt=self.prompt, help=self.help, required=False
        )


# The Stanley-Brown Safety Planning Intervention, in the program's own words.
SECTIONS = (
    Section(
        "warning_signs",
        "My warning signs",
        "What tells you a hard time is starting? Thoughts, feelings, places, times of day.",
        "For example: 'lying awake after midnight', 'looking at old photos', 'thinking "
        "nobody would notice'.",
    ),
    Section(
        "on_my_own",
        "Things I can do on my own",
        "What helps you ride it out on your own, even a little?",
        "A walk, a shower, music, breathing slowly, writing it down, holding something cold.",
    ),
    Section(
        "distractions",
        "People and places that take my mind off it",
        "Which people or places take your mind off things? No need to talk about how you feel.",
        "A friend to watch a film with, a café, the gym, a library, a neighbour.",
    ),
    Section(
        "people_to_ask",
        "People I can ask for help",
        "Who could you tell that you are struggling? Names and numbers.",
        "Someone you trust: family, a friend, a colleague. Write their numbers here too.",
    ),
    Section(
        "professionals",
        "Professionals and services",
        "Which professionals or services can you contact? Names and numbers.",
        "Your doctor or therapist, a crisis line (see 'exback help-now'), your local "
        "emergency number, the nearest emergency department.",
    ),
    Section(
        "safer_surroundings",
        "Making my surroundings safer",
        "What could you put out of reach, or ask someone to keep for you, while things are hard?",
        "Medicines, alcohol, anything you might use to hurt yourself; or staying with "
        "someone for a while.",
    ),
    Section(
        "what_matters",
        "What matters to me",
        "What matters most to you, and is worth staying safe for?",
        "People, pets, plans, places, things you still want to see or do.",
    ),
)
SECTION_IDS = tuple(s.id for s in SECTIONS)


def section(section_id: str) -> Section | None:
    """The section with this id, or None."""
    return next((s for s in SECTIONS if s.id == section_id), None)


def check_section(section_id: str, text: Any) -> str:
    """A section's text as it will be saved, or ValueError saying what is allowed."""
    if section(section_id) is None:
        raise ValueError(f"unknown part {section_id!r}; parts are: {', '.join(SECTION_IDS)}")
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValueError("expected text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("expected text (valid Unicode, no lone surrogates)") from None
    if len(text) > MAX_SECTION:
        raise ValueError(f"longer than {MAX_SECTION} characters")
    return text


def set_section(progress: Progress, section_id: str, text: str, now: dt.datetime) -> bool:
    """Save one part of the plan (a change keeps the earlier text); True when it changed."""
    plan = progress.safety_plan
    if plan is None:
        plan = SafetyPlan(created_at=now, updated_at=now)
        progress.safety_plan = plan
    old = plan.sections.get(section_id)
    if (old.value if old is not None else "") == text:
        return False  # unchanged, or still empty
    answer = Answer(value=text, answered_at=now)
    if old is not None:
        answer.earlier = [*old.earlier, EarlierAnswer(value=old.value, answered_at=old.answered_at)]
    plan.sections[section_id] = answer
    plan.updated_at = now
    progress.updated_at = now
    return True


def has_plan(progress: Progress | None) -> bool:
    """Whether the person has written anything in their plan."""
    return has_content(progress.safety_plan if progress else None)


def has_content(plan: SafetyPlan | None) -> bool:
    """Whether anything is written in this plan."""
    return plan is not None and any(str(a.value).strip() for a in plan.sections.values())


def filled(plan: SafetyPlan) -> list[tuple[Section, str]]:
    """The parts with text, in the plan's order."""
    out = []
    for part in SECTIONS:
        answer = plan.sections.get(part.id)
        if answer is not None and str(answer.value).strip():
            out.append((part, str(answer.value)))
    return out


def to_json(plan: SafetyPlan | None) -> dict[str, Any]:
    """The `safety-plan show --json` document."""
    if plan is None:
        return {"exists": False, "sections": []}
    return {
        "exists": True,
        "created_at": plan.created_at.isoformat(),
        "updated_at": plan.updated_at.isoformat(),
        "sections": [
            {
                "id": part.id,
                "title": part.title,
                "text": str(plan.sections[part.id].value) if part.id in plan.sections else "",
                "updated_at": plan.sections[part.id].answered_at.isoformat()
                if part.id in plan.sections
                else None,
            }
            for part in SECTIONS
        ],
    }


def merge(current: Progress, incoming: Progress) -> int:
    """Restore --merge: add the parts only `incoming` has; existing parts win."""
    theirs = incoming.safety_plan
    if theirs is None:
        return 0
    if current.safety_plan is None:
        current.safety_plan = theirs
        return len(theirs.sections)
    added = 0
    for key, answer in theirs.sections.items():
        if key not in current.safety_plan.sections:
            current.safety_plan.sections[key] = answer
            added += 1
    return added
