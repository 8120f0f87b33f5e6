"""Pydantic models: the program (content) and the user's saved progress."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    model_validator,
)

from exback.bounds import (
    ENTRY_ID_PATTERN,
    MAX_CHOICES,
    MAX_NOTE,
    MAX_NUMBER,
    MAX_TAGS,
    MAX_TEXT,
    MOOD,
    check_day,
    check_moment,
    check_not_blank,
    check_tag,
    check_unicode,
)

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class Frozen(BaseModel):
    """Base for content models: unknown keys are errors, nothing mutates."""

    # defer_build: a schema is built on first validation, so start-up pays only for
    # the models a command uses (a cached program is validated from JSON, without YAML).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- content: the program ---------------------------------------------------


class Source(Frozen):
    """A seed article a step draws on, optionally narrowed to a section."""

    file: Annotated[str, Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")]
    section: str | None = None


class Choice(Frozen):
    """One option of a choice or multi question.

    `route` switches track; `pause` (in the pressure check) pauses contact steps;
    `care` names a care response (program.yaml `care:`) shown when it is picked.
    """

    value: Id
    label: Text
    route: Id | None = None
    pause: bool = False
    care: Id | None = None
    min_no_contact_days: Annotated[int, Field(ge=14, le=365)] | None = None
    """Picking it lengthens the shortest no-contact period (e.g. they asked for space)."""


class _Question(Frozen):
    id: Id
    prompt: Text
    help: str | None = None
    required: bool = True


class TextQuestion(_Question):
    kind: Literal["text"]
    default: str | None = None


class MultilineQuestion(_Question):
    kind: Literal["multiline"]
    default: str | None = None


class ChoiceQuestion(_Question):
    kind: Literal["choice"]
    choices: Annotated[list[Choice], Field(min_length=2)]
    default: Id | None = None

    @model_validator(mode="after")
    def _check(self) -> ChoiceQuestion:
        _check_choices(self.choices, [self.default] if self.default else [])
        return self


class MultiQuestion(_Question):
    kind: Literal["multi"]
    choices: Annotated[list[Choice], Field(min_length=2)]
    default: list[Id] | None = None

    @model_validator(mode="after")
    def _check(self) -> MultiQuestion:
        _check_choices(self.choices, self.default or [])
        return self


class ConfirmQuestion(_Question):
    kind: Literal["confirm"]
    default: bool | None = None
    care_if_yes: Id | None = None
    """A care response shown when the answer is yes."""
    care_if_no: Id | None = None
    """A care response shown when the answer is no."""


class ScaleCare(Frozen):
    """A care response for a scale answer at or below, or at or above, a threshold."""

    at_or_below: int | None = None
    at_or_above: int | None = None
    response: Id

    @model_validator(mode="after")
    def _check(self) -> ScaleCare:
        if (self.at_or_below is None) == (self.at_or_above is None):
            raise ValueError("give exactly one of at_or_below and at_or_above")
        return self

    def matches(self, value: int) -> bool:
        """Whether a scale answer falls on this side of the threshold."""
        if self.at_or_below is not None:
            return value <= self.at_or_below
        assert self.at_or_above is not None
        return value >= self.at_or_above


class ScaleQuestion(_Question):
    kind: Literal["scale"]
    min: int = 1
    max: int = 10
    min_label: Text
    max_label: Text
    default: int | None = None
    care: list[ScaleCare] = []

    @model_validator(mode="after")
    def _check(self) -> ScaleQuestion:
        if not self.min < self.max <= self.min + 20:
            raise ValueError("a scale needs min < max, at most 20 apart")
        if self.default is not None and not self.min <= self.default <= self.max:
            raise ValueError(f"default must be between {self.min} and {self.max}")
        for rule in self.care:
            threshold = rule.at_or_below if rule.at_or_below is not None else rule.at_or_above
            if threshold is not None and not self.min <= threshold <= self.max:
                raise ValueError(f"a care threshold must be between {self.min} and {self.max}")
        return self


def _check_choices(choices: list[Choice], defaults: list[str]) -> None:
    values = [c.value for c in choices]
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise ValueError(f"duplicate choice value(s): {', '.join(dupes)}")
    unknown = [d for d in defaults if d not in values]
    if unknown:
        raise ValueError(f"default {unknown[0]!r} is not one of the choices")


Question = Annotated[
    TextQuestion
    | MultilineQuestion
    | ChoiceQuestion
    | MultiQuestion
    | ConfirmQuestion
    | ScaleQuestion,
    Field(discriminator="kind"),
]


class Action(Frozen):
    """A concrete thing to do, ticked off as a checklist."""

    id: Id
    text: Text


class Requires(Frozen):
    """What must be true before a step opens."""

    steps: list[Id] = []
    no_contact_complete: bool = False


class Step(Frozen):
    """One step of the program, loaded from content/steps/<id>.yaml."""

    id: Id
    title: Text
    summary: Text
    sources: Annotated[list[Source], Field(min_length=1)]
    tips: list[Text] = []
    questions: list[Question] = []
    actions: list[Action] = []
    requires: Requires = Requires()
    contact: bool = False
    """True when the step involves writing to or meeting the ex."""
    starts_no_contact: bool = False
    """True for the step that starts the no-contact countdown."""


class Route(Frozen):
    """A track switch: picking a routed choice locks `locks` with `reason`."""

    title: Text
    reason: Text
    locks: list[Id] = []
    countdown_label: Text | None = None
    """What the no-contact countdown is called on this track."""
    cooling_off_days: Annotated[int, Field(ge=14, le=365)] | None = None
    """After the route switches off, its locks hold this many more days (at least 14)."""


class CareResponse(Frozen):
    """What the program says at once when an answer shows someone may not be safe.

    `help` names sections of help_now.yaml by id; `safety_plan` also shows the
    person's own safety plan (or how to make one).
    """

    id: Id
    title: Text
    message: Text
    help: list[Id] = []
    safety_plan: bool = False


class NoContactDefaults(Frozen):
    """The countdown's defaults, its minimum, and the contact that does not break it."""

    default_days: Annotated[int, Field(ge=1, le=365)] = 30
    min_days: Annotated[int, Field(ge=14, le=365)] = 14
    """No countdown is shorter, on any path (the articles speak of weeks)."""
    choices: Annotated[list[Annotated[int, Field(ge=1, le=365)]], Field(min_length=1)] = [
        14,
        21,
        30,
        45,
        60,
    ]
    exceptions: list[Text] = []

    @model_validator(mode="after")
    def _check(self) -> NoContactDefaults:
        short = [d for d in [self.default_days, *self.choices] if d < self.min_days]
        if short:
            raise ValueError(f"{short[0]} days is below min_days ({self.min_days})")
        return self


