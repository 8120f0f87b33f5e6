"""`exback sos` and letters: the flow through a pipe with a frozen clock, the pure rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from exback import cli, letters, pacing, urges
from exback.models import Breathing, Letter, NoContactEvent, NoContactRecord, NoContactRun

from .conftest import CONTENT, run, type_into

ENTER = "\r"
FINISH = "\x1b\r"  # Esc, Enter: ends a multiline answer
HOSTILE = "\x1b]0;x\x07\x1b[2J[/][bold]plan"
T0 = "2026-11-22 23:30:00+00:00"

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipe stands in for a person at a terminal."""
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)


def saved(data_dir: Path) -> dict:
    return json.loads((data_dir / "progress.json").read_text())


def prepare(runner, tmp_path: Path) -> None:
    """A countdown, and the person's own urge plan and reasons, in hostile text."""
    assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            {
                "no_contact": {"urge_plan": HOSTILE},
                "understand": {"reasons": "We stopped talking.\nI always said sorry."},
            }
        )
    )
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0


# --- without a terminal --------------------------------------------------------------------


def test_sos_without_a_terminal_is_exit_2_at_once_naming_what_to_run(runner, data_dir) -> None:
    result = run(runner, "sos")
    assert result.exit_code == 2
    assert "exback nocontact urge --note" in result.stderr
    assert "exback letters add" in result.stderr
    assert not data_dir.exists()  # nothing made, nothing asked


# --- the whole flow, and the next day -------------------------------------------------------


