"""Pydantic models: the program (content) and the user's saved progress."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Any, Literal

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
    `care` names a care response (program.yaml `care:`) shown when it is picked;
    `hold` names a hold (program.yaml `holds:`) that pauses the step until a later
    day; `waiting` (on a step's outcome question) means there is no outcome yet: the
    question is asked again on a later day and the next step stays closed.
    """

    value: Id
    label: Text
    route: Id | None = None
    pause: bool = False
    care: Id | None = None
    min_no_contact_days: Annotated[int, Field(ge=14, le=365)] | None = None
    """Picking it lengthens the shortest no-contact period (e.g. they asked for space)."""
    hold: Id | None = None
    waiting: bool = False


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
    hold_if_no: Id | None = None
    """A hold (program.yaml `holds:`) when the answer is no: the step pauses."""


class ScaleCare(Frozen):
    """A care response (or, in `hold:`, a hold) for a scale answer at or below, or at
    or above, a threshold."""

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
    hold: list[ScaleCare] = []

    @model_validator(mode="after")
    def _check(self) -> ScaleQuestion:
        if not self.min < self.max <= self.min + 20:
            raise ValueError("a scale needs min < max, at most 20 apart")
        if self.default is not None and not self.min <= self.default <= self.max:
            raise ValueError(f"default must be between {self.min} and {self.max}")
        for what, rules in (("care", self.care), ("hold", self.hold)):
            for rule in rules:
                limit = rule.at_or_below if rule.at_or_below is not None else rule.at_or_above
                if limit is not None and not self.min <= limit <= self.max:
                    raise ValueError(
                        f"a {what} threshold must be between {self.min} and {self.max}"
                    )
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


class Waits(Frozen):
    """A step that ends with an action in the world (a message sent, a conversation).

    The yes/no question `after` records it: yes on a day starts the wait, no means not
    yet. The `outcomes` questions come after it and are asked on a later day only; an
    outcome choice marked `waiting` keeps the step waiting and the next step closed.
    """

    after: Id
    waiting: Text
    """The waiting state, with `{date}` for the day of the action: 'sent on {date}...'."""
    not_yet: Text
    """Said when the answer to `after` is no."""
    outcomes: Annotated[list[Id], Field(min_length=1)]
    silence_days: Annotated[int, Field(ge=1, le=365)] | None = None
    """After this many days without an outcome, `silence` is said and `offer` offered."""
    silence: Text | None = None
    offer: Id | None = None
    """A step to offer after the silence (the moving-on step)."""

    @model_validator(mode="after")
    def _check(self) -> Waits:
        if "{date}" not in self.waiting:
            raise ValueError("waiting must say {date}: the day of the action")
        if (self.silence_days is None) != (self.silence is None):
            raise ValueError("give silence_days and silence together")
        return self


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
    waits: Waits | None = None
    """The step ends with an action in the world and waits for what happens."""
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


class Hold(Frozen):
    """A pause inside a step (program.yaml `holds:`): an answer that means 'not yet'
    (not ready, nothing has changed, not ready to hear a no) stops the step there until
    a later day, with the content's reason and the step that helps."""

    id: Id
    message: Text
    see: Id | None = None


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


class Breathing(Frozen):
    """A paced breath, in seconds: in, hold, out, repeated `rounds` times."""

    breathe_in: Annotated[int, Field(ge=1, le=10)] = 4
    hold: Annotated[int, Field(ge=0, le=10)] = 2
    breathe_out: Annotated[int, Field(ge=1, le=12)] = 6
    rounds: Annotated[int, Field(ge=1, le=20)] = 5


class OwnWords(Frozen):
    """An answer `exback sos` shows back, as written: which step and question, under what title."""

    step: Id
    question: Id
    title: Text
    missing: Text
    """What to say when the person has not answered it yet."""


class SosContent(Frozen):
    """content/sos.yaml: the pause, the words shown back and the breathing of `exback sos`."""

    pause_seconds: Annotated[int, Field(ge=1, le=600)] = 120
    pause_why: Text = (
        "An urge rises, peaks and passes, usually within minutes. You don't have to do "
        "anything about it right now."
    )
    own_words: list[OwnWords] = []
    breathing: Breathing = Breathing()


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
    holds: list[Hold] = []


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


class WritingPrompt(Frozen):
    """One writing prompt for `journal add --prompt` (its source: a comment above it)."""

    id: Id
    text: Annotated[str, Field(min_length=1, max_length=MAX_NOTE)]


