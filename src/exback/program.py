"""Pure program logic: step states, what is locked and why, answers and routes.

Nothing here does I/O or reads the clock: `today` and `now` are passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from exback.bounds import MAX_TEXT
from exback.models import (
    Answer,
    CareResponse,
    CareShown,
    Choice,
    ChoiceQuestion,
    ConfirmQuestion,
    EarlierAnswer,
    MultiQuestion,
    NoContactRecord,
    PressureRecord,
    Program,
    Progress,
    Question,
    Route,
    RouteChange,
    ScaleQuestion,
    Step,
    StepProgress,
)
from exback.nocontact import Countdown
from exback.text import is_unicode_text
from exback.words import in_days

Status = Literal["done", "in_progress", "available", "waiting", "locked"]


@dataclass(frozen=True)
class StepState:
    """A step's status for the user now, and why it is locked when it is."""

    step: Step
    status: Status
    reason: str | None = None


def new_progress(now: dt.datetime) -> Progress:
    """Empty progress for a first run."""
    return Progress(created_at=now, updated_at=now)


def countdown(no_contact: NoContactRecord | None, today: dt.date) -> Countdown | None:
    """The current run's countdown, or None before the first start."""
    if no_contact is None:
        return None
    run = no_contact.current
    return Countdown(run.started_on, run.days, today)


def countdown_label(program: Program, progress: Progress) -> str:
    """'No contact', or the active route's own name for the same countdown."""
    for route_id in sorted(progress.active_routes()):
        route = program.routes.get(route_id)
        if route is not None and route.countdown_label:
            return route.countdown_label
    return "No contact"


def step_states(program: Program, progress: Progress, today: dt.date) -> list[StepState]:
    """Every step's state, in program order."""
    return [step_state(program, progress, step, today) for step in program.steps]


def step_state(program: Program, progress: Progress, step: Step, today: dt.date) -> StepState:
    """One step's state: a route lock first, then done, then requirements."""
    for route_id in sorted(progress.active_routes()):
        route = program.routes.get(route_id)
        if route is not None and step.id in route.locks:
            return StepState(step, "locked", route.reason)
    for cooling in cooling_off(program, progress, today):
        if step.id in cooling.route.locks:
            return StepState(step, "locked", cooling.reason)
    saved = progress.steps.get(step.id)
    if saved is not None and saved.completed_at is not None and is_complete(step, progress):
        return StepState(step, "done")
    missing = [s for s in step.requires.steps if not _is_done(program, progress, s)]
    if missing:
        titles = [_title(program, s) for s in missing]
        return StepState(step, "locked", "finish first: " + ", ".join(titles))
    if step.requires.no_contact_complete:
        cd = countdown(progress.no_contact, today)
        if cd is None:
            return StepState(
                step, "locked", "opens after the no-contact period; it has not started"
            )
        if not cd.complete:
            return StepState(
                step,
                "locked",
                f"opens on {cd.ends_on.isoformat()}, {in_days(cd.days_remaining)}, "
                "when no contact is complete",
            )
    pause = step_pause(program, step, progress, today)
    if pause is not None and not pause.due:
        return StepState(step, "waiting" if pause.kind == "waiting" else "locked", pause.reason)
    if step.contact and program.pressure_check and paused_today(progress, today):
        return StepState(step, "locked", program.pressure_check.pause_reason.strip())
    if saved is not None and (saved.answers or saved.actions_done):
        return StepState(step, "in_progress")
    return StepState(step, "available")


def paused_today(progress: Progress, today: dt.date) -> bool:
    """Whether today's pressure check paused the contact steps (a pause lasts the day)."""
    todays = [r for r in progress.pressure_checks if r.on == today]
    return bool(todays) and todays[-1].paused


def needs_pressure_check(program: Program, progress: Progress, step: Step, today: dt.date) -> bool:
    """A contact step asks the pressure check before it opens: each step, each day; not
    once its action is done (only what happened next is left to ask)."""
    if not step.contact or program.pressure_check is None or acted_on(step, progress):
        return False
    return not any(r.on == today and step.id in r.steps for r in progress.pressure_checks)


