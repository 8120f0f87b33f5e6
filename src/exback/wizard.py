"""The guided walk: the only module that prompts (questionary), plus --answers-file.

The walk, as `run()` does it:
1. First run: a welcome (what exback is, where the data stays), then the first step.
2. Later runs: a home menu (continue, choose a step, review a finished step,
   the countdown, quit). `--step ID` goes straight to one step.
3. A step: a panel with its summary and tips, then each unanswered question;
   every answer is saved at once (under the lock), routes switch at once.
4. After the last question: the no-contact step starts the countdown; then a
   review of the step's answers: continue, redo one question, or stop for now.
5. Ctrl-C or Ctrl-D at any prompt: what was answered stays saved; exit 130.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import nocontact
from exback import program as logic
from exback.errors import Interrupted, UsageError
from exback.models import (
    ChoiceQuestion,
    ConfirmQuestion,
    MultilineQuestion,
    MultiQuestion,
    Program,
    Progress,
    Question,
    RouteChange,
    ScaleQuestion,
    Step,
    TextQuestion,
)

if TYPE_CHECKING:
    from exback.storage import Store
    from exback.ui import UI

RESUME = "Every answer you gave is saved. Run 'exback start' to carry on where you left off."


# --- prompts -------------------------------------------------------------------------


def _ask(prompt: Any) -> Any:
    """Run one questionary prompt; Ctrl-C and Ctrl-D become Interrupted."""
    try:
        return prompt.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(RESUME) from None


def ask_text(prompt: str) -> str:
    """One line of text from a prompt (Ctrl-C exits 130, nothing saved)."""
    import questionary

    try:
        return str(questionary.text(prompt).unsafe_ask())
    except (KeyboardInterrupt, EOFError):
        raise Interrupted("interrupted; nothing was saved") from None


def ask_word(prompt: str, word: str) -> bool:
    """Whether the person typed `word` exactly (for reset); Ctrl-C exits 130."""
    import questionary

    try:
        typed = questionary.text(prompt).unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted("interrupted; nothing was deleted") from None
    return bool(typed == word)


def ask_confirm(message: str, default: bool) -> bool:
    """A yes/no question."""
    return bool(ask(ConfirmQuestion(id="confirm", kind="confirm", prompt=message, default=default)))


def ask_number(message: str, low: int, high: int, low_label: str, high_label: str) -> int:
    """A whole number on a scale, chosen from a list."""
    question = ScaleQuestion(
        id="number",
        kind="scale",
        prompt=message,
        min=low,
        max=high,
        min_label=low_label,
        max_label=high_label,
    )
    return int(ask(question))


def ask_optional_text(message: str) -> str | None:
    """One line that may be left empty (None)."""
    text = ask(TextQuestion(id="text", kind="text", prompt=message, required=False))
    return str(text) if text and str(text).strip() else None


def ask_days(choices: list[int], default_days: int) -> int:
    """The length of a no-contact period: one of the program's choices, or typed."""
    import questionary

    options: list[tuple[str, Any, str | None]] = [
        (f"{d} days" + (" (suggested)" if d == default_days else ""), d, None) for d in choices
    ]
    options.append(("Another number of days", "other", None))
    days = _select("How long will your no-contact period be?", options)
    if days == "other":
        days = _ask(
            questionary.text(
                "How many days (1 to 365)?",
                validate=lambda v: (
                    (v.isdigit() and 1 <= int(v) <= 365) or "a whole number from 1 to 365"
                ),
            )
        )
    return int(days)


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
    if isinstance(question, ScaleQuestion | ChoiceQuestion):
        options: list[tuple[str, Any]]
        if isinstance(question, ScaleQuestion):
            options = [
                (_scale_label(question, n), n) for n in range(question.min, question.max + 1)
            ]
        else:
            options = [(c.label, c.value) for c in question.choices]
        choices = [questionary.Choice(title=title, value=value) for title, value in options]
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
            validate=_pick_one if question.required else _anything,
        )
    elif isinstance(question, ConfirmQuestion):
        prompt = questionary.confirm(message, default=default is not False)
    else:
        multiline = isinstance(question, MultilineQuestion)
        hint = "(Esc then Enter to finish)" if multiline else None
        prompt = questionary.text(
            message,
            default=default if isinstance(default, str) else "",
            multiline=multiline,
            instruction=" ".join(x for x in (instruction, hint) if x) or None,
            validate=_not_blank if question.required else _anything,
        )
    return _ask(prompt)


