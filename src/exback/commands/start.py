"""`exback start --answers-file`: answers from a file, callable from Python without a terminal.

- `apply_answers(program, store, data, now, today)` takes already-parsed data (step id
  -> question id -> answer, plus an optional `pressure_check` section), checks every
  answer, then saves them all in one write (`Store.update`); like copier's
  `run_copy(data=...)`, it never prompts.
- `read_answers_file(path)` is the thin reader: a regular UTF-8 file, YAML or JSON
  (by its suffix), with no duplicate keys, aliases or deep nesting.
- `apply_answers_file(...)` is the two together, as `exback start --answers-file` runs them.

The interactive walk is `commands.walk.Walk`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import program as logic
from exback.errors import UsageError
from exback.models import MultilineQuestion, TextQuestion

if TYPE_CHECKING:
    from exback.models import CareResponse, HelpNow, Program, Progress, RouteChange, SafetyPlan
    from exback.storage import Store

PRESSURE_KEY = "pressure_check"


@dataclass
class AnswersApplied:
    """What `apply_answers` saved, and what the person must be told at once."""

    summary: str
    care: list[CareResponse]
    """Care responses the answers brought (each also recorded in progress.care_log)."""
    text_needs_care: bool
    """A text answer holds words of danger or despair (nothing about it is stored)."""
    notices: list[str]
    """Plain words about routes the answers switched off (cooling off)."""
    plan: SafetyPlan | None = None
    """The person's safety plan, as saved: care responses show it."""
    help_now: HelpNow | None = None
    """help_now.yaml, loaded only when there are care responses to show."""


def apply_answers_file(
    program: Program,
    store: Store,
    path: Path,
    now: dt.datetime,
    today: dt.date,
    content_dir: Path | None = None,
) -> AnswersApplied:
    """`exback start --answers-file PATH`: read the file, then `apply_answers`."""
    return apply_answers(
        program, store, read_answers_file(path), now, today, source=path, content_dir=content_dir
    )


def apply_answers(
    program: Program,
    store: Store,
    data: dict[str, Any],
    now: dt.datetime,
    today: dt.date,
    *,
    source: Path | str = "answers",
    content_dir: Path | None = None,
) -> AnswersApplied:
    """Answer from data: every answer is checked first, then all are saved together.

    Care responses are recorded with the answers, in the same save; the caller shows
    them (render.answers_applied) and says the notices. Errors name `source` and
    exit 2; nothing is saved then.
    """
    from exback.care import text_needs_care

    answers = dict(data)
    pressure = answers.pop(PRESSURE_KEY, None)
    care: list[CareResponse] = []
    flagged = False
    changes: list[RouteChange] = []
    count = 0
    with store.update(now) as progress:
        if pressure is not None:  # asked before every contact step answered in this file
            steps = [s.id for s in program.steps if s.contact and s.id in answers]
            care += _apply_pressure_answers(program, progress, source, pressure, now, today, steps)
        for step_id, step_answers in answers.items():
            step = program.step(str(step_id))
            if step is None:
                known = ", ".join(s.id for s in program.steps)
                raise UsageError(f"{source}: unknown step {step_id!r}; steps are: {known}")
            state = logic.step_state(program, progress, step, today)
            if state.status in ("locked", "waiting"):
                raise UsageError(f"{source}: step {step_id!r} is {state.status}: {state.reason}")
            if logic.needs_pressure_check(program, progress, step, today):
                assert program.pressure_check is not None
                ids = ", ".join(q.id for q in program.pressure_check.questions)
                raise UsageError(
                    f"{source}: step {step_id!r} asks the day's pressure check first; add a "
                    f"'{PRESSURE_KEY}' section answering: {ids}"
                )
            if not isinstance(step_answers, dict):
                raise UsageError(f"{source}: step {step_id!r}: expected question id -> answer")
            for question_id, raw in step_answers.items():
                question = next((q for q in step.questions if q.id == question_id), None)
                if question is None:
                    known = ", ".join(q.id for q in step.questions)
                    raise UsageError(
                        f"{source}: step {step_id!r}: unknown question {question_id!r}; "
                        f"questions are: {known}"
                    )
                later = logic.not_now(program, step, question, progress, today)
                if later is not None:
                    raise UsageError(
                        f"{source}: step {step_id!r}, question {question_id!r}: not now: {later}"
                    )
                try:
                    value = logic.check_answer(question, raw)
                except ValueError as exc:
                    raise UsageError(
                        f"{source}: step {step_id!r}, question {question_id!r}: {exc}"
                    ) from None
                changes += logic.record_answer(program, progress, step, question, value, now)
                for response in logic.care_for(program, question, value):
                    logic.record_care(progress, response, step.id, question.id, value, now)
                    care.append(response)
                if isinstance(question, TextQuestion | MultilineQuestion):
                    flagged |= text_needs_care(program, value)
                count += 1
        plan = progress.safety_plan
    notices = [n for c in changes if (n := logic.cooling_off_notice(program, c, today))]
    help_now = None
    if care:
        from exback.care import load_help

        help_now = load_help(content_dir)
    return AnswersApplied(
        summary=f"Saved {count} answer{'s' if count != 1 else ''} from {source}.",
        care=list({r.id: r for r in care}.values()),
        text_needs_care=flagged,
        notices=notices,
        plan=plan,
        help_now=help_now,
    )