def record_pressure_check(
    program: Program,
    progress: Progress,
    answers: dict[str, Any],
    today: dt.date,
    now: dt.datetime,
    steps: list[str],
) -> PressureRecord:
    """Save checked pressure-check answers, asked before `steps`.

    Any `pause` choice pauses every contact step for the rest of the day.
    """
    check = program.pressure_check
    assert check is not None
    paused = False
    for question in check.questions:
        value = answers.get(question.id)
        if isinstance(question, ChoiceQuestion | MultiQuestion):
            picked = value if isinstance(value, list) else [value]
            paused |= any(c.pause and c.value in picked for c in question.choices)
    record = PressureRecord(on=today, at=now, answers=answers, paused=paused, steps=steps)
    progress.pressure_checks.append(record)
    progress.updated_at = now
    return record


def _title(program: Program, step_id: str) -> str:
    step = program.step(step_id)
    return step.title if step else step_id


def _is_done(program: Program, progress: Progress, step_id: str) -> bool:
    """Finished, and every required question answered (content may add questions later:
    a safety check finished before it asked more is not done until it is answered)."""
    saved = progress.steps.get(step_id)
    if saved is None or saved.completed_at is None:
        return False
    step = program.step(step_id)
    return step is None or is_complete(step, progress)


def next_step(program: Program, progress: Progress, today: dt.date) -> Step | None:
    """The first step in progress or available, in program order."""
    for state in step_states(program, progress, today):
        if state.status in ("in_progress", "available"):
            return state.step
    return None


def unanswered(step: Step, progress: Progress) -> list[Question]:
    """The step's questions that have no saved answer yet, in order."""
    saved = progress.steps.get(step.id)
    answers = saved.answers if saved else {}
    return [q for q in step.questions if q.id not in answers]


def is_complete(step: Step, progress: Progress) -> bool:
    """Every required question of the step has an answer, and none of them pauses it."""
    return all(not q.required for q in unanswered(step, progress)) and (
        _stop(step, progress) is None
    )


# --- pauses inside a step: a hold, an action not done yet, waiting for what happens ----


@dataclass(frozen=True)
class Pause:
    """Where a step stops, why, and from which day `question` is asked again.

    A hold (not ready, nothing has changed) and waiting for what happened after an
    action are asked again from a later day; 'not yet' (the action is still to do)
    from today. Until then the questions after `question` are not asked.
    """

    kind: Literal["hold", "not_yet", "waiting"]
    step: Step
    question: Question
    asks_from: dt.date
    today: dt.date
    message: str
    since: dt.date | None = None
    """Waiting: the day of the action."""
    see: Step | None = None
    """A hold: the step that helps."""
    silence: str | None = None
    """Waiting past the content's silence period: what to say about it."""
    offer: Step | None = None
    """With `silence`: the step to offer (moving on)."""

    @property
    def due(self) -> bool:
        """Whether `question` may be asked again today."""
        return self.today >= self.asks_from

    @property
    def reason(self) -> str:
        """The pause in plain words, for a step list or a refused answer."""
        if self.kind == "waiting":
            return f"{self.message}; the next questions open on {self.asks_from.isoformat()}"
        if self.kind == "hold":
            see = f" The step that helps: '{self.see.title}'." if self.see else ""
            return f"paused until {self.asks_from.isoformat()}: {self.message.strip()}{see}"
        return self.message.strip()


def acted_on(step: Step, progress: Progress) -> dt.date | None:
    """The day the step's action happened (its `waits.after` answered yes), or None."""
    saved = progress.steps.get(step.id)
    if step.waits is None or saved is None:
        return None
    answer = saved.answers.get(step.waits.after)
    return answer.answered_at.date() if answer is not None and answer.value is True else None


def _hold_id(question: Question, value: Any) -> str | None:
    """The hold an answer brings, or None."""
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        picked = value if isinstance(value, list) else [value]
        return next((c.hold for c in question.choices if c.hold and c.value in picked), None)
    if isinstance(question, ConfirmQuestion) and value is False:
        return question.hold_if_no
    if isinstance(question, ScaleQuestion) and isinstance(value, int):
        return next((r.response for r in question.hold if r.matches(value)), None)
    return None


def _is_waiting(question: Question, value: Any) -> bool:
    return isinstance(question, ChoiceQuestion) and any(
        c.waiting and c.value == value for c in question.choices
    )