def _scale_label(question: ScaleQuestion, n: int) -> str:
    if n == question.min:
        return f"{n}  {question.min_label}"
    if n == question.max:
        return f"{n}  {question.max_label}"
    return str(n)


def _pick_one(values: list[str]) -> bool | str:
    return bool(values) or "pick at least one"


def _not_blank(text: str) -> bool | str:
    return bool(text.strip()) or "an answer is needed"


def _anything(_: object) -> bool:
    return True


def _select(message: str, options: list[tuple[str, Any, str | None]]) -> Any:
    """A menu of (title, value, why-disabled) options."""
    import questionary

    choices = [questionary.Choice(title=t, value=v, disabled=d) for t, v, d in options]
    return _ask(questionary.select(message, choices=choices))


# --- the walk ----------------------------------------------------------------------


@dataclass
class Walk:
    """One `exback start` session: the program, the store, the consoles, the clock."""

    program: Program
    store: Store
    ui: UI
    now: Callable[[], dt.datetime]
    today: Callable[[], dt.date]

    def progress(self) -> Progress:
        return self.store.load_progress() or logic.new_progress(self.now())

    def run(self, step_id: str | None = None) -> None:
        """The whole session (see the module docstring)."""
        first_run = self.store.load_progress() is None
        self.ui.say("If you need support right now: exback help-now")
        if step_id is not None:
            if self.walk_step(self.open_step(step_id)) == "stop":
                return self.stop()
            return self.home()
        if first_run:
            self.welcome()
            if self.carry_on() == "stop":
                return self.stop()
        self.home()

    def open_step(self, step_id: str) -> Step:
        """The step for --step, or exit 2 when it is unknown or locked."""
        step = self.program.step(step_id)
        if step is None:
            known = ", ".join(s.id for s in self.program.steps)
            raise UsageError(f"--step {step_id!r} is not a step; steps are: {known}")
        state = logic.step_state(self.program, self.progress(), step, self.today())
        if state.status == "locked":
            raise UsageError(f"--step {step_id!r} is locked: {state.reason}")
        return step

    def welcome(self) -> None:
        from rich.panel import Panel

        from exback.ui import user_text

        self.ui.out.print(
            Panel(
                user_text(  # the path is shown inert, never read as markup
                    "exback walks you through the weeks after a breakup, one step at a time: "
                    "understanding what happened, giving each other space, looking after "
                    "yourself and, only if it is healthy and mutual, reaching out with care.\n\n"
                    "Everything you write stays on this machine, in "
                    f"{self.store.root}. Nothing is sent anywhere. "
                    "Press Ctrl-C at any time: your answers are kept."
                ),
                title="Welcome to exback",
            )
        )

    def stop(self) -> None:
        self.ui.say(RESUME)

    def carry_on(self) -> str:
        """Walk the open steps in order until the user stops or none is left."""
        while True:
            step = logic.next_step(self.program, self.progress(), self.today())
            if step is None:
                self.ui.out.print("Every step open to you now is done.")
                self.show_countdown()
                return "done"
            if self.walk_step(step) == "stop":
                return "stop"

    def home(self) -> None:
        """The home menu, until quit."""
        while True:
            progress = self.progress()
            today = self.today()
            states = logic.step_states(self.program, progress, today)
            nxt = logic.next_step(self.program, progress, today)
            self.show_countdown(brief=True)
            done = [s for s in states if s.status == "done"]
            options: list[tuple[str, Any, str | None]] = [
                (f"Continue: {nxt.title}", "continue", None)
                if nxt
                else ("Continue", "continue", "every open step is done"),
                ("Choose another step", "choose", None),
                ("Review a finished step", "review", None if done else "nothing finished yet"),
                ("The no-contact countdown", "countdown", None),
                ("Quit", "quit", None),
            ]
            choice = _select("What would you like to do?", options)
            if choice == "quit":
                return self.stop()
            if choice == "continue" and self.carry_on() == "stop":
                return self.stop()
            if choice == "choose":
                picked = self.choose_step(states)
                if picked is not None and self.walk_step(picked) == "stop":
                    return self.stop()
            if choice == "review":
                picked = self.choose_step(done, verb="Review")
                if picked is not None and self.review(picked) == "stop":
                    return self.stop()
            if choice == "countdown":
                self.show_countdown()

    def choose_step(self, states: list[logic.StepState], verb: str = "Open") -> Step | None:
        """Pick a step; locked ones are listed with why, and cannot be picked."""
        marks = {"done": "done", "in_progress": "in progress", "available": "open"}
        options: list[tuple[str, Any, str | None]] = [
            (
                f"{s.step.title}" + (f" ({marks[s.status]})" if s.status in marks else ""),
                s.step.id,
                f"locked: {s.reason}" if s.status == "locked" else None,
            )
            for s in states
        ]
        options.append(("Back", None, None))
        step_id = _select(f"{verb} which step?", options)
        return self.program.step(step_id) if step_id else None

    def show_countdown(self, brief: bool = False) -> None:
        progress = self.progress()
        cd = logic.countdown(progress.no_contact, self.today())
        label = logic.countdown_label(self.program, progress)
        if cd is None:
            if not brief:
                self.ui.out.print(
                    "The no-contact countdown has not started; the step "
                    "'Give each other space' starts it."
                )
            return
        if cd.complete:
            self.ui.out.print(f"{label}: {cd.days} days complete. Well done.")
        else:
            self.ui.out.print(
                f"{label}: day {cd.day} of {cd.days}, {cd.days_remaining} to go "
                f"(ends {cd.ends_on.isoformat()}). The steps open meanwhile are in "
                "'Choose another step'."
            )

    def walk_step(self, step: Step) -> str:
        """Ask the step's open questions, then review it; 'stop' or 'next'."""
        if logic.needs_pressure_check(
            self.program, self.progress(), step, self.today()
        ) and not self.pressure_check(step):
            return "next"
        self.show_step(step)
        for question in logic.unanswered(step, self.progress()):
            if not self.answer(step, question):
                return "next"  # a route closed this step
        if step.starts_no_contact:
            self.start_countdown()
        return self.review(step)

    def pressure_check(self, step: Step) -> bool:
        """Ask the day's pressure check; False when its answers pause contact steps."""
        from rich.panel import Panel

        check = self.program.pressure_check
        assert check is not None
        self.ui.out.print(Panel(" ".join(check.summary.split()), title=check.title))
        answers = {q.id: logic.check_answer(q, ask(q)) for q in check.questions}
        now, today = self.now(), self.today()
        with self.store.lock():
            progress = self.store.load_progress() or logic.new_progress(now)
            record = logic.record_pressure_check(self.program, progress, answers, today, now)
            self.store.save_progress(progress)
        if record.paused:
            self.ui.out.print(
                Panel(
                    " ".join(check.pause_reason.split()),
                    title=f"{step.title}: paused until tomorrow",
                    border_style="yellow",
                )
            )
        return not record.paused

    def show_step(self, step: Step) -> None:
        from rich.panel import Panel
        from rich.text import Text

        body = Text(" ".join(step.summary.split()))
        if step.tips:
            body.append("\n\nTips\n", style="bold")
            body.append("\n".join(f"• {tip}" for tip in step.tips))
        if step.actions:
            body.append("\n\nThings to do\n", style="bold")
            body.append("\n".join(f"☐ {a.text}" for a in step.actions))
        self.ui.out.print(Panel(body, title=step.title, title_align="left"))

    def answer(self, step: Step, question: Question) -> bool:
        """Ask, check and save one answer; False when a route now locks the step."""
        saved = self.progress().steps.get(step.id)
        previous = (
            saved.answers[question.id].value if saved and question.id in saved.answers else None
        )
        value = logic.check_answer(question, ask(question, previous))
        changes = self.save(step, question, value)
        for change in changes:
            self.announce(change)
        state = logic.step_state(self.program, self.progress(), step, self.today())
        return state.status != "locked"

    def save(self, step: Step, question: Question, value: Any) -> list[RouteChange]:
        """Re-read, record and write under the lock, so no other writer is overwritten."""
        now = self.now()
        with self.store.lock():
            progress = self.store.load_progress() or logic.new_progress(now)
            changes = logic.record_answer(self.program, progress, step, question, value, now)
            self.store.save_progress(progress)
        return changes

    def announce(self, change: RouteChange) -> None:
        from rich.panel import Panel

        route = self.program.routes.get(change.route)
        if route is None:
            return
        if change.active:
            self.ui.out.print(
                Panel(
                    f"{' '.join(route.reason.split())}\n\nThe steps about contacting them "
                    "are closed now. Everything else stays open for you. If you need support "
                    "right now: exback help-now",
                    title=route.title,
                    border_style="yellow",
                )
            )
        else:
            self.ui.out.print(f"With your changed answer, '{route.title}' no longer applies.")

    def start_countdown(self) -> None:
        """Start the countdown from the no-contact step, unless one is running."""
        if self.progress().no_contact is not None:
            self.show_countdown()
            return
        settings = self.program.no_contact
        days = ask_days(settings.choices, settings.default_days)
        now, today = self.now(), self.today()
        with self.store.lock():
            progress = self.store.load_progress() or logic.new_progress(now)
            if progress.no_contact is None:
                progress.no_contact = nocontact.start_run(None, days, today, now)
                progress.updated_at = now
                self.store.save_progress(progress)
        exceptions = ", ".join(settings.exceptions) or "none"
        self.ui.out.print(
            f"Your no-contact period has started: {days} days, today is day 1. "
            f"Practical matters that may still need a short, polite exchange: {exceptions}."
        )

    def review(self, step: Step) -> str:
        """Show the step's answers: continue, redo one question, or stop for now."""
        while True:
            self.show_answers(step)
            choice = _select(
                "How would you like to go on?",
                [
                    ("Continue", "continue", None),
                    ("Redo one question", "redo", None),
                    ("Stop for now", "stop", None),
                ],
            )
            if choice != "redo":
                return "stop" if choice == "stop" else "next"
            options: list[tuple[str, Any, str | None]] = [
                (q.prompt, q.id, None) for q in step.questions
            ]
            options.append(("Back", None, None))
            question_id = _select("Which question?", options)
            question = next((q for q in step.questions if q.id == question_id), None)
            if question is not None and not self.answer(step, question):
                return "next"

    def show_answers(self, step: Step) -> None:
        from rich.table import Table

        from exback.ui import user_text

        saved = self.progress().steps.get(step.id)
        table = Table(title=f"Your answers: {step.title}", show_header=False, expand=False)
        table.add_column("Question", style="bold", max_width=50)
        table.add_column("Answer")
        for question in step.questions:
            answer = saved.answers.get(question.id) if saved else None
            shown = "(not answered)" if answer is None else logic.describe(question, answer.value)
            table.add_row(question.prompt, user_text(shown))
        self.ui.out.print(table)


