"""`exback sos`: the moment of the urge, as one calm flow. Offered from the walk's menu too.

1. A pause: a countdown the content sets (sos.yaml), which Enter ends early.
2. The day after an outcome, once: "How did you feel an hour after?".
3. The person's own words, exactly as written (their urge plan, why it ended, what
   kept going wrong: sos.yaml names the answers), and their own evidence once there
   is enough of it (urges.py); Enter goes on, when they have read them. A missing
   answer of their own text is offered, briefly (y or n), and saved in its step.
4. A letter they want to send, kept in the letters vault and never sent, on hold
   for a day (commands/letters.py).
5. A paced breath of about a minute (pacing.py), animated, or plain lines.
6. The outcome (held on, contacted them, not sure yet) with optional triggers,
   logged as an urge; "I contacted them" is also a slip, as kindly said as
   `nocontact slip`.

Every answer is saved as soon as it is given; Ctrl-C keeps what was saved. Without
a terminal it refuses at once (exit 2), naming what to run instead. When the data
cannot be read, the pause and the breath still run, and it says why nothing else does. Also here:
what `start` offers first (a letter whose hold has passed, the next day's question).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from exback import care, letters, nocontact, pacing, safety_plan, urges
from exback import program as logic
from exback.commands import letters as vault
from exback.errors import DataCorruptError, NotInteractiveError
from exback.models import (
    FeltAfter,
    MultilineQuestion,
    MultiQuestion,
    Outcome,
    TextQuestion,
    Trigger,
)
from exback.prompts import Option

if TYPE_CHECKING:
    from exback.models import Program, Progress
    from exback.prompts import Prompter
    from exback.storage import Store
    from exback.ui import UI

NOT_A_TERMINAL = (
    "sos needs a terminal for its pause and questions. Without one, log the urge with: "
    'exback nocontact urge --note "..."; keep a letter you will not send with: '
    "exback letters add"
)
STOPPED = (
    "Stopped; everything you wrote is kept. 'exback sos' is here whenever the urge comes back, "
    "and 'exback help-now' if you need someone now."
)


@dataclass(frozen=True)
class OwnWords:
    """One answer shown back: its title and the text as written, or what to say instead."""

    title: str
    text: str | None
    missing: str
    step: str
    question_model: TextQuestion | MultilineQuestion | None = None
    """The question, when it asks for the person's own text (offered when missing)."""


def own_words(program: Program, progress: Progress | None) -> list[OwnWords]:
    """The answers sos.yaml names, exactly as the person wrote them (labels for choices)."""
    shown = []
    for words in program.sos.own_words:
        step = program.step(words.step)
        questions = step.questions if step else []
        question = next((q for q in questions if q.id == words.question), None)
        saved = progress.steps.get(words.step) if progress else None
        answer = saved.answers.get(words.question) if saved else None
        value = answer.value if answer else None
        text: str | None = None
        if question is not None and value not in (None, "", []):
            if isinstance(question, MultiQuestion) and isinstance(value, list):
                text = "\n".join(c.label for c in question.choices if c.value in value)
            else:
                text = logic.describe(question, value)
        own = question if isinstance(question, TextQuestion | MultilineQuestion) else None
        text = text if text and text.strip() else None
        shown.append(OwnWords(words.title, text, words.missing, words.step, own))
    return shown


def run_sos(
    load_program: Callable[[], Program],
    store: Store,
    ui: UI,
    prompter: Prompter,
    now: Callable[[], dt.datetime],
    today: Callable[[], dt.date],
    interactive: bool,
) -> None:
    """`exback sos`: exit 2 at once without a terminal, naming what to run instead."""
    if not interactive:
        raise NotInteractiveError(NOT_A_TERMINAL)
    Sos(load_program(), store, ui, prompter, now, today).run()