class WritingPrompts(Frozen):
    """content/writing_prompts.yaml."""

    prompts: Annotated[list[WritingPrompt], Field(min_length=1)]


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
    holds: list[Hold] = []
    care_phrases: CarePhrases | None = None
    sos: SosContent = SosContent()

    def step(self, step_id: str) -> Step | None:
        """The step with this id, or None."""
        return next((s for s in self.steps if s.id == step_id), None)

    def care_response(self, care_id: str) -> CareResponse | None:
        """The care response with this id, or None."""
        return next((c for c in self.care if c.id == care_id), None)

    def hold(self, hold_id: str) -> Hold | None:
        """The hold with this id, or None."""
        return next((h for h in self.holds if h.id == hold_id), None)


# --- saved progress ---------------------------------------------------------
#
# The bounds below are the one definition of what exback saves. Every door
# (journal add and import, restore, answers files, check-ins, no-contact notes)
# builds these models, and every reader (status, doctor...) validates against
# them, so nothing can be written that a later command cannot read back.

SCHEMA_VERSION = 4

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


Outcome = Literal["held", "contacted", "unsure"]
"""How an urge met in `exback sos` ended: I held on, I contacted them, I'm not sure yet."""
Trigger = Literal["night", "alcohol", "social_media", "saw_them", "date", "other"]
"""What came before an urge, as the person tagged it."""
FeltAfter = Literal["better", "same", "worse", "unknown"]
"""The next day's answer to "How did you feel an hour after?"."""


class NoContactEvent(Saved):
    """An urge resisted, a logistics exception, or a slip; never erased.

    An urge met in `exback sos` also keeps its outcome, its triggers and, once
    asked the next day, how the person felt an hour after.
    """

    kind: Literal["urge", "exception", "slip"]
    on: Day
    at: Moment
    note: NoteText | None = None
    outcome: Outcome | None = None
    triggers: list[Trigger] = []
    felt_after: FeltAfter | None = None


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


class Letter(Saved):
    """A letter to them, written and never sent, held for a day before it is read again."""

    written_at: Moment
    text: EntryText
    during_urge: bool = False
    """Written in `exback sos` (else with `letters add`)."""
    offered_at: Moment | None = None
    """When `start` offered to read it again, once the hold had passed."""
    reread_at: Moment | None = None
    """When it was first read again after the hold."""


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
    letters: list[Letter] = []
    """Letters written and never sent, oldest first (letters.py keeps them)."""

    def active_routes(self) -> set[str]:
        """Routes whose latest change switched them on."""
        state: dict[str, bool] = {}
        for change in self.route_log:
            state[change.route] = change.active
        return {r for r, on in state.items() if on}


class JournalEntry(Saved):
    """One journal entry: a line of journal.jsonl (see journal.py for the other kinds)."""

    id: EntryId
    created_at: Moment
    text: EntryText
    mood: Annotated[int, Field(ge=MOOD[0], le=MOOD[1])] | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] = []
    starred: StrictBool = False
    prompt: Annotated[str, Field(max_length=MAX_NOTE), AfterValidator(check_unicode)] | None = None
    """The writing prompt the entry answers, if one was asked for."""

    @model_validator(mode="before")
    @classmethod
    def _derive_id(cls, data: Any) -> Any:
        # Entries have always been written with an id; a line written by hand may lack
        # one. Its id is then derived from its moment and text, so it is the same at
        # every read and survives a compaction (which writes it out).
        if isinstance(data, dict) and "id" not in data:
            moment, text = data.get("created_at"), data.get("text")
            if isinstance(moment, str) and isinstance(text, str):
                digest = hashlib.sha256(f"{moment}\n{text}".encode("utf-8", "replace"))
                data = {**data, "id": digest.hexdigest()[:12]}
        return data


class JournalHeader(Saved):
    """The first line of a journal written in date order with `late` marks (format 2)."""

    kind: Literal["journal"]
    format: Literal[2]


class JournalEdit(JournalEntry):
    """A new version of an entry: it supersedes every earlier line with its id."""

    kind: Literal["edit"]
    edited_at: Moment
    late: StrictBool = False


class LateEntry(JournalEntry):
    """An entry line marked `late`: older than an entry written before it."""

    late: StrictBool


class JournalDelete(Saved):
    """A deletion (`erased` once compacted): the entry with this id is gone; no text kept."""

    kind: Literal["delete", "erased"]
    id: EntryId
    deleted_at: Moment


def duplicate_ids(entries: list[JournalEntry]) -> list[str]:
    """Ids that more than one entry carries, in first-seen order."""
    seen: set[str] = set()
    dupes: list[str] = []
    for entry in entries:
        if entry.id in seen and entry.id not in dupes:
            dupes.append(entry.id)
        seen.add(entry.id)
    return dupes