# --- answers from a file --------------------------------------------------------------


def apply_answers_file(
    program: Program, store: Store, path: Path, now: dt.datetime, today: dt.date
) -> str:
    """Answer from a file: every answer is checked first, then all are saved together."""
    answers = _read_answers_file(path)
    pressure = answers.pop(PRESSURE_KEY, None)
    with store.lock():
        progress = store.load_progress() or logic.new_progress(now)
        count = 0
        if pressure is not None:
            _apply_pressure_answers(program, progress, path, pressure, now, today)
        for step_id, step_answers in answers.items():
            step = program.step(str(step_id))
            if step is None:
                known = ", ".join(s.id for s in program.steps)
                raise UsageError(f"{path}: unknown step {step_id!r}; steps are: {known}")
            state = logic.step_state(program, progress, step, today)
            if state.status == "locked":
                raise UsageError(f"{path}: step {step_id!r} is locked: {state.reason}")
            if logic.needs_pressure_check(program, progress, step, today):
                assert program.pressure_check is not None
                ids = ", ".join(q.id for q in program.pressure_check.questions)
                raise UsageError(
                    f"{path}: step {step_id!r} asks the day's pressure check first; add a "
                    f"'{PRESSURE_KEY}' section answering: {ids}"
                )
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


PRESSURE_KEY = "pressure_check"


