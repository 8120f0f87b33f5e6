"""Pure logic: step states, locks and their reasons, answers, routes, countdown."""

from __future__ import annotations

import datetime as dt

import pytest

from exback import program as logic
from exback.content import load_program
from exback.models import NoContactRecord, NoContactRun, Program
from exback.nocontact import Countdown

from .conftest import CONTENT

NOW = dt.datetime(2026, 11, 22, 21, 0, tzinfo=dt.timezone.utc)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program(CONTENT)


def _answer(program: Program, progress, step_id: str, question_id: str, value, now=NOW):
    step = program.step(step_id)
    question = next(q for q in step.questions if q.id == question_id)
    return logic.record_answer(
        program, progress, step, question, logic.check_answer(question, value), now
    )


def test_fresh_progress_starts_at_the_first_step(program: Program) -> None:
    progress = logic.new_progress(NOW)
    assert logic.next_step(program, progress, TODAY) == program.steps[0]
    assert {s.status for s in logic.step_states(program, progress, TODAY)} <= {
        "available",
        "locked",
    }


def test_step_goes_in_progress_then_done(program: Program) -> None:
    progress = logic.new_progress(NOW)
    _answer(program, progress, "understand", "reasons", "distance")
    assert logic.step_state(program, progress, program.step("understand"), TODAY).status == (
        "in_progress"
    )
    assert [q.id for q in logic.unanswered(program.step("understand"), progress)] == [
        "my_part",
        "their_view",
        "clarity",
    ]
    _answer(program, progress, "understand", "my_part", "me")
    _answer(program, progress, "understand", "clarity", 7)
    state = logic.step_state(program, progress, program.step("understand"), TODAY)
    assert state.status == "done"  # their_view is optional
    assert progress.steps["understand"].completed_at == NOW


def test_route_switches_on_and_off_with_its_date(program: Program) -> None:
    progress = logic.new_progress(NOW)
    changes = _answer(program, progress, "safety_check", "asked_no_contact", "said_no")
    assert [(c.route, c.active) for c in changes] == [("moving_on", True)]
    assert progress.active_routes() == {"moving_on"}
    later = NOW + dt.timedelta(days=3)
    changes = _answer(program, progress, "safety_check", "asked_no_contact", "not_said", later)
    assert [(c.route, c.active, c.at) for c in changes] == [("moving_on", False, later)]
    assert progress.active_routes() == set()
    assert len(progress.route_log) == 2  # history is kept, never rewritten


def test_route_stays_on_while_any_answer_selects_it(program: Program) -> None:
    progress = logic.new_progress(NOW)
    _answer(program, progress, "safety_check", "asked_no_contact", "said_no")
    _answer(program, progress, "safety_check", "moved_on", "moved_on")
    _answer(program, progress, "safety_check", "asked_no_contact", "not_said")
    assert progress.active_routes() == {"moving_on"}


def test_route_locks_named_steps_with_its_reason() -> None:
    base = load_program(CONTENT)
    route = base.routes["moving_on"].model_copy(update={"locks": ["no_contact"]})
    program = base.model_copy(update={"routes": {"moving_on": route}})
    progress = logic.new_progress(NOW)
    _answer(program, progress, "safety_check", "order", "order")
    state = logic.step_state(program, progress, program.step("no_contact"), TODAY)
    assert state.status == "locked" and state.reason == route.reason


def test_requirements_lock_until_done_and_countdown_complete(program: Program) -> None:
    step = program.steps[-1].model_copy(
        update={
            "requires": program.steps[-1].requires.model_copy(
                update={"steps": ["understand"], "no_contact_complete": True}
            )
        }
    )
    progress = logic.new_progress(NOW)
    state = logic.step_state(program, progress, step, TODAY)
    assert state.status == "locked" and "Understand why it ended" in state.reason
    for qid, value in (("reasons", "r"), ("my_part", "m"), ("clarity", 5)):
        _answer(program, progress, "understand", qid, value)
    state = logic.step_state(program, progress, step, TODAY)
    assert state.reason == "opens after the no-contact period; it has not started"
    progress.no_contact = NoContactRecord(
        runs=[NoContactRun(started_on=TODAY, days=30, started_at=NOW)]
    )
    state = logic.step_state(program, progress, step, TODAY + dt.timedelta(days=29))
    assert state.status == "locked" and "tomorrow" in state.reason
    state = logic.step_state(program, progress, step, TODAY + dt.timedelta(days=30))
    assert state.status == "available"


@pytest.mark.parametrize(
    ("kind_step", "qid", "value", "expected"),
    [
        ("understand", "clarity", "7", 7),
        ("understand", "clarity", 10, 10),
        ("no_contact", "terms", ["no_visits", "no_messages"], ["no_messages", "no_visits"]),
        ("no_contact", "ready", True, True),
    ],
)
def test_check_answer_normalises(program, kind_step, qid, value, expected) -> None:
    question = next(q for q in program.step(kind_step).questions if q.id == qid)
    assert logic.check_answer(question, value) == expected


@pytest.mark.parametrize(
    ("kind_step", "qid", "value"),
    [
        ("understand", "clarity", 0),
        ("understand", "clarity", True),
        ("understand", "clarity", 2.5),
        ("understand", "reasons", ""),
        ("understand", "reasons", 5),
        ("no_contact", "terms", "no_messages"),
        ("no_contact", "terms", []),
        ("no_contact", "ready", "yes"),
        ("safety_check", "order", "perhaps"),
    ],
)
def test_check_answer_rejects(program, kind_step, qid, value) -> None:
    question = next(q for q in program.step(kind_step).questions if q.id == qid)
    with pytest.raises(ValueError, match=r"expected|required|pick"):
        logic.check_answer(question, value)


def test_countdown_arithmetic() -> None:
    start = dt.date(2026, 3, 1)
    day1 = Countdown(start, 30, start)
    assert (day1.day, day1.days_remaining, day1.complete) == (1, 30, False)
    last = Countdown(start, 30, dt.date(2026, 3, 30))
    assert (last.day, last.days_remaining, last.complete) == (30, 1, False)
    done = Countdown(start, 30, dt.date(2026, 3, 31))
    assert (done.days_remaining, done.complete, done.ends_on) == (0, True, dt.date(2026, 3, 31))
