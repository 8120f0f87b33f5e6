"""What a person sees: every question of the packaged program on a real screen.

The installed `exback` runs in a pseudo-terminal at 80×24, 60×20 and 40×15; pyte
renders its output as a terminal would (cursor-position requests answered), and the
tests read that screen: the question's first words while it waits, and what is
typed before it is submitted.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from exback.content import load_program
from exback.models import (
    Answer,
    ChoiceQuestion,
    ConfirmQuestion,
    MultilineQuestion,
    MultiQuestion,
    NoContactRecord,
    NoContactRun,
    PressureRecord,
    Progress,
    Question,
    ScaleQuestion,
    Step,
    StepProgress,
)

from .conftest import PACKAGED, sample_answer
from .screen import ENTER, FINISH, Terminal

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]  # a real terminal or pipe, end to end

SIZES = [(80, 24), (60, 20), (40, 15)]
PROGRAM = load_program(PACKAGED)
PHRASE = "zebra kite"
CLEAR = "\x15"  # Ctrl-U: clears a default the content put on the line


@pytest.fixture(autouse=True)
def packaged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(PACKAGED))


def first_words(question: Question, count: int = 3) -> str:
    return " ".join(question.prompt.split()[:count]).rstrip(",;:.?!")


def typed(question: Question) -> str:
    """What to type for the calm answer (no route, no red flag, no care response)."""
    value = sample_answer(question)
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        picked = value if isinstance(value, list) else [value]
        values = [c.value for c in question.choices]
        return " ".join(str(values.index(v) + 1) for v in picked)
    if isinstance(question, ConfirmQuestion):
        return "y" if value else "n"
    if isinstance(question, ScaleQuestion):
        return str(value)
    return PHRASE


def seed_all_open_but(data_dir: Path, target: Step, pressure_checked: bool = True) -> None:
    """Progress in which every other step is done and the countdown has long ended."""
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    today = dt.date.today()
    long_ago = now - dt.timedelta(days=100)
    progress = Progress(
        created_at=long_ago,
        updated_at=long_ago,
        steps={
            s.id: StepProgress(
                started_at=long_ago,
                completed_at=long_ago,
                answers={
                    q.id: Answer(value=sample_answer(q), answered_at=long_ago) for q in s.questions
                },
            )
            for s in PROGRAM.steps
            if s.id != target.id
        },
        no_contact=NoContactRecord(
            runs=[
                NoContactRun(
                    started_on=today - dt.timedelta(days=100), days=30, started_at=long_ago
                )
            ]
        ),
        pressure_checks=[
            PressureRecord(on=today, at=now, answers={}, paused=False, steps=[target.id])
        ]
        if pressure_checked
        else [],
    )
    data_dir.mkdir(mode=0o700, exist_ok=True)
    (data_dir / "progress.json").write_text(progress.model_dump_json())


def walk_questions(term: Terminal, questions: list[Question]) -> None:
    for question in questions:
        term.wait_for(first_words(question))
        term.wait_prompt()
        answer = typed(question)
        term.type(CLEAR + answer)
        term.wait_for(answer)  # what is typed shows before it is submitted
        term.type(FINISH if isinstance(question, MultilineQuestion) else ENTER)


@pytest.mark.parametrize(("columns", "rows"), SIZES, ids=[f"{c}x{r}" for c, r in SIZES])
def test_every_question_is_on_screen_and_typing_shows(
    data_dir: Path, columns: int, rows: int
) -> None:
    asked = 0
    for step in PROGRAM.steps:
        if not step.questions:
            continue
        seed_all_open_but(data_dir, step)
        term = Terminal("start", "--step", step.id, columns=columns, rows=rows)
        questions = list(step.questions)
        if step.waits is not None:  # what happened is asked on a later day: say it was done
            cut = [q.id for q in questions].index(step.waits.after) + 1
            walk_questions(term, questions[:cut])
            term.wait_for("What happened next is asked from")
            term.wait_prompt()
            term.type("\x03")
            assert term.finish() == 130
            progress = json.loads((data_dir / "progress.json").read_text())
            sent = progress["steps"][step.id]["answers"][step.waits.after]
            sent["answered_at"] = (
                dt.datetime.fromisoformat(sent["answered_at"]) - dt.timedelta(days=1)
            ).isoformat()
            (data_dir / "progress.json").write_text(json.dumps(progress))
            term = Terminal("start", "--step", step.id, columns=columns, rows=rows)
            questions = questions[cut:]
        walk_questions(term, questions)
        asked += len(step.questions)
        term.wait_for("How would you like to go on?")
        term.wait_prompt()
        term.type("\x03")
        assert term.finish() == 130
        saved = json.loads((data_dir / "progress.json").read_text())["steps"][step.id]
        assert set(saved["answers"]) == {q.id for q in step.questions}
    assert asked == sum(len(s.questions) for s in PROGRAM.steps)


@pytest.mark.parametrize(("columns", "rows"), SIZES, ids=[f"{c}x{r}" for c, r in SIZES])
def test_the_pressure_check_is_on_screen_before_a_contact_step(
    data_dir: Path, columns: int, rows: int
) -> None:
    check = PROGRAM.pressure_check
    step = next(s for s in PROGRAM.steps if s.contact)
    assert check is not None
    seed_all_open_but(data_dir, step, pressure_checked=False)
    term = Terminal("start", "--step", step.id, columns=columns, rows=rows)
    for question in check.questions:
        term.wait_for(first_words(question))
        term.wait_prompt()
        answer = typed(question)
        term.type(CLEAR + answer)
        term.wait_for(answer)
        term.type(ENTER)
    term.wait_for(first_words(step.questions[0]))
    term.wait_prompt()
    term.type("\x03")
    assert term.finish() == 130
    saved = json.loads((data_dir / "progress.json").read_text())
    assert [p["paused"] for p in saved["pressure_checks"]] == [False]