def _stop(
    step: Step, progress: Progress
) -> tuple[Literal["hold", "not_yet", "waiting"], Question, Answer | None, dt.date | None] | None:
    """The first answer, in question order, that pauses the step (see `Pause`)."""
    saved = progress.steps.get(step.id)
    if saved is None:
        return None
    waits = step.waits
    acted: dt.date | None = None
    for question in step.questions:
        answer = saved.answers.get(question.id)
        if waits is not None and question.id == waits.after:
            if answer is None:
                return None
            if answer.value is not True:
                return "not_yet", question, answer, None
            acted = answer.answered_at.date()
        elif waits is not None and question.id in waits.outcomes:
            if acted is None:
                return None
            if (answer is None and question.required) or (
                answer is not None and _is_waiting(question, answer.value)
            ):
                return "waiting", question, answer, acted
        elif answer is not None and _hold_id(question, answer.value):
            return "hold", question, answer, None
    return None


def step_pause(program: Program, step: Step, progress: Progress, today: dt.date) -> Pause | None:
    """Where the step is paused, or None (see `Pause`)."""
    found = _stop(step, progress)
    if found is None:
        return None
    kind, question, answer, acted = found
    waits = step.waits
    if kind == "hold":
        assert answer is not None
        hold = program.hold(_hold_id(question, answer.value) or "")
        see = program.step(hold.see) if hold and hold.see else None
        day = answer.answered_at.date() + dt.timedelta(days=1)
        return Pause("hold", step, question, day, today, hold.message if hold else "", see=see)
    assert waits is not None
    if kind == "not_yet":
        return Pause("not_yet", step, question, today, today, waits.not_yet)
    assert acted is not None
    last = answer.answered_at.date() if answer is not None else acted
    silent = waits.silence_days is not None and (today - acted).days >= waits.silence_days
    return Pause(
        "waiting",
        step,
        question,
        max(acted, last) + dt.timedelta(days=1),
        today,
        waits.waiting.replace("{date}", acted.isoformat()),
        since=acted,
        silence=waits.silence if silent else None,
        offer=program.step(waits.offer) if silent and waits.offer else None,
    )


def waiting(program: Program, progress: Progress, today: dt.date) -> list[Pause]:
    """The steps waiting for what happens after their action, in program order."""
    pauses = (step_pause(program, step, progress, today) for step in program.steps)
    return [p for p in pauses if p is not None and p.kind == "waiting"]


def open_questions(
    program: Program, step: Step, progress: Progress, today: dt.date
) -> list[Question]:
    """The questions to ask in the step today, in order: the unanswered ones, and a
    paused one once its day has come; none past a pause."""
    pause = step_pause(program, step, progress, today)
    if pause is None:
        return unanswered(step, progress)
    if not pause.due:
        return []
    cut = step.questions.index(pause.question)
    before = [q for q in unanswered(step, progress) if step.questions.index(q) < cut]
    return [*before, pause.question]


def not_now(
    program: Program, step: Step, question: Question, progress: Progress, today: dt.date
) -> str | None:
    """Why `question` cannot be answered today (a pause before it, or an outcome whose
    action has not happened), or None when it can."""
    waits = step.waits
    if waits is not None and question.id in waits.outcomes and acted_on(step, progress) is None:
        after = next(q for q in step.questions if q.id == waits.after)
        return (
            f"what happened is asked on a day after the answer yes to {waits.after!r} "
            f"({after.prompt})"
        )
    pause = step_pause(program, step, progress, today)
    if pause is None:
        return None
    here, cut = step.questions.index(question), step.questions.index(pause.question)
    if here < cut or (here == cut and pause.due):
        return None
    if pause.due:
        return f"answer {pause.question.id!r} first ({pause.question.prompt})"
    return pause.reason


def check_answer(question: Question, value: Any) -> Any:
    """The answer normalised for saving, or ValueError saying what is allowed."""
    if value is None:
        if question.required:
            raise ValueError("an answer is required")
        return None
    if isinstance(question, ScaleQuestion):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError(f"expected a whole number from {question.min} to {question.max}")
        try:
            number = int(value)
        except ValueError:
            raise ValueError(
                f"expected a whole number from {question.min} to {question.max}"
            ) from None
        if not question.min <= number <= question.max:
            raise ValueError(f"expected a whole number from {question.min} to {question.max}")
        return number
    if isinstance(question, ConfirmQuestion):
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if isinstance(question, ChoiceQuestion):
        allowed = [c.value for c in question.choices]
        if value not in allowed:
            raise ValueError("expected one of: " + ", ".join(allowed))
        return value
    if isinstance(question, MultiQuestion):
        allowed = [c.value for c in question.choices]
        if not isinstance(value, list) or any(v not in allowed for v in value):
            raise ValueError("expected a list of: " + ", ".join(allowed))
        if question.required and not value:
            raise ValueError("pick at least one of: " + ", ".join(allowed))
        return [c for c in allowed if c in value]
    if not isinstance(value, str) or not is_unicode_text(value):
        raise ValueError("expected text (valid Unicode, no lone surrogates)")
    if question.required and not value.strip():
        raise ValueError("an answer is required (empty text)")
    if len(value) > MAX_TEXT:
        raise ValueError(f"longer than {MAX_TEXT} characters")
    return value


