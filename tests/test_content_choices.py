"""What the shipped program settles where the articles disagree, and what it must never say.

Each test pins one decision that content/README.md explains ("How the articles
disagree"): reading a step's text and questions as the person would meet them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from exback import program as logic
from exback.content import load_program
from exback.models import (
    ChoiceQuestion,
    MultilineQuestion,
    MultiQuestion,
    Program,
    Question,
    ScaleQuestion,
    Step,
)

from .conftest import sample_answer

ROOT = Path(__file__).parents[1]
CONTENT = ROOT / "content"
README = (CONTENT / "README.md").read_text(encoding="utf-8")

# The verbs that open 000's outline bullets ("- Provide tips on...").
OUTLINE_VERBS = (
    "provide",
    "mention",
    "encourage",
    "discuss",
    "explain",
    "offer",
    "highlight",
    "outline",
    "sum up",
    "briefly",
)


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program(CONTENT)


def _step(program: Program, step_id: str) -> Step:
    step = program.step(step_id)
    assert step is not None, step_id
    return step


def _texts(step: Step) -> Iterator[str]:
    """Everything the person reads in a step: summary, tips, questions, choices, actions."""
    yield step.summary
    yield from step.tips
    for question in step.questions:
        yield question.prompt
        if question.help:
            yield question.help
        for choice in getattr(question, "choices", []):
            yield choice.label
    for action in step.actions:
        yield action.text


def _read(step: Step) -> str:
    return " ".join(" ".join(_texts(step)).split()).lower().replace("\u2019", "'")


# --- sources ------------------------------------------------------------------


def test_no_source_section_is_an_outline_bullet(program: Program) -> None:
    bullets = [
        f"{step.id}: {source.section!r}"
        for step in program.steps
        for source in step.sources
        if source.section and source.section.lower().startswith(OUTLINE_VERBS)
    ]
    assert not bullets, "outline bullets cited as sections:\n" + "\n".join(bullets)


# --- the order of the contact steps -------------------------------------------


def test_friends_first_comes_before_the_reconciliation_conversation(program: Program) -> None:
    order = [s.id for s in program.steps]
    assert order.index("friends_first") < order.index("reconciliation_talk")
    assert "friends_first" in _step(program, "reconciliation_talk").requires.steps
    assert "apologise" in _step(program, "friends_first").requires.steps


def test_readme_order_table_matches_the_program(program: Program) -> None:
    table = README.split("## Order of the steps", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| `(\w+)`", table, flags=re.MULTILINE)
    assert [step_id for _, step_id in rows] == [s.id for s in program.steps]
    assert [int(n) for n, _ in rows] == list(range(1, len(program.steps) + 1))


def test_readme_coverage_names_every_step(program: Program) -> None:
    coverage = README.split("## Coverage: seed sections to steps", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in coverage.splitlines() if line.startswith("| ")]
    named = {step_id for row in rows for step_id in re.findall(r"`(\w+)`", row)}
    assert {s.id for s in program.steps} - named == set()
    assert named <= {s.id for s in program.steps}


@pytest.mark.parametrize(
    "heading",
    [
        "Persistence or accepting a no",
        "Stating your intentions or keeping it light",
        "A neutral place or a nostalgic one",
        "Friends first, or the reconciliation conversation first",
        "Forgiveness",
        "How often to get in touch",
    ],
)
def test_readme_settles_each_disagreement(heading: str) -> None:
    assert f"**{heading}.**" in README


# --- settled openly in the steps themselves -----------------------------------


def test_the_steps_say_which_side_they_take(program: Program) -> None:
    assert "persistence is pressure" in _read(_step(program, "moving_on"))
    assert "persisting after a no is pressure" in _read(_step(program, "reconciliation_talk"))
    assert "state your intentions" in _read(_step(program, "reach_out"))
    assert "never dishonest" in _read(_step(program, "reach_out"))
    friends = _read(_step(program, "friends_first"))
    assert "neutral" in friends and "shared memories" in friends


# --- give_them_time: the pace is theirs ---------------------------------------

CADENCE = re.compile(
    r"every (few|couple of|two|three|\d+) (days|hours)"
    r"|once (a|every) (day|week|fortnight)"
    r"|(one|two|a) messages? (a|per) (day|week)"
    r"|how often (will|should) you (get in touch|text|call|message)",
)


def test_give_them_time_sets_no_rhythm_of_contact(program: Program) -> None:
    step = _step(program, "give_them_time")
    found = [text for text in _texts(step) if CADENCE.search(text.lower())]
    assert not found, "a rhythm of contact the user starts:\n" + "\n".join(found)
    text = _read(step)
    assert "let them lead" in text
    assert "ask once" in text


# --- forgiveness: offered, never required, never scored -----------------------


def test_no_question_scores_forgiveness(program: Program) -> None:
    scored = [
        f"{step.id}.{q.id}"
        for step in program.steps
        for q in step.questions
        if isinstance(q, ScaleQuestion) and "forgiv" in f"{q.prompt} {q.help or ''}".lower()
    ]
    assert not scored, scored


@pytest.mark.parametrize("step_id", ["prepare_emotionally", "grieve"])
def test_forgiveness_is_never_required(program: Program, step_id: str) -> None:
    step = _step(program, step_id)
    for question in step.questions:
        if "forgiv" in question.prompt.lower():
            assert not question.required, f"{step_id}.{question.id} requires an answer"
    assert "never required" in _read(step)


def test_no_forgiveness_is_owed_to_someone_who_harmed_you(program: Program) -> None:
    text = _read(_step(program, "prepare_emotionally"))
    assert "if they harmed or frightened you, you owe them no forgiveness" in text


# --- no_contact: true on both tracks ------------------------------------------


def test_no_contact_is_true_on_the_moving_on_track(program: Program) -> None:
    text = _read(_step(program, "no_contact"))
    for phrase in ("stay closed until it ends", "still want to reach out", "when the period ends"):
        assert phrase not in text, phrase
    assert "if you are still thinking of reaching out" in text
    assert "your own time of quiet" in text


def test_no_logistics_invitation_past_a_protective_order(program: Program) -> None:
    step = _step(program, "no_contact")
    exceptions = next(q for q in step.questions if q.id == "exceptions")
    assert isinstance(exceptions, MultiQuestion)
    order = [c for c in exceptions.choices if "order" in c.label.lower()]
    assert order and "none" in order[0].label.lower()
    assert "order" in (exceptions.help or "").lower()
    tips = " ".join(step.tips).lower()
    assert "protective or restraining order" in tips and "no exceptions" in tips


def test_every_mediator_suggestion_carries_the_abuse_caveat(program: Program) -> None:
    lacking = [
        f"{step.id}: {text[:60]}..."
        for step in program.steps
        for text in _texts(step)
        if "mediat" in text.lower() and "abuse" not in text.lower()
    ]
    assert not lacking, lacking


# --- moving_on: nothing chosen for the person ---------------------------------


def test_moving_on_preselects_nothing(program: Program) -> None:
    step = _step(program, "moving_on")
    assert all(getattr(q, "default", None) is None for q in step.questions)
    raw = yaml.safe_load((CONTENT / "steps" / "moving_on.yaml").read_text(encoding="utf-8"))
    assert all("default" not in q for q in raw["questions"])


def test_moving_on_says_where_continue_goes(program: Program) -> None:
    """The wizard's Continue opens the first open step in program order, or the menu."""
    text = _read(_step(program, "moving_on"))
    assert "continue leads on to the first step still open to you" in text
    assert "back to the menu" in text

    # ...and that is what program order gives on the moving-on track.
    now = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
    progress = logic.new_progress(now)
    safety = _step(program, "safety_check")
    asked = next(q for q in safety.questions if q.id == "asked_no_contact")
    logic.record_answer(program, progress, safety, asked, "said_no", now)
    assert progress.active_routes() == {"moving_on"}
    order = [s.id for s in program.steps]
    for step in program.steps[: order.index("moving_on")]:
        for question in step.questions:  # a step is done while its answers are all there
            if not (step.id == "safety_check" and question.id == "asked_no_contact"):
                logic.record_answer(program, progress, step, question, sample_answer(question), now)
        logic.step_progress(progress, step, now).completed_at = now
    nxt = logic.next_step(program, progress, now.date())
    assert nxt is not None and nxt.id == "moving_on"
    progress.steps["grieve"].completed_at = None
    progress.steps["grieve"].answers.clear()
    nxt = logic.next_step(program, progress, now.date())
    assert nxt is not None and nxt.id == "grieve"  # the first step still open, not this one


