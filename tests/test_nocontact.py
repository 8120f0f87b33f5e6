"""The no-contact countdown and daily check-ins: pure arithmetic, then every command."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
import time_machine
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from exback import cli, nocontact
from exback.nocontact import Countdown

from .conftest import run

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
START = dt.date(2026, 3, 1)


def day(n: int) -> dt.date:
    """The date of day n of a run that starts on START."""
    return START + dt.timedelta(days=n - 1)


# --- pure arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "day_n", "remaining", "complete"),
    [
        (day(1), 1, 30, False),  # start
        (day(15), 15, 16, False),  # midway
        (day(30), 30, 1, False),  # last day
        (day(31), 30, 0, True),  # complete: today >= started_on + days
        (day(200), 30, 0, True),
    ],
)
def test_countdown(today: dt.date, day_n: int, remaining: int, complete: bool) -> None:
    cd = Countdown(START, 30, today)
    assert (cd.day, cd.days_remaining, cd.complete) == (day_n, remaining, complete)
    assert cd.ends_on == dt.date(2026, 3, 31)


def test_slip_on_day_12_of_30_restarts_and_keeps_history() -> None:
    record = nocontact.start_run(None, 30, START, NOW)
    record = nocontact.log_event(record, "urge", day(5), NOW, "saw a photo")
    record = nocontact.log_event(record, "slip", day(12), NOW, "I called")
    assert [(r.started_on, r.ended_on, r.end_reason) for r in record.runs] == [
        (day(1), day(12), "slip"),
        (day(12), None, None),
    ]
    s = nocontact.summarise(record, day(12))
    assert (s.countdown.day, s.countdown.days_remaining) == (1, 30)
    assert (s.current_streak, s.best_streak, s.total_kept) == (0, 11, 11)
    assert (s.urges, s.slips, s.exceptions) == (1, 1, 0)
    later = nocontact.summarise(record, day(25))
    assert (later.current_streak, later.best_streak, later.total_kept) == (13, 13, 24)
    kinds = [nocontact.day_kind(record, day(n)) for n in (1, 5, 11, 12, 13)]
    assert kinds == ["kept", "urge", "kept", "slip", "kept"]


def test_exception_does_not_break_the_count() -> None:
    record = nocontact.start_run(None, 30, START, NOW)
    record = nocontact.log_event(record, "exception", day(3), NOW, "school handover")
    s = nocontact.summarise(record, day(10))
    assert len(record.runs) == 1
    assert (s.countdown.day, s.current_streak, s.exceptions) == (10, 9, 1)
    assert nocontact.day_kind(record, day(3)) == "exception"


def test_restart_ends_the_run_as_a_restart() -> None:
    record = nocontact.start_run(None, 30, START, NOW)
    record = nocontact.start_run(record, 14, day(8), NOW)
    assert [(r.days, r.end_reason) for r in record.runs] == [(30, "restart"), (14, None)]
    assert nocontact.summarise(record, day(8)).best_streak == 7


def test_leap_day() -> None:
    cd = Countdown(dt.date(2028, 2, 28), 2, dt.date(2028, 2, 29))
    assert (cd.day, cd.days_remaining, cd.ends_on) == (2, 1, dt.date(2028, 3, 1))
    assert Countdown(dt.date(2028, 2, 28), 2, dt.date(2028, 3, 1)).complete


def test_calendar_weeks_start_on_monday() -> None:
    record = nocontact.start_run(None, 30, dt.date(2026, 11, 18), NOW)  # a Wednesday
    weeks = nocontact.calendar_weeks(record, dt.date(2026, 11, 24))
    assert weeks[0][:2] == [None, None] and weeks[0][2] == dt.date(2026, 11, 18)
    assert weeks[1][1] == dt.date(2026, 11, 24) and weeks[1][2] is None


# --- commands ---------------------------------------------------------------------------


def nc_json(runner) -> dict:
    return json.loads(run(runner, "nocontact", "--json").stdout)


def status_json(runner) -> dict:
    return json.loads(run(runner, "status", "--json").stdout)


def test_commands_over_a_month(runner) -> None:
    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False):
        started = run(runner, "nocontact", "start")
        assert started.exit_code == 0, started.output
        assert "30 days from today (2026-03-01), complete on 2026-03-31" in started.stderr
        assert "Children and co-parenting" not in started.stderr  # fixture program's wording
        assert "children and co-parenting" in started.stderr
    with time_machine.travel("2026-03-05 22:00:00+00:00", tick=False):
        urge = run(runner, "nocontact", "urge", "--note", "saw their photo")
        assert urge.exit_code == 0 and "Urge resisted: that is 1 so far" in urge.stderr
        assert "Try this:" in urge.stderr
    with time_machine.travel("2026-03-07 12:00:00+00:00", tick=False):
        exc = run(runner, "nocontact", "exception", "--reason", "keys handover")
        assert exc.exit_code == 0 and "count goes on" in exc.stderr
    with time_machine.travel("2026-03-12 20:00:00+00:00", tick=False):
        slip = run(runner, "nocontact", "slip", "--note", "I replied")
        assert slip.exit_code == 0
        assert (
            "your best run, 11 days, stays in your record" in slip.stderr
            and "day 1 of 30" in slip.stderr
        )
    with time_machine.travel("2026-03-20 08:00:00+00:00", tick=False):
        data = nc_json(runner)
        assert data["day"] == 9 and data["days_remaining"] == 22
        assert (data["best_streak"], data["current_streak"], data["total_days_kept"]) == (
            11,
            8,
            19,
        )
        assert (data["urges"], data["exceptions"], data["slips"]) == (1, 1, 1)
        assert [r["end_reason"] for r in data["runs"]] == ["slip", None]
        kinds = {c["date"]: c["kind"] for c in data["calendar"]}
        assert kinds["2026-03-05"] == "urge" and kinds["2026-03-07"] == "exception"
        assert kinds["2026-03-12"] == "slip" and kinds["2026-03-20"] == "kept"
        summary = status_json(runner)["no_contact"]
        assert {
            "started_on",
            "days",
            "day",
            "days_remaining",
            "ends_on",
            "slips",
            "urges",
            "exceptions",
            "best_streak",
        } <= set(summary)
        assert summary["started_on"] == "2026-03-12" and summary["ends_on"] == "2026-04-11"
        view = run(runner, "nocontact").stdout
        assert "No contact: day 9 of 30" in view
        assert "[✓]" in view  # today, marked
        assert "✗" in view and "U" in view and "L" in view


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nocontact", "start", "--days", "0"], "--days"),
        (["nocontact", "start", "--days", "400"], "--days"),
        (["nocontact", "start", "--days", "abc"], "--days"),
        (["nocontact", "slip"], "no no-contact period has started"),
        (["nocontact", "urge"], "no no-contact period has started"),
        (["nocontact", "exception", "--reason", "x"], "no no-contact period has started"),
        (["nocontact", "exception"], "--reason"),
        (["checkin", "--mood", "11", "--urge", "1"], "--mood"),
        (["checkin", "--mood", "5", "--urge", "-1"], "--urge"),
        (["checkin", "--urge", "3"], "--mood (1-10) is needed"),
        (["checkin", "--mood", "3"], "--urge (0-10) is needed"),
        (["checkin", "--mood", "3", "--urge", "2", "--note", " "], "--note is empty"),
    ],
)
def test_bad_input_is_exit_2_and_saves_nothing(
    runner, data_dir: Path, args: list[str], message: str
) -> None:
    result = run(runner, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (data_dir / "progress.json").exists()


@time_machine.travel("2026-03-03 09:00:00+00:00", tick=False)
def test_starting_again_needs_restart_and_keeps_history(runner) -> None:
    assert run(runner, "nocontact", "start", "--days", "14").exit_code == 0
    again = run(runner, "nocontact", "start", "--days", "30")
    assert again.exit_code == 2 and "--restart" in again.stderr
    assert run(runner, "nocontact", "start", "--days", "30", "--restart").exit_code == 0
    data = nc_json(runner)
    assert data["days"] == 30
    assert [(r["days"], r["end_reason"]) for r in data["runs"]] == [(14, "restart"), (30, None)]


def test_view_before_any_start(runner) -> None:
    assert json.loads(run(runner, "nocontact", "--json").stdout) is None
    assert "No no-contact period has started" in run(runner, "nocontact").stdout
    assert status_json(runner)["no_contact"] is None


def test_contact_steps_unlock_exactly_on_the_completion_day(runner, tmp_path: Path) -> None:
    answers = tmp_path / "safe.yaml"
    answers.write_text(
        "safety_check: {asked_no_contact: not_said, order: no_order, fear: no_fear,"
        " moved_on: not_moved_on}\n"
    )

    def reach_out() -> dict:
        return next(s for s in status_json(runner)["steps"] if s["id"] == "reach_out")

    with time_machine.travel("2026-03-01 09:00:00+00:00", tick=False):
        run(runner, "start", "--answers-file", str(answers))
        run(runner, "nocontact", "start", "--days", "14")
        assert "opens on 2026-03-15, in 14 days," in reach_out()["reason"]
    with time_machine.travel("2026-03-14 23:59:59+00:00", tick=False):
        state = reach_out()
        assert state["status"] == "locked" and "opens on 2026-03-15, tomorrow," in state["reason"]
    with time_machine.travel("2026-03-15 00:00:00+00:00", tick=False):
        assert reach_out()["status"] == "available"
        assert status_json(runner)["no_contact"]["complete"] is True


def test_dst_change_neither_loses_nor_adds_a_day(runner, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        # 23:30 local on 28 March; clocks go forward at 02:00 local on 29 March
        with time_machine.travel("2026-03-28 22:30:00+00:00", tick=False):
            run(runner, "nocontact", "start", "--days", "14")
            assert nc_json(runner)["started_on"] == "2026-03-28"
        with time_machine.travel("2026-03-28 23:30:00+00:00", tick=False):  # 00:30 local, 29th
            assert nc_json(runner)["day"] == 2
        with time_machine.travel("2026-04-10 21:50:00+00:00", tick=False):  # 23:50 local, 10th
            assert nc_json(runner)["complete"] is False
        with time_machine.travel("2026-04-10 22:10:00+00:00", tick=False):  # 00:10 local, 11th
            data = nc_json(runner)
            assert data["complete"] is True and data["ends_on"] == "2026-04-11"
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_moving_across_time_zones_uses_the_local_calendar_day(runner, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        with time_machine.travel("2026-05-01 14:00:00+00:00", tick=False):  # 23:00 in Tokyo
            run(runner, "nocontact", "start", "--days", "14")
        monkeypatch.setenv("TZ", "America/New_York")
        time.tzset()
        with time_machine.travel("2026-05-01 16:00:00+00:00", tick=False):  # 12:00 in New York
            data = nc_json(runner)
            assert (data["started_on"], data["day"], data["days_remaining"]) == (
                "2026-05-01",
                1,
                14,
            )
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


# --- check-ins --------------------------------------------------------------------------


def test_checkin_once_a_day_with_replace(runner) -> None:
    with time_machine.travel("2026-03-01 20:00:00+00:00", tick=False):
        first = run(runner, "checkin", "--mood", "4", "--urge", "7", "--note", "hard day")
        assert first.exit_code == 0
        assert "Check-in saved for 2026-03-01: mood 4/10, urge 7/10." in first.stderr
        second = run(runner, "checkin", "--mood", "6", "--urge", "2")
        assert second.exit_code == 2 and "--replace" in second.stderr
        replaced = run(runner, "checkin", "--mood", "6", "--urge", "2", "--replace")
        assert "Check-in replaced" in replaced.stderr
    with time_machine.travel("2026-03-02 20:00:00+00:00", tick=False):
        assert run(runner, "checkin", "--mood", "9", "--urge", "0").exit_code == 0
        checkins = status_json(runner)["checkins"]
        assert checkins["count"] == 2 and checkins["last_mood"] == 9
        assert checkins["mood_trend"] == [6, 9]
        assert "check-ins ▅▇" in run(runner, "status").stdout


def test_checkin_prompts_for_what_is_missing(runner, data_dir: Path, monkeypatch) -> None:
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    with create_pipe_input() as pipe:
        # mood: 1..10, 5; urge 0..10, 0; note: "tired"
        pipe.send_text("5\r" + "0\r" + "tired\r")
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            result = run(runner, "checkin")
    assert result.exit_code == 0, result.output
    saved = json.loads((data_dir / "progress.json").read_text())["checkins"]
    assert [(c["mood"], c["urge"], c["note"]) for c in saved] == [(5, 0, "tired")]