def describe(question: Question, value: Any) -> str:
    """An answer as a person reads it: labels, not stored values."""
    if value is None or value == "":
        return "(skipped)"
    if isinstance(question, ChoiceQuestion):
        return next((c.label for c in question.choices if c.value == value), str(value))
    if isinstance(question, MultiQuestion):
        return ", ".join(c.label for c in question.choices if c.value in value) or "(none)"
    if isinstance(question, ConfirmQuestion):
        return "yes" if value else "no"
    if isinstance(question, ScaleQuestion):
        return (
            f"{value} (from {question.min} {question.min_label} "
            f"to {question.max} {question.max_label})"
        )
    return str(value)


def record_answer(
    program: Program,
    progress: Progress,
    step: Step,
    question: Question,
    value: Any,
    now: dt.datetime,
) -> list[RouteChange]:
    """Save a checked answer into `progress`; returns the route changes it caused.

    Completes the step when its last required question is answered. A route is on
    while any answer selects one of its choices; each switch is logged with its date.
    """
    saved = step_progress(progress, step, now)
    old = saved.answers.get(question.id)
    answer = Answer(value=value, answered_at=now)
    if old is not None:
        answer.earlier = list(old.earlier)
        if old.value != value:
            answer.earlier.append(EarlierAnswer(value=old.value, answered_at=old.answered_at))
    saved.answers[question.id] = answer
    if saved.completed_at is None and is_complete(step, progress):
        saved.completed_at = now
    progress.updated_at = now
    return _sync_routes(program, progress, step, question, now)


def step_progress(progress: Progress, step: Step, now: dt.datetime) -> StepProgress:
    """The step's saved progress, created (started now) on first use."""
    saved = progress.steps.get(step.id)
    if saved is None:
        saved = StepProgress(started_at=now)
        progress.steps[step.id] = saved
    return saved


def actions_question(step: Step) -> MultiQuestion:
    """The step's things to do as a question: which of them are done?"""
    return MultiQuestion(
        id="actions_done",
        kind="multi",
        prompt="Which of these have you done?",
        choices=[Choice(value=a.id, label=a.text) for a in step.actions],
        required=False,
    )


def set_actions_done(progress: Progress, step: Step, done: list[str], now: dt.datetime) -> None:
    """Record which of the step's things to do are done (unknown ids are ignored)."""
    known = [a.id for a in step.actions]
    step_progress(progress, step, now).actions_done = [a for a in known if a in done]
    progress.updated_at = now


def _sync_routes(
    program: Program, progress: Progress, step: Step, question: Question, now: dt.datetime
) -> list[RouteChange]:
    selected = selected_routes(program, progress)
    active = progress.active_routes()
    changes = [
        RouteChange(route=r, active=r in selected, at=now, step=step.id, question=question.id)
        for r in sorted(selected ^ active)
    ]
    progress.route_log.extend(changes)
    return changes


def min_no_contact_days(program: Program, progress: Progress | None) -> tuple[int, str | None]:
    """The shortest countdown allowed now, and the answer that lengthened it (or None).

    The program's `min_days`, or longer when a saved answer's choice asks for more
    (they asked for space, say).
    """
    days, why = program.no_contact.min_days, None
    for step in program.steps:
        saved = progress.steps.get(step.id) if progress else None
        if saved is None:
            continue
        for question in step.questions:
            answer = saved.answers.get(question.id)
            if answer is None or not isinstance(question, ChoiceQuestion | MultiQuestion):
                continue
            picked = answer.value if isinstance(answer.value, list) else [answer.value]
            for choice in question.choices:
                longer = choice.min_no_contact_days
                if choice.value in picked and longer is not None and longer > days:
                    days, why = longer, choice.label
    return days, why