# --- ground the articles leave out --------------------------------------------


def _question(program: Program, step_id: str, question_id: str) -> Question:
    step = _step(program, step_id)
    found = next((q for q in step.questions if q.id == question_id), None)
    assert found is not None, f"{step_id}.{question_id} is missing"
    return found


def test_a_reality_check_of_what_kept_going_wrong(program: Program) -> None:
    """Another issue shows this answer back at the moment of an urge: keep its id."""
    question = _question(program, "understand_breakup", "reality_check")
    assert isinstance(question, MultilineQuestion)
    assert "kept going wrong" in question.prompt


def test_what_wanting_them_back_is_made_of(program: Program) -> None:
    question = _question(program, "prepare_emotionally", "want_back_made_of")
    assert isinstance(question, MultiQuestion)
    assert {"love", "loneliness", "habit", "pride"} <= {c.value for c in question.choices}


def test_hard_dates_are_noted_ahead(program: Program) -> None:
    question = _question(program, "rebuild_life", "hard_dates")
    assert isinstance(question, MultilineQuestion)
    words = f"{question.prompt} {question.help}".lower()
    assert all(w in words for w in ("birthday", "anniversary", "holidays"))


def test_dating_again_and_rebounds(program: Program) -> None:
    question = _question(program, "moving_on", "dating_again")
    assert isinstance(question, ChoiceQuestion)
    assert "rebound" in (question.help or "")
    assert "rebound" in _read(_step(program, "moving_on"))


def test_their_infidelity_not_only_yours(program: Program) -> None:
    breach = _question(program, "rebuild_trust", "breach")
    assert isinstance(breach, ChoiceQuestion)
    assert {"mine", "theirs", "both_sides"} <= {c.value for c in breach.choices}
    assert "if they were unfaithful" in _read(_step(program, "understand_breakup"))


def test_contact_that_finds_you_is_open_to_everyone(program: Program) -> None:
    step = _step(program, "contact_finds_you")
    assert not step.contact and not step.requires.steps
    assert not step.requires.no_contact_complete
    assert step.id not in program.routes["moving_on"].locks
    text = _read(step)
    for ground in (
        "mixed signals",
        "let's be friends",
        "sleep together without getting back together",
        "business-like",
        "shared friends and events",
        "someone new",
        "don't meet alone",
        "if an order limits contact, follow it even when they write first",
    ):
        assert ground in text, ground


def test_no_question_of_the_program_starts_with_an_answer_chosen(program: Program) -> None:
    """Nothing is pre-selected for the person: no content default anywhere."""
    chosen = [
        f"{step.id}.{question.id}"
        for step in program.steps
        for question in step.questions
        if question.default not in (None, [], "")
    ]
    assert chosen == []
