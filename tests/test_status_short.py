"""`status --short`: one line for a shell prompt or a tmux status bar (issue 19)."""

from __future__ import annotations

from pathlib import Path

import time_machine

from exback.content import load_program
from exback.paths import packaged_content_dir

from .conftest import run

FIRST_STEP = load_program(packaged_content_dir()).steps[0].title


def short(runner) -> str:
    result = run(runner, "status", "--short")
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_new_data_dir_says_the_first_step(runner, data_dir: Path) -> None:
    assert short(runner) == f"no check-in yet today · next: {FIRST_STEP}\n"
    assert not data_dir.exists()  # a look never creates the data dir


def test_day_n_of_m_and_todays_checkin_as_the_days_go_by(runner, data_dir: Path) -> None:
    with time_machine.travel("2026-11-20 10:00:00+00:00", tick=False):
        assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0
        assert run(runner, "checkin", "--mood", "6", "--urge", "2").exit_code == 0
        assert short(runner) == f"day 1 of 30 · checked in today · next: {FIRST_STEP}\n"
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False):
        assert short(runner) == f"day 6 of 30 · no check-in yet today · next: {FIRST_STEP}\n"
    with time_machine.travel("2026-12-20 10:00:00+00:00", tick=False):
        assert short(runner).startswith("30 days done · no check-in yet today")