@dataclass
class Sos:
    """One `exback sos`: the program, the store, the consoles, a prompter and the clock."""

    program: Program
    store: Store
    ui: UI
    prompter: Prompter
    now: Callable[[], dt.datetime]
    today: Callable[[], dt.date]

    def run(self) -> None:
        """The whole flow (see the module docstring)."""
        from exback import render

        render.sos_intro(self.ui)
        self.pause()
        try:
            progress = self.store.load_progress()
        except DataCorruptError as exc:  # the pause and the breath need no data: go on
            self.ui.say(render.sos_without_data(exc.message))
            self.breathe()
            return
        ask_feeling(self.store, self.prompter, self.now, self.today)
        record = progress.no_contact if progress else None
        shown = own_words(self.program, progress)
        evidence = urges.evidence(record)
        if shown or evidence:  # content may name no answers to show back
            render.own_words(self.ui, shown, evidence)
            self.prompter.go_on()
            self.write_missing(shown)
        self.letter()
        self.breathe()
        self.outcome()

    def pause(self) -> None:
        from exback import render

        sos = self.program.sos
        total = sos.pause_seconds
        self.prompter.wait(
            total,
            lambda t: render.pause_frame(pacing.seconds_left(total, t), total, sos.pause_why),
            lambda t: render.pause_line(pacing.seconds_left(total, t), sos.pause_why, t == 0),
            pacing.pause_marks(total),
            "Enter when you are ready to go on",
        )

    def write_missing(self, shown: list[OwnWords]) -> None:
        """Offer, briefly, to write each missing answer that is the person's own text."""
        from exback import render

        for words in shown:
            step, question = self.program.step(words.step), words.question_model
            if words.text is not None or step is None or question is None:
                continue
            if not self.prompter.confirm(render.write_now_question(words.title)):
                continue
            value = self.prompter.ask(question)
            if not value or not str(value).strip():
                continue
            moment = self.now()
            with self.store.update(moment) as progress:
                logic.record_answer(self.program, progress, step, question, value, moment)
            self.ui.say(render.own_words_saved(step.title))
            if care.text_needs_care(self.program, str(value)):
                self.gentle_line()

    def gentle_line(self) -> None:
        """The one quiet line after text from a hard place, once it is saved."""
        progress = self.store.load_progress()
        plan = progress.safety_plan if progress else None
        self.ui.say(care.gentle_line(safety_plan.has_content(plan)))

    def letter(self) -> None:
        from exback import render

        text = self.prompter.ask(render.letter_question())
        if not text or not str(text).strip():
            return
        kept = vault.add(self.store, str(text), self.now(), during_urge=True)
        self.ui.say(render.letter_kept(kept))
        if care.text_needs_care(self.program, str(text)):  # saved first, then a gentle line
            self.gentle_line()

    def breathe(self) -> None:
        from exback import render

        pattern = self.program.sos.breathing
        self.ui.out.print()
        self.ui.out.print(render.breathing_intro(pattern))
        self.prompter.wait(
            pacing.total_seconds(pattern),
            lambda t: render.breath_frame(pacing.breath_at(pattern, t)),
            lambda t: render.breath_line(pacing.breath_at(pattern, t)),
            pacing.breath_marks(pattern),
            "Enter to stop the exercise",
        )

    def outcome(self) -> None:
        """Where they are now, logged as an urge with its triggers (a slip if they contacted)."""
        from exback import render

        progress = self.store.load_progress()
        if progress is None or progress.no_contact is None:
            self.ui.say(render.NO_COUNTDOWN_FOR_OUTCOME)
            return
        options = [Option(label, value) for value, label in urges.OUTCOMES.items()]
        outcome = cast("Outcome", self.prompter.menu("Where are you now?", options))
        picked = self.prompter.ask(render.triggers_question())
        triggers = cast("list[Trigger]", list(picked or []))
        moment, today = self.now(), self.today()
        with self.store.update(moment) as saved:
            if saved.no_contact is None:  # reset meanwhile: nothing to log it in
                return
            saved.no_contact = urges.log_outcome(saved.no_contact, outcome, triggers, today, moment)
            record = saved.no_contact
        summary = nocontact.summarise(record, today)
        self.ui.say(render.sos_logged(outcome, summary.best_streak, record.current.days))


def ask_feeling(
    store: Store, prompter: Prompter, now: Callable[[], dt.datetime], today: Callable[[], dt.date]
) -> None:
    """The day after an outcome, once: how did they feel an hour after it?"""
    from exback import render

    progress = store.load_progress()
    record = progress.no_contact if progress else None
    index = urges.awaiting_feeling(record, today())
    if index is None or record is None:
        return
    event = record.events[index]
    options = [Option(label, value) for value, label in urges.FEELINGS.items()]
    felt = cast("FeltAfter", prompter.menu(render.feeling_question(event), options))
    with store.update(now()) as saved:
        record = saved.no_contact
        if record is not None and urges.awaiting_feeling(record, today()) == index:
            saved.no_contact = urges.set_feeling(record, index, felt)


def before_start(
    store: Store,
    ui: UI,
    prompter: Prompter,
    now: Callable[[], dt.datetime],
    today: Callable[[], dt.date],
) -> None:
    """What `start` offers first: the next day's question, then letters whose hold passed."""
    from exback import render

    ask_feeling(store, prompter, now, today)
    offered = letters.to_offer(store.load_progress(), now())
    if not offered:
        return
    vault.mark_offered(store, [n for n, _ in offered], now())
    for number, letter in offered:
        if prompter.confirm(render.reread_question(number, letter)):
            render.letter_view(ui, vault.read_again(store, number, now()))