def test_sos_flow_then_the_hold_and_the_next_day_question(
    runner, data_dir: Path, tmp_path: Path, terminal: None
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        prepare(runner, tmp_path)
        keys = (
            ENTER  # the pause: Enter ends it early
            + ENTER  # their own words read: go on
            + "I miss you. [red]Call me[/]"
            + FINISH  # the letter
            + ENTER  # the breathing: ended early
            + "1"
            + ENTER  # I held on
            + "1 3"
            + ENTER  # night, social media
        )
        result = type_into(runner, keys, "sos")
        assert result.exit_code == 0, result.output
        out = result.stdout
        # the pause's plain line (NO_COLOR in tests: nothing animates)
        assert "Waiting helps: an urge passes." in out
        # their own words, exactly, inert
        assert "\\x1b]0;x\\x07\\x1b[2J[/][bold]plan" in out
        assert "\x1b]0;x" not in out
        assert "│ We stopped talking." in out and "│ I always said sorry." in out
        assert "Kept as letter 1" in result.stderr
        assert "Logged: you held on." in result.stderr
        data = saved(data_dir)
        event = data["no_contact"]["events"][-1]
        assert event["kind"] == "urge" and event["outcome"] == "held"
        assert event["triggers"] == ["night", "social_media"]
        assert event["at"] == "2026-11-22T23:30:00Z" and event["felt_after"] is None
        assert data["letters"][0]["text"] == "I miss you. [red]Call me[/]"
        assert data["letters"][0]["during_urge"] is True
        report = run(runner, "export", "--format", "md").stdout
        assert (
            "- 2026-11-22: an urge (exback sos): “I held on”; before it: night, or not "
            "sleeping, social media"
        ) in report

        # the hold: nothing offered for a day
        listed = json.loads(run(runner, "letters", "--json").stdout)
        assert listed[0]["state"] == "on_hold" and "text" not in listed[0]
        assert listed[0]["hold_ends"] == "2026-11-23T23:30:00+00:00"
        status = json.loads(run(runner, "status", "--json").stdout)
        assert status["letters"] == {
            "count": 1,
            "ready_to_read_again": [],
            "next_ready_at": "2026-11-23T23:30:00+00:00",
        }
        shown = run(runner, "letters", "show", "1")
        assert "On hold until 2026-11-23 23:30" in shown.stdout
        assert saved(data_dir)["letters"][0]["reread_at"] is None

        clock.shift(dt.timedelta(hours=23, minutes=59))
        assert (
            json.loads(run(runner, "status", "--json").stdout)["letters"]["ready_to_read_again"]
            == []
        )
        clock.shift(dt.timedelta(minutes=1))  # 24 hours on
        status = json.loads(run(runner, "status", "--json").stdout)
        assert status["letters"]["ready_to_read_again"] == [1]
        assert "Letter 1 has been held for a day" in run(runner, "status").stdout

        # the next start: the next day's question once, then the letter
        keys = "1" + ENTER + "y" + ENTER  # better; yes, read it again; then the pipe closes
        again = type_into(runner, keys, "start")
        assert "How did you feel an hour after?" in again.stdout
        assert "I miss you. [red]Call me[/]" in again.stdout
        data = saved(data_dir)
        assert data["no_contact"]["events"][-1]["felt_after"] == "better"
        assert data["letters"][0]["reread_at"] == "2026-11-23T23:30:00Z"
        assert data["letters"][0]["offered_at"] == "2026-11-23T23:30:00Z"

        third = type_into(runner, "", "start")  # asked once, offered once
        assert "How did you feel an hour after?" not in third.stdout
        assert "Read it again now?" not in third.stdout
        listed = json.loads(run(runner, "letters", "--json").stdout)
        assert listed[0]["state"] == "read_again"


def test_not_sure_yet_is_logged_but_not_counted_as_resisted(
    runner, data_dir: Path, tmp_path: Path, terminal: None
) -> None:
    prepare(runner, tmp_path)
    result = type_into(runner, ENTER * 2 + FINISH + ENTER + "3" + ENTER + ENTER, "sos")
    assert "Logged as not sure yet" in result.stderr
    assert saved(data_dir)["no_contact"]["events"][-1]["outcome"] == "unsure"
    assert json.loads(run(runner, "status", "--json").stdout)["no_contact"]["urges"] == 0


def test_i_contacted_them_is_a_slip_said_kindly(
    runner, data_dir: Path, tmp_path: Path, terminal: None
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        prepare(runner, tmp_path)
        clock.shift(dt.timedelta(days=3))
        keys = ENTER * 2 + FINISH + ENTER + "2" + ENTER + ENTER  # no letter, contacted, no tags
        result = type_into(runner, keys, "sos")
        assert result.exit_code == 0, result.output
        assert "Slips happen to almost everyone" in result.stderr
        assert "Kept as letter" not in result.stderr
        record = saved(data_dir)["no_contact"]
        assert record["events"][-1]["kind"] == "slip"
        assert record["events"][-1]["outcome"] == "contacted"
        assert [r["end_reason"] for r in record["runs"]] == ["slip", None]
        assert saved(data_dir)["letters"] == []


def test_the_pause_ends_by_itself_and_ctrl_d_keeps_what_was_said(
    runner, data_dir: Path, tmp_path: Path, terminal: None
) -> None:
    import threading

    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    prepare(runner, tmp_path)
    # open, and silent: the one-second pause runs out; then Ctrl-D at the letter (six
    # seconds leaves room for a slow start on a loaded machine; nothing here is timed)
    with create_pipe_input() as pipe:
        later = threading.Timer(6.0, pipe.send_text, ["\x04"])
        later.start()
        with create_app_session(input=pipe, output=DummyOutput()):
            result = run(runner, "sos")
        later.join()
    assert result.exit_code == 130
    assert "Pause: 1 second left." in result.stdout
    assert "In your own words" in result.stdout  # the pause ended on its own
    assert "everything you wrote is kept" in result.stderr


def test_evidence_is_shown_from_the_persons_own_answers(
    runner, data_dir: Path, tmp_path: Path, terminal: None
) -> None:
    prepare(runner, tmp_path)
    data = saved(data_dir)
    at = "2026-11-20T22:00:00Z"
    day = {"on": "2026-11-20", "at": at}
    events = [
        {"kind": "urge", **day, "outcome": "held", "felt_after": felt}
        for felt in ("better", "better", "better", "better", "same")
    ] + [{"kind": "slip", **day, "outcome": "contacted", "felt_after": "worse"}] * 2
    data["no_contact"]["events"] = events
    (data_dir / "progress.json").write_text(json.dumps(data))
    result = type_into(runner, ENTER, "sos")
    assert (
        "4 of the 5 times you held on, you felt better an hour later; "
        "the 2 times you contacted them, you felt worse an hour later."
    ) in " ".join(result.stdout.split())


def test_missing_words_are_offered_and_no_countdown_logs_no_outcome(
    runner, data_dir: Path, terminal: None
) -> None:
    keys = (
        ENTER * 2  # the pause; go on
        + "y"
        + ENTER
        + "Call my sister"
        + ENTER  # the urge plan, written now
        + "n"
        + ENTER  # not why it ended, not now
        + "words"
        + FINISH  # the letter
        + ENTER  # the breath
    )
    result = type_into(runner, keys, "sos")
    assert result.exit_code == 0, result.output
    assert "no-contact countdown is running, so this urge is not counted" in result.stderr
    assert "You haven't written your plan yet" in result.stdout
    assert "Your plan for this moment: would you like to write it now" in result.stdout
    assert "Saved in the step “Give each other space”" in result.stderr
    answers = saved(data_dir)["steps"]["no_contact"]["answers"]
    assert answers["urge_plan"]["value"] == "Call my sister"
    assert "understand" not in saved(data_dir)["steps"]
    assert saved(data_dir)["letters"][0]["text"] == "words"
    assert saved(data_dir)["no_contact"] is None


# --- letters -------------------------------------------------------------------------------


@time_machine.travel(T0, tick=False)
def test_letters_add_list_show_json_and_inert(runner, data_dir: Path) -> None:
    assert "No letters yet" in run(runner, "letters").stdout
    added = run(runner, "letters", "add", input=HOSTILE + "\nsecond line\n")
    assert added.exit_code == 0 and "Kept as letter 1" in added.stderr
    shown = run(runner, "letters", "show", "1")
    assert "\\x1b]0;x\\x07\\x1b[2J[/][bold]plan" in shown.stdout and "\x1b" not in shown.stdout
    data = json.loads(run(runner, "letters", "show", "1", "--json").stdout)
    assert data["text"] == HOSTILE + "\nsecond line"
    assert data["number"] == 1 and data["during_urge"] is False and data["state"] == "on_hold"
    raw = run(runner, "letters", "show", "1", "--json").stdout
    assert "\x1b" not in raw and "\\u001b" in raw
    listed = run(runner, "letters")
    assert "2026-11-22" in listed.stdout and "11-23 23:30" in listed.stdout
    assert "\\x1b]0;x" in listed.stdout and "\x1b" not in listed.stdout  # the first line, inert
    for args, message in (
        (["letters", "show", "2"], "there is no letter 2; letters are from 1 to 1"),
        (["letters", "show", "0"], "there is no letter 0"),
    ):
        bad = run(runner, *args)
        assert bad.exit_code == 2 and message in bad.stderr
    empty = run(runner, "letters", "add", input="  \n")
    assert empty.exit_code == 2 and "the letter is empty" in empty.stderr
    assert len(saved(data_dir)["letters"]) == 1


def test_letters_travel_in_export_restore_merge_and_reset(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    with time_machine.travel(T0, tick=False):
        run(runner, "letters", "add", "first letter")
    run(runner, "letters", "add", "second letter")
    dump = tmp_path / "dump.json"
    assert run(runner, "export", "-o", str(dump)).exit_code == 0
    assert [x["text"] for x in json.loads(dump.read_text())["progress"]["letters"]] == [
        "first letter",
        "second letter",
    ]
    report = run(runner, "export", "--format", "md").stdout
    assert "## Letters I did not send" in report and "second letter" in report
    assert run(runner, "reset", "--progress", "--confirm", "delete").exit_code == 0
    assert json.loads(run(runner, "letters", "--json").stdout) == []
    run(runner, "letters", "add", "written after the reset")
    merged = run(runner, "restore", str(dump), "--merge")
    assert merged.exit_code == 0 and "2 letters" in merged.stderr
    texts = [x["first_line"] for x in json.loads(run(runner, "letters", "--json").stdout)]
    assert sorted(texts) == ["first letter", "second letter", "written after the reset"]
    again = run(runner, "restore", str(dump), "--merge")
    assert "Nothing to add" in again.stderr


# --- content -------------------------------------------------------------------------------


def test_sos_content_is_validated_with_file_line_col(runner, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "sos.yaml").write_text("pause_seconds: 0\n")
    result = run(runner, "content", "validate", str(folder))
    assert result.exit_code == 2
    assert "sos.yaml:1:16: pause_seconds: Input should be greater than or equal to 1" in (
        result.stderr
    )
    (folder / "sos.yaml").write_text(
        "own_words:\n  - {step: nope, question: x, title: T, missing: M}\n"
        "  - {step: understand, question: nope, title: T, missing: M}\n"
    )
    result = run(runner, "content", "validate", str(folder))
    assert result.exit_code == 2
    assert "sos.yaml:2:12: own_words[0].step: no step 'nope'" in result.stderr
    assert "own_words[1].question: step 'understand' has no question 'nope'" in result.stderr


# --- the pure rules ------------------------------------------------------------------------


def test_breath_phases_and_the_pause_arithmetic() -> None:
    b = Breathing(breathe_in=4, hold=2, breathe_out=6, rounds=5)
    assert pacing.total_seconds(b) == 60
    first = pacing.breath_at(b, 0)
    assert first is not None and (first.phase, first.left, first.round) == ("in", 4, 1)
    mid = pacing.breath_at(b, 5)
    assert mid is not None and (mid.phase, mid.left) == ("hold", 1)
    out = pacing.breath_at(b, 9)
    assert out is not None and out.phase == "out" and out.fraction == pytest.approx(0.5)
    last = pacing.breath_at(b, 59.9)
    assert last is not None and last.round == 5
    assert pacing.breath_at(b, 60) is None
    assert pacing.breath_marks(b)[:4] == [0, 4, 6, 12]
    no_hold = Breathing(breathe_in=1, hold=0, breathe_out=1, rounds=1)
    assert [p for p, _ in pacing.phases(no_hold)] == ["in", "out"]
    assert pacing.seconds_left(120, 0) == 120 and pacing.seconds_left(120, 0.5) == 120
    assert pacing.seconds_left(120, 119.1) == 1 and pacing.seconds_left(120, 130) == 0
    assert pacing.clock(120) == "2:00" and pacing.clock(59) == "0:59"
    assert pacing.pause_marks(120) == [0, 30, 60, 90]


def _event(day: int, hour: int, **extra: object) -> NoContactEvent:
    at = dt.datetime(2026, 11, day, hour, 15, tzinfo=dt.timezone.utc)
    return NoContactEvent.model_validate({"kind": "urge", "on": at.date(), "at": at, **extra})


def _record(events: list[NoContactEvent]) -> NoContactRecord:
    run_ = NoContactRun(
        started_on=dt.date(2026, 11, 1), days=30, started_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    return NoContactRecord(runs=[run_], events=events)


def test_evidence_counts_only_answered_outcomes_plainly() -> None:
    assert urges.evidence(None) == []
    one = _record([_event(2, 23, outcome="held", felt_after="better")])
    assert urges.evidence(one) == []  # one answer is not enough
    two = _record(
        [
            _event(2, 23, outcome="held", felt_after="better"),
            _event(3, 23, outcome="contacted", felt_after="worse", kind="slip"),
            _event(4, 23, outcome="unsure", felt_after="better"),  # not counted
            _event(5, 23, outcome="held", felt_after="unknown"),  # not counted
            _event(6, 23),  # a plain urge: no outcome
        ]
    )
    assert urges.evidence(two) == [
        "the one time you held on, you felt better an hour later",
        "the one time you contacted them, you felt worse an hour later",
    ]


def test_the_next_day_question_is_for_the_last_outcome_once() -> None:
    record = _record([_event(2, 23, outcome="held"), _event(3, 10, outcome="unsure")])
    assert urges.awaiting_feeling(record, dt.date(2026, 11, 3)) is None  # same day
    assert urges.awaiting_feeling(record, dt.date(2026, 11, 4)) == 1
    answered = urges.set_feeling(record, 1, "same")
    assert urges.awaiting_feeling(answered, dt.date(2026, 11, 5)) is None
    assert record.events[1].felt_after is None  # pure: the input is unchanged


def test_patterns_from_ten_urges_by_weekday_hour_and_trigger() -> None:
    nine = _record([_event(2, 23, triggers=["night"]) for _ in range(9)])
    assert urges.patterns(nine) is None
    # 2026-11-02 is a Monday; 2026-11-07 a Saturday
    ten = _record(
        [_event(2, 23, triggers=["night"]) for _ in range(9)]
        + [_event(7, 9, triggers=["alcohol", "night"], outcome="contacted", kind="slip")]
        + [_event(7, 9, kind="exception")]  # not an urge
    )
    found = urges.patterns(ten)
    assert found is not None and found.urges == 10
    assert found.by_weekday_hour[0][23] == 9 and found.by_weekday_hour[5][9] == 1
    assert found.by_trigger == {"night": 10, "alcohol": 1}
    assert found.blocks(4)[0] == [0, 0, 0, 0, 0, 9]
    assert found.to_json()["by_weekday_hour"]["Sat"][9] == 1


def test_the_hold_is_24_hours_and_reading_again_ends_it() -> None:
    written = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.UTC)
    letter = Letter(written_at=written, text="x")
    assert letters.state(letter, written + dt.timedelta(hours=23, minutes=59)) == "on_hold"
    assert letters.state(letter, written + dt.timedelta(hours=24)) == "ready"
    letter.reread_at = written + dt.timedelta(days=2)
    assert letters.state(letter, written + dt.timedelta(days=3)) == "read_again"
    assert letters.first_line("\n\n  Dear you,  \nmore") == "Dear you,"
    assert letters.first_line("x" * 80, 10) == "x" * 9 + "…"


def test_a_letter_from_a_hard_place_is_kept_then_gets_the_gentle_line(
    runner, data_dir: Path, terminal: None
) -> None:
    letter = "I can't go on without you"
    result = type_into(runner, ENTER * 2 + ("n" + ENTER) * 2 + letter + FINISH, "sos")
    assert saved(data_dir)["letters"][0]["text"] == letter
    assert "exback help-now" in result.stderr.split("Kept as letter 1", 1)[1]
    added = run(runner, "letters", "add", letter)
    assert "exback help-now" in added.stderr


def test_status_and_nocontact_show_urge_patterns_from_ten(runner) -> None:
    with time_machine.travel("2026-11-23 22:10:00+00:00", tick=False):  # a Monday night
        assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0
        for _ in range(9):
            run(runner, "nocontact", "urge")
        assert json.loads(run(runner, "status", "--json").stdout)["urge_patterns"] is None
        assert "When urges came" not in run(runner, "status").stdout
        run(runner, "nocontact", "urge")
        found = json.loads(run(runner, "status", "--json").stdout)["urge_patterns"]
        assert found["urges"] == 10 and found["by_weekday_hour"]["Mon"][22] == 10
        assert sum(map(sum, found["by_weekday_hour"].values())) == 10
        assert "When urges came (10 urges)" in run(runner, "status").stdout
        view = run(runner, "nocontact")
        assert "When urges came (10 urges)" in view.stdout
        mon = next(line for line in view.stdout.splitlines() if line.startswith("Mon "))
        assert mon.split()[-1] == "10"  # the 20h-24h block
        assert json.loads(run(runner, "nocontact", "--json").stdout)["urge_patterns"] == found


def test_doctor_understands_letters_and_repair_keeps_the_rest(runner, data_dir: Path) -> None:
    run(runner, "letters", "add", "kept safe")
    run(runner, "letters", "add", "the second")
    progress = data_dir / "progress.json"
    data = json.loads(progress.read_text())
    data["letters"][1]["written_at"] = "9999-01-01T00:00:00Z"  # out of bounds: unreadable
    progress.write_text(json.dumps(data))
    listed = run(runner, "letters")
    assert listed.exit_code == 3 and "progress.json" in listed.stderr
    repaired = run(runner, "doctor", "--repair", "--yes")
    assert repaired.exit_code == 0, repaired.output
    [aside] = data_dir.glob("progress.json.corrupt-*")
    assert json.loads(aside.read_text())["letters"][1]["text"] == "the second"  # kept whole
    assert [x["first_line"] for x in json.loads(run(runner, "letters", "--json").stdout)] == [
        "kept safe"
    ]


def test_the_walk_menu_offers_sos(runner, data_dir: Path, terminal: None) -> None:
    run(runner, "letters", "add", "something saved, so that start opens its menu")
    first = type_into(runner, "", "start")
    menu = first.stdout.split("What would you like to do?")[-1]
    number = next(
        line.split()[0] for line in menu.splitlines() if "An urge to contact them" in line
    )
    # the menu's entry, then: the pause (Enter), go on, not writing the missing words
    # now, no letter, the breath (Enter)
    keys = number + ENTER + ENTER * 2 + ("n" + ENTER) * 2 + FINISH + ENTER
    result = type_into(runner, keys, "start")
    assert "In your own words" in result.stdout
    assert "Where are you now?" not in result.stdout  # no countdown: no outcome to log
    assert result.stdout.count("What would you like to do?") == 2  # back to the menu


def test_damaged_data_still_gets_the_pause_and_the_breath(
    runner, data_dir: Path, terminal: None
) -> None:
    data_dir.mkdir(mode=0o700)
    (data_dir / "progress.json").write_text('{"schema_version": 4, "created_at": ')
    result = type_into(runner, ENTER + ENTER, "sos")  # the pause, then the breath
    assert result.exit_code == 0, result.output
    assert "exback doctor" in result.stderr and "the breathing is still here" in result.stderr
    assert "Now breathe with this" in result.stdout
    assert (data_dir / "progress.json").read_text() == '{"schema_version": 4, "created_at": '
