"""Counts read right ("1 day", never "1 days"), and every view tells one countdown story."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import time_machine

from exback import words
from exback.nocontact import Countdown

from .conftest import run

MARCH_1 = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [
        (1, "day", "1 day"),
        (0, "day", "0 days"),
        (2, "day", "2 days"),
        (1, "entry", "1 entry"),
        (3, "entry", "3 entries"),
        (1, "check-in", "1 check-in"),
        (5, "check-in", "5 check-ins"),
        (1, "route", "1 route"),
        (2, "journal entry", "2 journal entries"),
        (2, "logistics contact", "2 logistics contacts"),
    ],
)
def test_count(n: int, word: str, expected: str) -> None:
    assert words.count(n, word) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (MARCH_1, "No contact: day 1 of 30; complete on 2026-03-31, in 30 days."),
        (dt.date(2026, 3, 29), "No contact: day 29 of 30; complete on 2026-03-31, in 2 days."),
        (dt.date(2026, 3, 30), "No contact: day 30 of 30; complete tomorrow, 2026-03-31."),
        (dt.date(2026, 3, 31), "No contact: 30 days, complete since 2026-03-31."),
        (dt.date(2026, 5, 1), "No contact: 30 days, complete since 2026-03-31."),
    ],
)
def test_countdown_line_on_each_kind_of_day(today: dt.date, expected: str) -> None:
    assert words.countdown_line("No contact", Countdown(MARCH_1, 30, today)) == expected


def test_one_day_countdown() -> None:
    line = words.countdown_line("No contact", Countdown(MARCH_1, 1, MARCH_1))
    assert line == "No contact: day 1 of 1; complete tomorrow, 2026-03-02."
    done = words.countdown_line("No contact", Countdown(MARCH_1, 1, dt.date(2026, 3, 2)))
    assert done == "No contact: 1 day, complete since 2026-03-02."


def _views(runner) -> tuple[str, str, str]:
    status = run(runner, "status").stdout
    view = run(runner, "nocontact").stdout
    report = run(runner, "export", "--format", "md").stdout
    return status, view, report


def test_status_nocontact_and_report_say_the_same_on_day_1(runner) -> None:
    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False):
        assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0
        status, view, report = _views(runner)
    sentence = "No contact: day 1 of 30; complete on 2026-03-31, in 30 days."
    assert sentence in status and sentence in view
    assert "running: day 1 of 30, complete on 2026-03-31, in 30 days" in report
    assert "0 of 30 days behind you" in view
    assert "streak 0 days" in status and "Current streak 0 days" in view


def test_the_last_day_says_tomorrow(runner) -> None:
    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False):
        run(runner, "nocontact", "start", "--days", "30")
    with time_machine.travel("2026-03-30 23:00:00+00:00", tick=False):
        status, view, report = _views(runner)
    sentence = "No contact: day 30 of 30; complete tomorrow, 2026-03-31."
    assert sentence in status and sentence in view
    assert "running: day 30 of 30, complete tomorrow, 2026-03-31" in report


def test_a_finished_countdown_agrees_everywhere(runner) -> None:
    """Ten days after the end: one completion date, and the streak matches the calendar."""
    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False):
        run(runner, "nocontact", "start", "--days", "30")
    with time_machine.travel("2026-04-10 09:00:00+00:00", tick=False):
        status, view, report = _views(runner)
        data = json.loads(run(runner, "nocontact", "--json").stdout)
        summary = json.loads(run(runner, "status", "--json").stdout)["no_contact"]
    sentence = "No contact: 30 days, complete since 2026-03-31."
    assert sentence in status and sentence in view
    assert "| 1 | 2026-03-01 | 30 | 2026-03-31 | complete |" in report
    kept = [c["date"] for c in data["calendar"] if c["kind"] == "kept"]
    assert (kept[0], kept[-1], len(kept)) == ("2026-03-01", "2026-03-30", 30)
    assert (data["current_streak"], data["best_streak"], data["total_days_kept"]) == (30, 30, 30)
    assert (summary["current_streak"], summary["best_streak"]) == (30, 30)
    assert "streak 30 days · best 30 days" in status
    assert "30 days kept in all" in view
    assert "30 of 30 days behind you" in view


ONE_OF_A_KIND = re.compile(
    r"\b1 (days|entries|check-ins|routes|steps|urges|slips|answers|problems|tips|questions"
    r"|runs|events|logistics contacts)\b"
)


def test_one_of_anything_is_singular_everywhere(runner, data_dir: Path, tmp_path: Path) -> None:
    """A session with one of each thing: no "1 days", "1 entries" or "1 check-ins" anywhere."""
    said: list[str] = []

    def say(*args: str) -> None:
        result = run(runner, *args)
        assert result.exit_code == 0, result.output
        said.append(result.stdout + result.stderr)

    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False):
        say("nocontact", "start", "--days", "14")
        say("nocontact", "urge", "--note", "saw a photo")
        say("nocontact", "exception", "--reason", "keys")
        say("checkin", "--mood", "5", "--urge", "3")
        say("journal", "add", "one note")
        say("status")
        say("nocontact")
        say("content", "validate")
        say("export", "--output", str(tmp_path / "one.json"))
        say("journal", "list", "--json")
    with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False):
        say("nocontact", "slip")  # the best run so far: 1 day
        say("status")
        say("nocontact")
        say("export", "--format", "md")
        say("doctor")
        notes = tmp_path / "notes.json"
        notes.write_text(run(runner, "journal", "list", "--json").stdout)
        say("journal", "import", str(notes))
        say("reset", "--confirm", "delete", "--no-backup")
        say("restore", str(tmp_path / "one.json"))
    text = "\n".join(said)
    assert "1 day" in text and "1 route" in text and "1 check-in" in text
    assert not ONE_OF_A_KIND.findall(text), ONE_OF_A_KIND.findall(text)


def test_status_says_the_route_reason_once(runner, monkeypatch, tmp_path: Path) -> None:
    """The packaged program closes seven contact steps; the reason is said once, on top."""
    from .conftest import PACKAGED

    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(PACKAGED))
    monkeypatch.setenv("COLUMNS", "200")  # one table row a line, so the count is exact
    flag = tmp_path / "flag.yaml"
    flag.write_text("safety_check: {asked_no_contact: said_no}\n")
    assert run(runner, "start", "--answers-file", str(flag)).exit_code == 0
    data = json.loads(run(runner, "status", "--json").stdout)
    [route] = data["routes"]
    closed = [s for s in data["steps"] if s["reason"] == route["reason"]]
    assert len(closed) >= 5  # the JSON keeps each step's reason, for scripts
    human = run(runner, "status").stdout
    first_words = " ".join(route["reason"].split()[:8])
    assert " ".join(human.split()).count(first_words) == 1
    assert human.count("locked — see the note above") == len(closed)
