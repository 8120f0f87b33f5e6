"""The no-contact and check-in use cases, called directly: no CliRunner, a real store.

Each refusal leaves progress.json byte-identical; a person's "no" changes nothing;
the calendar and the numbers are computed once and read the same in every view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from exback import nocontact
from exback.commands import nocontact as cases
from exback.commands import status as views
from exback.content import load_program
from exback.errors import NotInteractiveError, UsageError
from exback.models import Program
from exback.prompts import Prompter
from exback.storage import Store
from exback.ui import UI

from .conftest import CONTENT

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TODAY = dt.date(2026, 3, 1)  # a Sunday


@pytest.fixture
def store(data_dir: Path) -> Store:
    return Store(data_dir)


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program(CONTENT)


@pytest.fixture
def answering() -> Iterator[object]:
    """A Prompter that reads the keys given to it, as a person at a terminal would."""
    from contextlib import ExitStack

    with ExitStack() as stack:

        def prompter(keys: str) -> Prompter:
            pipe = stack.enter_context(create_pipe_input())
            pipe.send_text(keys)
            pipe.close()
            stack.enter_context(create_app_session(input=pipe, output=DummyOutput()))
            return Prompter(UI(no_color=True))

        yield prompter


def test_a_second_start_is_refused_without_a_person_and_kept_on_no(
    store: Store, program: Program, answering
) -> None:
    started = cases.start(store, program, 30, False, TODAY, NOW, None)
    assert started is not None
    assert (started.started_on, started.ends_on) == (TODAY, dt.date(2026, 3, 31))
    saved = store.progress_path.read_bytes()
    later = TODAY + dt.timedelta(days=3)
    with pytest.raises(UsageError, match="--restart"):
        cases.start(store, program, 14, False, later, NOW, None)
    assert cases.start(store, program, 14, False, later, NOW, answering("n\r")) is None
    assert store.progress_path.read_bytes() == saved
    again = cases.start(store, program, 14, False, later, NOW, answering("y\r"))
    assert again is not None and again.ends_on == later + dt.timedelta(days=14)
    progress = store.load_progress()
    assert progress is not None and progress.no_contact is not None
    assert [r.end_reason for r in progress.no_contact.runs] == ["restart", None]


def test_a_finished_countdown_starts_again_without_asking(store: Store, program: Program) -> None:
    cases.start(store, program, 14, False, TODAY, NOW, None)
    assert cases.start(store, program, 20, False, TODAY + dt.timedelta(days=14), NOW, None)


def test_logging_before_a_start_is_refused_and_saves_nothing(
    store: Store, program: Program
) -> None:
    with pytest.raises(UsageError, match="exback nocontact start"):
        cases.log(store, lambda: program, "urge", None, TODAY, NOW)
    assert not store.progress_path.exists()
    with pytest.raises(UsageError, match="--reason is empty"):
        cases.log(store, lambda: program, "exception", "  ", TODAY, NOW)


def test_urges_are_counted_and_a_slip_keeps_the_best_run(store: Store, program: Program) -> None:
    cases.start(store, program, 30, False, TODAY, NOW, None)
    first = cases.log(store, lambda: program, "urge", None, TODAY, NOW)
    second = cases.log(store, lambda: program, "urge", "at midnight", TODAY, NOW)
    assert (first.urges, second.urges) == (1, 2)
    assert first.tip and second.tip
    slip = cases.log(store, lambda: program, "slip", None, TODAY + dt.timedelta(days=9), NOW)
    assert (slip.best_streak, slip.days, slip.tip) == (9, 30, None)


def test_checkin_refuses_a_second_without_a_person_and_keeps_it_on_no(
    store: Store, answering
) -> None:
    first = cases.checkin(store, 4, 7, None, False, TODAY, NOW, None)
    assert first is not None and not first.replaced
    saved = store.progress_path.read_bytes()
    with pytest.raises(UsageError, match=cases.ALREADY_CHECKED_IN):
        cases.checkin(store, 6, 2, None, False, TODAY, NOW, None)
    assert cases.checkin(store, 6, 2, None, False, TODAY, NOW, answering("n\r")) is None
    assert store.progress_path.read_bytes() == saved
    replaced = cases.checkin(store, 6, 2, None, False, TODAY, NOW, answering("y\r"))
    assert replaced is not None and replaced.replaced
    progress = store.load_progress()
    assert progress is not None
    assert [(c.mood, c.urge) for c in progress.checkins] == [(6, 2)]


def test_checkin_asks_only_for_what_is_missing(store: Store, answering) -> None:
    with pytest.raises(NotInteractiveError, match="--urge"):
        cases.checkin(store, 5, None, None, False, TODAY, NOW, None)
    result = cases.checkin(store, 1, None, None, False, TODAY, NOW, answering("9\r"))
    assert result is not None
    assert (result.checkin.mood, result.checkin.urge, result.checkin.note) == (1, 9, None)
    assert result.low  # mood 1: the CLI adds its gentle line


def test_the_calendar_is_computed_once_and_status_needs_none_of_it(
    store: Store, program: Program
) -> None:
    cases.start(store, program, 30, False, TODAY, NOW, None)
    cases.log(store, lambda: program, "urge", None, TODAY + dt.timedelta(days=1), NOW)
    today = TODAY + dt.timedelta(days=8)
    view = cases.view(store, lambda: program, today)
    assert view is not None
    assert [w.monday for w in view.weeks] == [
        dt.date(2026, 2, 23),
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
    ]
    assert view.weeks[0].days[:6] == [None] * 6 and view.weeks[1].days[0] == (
        dt.date(2026, 3, 2),
        "urge",
    )
    document = view.to_json()
    assert document["calendar"][0]["date"] == "2026-03-01"
    assert document["calendar"][-1] == {"date": "2026-03-09", "kind": "kept"}
    assert nocontact.MARKS[document["calendar"][1]["kind"]] == "U"
    shown = views.status(store, program, today, NOW)["no_contact"]
    assert "calendar" not in shown
    assert shown == {k: document[k] for k in views.STATUS_COUNTDOWN}


def test_a_slip_or_exception_is_saved_even_when_the_content_cannot_load(
    store: Store, program: Program
) -> None:
    from exback.errors import ContentError

    def broken() -> Program:
        raise ContentError("content/steps.yaml:1:1: broken")

    cases.start(store, program, 30, False, TODAY, NOW, None)
    assert cases.log(store, broken, "slip", None, TODAY, NOW).kind == "slip"
    assert cases.log(store, broken, "exception", "keys", TODAY, NOW).kind == "exception"
    with pytest.raises(ContentError):  # an urge's tip needs the program; the urge is saved first
        cases.log(store, broken, "urge", None, TODAY, NOW)
    progress = store.load_progress()
    assert progress is not None and progress.no_contact is not None
    assert [e.kind for e in progress.no_contact.events] == ["slip", "exception", "urge"]
