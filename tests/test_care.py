"""Care responses: declared in content, checked like everything else, shown at once."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import time_machine

from exback import program as logic
from exback.content import load_program
from exback.errors import ContentError
from exback.models import Question

from .conftest import CONTENT, PACKAGED, run

PROGRAM = load_program(PACKAGED)
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.timezone.utc)


def _question(step_id: str, question_id: str) -> Question:
    step = PROGRAM.step(step_id)
    assert step is not None
    return next(q for q in step.questions if q.id == question_id)


# --- the pure function ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "question", "value", "expected"),
    [
        ("seek_help", "self_harm_thoughts", True, ["self_harm"]),
        ("seek_help", "self_harm_thoughts", False, []),
        ("safety_check", "feel_safe_now", 1, ["unsafe_now"]),
        ("safety_check", "feel_safe_now", 2, ["unsafe_now"]),
        ("safety_check", "feel_safe_now", 3, []),
        ("safety_check", "feel_safe_now", 10, []),
        ("safety_check", "fear_or_harm", "harm_yes", ["fear_or_harm"]),
        ("safety_check", "fear_or_harm", "harm_unsure", ["fear_or_harm"]),
        ("safety_check", "fear_or_harm", "harm_by_me", ["stop_harm"]),
        ("safety_check", "fear_or_harm", "harm_no", []),
        ("safety_check", "protective_order", "order_exists", ["legal_order"]),
        ("safety_check", "protective_order", "order_unsure", ["legal_order"]),
        ("safety_check", "protective_order", "no_order", []),
        ("safety_check", "own_behaviour", ["turned_up", "many_messages"], ["own_behaviour"]),
        ("safety_check", "own_behaviour", ["none_of_these"], []),
        ("safety_check", "tech_access", ["location"], ["tech_access"]),
        ("safety_check", "tech_access", ["no_access"], []),
        ("safety_check", "danger_signs", ["strangled"], ["urgent_danger"]),
        ("safety_check", "danger_signs", ["broke_order", "weapon"], ["urgent_danger"]),
        ("safety_check", "told_to_stop", ["lawyer"], ["told_to_stop"]),
        ("safety_check", "without_them", "cant_live_without", ["cant_live_without"]),
        ("safety_check", "without_them", "would_hurt_myself", ["cant_live_without"]),
        ("safety_check", "without_them", "hurts_but_ok", []),
        ("seek_help", "deep_issues", ["infidelity", "abuse"], ["fear_or_harm"]),
    ],
)
def test_care_for_each_wired_answer(step: str, question: str, value: object, expected) -> None:
    responses = logic.care_for(PROGRAM, _question(step, question), value)
    assert [r.id for r in responses] == expected


def test_every_care_response_names_help_that_exists_and_is_used() -> None:
    from exback.content import load_help_now

    help_now = load_help_now(PACKAGED)
    used = {
        care_id for step in PROGRAM.steps for q in step.questions for care_id in _all_care_ids(q)
    }
    assert used == {c.id for c in PROGRAM.care}, "a care response is declared but never used"
    for response in PROGRAM.care:
        assert response.help, response.id
        assert all(help_now.section(s) is not None for s in response.help)
    by_id = {c.id: c for c in PROGRAM.care}
    assert "stop_harm" in by_id["stop_harm"].help
    assert "abuse" in by_id["urgent_danger"].help and "danger" in by_id["urgent_danger"].help
    assert "suicide" in by_id["self_harm"].help


def _all_care_ids(question: Question) -> set[str]:
    ids = {c.care for c in getattr(question, "choices", []) if c.care}
    ids |= {r.response for r in getattr(question, "care", []) or [] if hasattr(r, "response")}
    ids |= {
        getattr(question, k) for k in ("care_if_yes", "care_if_no") if getattr(question, k, None)
    }
    return ids


def test_record_care_keeps_the_answer_and_the_date() -> None:
    progress = logic.new_progress(NOW)
    question = _question("seek_help", "self_harm_thoughts")
    [response] = logic.care_for(PROGRAM, question, True)
    shown = logic.record_care(progress, response, "seek_help", question.id, True, NOW)
    assert progress.care_log == [shown]
    assert (shown.care, shown.step, shown.question, shown.value, shown.at) == (
        "self_harm",
        "seek_help",
        "self_harm_thoughts",
        True,
        NOW,
    )


# --- content validation -----------------------------------------------------------------


def _content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def _errors(folder: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_program(folder)
    return info.value.message.replace(str(folder), "CONTENT")


def _add_care(folder: Path, text: str) -> None:
    with (folder / "program.yaml").open("a") as handle:
        handle.write(text)


def test_unknown_care_response_is_a_content_error_with_file_line(tmp_path: Path) -> None:
    folder = _content(tmp_path)
    step = folder / "steps" / "safety_check.yaml"
    step.write_text(
        step.read_text().replace(
            '{value: fear, label: "Yes, or I am not sure", route: moving_on}',
            '{value: fear, label: "Yes, or I am not sure", route: moving_on, care: nothere}',
        )
    )
    _add_care(folder, "care:\n  - {id: calm, title: T, message: M, help: [danger]}\n")
    got = _errors(folder)
    line = next(i for i, t in enumerate(step.read_text().splitlines(), 1) if "nothere" in t)
    assert f"CONTENT/steps/safety_check.yaml:{line}:" in got
    assert "questions[2].choices[0].care: unknown care response 'nothere' (calm)" in got


def test_unknown_help_section_is_a_content_error_with_file_line(tmp_path: Path) -> None:
    folder = _content(tmp_path)
    _add_care(
        folder, "care:\n  - id: calm\n    title: T\n    message: M\n    help: [danger, nowhere]\n"
    )
    got = _errors(folder)
    lines = (folder / "program.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "nowhere" in t)
    assert f"CONTENT/program.yaml:{line}:" in got
    assert "care[0].help[1]: unknown help section 'nowhere'" in got
    assert "sections: danger, suicide, abuse, weeks_ahead" in got


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "care:\n  - {id: a, title: T, message: M}\n  - {id: a, title: T, message: M}\n",
            "care[1].id: duplicate id 'a'",
        ),
        (
            "care:\n  - {id: a, title: T, message: M, colour: red}\n",
            "care[0].colour: Extra inputs are not permitted",
        ),
    ],
)
def test_bad_care_declarations(tmp_path: Path, yaml_text: str, message: str) -> None:
    folder = _content(tmp_path)
    _add_care(folder, yaml_text)
    assert message in _errors(folder)


def test_scale_care_thresholds_are_checked(tmp_path: Path) -> None:
    folder = _content(tmp_path)
    step = folder / "steps" / "understand.yaml"
    text = step.read_text()
    assert "\n    kind: scale\n" in text
    _add_care(folder, "care:\n  - {id: calm, title: T, message: M}\n")
    rule = "\n    kind: scale\n    care: [{%s response: calm}]\n"
    step.write_text(text.replace("\n    kind: scale\n", rule % "at_or_below: 99,"))
    assert "a care threshold must be between 1 and 10" in _errors(folder)
    step.write_text(text.replace("\n    kind: scale\n", rule % ""))
    assert "give exactly one of at_or_below and at_or_above" in _errors(folder)
    step.write_text(text.replace("\n    kind: scale\n", rule % "at_or_above: 9,"))
    program = load_program(folder)
    question = next(q for q in program.steps[0].questions if q.kind == "scale")
    assert [r.id for r in logic.care_for(program, question, 9)] == ["calm"]
    assert logic.care_for(program, question, 8) == []


def test_cooling_off_must_be_at_least_14_days(tmp_path: Path) -> None:
    folder = _content(tmp_path)
    program = folder / "program.yaml"
    program.write_text(
        program.read_text().replace(
            "    locks: [reach_out]", "    cooling_off_days: 7\n    locks: [reach_out]"
        )
    )
    assert "routes.moving_on.cooling_off_days: Input should be greater than or equal to 14" in (
        _errors(folder)
    )


# --- through answers files ----------------------------------------------------------------

# answers that bring each wired response, with a heading of the help it must show
CASES = [
    (
        "seek_help",
        {"self_harm_thoughts": True},
        "Thank you for telling me",
        "If you are thinking about ending your life",
    ),
    (
        "safety_check",
        {"feel_safe_now": 1},
        "You said you don't feel safe right now",
        "If you or someone else is in danger",
    ),
    (
        "safety_check",
        {"feel_safe_now": 2},
        "You said you don't feel safe right now",
        "If you are afraid of someone",
    ),
    (
        "safety_check",
        {"fear_or_harm": "harm_yes"},
        "Fear and harm deserve real help",
        "If you are afraid of someone",
    ),
    (
        "safety_check",
        {"fear_or_harm": "harm_unsure"},
        "Fear and harm deserve real help",
        "If you have frightened or hurt someone",
    ),
    (
        "safety_check",
        {"fear_or_harm": "harm_by_me"},
        "Wanting to stop is where change begins",
        "Respect Phoneline",
    ),
    (
        "safety_check",
        {"protective_order": "order_exists"},
        "An order comes first",
        "If you are afraid of someone",
    ),
    (
        "safety_check",
        {"own_behaviour": ["followed"]},
        "Let's stop here, kindly",
        "If you have frightened or hurt someone",
    ),
    (
        "safety_check",
        {"tech_access": ["passwords"]},
        "Step back from their accounts",
        "sign out of their",
    ),
    (
        "safety_check",
        {"danger_signs": ["strangled"]},
        "Please get help today",
        "National Domestic Violence Hotline",
    ),
    (
        "safety_check",
        {"told_to_stop": ["police"]},
        "That is their answer too",
        "For the weeks ahead",
    ),
    (
        "safety_check",
        {"without_them": "would_hurt_myself"},
        "That is a lot of pain to carry",
        "988 Suicide and Crisis Lifeline",
    ),
]


@pytest.fixture
def packaged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXBACK_CONTENT_DIR")


@time_machine.travel("2026-11-22 10:00:00+00:00", tick=False)
@pytest.mark.parametrize(("step", "answers", "title", "help_text"), CASES)
def test_answers_file_shows_care_at_once_and_saves_everything(
    runner, packaged, data_dir: Path, tmp_path: Path, step, answers, title, help_text
) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({step: answers}))
    result = run(runner, "start", "--answers-file", str(path))
    assert result.exit_code == 0, result.output
    err = " ".join(result.stderr.replace("│", " ").split())
    assert title in err
    assert " ".join(help_text.split()) in err
    assert "exback help-now" in err
    assert err.index(title) < err.index("Saved 1 answer")
    assert result.stdout == ""
    saved = json.loads((data_dir / "progress.json").read_text())
    [(question, value)] = answers.items()
    assert saved["steps"][step]["answers"][question]["value"] == value
    [shown] = saved["care_log"]
    assert shown["step"] == step and shown["question"] == question and shown["value"] == value
    assert shown["at"].startswith("2026-11-22T10:00:00")


def test_answers_without_care_print_no_care(runner, packaged, tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("safety_check: {feel_safe_now: 8, fear_or_harm: harm_no}\n")
    result = run(runner, "start", "--answers-file", str(path))
    assert result.exit_code == 0
    said = [line for line in result.stderr.splitlines() if "answers and notes are kept" not in line]
    assert said == [f"Saved 2 answers from {path}."]


def test_a_bad_answer_saves_nothing_and_shows_no_care(
    runner, packaged, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("safety_check: {feel_safe_now: 1, fear_or_harm: maybe}\n")
    result = run(runner, "start", "--answers-file", str(path))
    assert result.exit_code == 2
    assert "don't feel safe" not in result.stderr
    assert not (data_dir / "progress.json").exists()


def test_care_is_in_the_export_and_survives_restore(
    runner, packaged, data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("seek_help: {self_harm_thoughts: true}\n")
    run(runner, "start", "--answers-file", str(path))
    exported = tmp_path / "export.json"
    assert run(runner, "export", "--output", str(exported)).exit_code == 0
    assert json.loads(exported.read_text())["progress"]["care_log"][0]["care"] == "self_harm"
    report = run(runner, "export", "--format", "md").stdout
    assert "## Care responses shown" in report
    assert "Thank you for telling me" in report
    shutil.rmtree(data_dir)
    assert run(runner, "restore", str(exported)).exit_code == 0
    saved = json.loads((data_dir / "progress.json").read_text())
    assert saved["care_log"][0]["question"] == "self_harm_thoughts"


def test_merge_adds_care_records_it_lacks(runner, packaged, data_dir: Path, tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text("seek_help: {self_harm_thoughts: true}\n")
    with time_machine.travel("2026-11-20 10:00:00+00:00", tick=False):
        run(runner, "start", "--answers-file", str(first))
    exported = tmp_path / "export.json"
    assert run(runner, "export", "--output", str(exported)).exit_code == 0
    shutil.rmtree(data_dir)
    second = tmp_path / "b.yaml"
    second.write_text("safety_check: {feel_safe_now: 2}\n")
    with time_machine.travel("2026-11-21 10:00:00+00:00", tick=False):
        run(runner, "start", "--answers-file", str(second))
    merged = run(runner, "restore", str(exported), "--merge")
    assert merged.exit_code == 0 and "1 care response shown" in merged.stderr
    log = json.loads((data_dir / "progress.json").read_text())["care_log"]
    assert [(c["care"], c["at"][:10]) for c in log] == [
        ("self_harm", "2026-11-20"),
        ("unsafe_now", "2026-11-21"),
    ]
    again = run(runner, "restore", str(exported), "--merge")
    assert "Nothing to add" in again.stderr
