"""The no-contact countdown has a minimum the content sets, on every path (issue 16)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from exback import cli
from exback.content import load_program
from exback.models import NoContactDefaults

from .conftest import PACKAGED, run, sample_answer, type_into

ENTER = "\r"


@pytest.fixture(autouse=True)
def packaged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(PACKAGED))


def saved(data_dir: Path) -> dict:
    return json.loads((data_dir / "progress.json").read_text())


def test_a_day_is_refused_naming_the_minimum(runner, data_dir: Path) -> None:
    result = run(runner, "nocontact", "start", "--days", "1")
    assert result.exit_code == 2
    assert "at least 14 days" in result.stderr and "1 is too short" in result.stderr
    assert not (data_dir / "progress.json").exists()  # nothing was changed


def test_restart_keeps_the_minimum_too(runner, data_dir: Path) -> None:
    assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0
    result = run(runner, "nocontact", "start", "--days", "7", "--restart")
    assert result.exit_code == 2 and "at least 14 days" in result.stderr
    assert [r["days"] for r in saved(data_dir)["no_contact"]["runs"]] == [30]


def test_they_asked_for_space_lengthens_it(runner, data_dir: Path, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("safety_check: {asked_no_contact: asked_space}\n")
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    result = run(runner, "nocontact", "start", "--days", "21")
    assert result.exit_code == 2
    assert "at least 30 days" in result.stderr and "asked for time or space" in result.stderr
    assert run(runner, "nocontact", "start", "--days", "30").exit_code == 0


def test_the_walk_asks_for_at_least_the_minimum(
    runner, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    # 13 is refused at the prompt (it stays on the line); Ctrl-U clears it for 14
    result = type_into(runner, "13" + ENTER + "\x15" + "14" + ENTER, "nocontact", "start")
    assert result.exit_code == 0, result.output
    assert "from 14 to 365" in result.stdout
    assert [r["days"] for r in saved(data_dir)["no_contact"]["runs"]] == [14]


def test_content_cannot_go_below_fourteen_days() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 14"):
        NoContactDefaults(min_days=7)
    with pytest.raises(ValueError, match="below min_days"):
        NoContactDefaults(min_days=21, choices=[14, 30])
    assert load_program(PACKAGED).no_contact.min_days >= 14


def test_each_contact_step_asks_its_own_pressure_check(runner, data_dir: Path) -> None:
    """The check before one contact step does not open the next one the same day."""
    from exback import program as logic
    from exback.models import Progress

    program = load_program(PACKAGED)
    contact = [s for s in program.steps if s.contact]
    now = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.timezone.utc)
    progress = Progress(created_at=now, updated_at=now)
    calm = {q.id: sample_answer(q) for q in program.pressure_check.questions}
    assert all(logic.needs_pressure_check(program, progress, s, now.date()) for s in contact)
    logic.record_pressure_check(program, progress, calm, now.date(), now, [contact[0].id])
    assert not logic.needs_pressure_check(program, progress, contact[0], now.date())
    assert logic.needs_pressure_check(program, progress, contact[1], now.date())
    tomorrow = now.date() + dt.timedelta(days=1)
    assert logic.needs_pressure_check(program, progress, contact[0], tomorrow)