def check_no_contact_days(program: Program, progress: Progress | None, days: int) -> None:
    """ValueError naming the minimum when `days` is shorter than it."""
    least, why = min_no_contact_days(program, progress)
    if days < least:
        reason = f" (you answered: {why})" if why else ""
        raise ValueError(
            f"a no-contact period is at least {least} days{reason}; {days} is too short"
        )


def selected_routes(program: Program, progress: Progress) -> set[str]:
    """Routes chosen by the saved answers."""
    routes: set[str] = set()
    for step in program.steps:
        saved = progress.steps.get(step.id)
        if saved is None:
            continue
        for question in step.questions:
            if not isinstance(question, ChoiceQuestion | MultiQuestion):
                continue
            answer = saved.answers.get(question.id)
            if answer is None:
                continue
            picked = answer.value if isinstance(answer.value, list) else [answer.value]
            routes.update(c.route for c in question.choices if c.route and c.value in picked)
    return routes


# --- care: answers that show someone may not be safe ---------------------------------


def care_ids(question: Question, value: Any) -> list[str]:
    """The ids of the care responses an answer brings, in the question's order."""
    found: list[str] = []
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        picked = value if isinstance(value, list) else [value]
        found = [c.care for c in question.choices if c.care and c.value in picked]
    elif isinstance(question, ConfirmQuestion):
        if value is True and question.care_if_yes:
            found = [question.care_if_yes]
        elif value is False and question.care_if_no:
            found = [question.care_if_no]
    elif isinstance(question, ScaleQuestion) and isinstance(value, int):
        found = [rule.response for rule in question.care if rule.matches(value)]
    return list(dict.fromkeys(found))


def care_for(program: Program, question: Question, value: Any) -> list[CareResponse]:
    """The care responses to show at once for a checked answer (often none).

    Pure: the walk, answers files and commands call it after `check_answer`, show
    each response (render.care_response), and record it with `record_care`.
    """
    responses = (program.care_response(i) for i in care_ids(question, value))
    return [r for r in responses if r is not None]


def record_care(
    progress: Progress,
    response: CareResponse,
    step_id: str,
    question_id: str,
    value: Any,
    now: dt.datetime,
) -> CareShown:
    """Note in `progress` that a care response was shown for an answer, and when."""
    shown = CareShown(care=response.id, at=now, step=step_id, question=question_id, value=value)
    progress.care_log.append(shown)
    progress.updated_at = now
    return shown


# --- cooling off: a red flag is not undone in seconds ----------------------------------


@dataclass(frozen=True)
class CoolingOff:
    """A route switched off lately whose locks still hold until `until` (exclusive)."""

    route_id: str
    route: Route
    since: dt.date
    until: dt.date
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.until - self.today).days

    @property
    def reason(self) -> str:
        """Why the route's steps are still closed, in plain words."""
        days = self.route.cooling_off_days
        return (
            f"closed until {self.until.isoformat()}: an answer that closed these steps changed "
            f"on {self.since.isoformat()}, and they stay closed for {days} days after a change "
            "like that, so that a hard moment cannot undo a safety answer. Every other step "
            "stays open."
        )


def cooling_off(program: Program, progress: Progress, today: dt.date) -> list[CoolingOff]:
    """Routes that are off now but switched off less than their cooling-off period ago."""
    active = progress.active_routes()
    found = []
    for route_id, route in sorted(program.routes.items()):
        if route.cooling_off_days is None or route_id in active:
            continue
        offs = [c.at for c in progress.route_log if c.route == route_id and not c.active]
        if not offs:
            continue
        since = max(offs).date()
        until = since + dt.timedelta(days=route.cooling_off_days)
        if today < until:
            found.append(CoolingOff(route_id, route, since, until, today))
    return found


def cooling_off_notice(program: Program, change: RouteChange, today: dt.date) -> str | None:
    """What to tell the person when their changed answer switched a route off (or None)."""
    route = program.routes.get(change.route)
    if change.active or route is None or route.cooling_off_days is None:
        return None
    until = change.at.date() + dt.timedelta(days=route.cooling_off_days)
    if today >= until:
        return None
    return (
        f"With your changed answer, '{route.title}' no longer applies, but the steps it "
        f"closed stay closed until {until.isoformat()} ({route.cooling_off_days} days), so "
        "that a hard moment cannot undo a safety answer. Everything else stays open."
    )