class PressureCheck(Frozen):
    """Asked before a contact step, once a day; a `pause` choice pauses contact steps."""

    title: Text
    summary: Text
    questions: Annotated[list[Question], Field(min_length=1)]
    pause_reason: Text


class ProgramFile(Frozen):
    """content/program.yaml."""

    id: Id
    title: Text
    version: Annotated[int, Field(ge=1)]
    no_contact: NoContactDefaults = NoContactDefaults()
    steps: Annotated[list[Id], Field(min_length=1)]
    routes: dict[Id, Route] = {}
    pressure_check: PressureCheck | None = None
    care: list[CareResponse] = []


class HelpSection(Frozen):
    id: Id
    heading: Text
    lines: Annotated[list[Text], Field(min_length=1)]


class HelpNow(Frozen):
    """content/help_now.yaml: what to do in danger or crisis, shown by `exback help-now`."""

    title: Text
    last_reviewed: dt.date
    sections: Annotated[list[HelpSection], Field(min_length=1)]

    def section(self, section_id: str) -> HelpSection | None:
        """The section with this id, or None."""
        return next((s for s in self.sections if s.id == section_id), None)


class CarePhrases(Frozen):
    """content/care_phrases.yaml: words of danger or despair, matched on this machine.

    A phrase is words separated by spaces; `a/b` is either word, `...` is a gap of
    up to four words. `except` phrases are near-misses: a phrase match inside one
    of them does not count.
    """

    last_reviewed: dt.date
    phrases: Annotated[list[Text], Field(min_length=1)]
    except_: Annotated[list[Text], Field(alias="except")] = []


class Program(Frozen):
    """The whole validated program: the program file plus its steps in order."""

    id: str
    title: str
    version: int
    no_contact: NoContactDefaults
    steps: list[Step]
    routes: dict[str, Route]
    pressure_check: PressureCheck | None = None
    care: list[CareResponse] = []
    care_phrases: CarePhrases | None = None

    def step(self, step_id: str) -> Step | None:
        """The step with this id, or None."""
        return next((s for s in self.steps if s.id == step_id), None)

    def care_response(self, care_id: str) -> CareResponse | None:
        """The care response with this id, or None."""
        return next((c for c in self.care if c.id == care_id), None)


# --- saved progress ---------------------------------------------------------
#
# The bounds below are the one definition of what exback saves. Every door
# (journal add and import, restore, answers files, check-ins, no-contact notes)
# builds these models, and every reader (status, doctor...) validates against
# them, so nothing can be written that a later command cannot read back.

SCHEMA_VERSION = 3

