"""`exback start` from Python: answers as data (no file, no terminal), and the walk's checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from exback.commands.start import apply_answers, read_answers_file
from exback.commands.walk import Walk
from exback.content import load_program
from exback.errors import NotInteractiveError, UsageError
from exback.storage import Store
from exback.ui import UI

from .conftest import CONTENT, PACKAGED

NOW = dt.datetime(2026, 11, 22, 21, 30, tzinfo=dt.timezone.utc)
TODAY = NOW.date()


def test_answers_as_data_are_saved_without_a_file_or_terminal(data_dir: Path) -> None:
    store = Store(data_dir)
    data = {"understand": {"reasons": "we stopped talking", "my_part": "I withdrew", "clarity": 6}}
    applied = apply_answers(load_program(CONTENT), store, data, NOW, TODAY)
    assert applied.summary == "Saved 3 answers from answers."
    assert applied.care == [] and applied.notices == [] and not applied.text_needs_care
    progress = store.load_progress()
    assert progress is not None
    saved = progress.steps["understand"].answers
    assert saved["clarity"].value == 6 and saved["my_part"].value == "I withdrew"
    assert data == {  # the caller's data is not changed
        "understand": {"reasons": "we stopped talking", "my_part": "I withdrew", "clarity": 6}
    }


def test_a_care_answer_as_data_is_recorded_and_returned_with_help(data_dir: Path) -> None:
    store = Store(data_dir)
    program = load_program(PACKAGED)
    applied = apply_answers(
        program, store, {"seek_help": {"self_harm_thoughts": True}}, NOW, TODAY, source="mine"
    )
    assert [r.id for r in applied.care] == ["self_harm"]
    assert applied.help_now is not None  # loaded only because there is care to show
    assert applied.summary == "Saved 1 answer from mine."
    progress = store.load_progress()
    assert progress is not None and [c.care for c in progress.care_log] == ["self_harm"]


def test_one_bad_answer_in_data_saves_nothing(data_dir: Path) -> None:
    store = Store(data_dir)
    data = {"understand": {"my_part": "fine", "clarity": 11}}
    with pytest.raises(UsageError, match=r"mine: step 'understand', question 'clarity'"):
        apply_answers(load_program(CONTENT), store, data, NOW, TODAY, source="mine")
    assert not (data_dir / "progress.json").exists()


def test_the_reader_parses_yaml_and_json_alike(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("understand:\n  clarity: 6\n")
    (tmp_path / "a.json").write_text('{"understand": {"clarity": 6}}')
    assert read_answers_file(tmp_path / "a.yaml") == read_answers_file(tmp_path / "a.json")


def test_the_walk_checks_the_step_before_the_terminal(data_dir: Path) -> None:
    walk = Walk(
        load_program(CONTENT), Store(data_dir), UI(no_color=True), lambda: NOW, lambda: TODAY
    )
    with pytest.raises(UsageError, match="'nowhere' is not a step"):
        walk.begin("nowhere", interactive=False)
    with pytest.raises(NotInteractiveError, match="--answers-file"):
        walk.begin(None, interactive=False)
    assert not data_dir.exists()  # refusing creates nothing
