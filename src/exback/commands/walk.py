"""The guided walk (`exback start`). Prompts come from prompts.py; answers files are
commands/start.py.

The walk, as `Walk.run()` does it:
1. First run: a welcome (what exback is, how long it takes, where the data stays),
   then the first step.
2. Later runs: a home menu (continue where you left off, choose a step, review a
   finished step, the countdown, help now, quit). `--step ID` goes straight to one step.
3. A step: a panel "Step N of M" with its summary, tips and things to do, then each
   open question ("question k of n"); every answer is saved at once (under the lock),
   and routes switch at once. Ctrl-B goes back one question.
4. After the last question: the no-contact step starts the countdown; then a review of
   the step: continue, redo a question, tick off things to do, help now, or stop.
5. Ctrl-C or Ctrl-D at any prompt: what was answered stays saved, what was being typed
   is kept as a draft of that question, and the step is where `start` carries on; 130.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import program as logic
from exback.errors import Interrupted, NotInteractiveError, UsageError
from exback.models import (
    CareResponse,
    Program,
    Progress,
    Question,
    RouteChange,
    Step,
)
from exback.prompts import GoBack, Option, Prompter
from exback.ui import user_text

if TYPE_CHECKING:
    from exback.storage import Store
    from exback.ui import UI

HELP = "__help__"  # a menu value no step id can take
RESUME = "Your answers are saved. Run 'exback start' to carry on where you left off."
RESUME_DRAFT = (
    "Your answers are saved, and what you were typing is kept as a draft. "
    "Run 'exback start' to carry on where you left off."
)


@dataclass
class Walk:
    """One `exback start` session: the program, the store, the consoles, the clock."""

    program: Program
    store: Store
    ui: UI
    now: Callable[[], dt.datetime]
    today: Callable[[], dt.date]
    on_help: Callable[[], None] | None = None
    content_dir: Path | None = None
    """Where help_now.yaml is read from for care responses (None: the built-in one)."""
    prompter: Prompter = field(init=False)
    typed: dict[str, str] = field(default_factory=dict)
    """Text typed at a question before Ctrl-B went back from it, by question id."""
    saved: Progress | None = field(default=None, init=False, repr=False)
    """The progress as the last change saved it: what the walk shows until the next one."""

    def __post_init__(self) -> None:
        private = self.store.encrypted()  # the editor's copy goes to memory (issue 20)
        self.prompter = Prompter(self.ui, self.on_help, stop_message=RESUME, private=private)

    def progress(self) -> Progress:
        if self.saved is not None:
            return self.saved
        return self.store.load_progress() or logic.new_progress(self.now())

    def change(self, edit: Callable[[Progress], Any]) -> Any:
        """Re-read, change and write under the lock, so no other writer is overwritten.

        One load per answer: what was saved is kept for the walk to show.
        """
        with self.store.update(self.now()) as progress:
            result = edit(progress)
        self.saved = progress
        return result

    def begin(self, step_id: str | None, interactive: bool) -> None:
        """`exback start [--step ID]`: check the step, then the terminal, then `run`."""
        if step_id is not None:
            self.open_step(step_id)  # unknown or locked: exit 2 before anything else
        if not interactive:
            raise NotInteractiveError(
                "start needs a terminal to ask questions; pass --answers-file FILE to answer "
                "from a file"
            )
        if not self.store.root.exists():  # say it now rather than after the first answer
            if step_id is not None and self.store.on_create is not None:
                self.store.on_create(self.store.root)
            self.store.on_create = None  # said once: above, or in the welcome
        self.run(step_id)

    def run(self, step_id: str | None = None) -> None:
        """The whole session (see the module docstring)."""
        first_run = self.store.load_progress() is None
        self.ui.say("If you need support right now: exback help-now (or Ctrl-G at any question)")
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
        if state.status in ("locked", "waiting"):
            raise UsageError(f"--step {step_id!r} is {state.status}: {state.reason}")
        return step

    def welcome(self) -> None:
        from exback.render import walk_welcome

        walk_welcome(self.ui, len(self.program.steps), self.store.root)

    def stop(self) -> None:
        self.ui.say(RESUME)

    def resume_step(self, progress: Progress) -> Step | None:
        """The step the last session stopped in, when it is still open; else the next one."""
        today = self.today()
        current = self.program.step(progress.current_step or "")
        if current is not None:
            state = logic.step_state(self.program, progress, current, today)
            if state.status in ("in_progress", "available"):
                return current
        return logic.next_step(self.program, progress, today)

    def carry_on(self) -> str:
        """Walk the open steps in order until the user stops or none is left."""
        while True:
            step = self.resume_step(self.progress())
            if step is None:
                self.ui.out.print("Every step open to you now is done.")
                self.show_countdown()
                return "done"
            after = self.walk_step(step)
            if after in ("stop", "paused"):
                return after

    def home(self) -> None:
        """The home menu, until quit."""
        while True:
            progress = self.progress()
            states = logic.step_states(self.program, progress, self.today())
            nxt = self.resume_step(progress)
            self.show_countdown(brief=True)
            self.show_waiting(progress)
            done = [s for s in states if s.status == "done"]
            options = [
                Option(f"Continue: {nxt.title}", "continue")
                if nxt
                else Option("Continue", "continue", "every open step is done"),
                Option("Choose another step", "choose"),
                Option(
                    "Review a finished step", "review", None if done else "nothing finished yet"
                ),
                Option("The no-contact countdown", "countdown"),
                Option("An urge to contact them: pause first (exback sos)", "sos"),
                *self.help_option(),
                Option("Quit", "quit"),
            ]
            choice = self.prompter.menu(
                "What would you like to do?", options, "continue" if nxt else None
            )
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
            if choice == "sos":
                from exback.commands.sos import Sos

                Sos(self.program, self.store, self.ui, self.prompter, self.now, self.today).run()
            if choice == HELP:
                self.help()

    def help_option(self) -> list[Option]:
        return [Option("Help now", HELP)] if self.on_help is not None else []

    def help(self) -> None:
        assert self.on_help is not None
        self.on_help()

    def choose_step(self, states: list[logic.StepState], verb: str = "Open") -> Step | None:
        """Pick a step; locked ones are listed with why (a route's reason said once)."""
        from exback.render import walk_routes

        marks = {"done": "done", "in_progress": "in progress", "available": "open"}
        closed = {"locked": "locked", "waiting": "waiting"}
        routes = {
            r.reason: r.title
            for r in self.program.routes.values()
            if any(s.reason == r.reason for s in states)
        }
        walk_routes(self.ui, routes)
        options = [
            Option(
                s.step.title + (f" ({marks[s.status]})" if s.status in marks else ""),
                s.step.id,
                None
                if s.status not in closed
                else f"closed: {routes[s.reason]}"
                if s.reason in routes
                else f"{closed[s.status]}: {s.reason}",
            )
            for s in states
        ]
        options += [*self.help_option(), Option("Back", None)]
        while True:
            step_id = self.prompter.menu(f"{verb} which step?", options)
            if step_id != HELP:
                return self.program.step(step_id) if step_id else None
            self.help()

    def show_countdown(self, brief: bool = False) -> None:
        """The countdown in the sentence every view uses (words.countdown_line)."""
        from exback.words import countdown_line

        progress = self.progress()
        cd = logic.countdown(progress.no_contact, self.today())
        if cd is not None:
            label = logic.countdown_label(self.program, progress)
            self.ui.out.print(user_text(countdown_line(label, cd)))
        elif not brief:
            starter = next((s.title for s in self.program.steps if s.starts_no_contact), None)
            self.ui.out.print(
                user_text(
                    "The no-contact countdown has not started"
                    + (f"; the step '{starter}' starts it." if starter else ".")
                )
            )

    def show_waiting(self, progress: Progress) -> None:
        """One line for each step waiting for what happens after its action."""
        for pause in logic.waiting(self.program, progress, self.today()):
            self.ui.out.print(user_text(f"{pause.step.title}: {pause.message}."))

    def walk_step(self, step: Step) -> str:
        """Ask the step's open questions, then review it: 'stop', 'next', or 'paused'
        (the step stops at a pause: a hold, an action still to do, or waiting)."""
        pause = logic.step_pause(self.program, step, self.progress(), self.today())
        if pause is not None and pause.silence is not None:
            after = self.silence(step, pause)
            if after != "answer":
                return after
        elif pause is not None and pause.kind == "waiting":
            self.ui.out.print(user_text(f"{step.title}: {pause.message}."))
        if logic.needs_pressure_check(
            self.program, self.progress(), step, self.today()
        ) and not self.pressure_check(step):
            return "next"
        self.show_step(step)
        asked = self.ask_questions(step)
        if asked == "paused":
            return self.paused(step)
        if asked != "open":
            return "stop" if asked == "break" else "next"  # a break, or a route closed it
        if step.starts_no_contact:
            self.start_countdown()
        return self.review(step)

    def paused(self, step: Step) -> str:
        """Say why the step stops here for now, and let it be read: 'paused' or 'stop'."""
        from exback.render import walk_pause

        pause = logic.step_pause(self.program, step, self.progress(), self.today())
        assert pause is not None
        walk_pause(self.ui, step, pause)
        options = [Option("Back to the menu", "back"), *self.help_option()]
        while True:
            choice = self.prompter.menu(
                "How would you like to go on?", [*options, Option("Stop for now", "stop")]
            )
            if choice != HELP:
                return "stop" if choice == "stop" else "paused"
            self.help()

    def silence(self, step: Step, pause: logic.Pause) -> str:
        """Silence is an answer too: say so, and offer the moving-on step.

        'answer' to answer the waiting question after all; else 'paused', or 'stop'
        when the person stopped in the step offered.
        """
        from exback.render import walk_silence

        walk_silence(self.ui, step, pause)
        options = [Option("They've answered: say what happened", "answer")]
        if pause.offer is not None:
            options.append(Option(f"Open '{pause.offer.title}'", "offer"))
        options += [*self.help_option(), Option("Not now", "back")]
        while True:
            choice = self.prompter.menu("What would you like to do?", options)
            if choice == HELP:
                self.help()
                continue
            if choice == "offer" and pause.offer is not None:
                return "stop" if self.walk_step(pause.offer) == "stop" else "paused"
            return "answer" if choice == "answer" else "paused"

    def ask_questions(self, step: Step) -> str:
        """The step's open questions in order, Ctrl-B going back.

        'open' when done; 'closed' when a route closed the step; 'paused' when an
        answer paused it; 'break' when the person chose to take a break after a care
        response.
        """
        questions = step.questions
        open_ids = self.open_ids(step)
        index = next((i for i, q in enumerate(questions) if q.id in open_ids), len(questions))
        furthest = index
        while index < len(questions):
            furthest = max(furthest, index)
            try:
                after = self.answer(step, questions[index], can_go_back=index > 0)
            except GoBack as back:
                if back.text.strip():
                    self.typed[questions[index].id] = back.text
                index -= 1
                continue
            if after != "open":
                return after
            pause = logic.step_pause(self.program, step, self.progress(), self.today())
            if pause is not None and (not pause.due or questions.index(pause.question) <= index):
                return "paused"
            open_ids |= self.open_ids(step)  # an answer past a pause opens what follows it
            index += 1
            # beyond where this sitting has been, only questions still open are asked
            while furthest < index < len(questions) and questions[index].id not in open_ids:
                index += 1
        return "open"

    def open_ids(self, step: Step) -> set[str]:
        progress, today = self.progress(), self.today()
        return {q.id for q in logic.open_questions(self.program, step, progress, today)}

    def pressure_check(self, step: Step) -> bool:
        """Ask the day's pressure check; False when its answers pause contact steps."""
        from exback.render import pressure_check_intro, pressure_check_paused

        check = self.program.pressure_check
        assert check is not None
        pressure_check_intro(self.ui, check)
        answers: dict[str, Any] = {}
        count = len(check.questions)
        index = 0
        while index < count:
            question = check.questions[index]
            try:
                value = self.prompter.ask(
                    question,
                    answers.get(question.id),
                    position=f"{check.title} · question {index + 1} of {count}",
                    can_go_back=index > 0,
                )
            except GoBack:
                index -= 1
                continue
            answers[question.id] = logic.check_answer(question, value)
            index += 1
        now, today = self.now(), self.today()
        record = self.change(
            lambda p: logic.record_pressure_check(self.program, p, answers, today, now, [step.id])
        )
        if record.paused:
            pressure_check_paused(self.ui, check, step)
        return not record.paused

    def position(self, step: Step) -> str:
        number = self.program.steps.index(step) + 1
        return f"Step {number} of {len(self.program.steps)}"

    def show_step(self, step: Step) -> None:
        from exback.render import walk_step

        walk_step(self.ui, step, self.position(step))

    def answer(self, step: Step, question: Question, can_go_back: bool = False) -> str:
        """Ask, check and save one answer: 'open', 'closed' (a route now locks the
        step) or 'break' (the person takes a break after a care response).

        Ctrl-C keeps what was typed as the question's draft before the walk stops.
        """
        saved = self.progress().steps.get(step.id)
        previous = (
            saved.answers[question.id].value if saved and question.id in saved.answers else None
        )
        draft = self.typed.pop(question.id, None) or (
            saved.drafts.get(question.id) if saved else None
        )
        number = step.questions.index(question) + 1
        try:
            raw = self.prompter.ask(
                question,
                previous,
                position=f"{self.position(step)} · question {number} of {len(step.questions)}",
                can_go_back=can_go_back,
                draft=draft,
            )
        except Interrupted as stop:
            if stop.draft.strip() and stop.draft != str(previous if previous is not None else ""):
                self.keep_draft(step, question, stop.draft)
                raise Interrupted(RESUME_DRAFT) from None
            if self.store.load_progress() is not None:  # a first run stays a first run
                self.change(lambda p: setattr(p, "current_step", step.id))
            raise
        value = logic.check_answer(question, raw)
        changes, responses = self.save(step, question, value)
        if responses and self.care(responses) == "break":
            return "break"
        if not responses:
            self.gentle_line(question, value)
        for change in changes:
            self.announce(change)
        progress, today = self.progress(), self.today()
        state = logic.step_state(self.program, progress, step, today)
        pause = logic.step_pause(self.program, step, progress, today)
        paused = pause is not None and state.reason == pause.reason  # said by the caller
        return "closed" if state.status == "locked" and not paused else "open"

    def care(self, responses: list[CareResponse]) -> str:
        """Show care responses at once; then help now, the safety plan, a break, or go on."""
        from exback import care
        from exback.commands.care import walk_plan
        from exback.render import care_response

        help_now = care.load_help(self.content_dir)
        for response in responses:
            care_response(self.ui.out, response, help_now, self.progress().safety_plan)
        while True:
            choice = self.prompter.menu(
                "What would help now?",
                [
                    *(
                        [Option("See help now: who to call", "help")]
                        if self.on_help is not None
                        else []
                    ),
                    Option("Make or open my safety plan", "plan"),
                    Option("Take a break (everything is saved)", "break"),
                    Option("Go on with the program", "on"),
                ],
            )
            if choice == "help":
                self.help()
            elif choice == "plan":
                walk_plan(self.store, self.prompter, self.now)
                self.ui.out.print("Your safety plan is saved; 'exback help-now' shows it first.")
            else:
                return str(choice)

    def gentle_line(self, question: Question, value: Any) -> None:
        """One quiet line after a text answer that may come from a hard place."""
        from exback import care, safety_plan

        if care.answer_needs_line(self.program, question, value):
            self.ui.say(care.gentle_line(safety_plan.has_plan(self.progress())))

    def keep_draft(self, step: Step, question: Question, text: str) -> None:
        """Save half-typed text as the question's draft (the answer itself is unchanged)."""
        now = self.now()

        def edit(progress: Progress) -> None:
            logic.step_progress(progress, step, now).drafts[question.id] = text
            progress.current_step = step.id

        self.change(edit)

    def save(
        self, step: Step, question: Question, value: Any
    ) -> tuple[list[RouteChange], list[CareResponse]]:
        """Record one checked answer, and the care responses it brings (shown next).

        The answer's draft, if any, is done with.
        """
        now = self.now()

        def edit(progress: Progress) -> tuple[list[RouteChange], list[CareResponse]]:
            changes = logic.record_answer(self.program, progress, step, question, value, now)
            progress.steps[step.id].drafts.pop(question.id, None)
            progress.current_step = step.id
            responses = logic.care_for(self.program, question, value)
            for response in responses:
                logic.record_care(progress, response, step.id, question.id, value, now)
            return changes, responses

        result: tuple[list[RouteChange], list[CareResponse]] = self.change(edit)
        return result

    def announce(self, change: RouteChange) -> None:
        from exback.render import route_closed

        route = self.program.routes.get(change.route)
        if route is None:
            return
        if change.active:
            route_closed(self.ui, route)
        else:
            notice = logic.cooling_off_notice(self.program, change, self.today())
            self.ui.out.print(
                user_text(notice or f"With your changed answer, '{route.title}' no longer applies.")
            )

    def start_countdown(self) -> None:
        """Start the countdown from the no-contact step, unless one is running."""
        if self.progress().no_contact is not None:
            self.show_countdown()
            return
        from exback.commands import nocontact as countdown

        started = countdown.start(
            self.store, self.program, None, False, self.today(), self.now(), self.prompter
        )
        assert started is not None  # none was running, so nothing to keep
        exceptions = ", ".join(started.exceptions) or "none"
        self.ui.out.print(
            f"Your no-contact period has started: {started.days} days, today is day 1. "
            f"Practical matters that may still need a short, polite exchange: {exceptions}."
        )

    def review(self, step: Step) -> str:
        """Show the step: continue, redo a question, tick things off, help, or stop."""
        while True:
            self.show_answers(step)
            options = [
                Option("Continue", "continue"),
                Option("Redo one question", "redo"),
                *([Option("Tick off things to do", "tick")] if step.actions else []),
                *self.help_option(),
                Option("Stop for now", "stop"),
            ]
            choice = self.prompter.menu("How would you like to go on?", options, "continue")
            if choice == HELP:
                self.help()
            elif choice == "tick":
                self.tick_actions(step)
            elif choice == "redo":
                progress, today = self.progress(), self.today()
                question_id = self.prompter.menu(
                    "Which question?",
                    [
                        *(
                            Option(
                                q.prompt,
                                q.id,
                                logic.not_now(self.program, step, q, progress, today),
                            )
                            for q in step.questions
                        ),
                        Option("Back", None),
                    ],
                )  # Ctrl-G, named under it, shows help now here
                question = next((q for q in step.questions if q.id == question_id), None)
                after = self.answer(step, question) if question is not None else "open"
                if after != "open":
                    return "stop" if after == "break" else "next"
                if logic.step_pause(self.program, step, self.progress(), self.today()):
                    return self.paused(step)  # the changed answer pauses the step
            else:
                if choice == "continue" or logic.is_complete(step, self.progress()):
                    self.change(lambda p: setattr(p, "current_step", None))
                return "stop" if choice == "stop" else "next"

    def tick_actions(self, step: Step) -> None:
        """Tick off the step's things to do (and untick them)."""
        saved = self.progress().steps.get(step.id)
        question = logic.actions_question(step)
        done = self.prompter.ask(question, saved.actions_done if saved else [])
        now = self.now()
        self.change(lambda p: logic.set_actions_done(p, step, done, now))

    def show_answers(self, step: Step) -> None:
        from exback.render import step_answers

        step_answers(self.ui, step, self.progress().steps.get(step.id))