Day = Annotated[dt.date, AfterValidator(check_day)]
"""A calendar day from EARLIEST to LATEST."""
Moment = Annotated[AwareDatetime, AfterValidator(check_moment)]
"""A date-time with a UTC offset, on a day from EARLIEST to LATEST."""
AnyText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(check_unicode)]
"""Saved text that may be empty (an optional answer)."""
EntryText = Annotated[AnyText, AfterValidator(check_not_blank)]
"""Saved text that must say something (a journal entry)."""
NoteText = Annotated[
    str, Field(max_length=MAX_NOTE), AfterValidator(check_unicode), AfterValidator(check_not_blank)
]
"""A check-in note, or a no-contact note or reason."""
Tag = Annotated[str, AfterValidator(check_tag)]
EntryId = Annotated[str, Field(pattern=ENTRY_ID_PATTERN)]
Number = Annotated[StrictInt, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
AnswerValue = (
    StrictBool | Number | AnyText | Annotated[list[AnyText], Field(max_length=MAX_CHOICES)] | None
)
"""What check_answer can produce: a flag, a number, text or a list of choices."""


class Saved(BaseModel):
    """Base for saved data: unknown keys are errors (they mean a newer writer)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class EarlierAnswer(Saved):
    value: AnswerValue
    answered_at: Moment


class Answer(Saved):
    value: AnswerValue
    answered_at: Moment
    earlier: list[EarlierAnswer] = []
    """Every earlier, different answer, oldest first: a change is never silent."""


class StepProgress(Saved):
    started_at: Moment
    completed_at: Moment | None = None
    answers: dict[Id, Answer] = {}
    actions_done: list[Id] = []
    drafts: dict[Id, AnyText] = {}
    """Half-typed answers kept when a prompt was interrupted, by question id."""


class RouteChange(Saved):
    """A route switched on (or off) by an answer; kept forever, never rewritten."""

    route: Id
    active: bool
    at: Moment
    step: Id
    question: Id


class NoContactRun(Saved):
    """One run of the countdown. A slip or a restart ends it; a new run starts."""

    started_on: Day
    days: Annotated[int, Field(ge=1, le=365)]
    started_at: Moment
    ended_on: Day | None = None
    end_reason: Literal["slip", "restart"] | None = None


class NoContactEvent(Saved):
    """An urge resisted, a logistics exception, or a slip; never erased."""

    kind: Literal["urge", "exception", "slip"]
    on: Day
    at: Moment
    note: NoteText | None = None


class NoContactRecord(Saved):
    """The whole no-contact history: every run (the last is current) and every event."""

    runs: Annotated[list[NoContactRun], Field(min_length=1)]
    events: list[NoContactEvent] = []

    @property
    def current(self) -> NoContactRun:
        return self.runs[-1]


class Checkin(Saved):
    """One daily check-in (at most one per local day)."""

    on: Day
    at: Moment
    mood: Annotated[int, Field(ge=MOOD[0], le=MOOD[1])]
    urge: Annotated[int, Field(ge=0, le=10)]
    note: NoteText | None = None


class PressureRecord(Saved):
    """One pressure check: its answers, and whether they paused contact steps."""

    on: Day
    at: Moment
    answers: dict[Id, AnswerValue]
    paused: bool
    steps: list[Id] = []
    """The contact steps it was asked before (each step asks its own)."""


class CareShown(Saved):
    """A care response the person saw, because of an answer they gave; kept forever."""

    care: Id
    """The care response's id (program.yaml `care:`)."""
    at: Moment
    step: Id
    """The step id, or `pressure_check`."""
    question: Id
    value: AnswerValue
    """The answer that brought the response."""


class SafetyPlan(Saved):
    """The person's own safety plan (Stanley-Brown form): section id -> answer."""

    created_at: Moment
    updated_at: Moment
    sections: dict[Id, Answer] = {}


class Progress(Saved):
    """progress.json: everything but the journal."""

    schema_version: int = SCHEMA_VERSION
    created_at: Moment
    updated_at: Moment
    steps: dict[Id, StepProgress] = {}
    route_log: list[RouteChange] = []
    no_contact: NoContactRecord | None = None
    checkins: list[Checkin] = []
    pressure_checks: list[PressureRecord] = []
    current_step: Id | None = None
    """The step the walk was in when it stopped; `start` carries on there."""
    care_log: list[CareShown] = []
    safety_plan: SafetyPlan | None = None

    def active_routes(self) -> set[str]:
        """Routes whose latest change switched them on."""
        state: dict[str, bool] = {}
        for change in self.route_log:
            state[change.route] = change.active
        return {r for r, on in state.items() if on}


class JournalEntry(Saved):
    """One line of journal.jsonl."""

    id: EntryId
    created_at: Moment
    text: EntryText
    mood: Annotated[int, Field(ge=MOOD[0], le=MOOD[1])] | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] = []


def duplicate_ids(entries: list[JournalEntry]) -> list[str]:
    """Ids that more than one entry carries, in first-seen order."""
    seen: set[str] = set()
    dupes: list[str] = []
    for entry in entries:
        if entry.id in seen and entry.id not in dupes:
            dupes.append(entry.id)
        seen.add(entry.id)
    return dupes