def _apply_pressure_answers(
    program: Program,
    progress: Progress,
    source: Path | str,
    raw: Any,
    now: dt.datetime,
    today: dt.date,
    steps: list[str],
) -> list[CareResponse]:
    check = program.pressure_check
    if check is None:
        raise UsageError(f"{source}: this program has no pressure check")
    if not isinstance(raw, dict):
        raise UsageError(f"{source}: {PRESSURE_KEY}: expected question id -> answer")
    answers: dict[str, Any] = {}
    for question in check.questions:
        try:
            answers[question.id] = logic.check_answer(question, raw.get(question.id))
        except ValueError as exc:
            raise UsageError(f"{source}: {PRESSURE_KEY}, question {question.id!r}: {exc}") from None
    unknown = sorted(set(raw) - set(answers))
    if unknown:
        raise UsageError(f"{source}: {PRESSURE_KEY}: unknown question {unknown[0]!r}")
    logic.record_pressure_check(program, progress, answers, today, now, steps)
    care: list[CareResponse] = []
    for question in check.questions:
        for response in logic.care_for(program, question, answers[question.id]):
            logic.record_care(
                progress, response, PRESSURE_KEY, question.id, answers[question.id], now
            )
            care.append(response)
    return care


def read_answers_file(
    path: Path, expected: str = "a mapping of step id -> answers"
) -> dict[str, Any]:
    """The answers in a YAML or JSON file (by suffix), parsed; exit 2 when it is not one.

    Also `safety-plan --answers-file`'s reader, with its own `expected` shape.
    """
    from exback.text import inert

    def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise UsageError(
                    f"--answers-file {path}: duplicate key {inert(key)!r}; give each answer once"
                )
            seen[key] = value
        return seen

    from exback.safefile import MiB, UnsafeFileError, read_bytes

    try:  # a regular file (a link to one is fine: the user named it), at most 16 MiB
        text = read_bytes(path, 16 * MiB, follow=True).decode("utf-8")
    except UnsafeFileError as exc:
        raise UsageError(f"--answers-file {inert(str(exc))}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(inert(f"cannot read --answers-file {path}: {exc}")) from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text, object_pairs_hook=no_duplicate_keys)
        else:
            import yaml

            from exback.content import _check_shape, _first_duplicate_key

            shape = _check_shape(text)  # aliases and deep nesting, before building anything
            if shape is not None:
                line, col, _, problem = shape
                raise UsageError(f"--answers-file {path}:{line}:{col}: {problem}")
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            dupe = _first_duplicate_key(node) if node is not None else None
            if dupe is not None:
                mark = dupe.start_mark
                raise UsageError(
                    f"--answers-file {path}:{mark.line + 1}:{mark.column + 1}: duplicate key "
                    f"{inert(str(dupe.value))!r}; give each answer once"
                )
            data = yaml.safe_load(text)
    except UsageError:
        raise
    except Exception as exc:  # yaml.YAMLError, json.JSONDecodeError, ValueError, RecursionError
        # the parser quotes the offending line: shown inert, never raw to the terminal
        reason = " ".join(str(exc).split()) if not isinstance(exc, RecursionError) else "too deep"
        raise UsageError(f"--answers-file {path} does not parse: {inert(reason)}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--answers-file {path}: expected {expected}")
    return data