def _apply_pressure_answers(
    program: Program,
    progress: Progress,
    path: Path,
    raw: Any,
    now: dt.datetime,
    today: dt.date,
) -> None:
    check = program.pressure_check
    if check is None:
        raise UsageError(f"{path}: this program has no pressure check")
    if not isinstance(raw, dict):
        raise UsageError(f"{path}: {PRESSURE_KEY}: expected question id -> answer")
    answers: dict[str, Any] = {}
    for question in check.questions:
        try:
            answers[question.id] = logic.check_answer(question, raw.get(question.id))
        except ValueError as exc:
            raise UsageError(f"{path}: {PRESSURE_KEY}, question {question.id!r}: {exc}") from None
    unknown = sorted(set(raw) - set(answers))
    if unknown:
        raise UsageError(f"{path}: {PRESSURE_KEY}: unknown question {unknown[0]!r}")
    logic.record_pressure_check(program, progress, answers, today, now)


def _read_answers_file(path: Path) -> dict[str, Any]:
    from exback.ui import inert

    def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise UsageError(
                    f"--answers-file {path}: duplicate key {inert(key)!r}; give each answer once"
                )
            seen[key] = value
        return seen

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read --answers-file {path}: {exc}") from None
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
        raise UsageError(f"--answers-file {path}: expected a mapping of step id -> answers")
    return data
