"""The guided walk: the only module that prompts (questionary), plus --answers-file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import program as logic
from exback.errors import ExbackError, UsageError
from exback.models import (
    ChoiceQuestion,
    ConfirmQuestion,
    MultilineQuestion,
    MultiQuestion,
    Program,
    Progress,
    Question,
    ScaleQuestion,
    Step,
)

if TYPE_CHECKING:
    from exback.storage import Store
    from exback.ui import UI

RESUME = "Saved. Run 'exback start' to carry on where you left off."


class Interrupted(ExbackError):
    """Ctrl-C or Ctrl-D at a prompt: what was answered is saved."""

    exit_code = 130


def ask_text(prompt: str) -> str:
    """One line of text from a prompt (Ctrl-C exits 130)."""
    import questionary

    try:
        answer = questionary.text(prompt).unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted("interrupted; nothing was saved") from None
    return str(answer)


def confirm(prompt: str) -> bool:
    """A yes/no question, no by default (Ctrl-C exits 130, nothing changed)."""
    import questionary

    try:
        return bool(questionary.confirm(prompt, default=False).unsafe_ask())
    except (KeyboardInterrupt, EOFError):
        raise Interrupted("interrupted; nothing was changed") from None


def ask(question: Question, previous: Any = None) -> Any:
    """Prompt for one question with the prompt that fits its kind."""
    import questionary

    default = previous if previous is not None else question.default
    message = question.prompt
    instruction = question.help
    prompt: Any
    if isinstance(question, ScaleQuestion):
        choices = [
            questionary.Choice(
                title=f"{n}"
                + (f"  {question.min_label}" if n == question.min else "")
                + (f"  {question.max_label}" if n == question.max else ""),
                value=n,
            )
            for n in range(question.min, question.max + 1)
        ]
        prompt = questionary.select(
            message,
            choices=choices,
            default=next((c for c in choices if c.value == default), None),
            instruction=instruction,
        )
    elif isinstance(question, ChoiceQuestion):
        choices = [questionary.Choice(title=c.label, value=c.value) for c in question.choices]
        prompt = questionary.select(
            message,
            choices=choices,
            default=next((c for c in choices if c.value == default), None),
            instruction=instruction,
        )
    elif isinstance(question, MultiQuestion):
        picked = set(default) if isinstance(default, list) else set()
        prompt = questionary.checkbox(
            message,
            choices=[
                questionary.Choice(title=c.label, value=c.value, checked=c.value in picked)
                for c in question.choices
            ],
            instruction=instruction or "(space to tick, enter when done)",
            validate=_pick_one if question.required else lambda v: True,
        )
    elif isinstance(question, ConfirmQuestion):
        prompt = questionary.confirm(
            message, default=bool(default) if default is not None else True
        )
    else:
        multiline = isinstance(question, MultilineQuestion)
        hint = "(Esc then Enter to finish)" if multiline else None
        prompt = questionary.text(
            message,
            default=default if isinstance(default, str) else "",
            multiline=multiline,
            instruction=" ".join(x for x in (instruction, hint) if x) or None,
            validate=(lambda v: bool(v.strip()) or "an answer is needed")
            if question.required
            else None,
        )
    try:
        return prompt.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(RESUME) from None


def _pick_one(values: list[str]) -> bool | str:
    return bool(values) or "pick at least one"


def run(
    program: Program,
    store: Store,
    ui: UI,
    now: Callable[[], dt.datetime],
    today: Callable[[], dt.date],
) -> None:
    """Ask the questions of the first open step, saving after every answer."""
    from rich.panel import Panel

    progress = store.load_progress()
    if progress is None:
        ui.out.print(
            Panel(
                "exback walks you through the weeks after a breakup, one step at a time.\n"
                f"Everything you write stays on this machine, in {store.root}.",
                title="Welcome",
            )
        )
        progress = logic.new_progress(now())
    step = logic.next_step(program, progress, today())
    if step is None:
        ui.out.print("Every open step is done. 'exback status' shows what opens next.")
        return
    _show_step(ui, step)
    for question in logic.unanswered(step, progress):
        value = logic.check_answer(question, ask(question))
        progress = _save_answer(program, store, step, question, value, now())
    ui.out.print(f"Step done: {step.title}. Run 'exback start' again for the next one.")


def _show_step(ui: UI, step: Step) -> None:
    from rich.panel import Panel
    from rich.text import Text

    body = Text(step.summary.strip())
    if step.tips:
        body.append("\n\nTips:\n", style="bold")
        body.append("\n".join(f"• {tip}" for tip in step.tips))
    ui.out.print(Panel(body, title=step.title))


def _save_answer(
    program: Program, store: Store, step: Step, question: Question, value: Any, now: dt.datetime
) -> Progress:
    """Re-read, record and write under the lock, so no other writer is overwritten."""
    with store.lock():
        progress = store.load_progress() or logic.new_progress(now)
        logic.record_answer(program, progress, step, question, value, now)
        store.save_progress(progress)
    return progress


def apply_answers_file(
    program: Program, store: Store, path: Path, now: dt.datetime, today: dt.date
) -> str:
    """Answer from a file: all answers are checked first, then saved together."""
    answers = _read_answers_file(path)
    with store.lock():
        progress = store.load_progress() or logic.new_progress(now)
        count = 0
        for step_id, step_answers in answers.items():
            step = program.step(str(step_id))
            if step is None:
                known = ", ".join(s.id for s in program.steps)
                raise UsageError(f"{path}: unknown step {step_id!r}; steps are: {known}")
            state = logic.step_state(program, progress, step, today)
            if state.status == "locked":
                raise UsageError(f"{path}: step {step_id!r} is locked: {state.reason}")
            if not isinstance(step_answers, dict):
                raise UsageError(f"{path}: step {step_id!r}: expected question id -> answer")
            for question_id, raw in step_answers.items():
                question = next((q for q in step.questions if q.id == question_id), None)
                if question is None:
                    known = ", ".join(q.id for q in step.questions)
                    raise UsageError(
                        f"{path}: step {step_id!r}: unknown question {question_id!r}; "
                        f"questions are: {known}"
                    )
                try:
                    value = logic.check_answer(question, raw)
                except ValueError as exc:
                    raise UsageError(
                        f"{path}: step {step_id!r}, question {question_id!r}: {exc}"
                    ) from None
                logic.record_answer(program, progress, step, question, value, now)
                count += 1
        store.save_progress(progress)
    return f"Saved {count} answer{'s' if count != 1 else ''} from {path}."


def _read_answers_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read --answers-file {path}: {exc}") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (ValueError, Exception) as exc:  # yaml.YAMLError or json.JSONDecodeError
        raise UsageError(f"--answers-file {path} does not parse: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--answers-file {path}: expected a mapping of step id -> answers")
    return data
