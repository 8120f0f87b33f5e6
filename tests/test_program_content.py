"""The shipped program: structure, safety rules, and that it is written in its own words."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from exback.content import load_program
from exback.models import ChoiceQuestion, MultiQuestion, Program, Step

ROOT = Path(__file__).parents[1]
CONTENT = ROOT / "content"
MOVING_ON = "moving_on"
SAFETY = "safety_check"

# The four red flags the safety check must ask about, by question id.
RED_FLAGS = {
    "asked_no_contact": "they asked for no contact, blocked you, or said no",
    "protective_order": "a protective or restraining order",
    "fear_or_harm": "threats, violence, control or fear",
    "moved_on": "they have told you they have moved on",
}

# Traces of the seeds' machine-generated noise that must never reach the program.
NOISE = ("i'm sorry", "i cannot", "as an ai", "discuss the importance")

NGRAM = 10


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program(CONTENT)


def _seeds_dir() -> Path | None:
    """The seed articles: $EXBACK_SEEDS_DIR, or the shared folder next to the worktrees."""
    candidates = [
        os.environ.get("EXBACK_SEEDS_DIR"),
        ROOT / "seeds",
        ROOT.parent / "shared" / "seeds",
        "/work/shared/seeds",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir() and any(Path(candidate).glob("0*.txt")):
            return Path(candidate)
    return None


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    folder = _seeds_dir()
    if folder is None:
        pytest.skip("seed articles not found; set EXBACK_SEEDS_DIR to the seeds folder")
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("0*.txt"))}


def _words(text: str) -> list[str]:
    """Lower-case words with punctuation stripped; apostrophes vanish (it's -> its)."""
    text = re.sub(r"['\u2018\u2019\u02bc`]", "", text.lower())
    return re.sub(r"[^\w\s]|_", " ", text).split()


def _ngrams(words: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _strings(node: Any) -> Iterator[str]:
    """Every string scalar in a parsed YAML document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _content_texts() -> dict[str, list[str]]:
    """For each content file: its raw text, then (for YAML) each string in it."""
    texts: dict[str, list[str]] = {}
    for path in sorted(CONTENT.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".md"):
            continue
        raw = path.read_text(encoding="utf-8")
        parts = [raw]
        if path.suffix != ".md":
            parts.extend(_strings(yaml.safe_load(raw)))
        texts[str(path.relative_to(ROOT))] = parts
    return texts


def _contact_steps(program: Program) -> list[Step]:
    return [s for s in program.steps if s.contact]


# --- structure ----------------------------------------------------------------


def test_content_has_readme_and_every_kind_of_question(program: Program) -> None:
    assert (CONTENT / "README.md").is_file()
    kinds = {q.kind for s in program.steps for q in s.questions}
    assert kinds == {"text", "multiline", "choice", "multi", "confirm", "scale"}


@pytest.mark.parametrize("step_id", [p.stem for p in sorted((CONTENT / "steps").glob("*.yaml"))])
def test_each_step_is_complete(program: Program, step_id: str) -> None:
    step = program.step(step_id)
    assert step is not None
    assert len(step.sources) >= 1
    assert 2 <= len(step.tips) <= 6, f"{step_id}: {len(step.tips)} tips"
    # the safety check asks more: each red flag is its own short question
    most = 12 if step_id == SAFETY else 8
    # "have you sent it?" is a yes/no about what happened, not a question to reflect on
    asked = [q for q in step.questions if step.waits is None or q.id != step.waits.after]
    assert 3 <= len(asked) <= most, f"{step_id}: {len(asked)} questions"
    words = len(step.summary.split())
    assert 40 <= words <= 130, f"{step_id}: summary has {words} words"


def test_required_steps_exist(program: Program) -> None:
    ids = {s.id for s in program.steps}
    for needed in (SAFETY, "no_contact", MOVING_ON, "self_worth", "rebuild_life", "resources"):
        assert needed in ids


def test_route_locks_and_requires_point_at_real_steps(program: Program) -> None:
    ids = {s.id for s in program.steps}
    assert MOVING_ON in program.routes
    for name, route in program.routes.items():
        unknown = set(route.locks) - ids
        assert not unknown, f"route {name} locks unknown steps {unknown}"
    for step in program.steps:
        unknown = set(step.requires.steps) - ids
        assert not unknown, f"{step.id} requires unknown steps {unknown}"
        for question in step.questions:
            for choice in getattr(question, "choices", []):
                assert choice.route is None or choice.route in program.routes


def test_only_the_no_contact_step_starts_the_countdown(program: Program) -> None:
    starters = [s.id for s in program.steps if s.starts_no_contact]
    assert starters == ["no_contact"]
    assert program.no_contact.default_days in program.no_contact.choices
    assert len(program.no_contact.exceptions) >= 4


def test_contact_steps_are_guarded(program: Program) -> None:
    contact = _contact_steps(program)
    assert len(contact) >= 7
    locks = set(program.routes[MOVING_ON].locks)
    for step in contact:
        assert step.requires.no_contact_complete, step.id
        assert SAFETY in step.requires.steps, step.id
        assert step.id in locks, step.id


def test_moving_on_locks_only_contact_steps(program: Program) -> None:
    contact_ids = {s.id for s in _contact_steps(program)}
    assert set(program.routes[MOVING_ON].locks) == contact_ids


def test_recovery_steps_are_open_to_everyone(program: Program) -> None:
    for step_id in (MOVING_ON, "self_worth", "rebuild_life", "seek_help", "resources", "grieve"):
        step = program.step(step_id)
        assert step is not None
        assert not step.contact
        assert step.requires.steps == [] and not step.requires.no_contact_complete, step_id


def test_safety_check_comes_before_every_contact_step(program: Program) -> None:
    order = [s.id for s in program.steps]
    safety = order.index(SAFETY)
    safety_step = program.steps[safety]
    assert not safety_step.contact
    for step in _contact_steps(program):
        assert safety < order.index(step.id), step.id


def test_safety_check_routes_every_red_flag_to_moving_on(program: Program) -> None:
    safety = program.step(SAFETY)
    assert safety is not None
    questions = {q.id: q for q in safety.questions}
    for question_id, meaning in RED_FLAGS.items():
        question = questions.get(question_id)
        assert isinstance(question, (ChoiceQuestion, MultiQuestion)), (
            f"safety_check needs a choice question {question_id!r} ({meaning})"
        )
        routed = [c for c in question.choices if c.route == MOVING_ON]
        unrouted = [c for c in question.choices if c.route is None]
        assert routed, f"{question_id}: no choice routes to {MOVING_ON}"
        assert unrouted, f"{question_id}: every choice routes; a 'no' must stay open"


# --- own words ----------------------------------------------------------------


def test_no_ten_word_run_from_any_seed(seeds: dict[str, str]) -> None:
    seed_grams: dict[tuple[str, ...], str] = {}
    for name, text in seeds.items():
        for gram in _ngrams(_words(text)):
            seed_grams.setdefault(gram, name)
    copied = []
    for path, parts in _content_texts().items():
        for part in parts:
            for gram in sorted(_ngrams(_words(part)) & seed_grams.keys()):
                copied.append(f"{path}: {' '.join(gram)!r} (from {seed_grams[gram]})")
    assert not copied, "copied from the seeds:\n" + "\n".join(sorted(set(copied)))


def test_no_refusals_or_outline_bullets() -> None:
    found = []
    for path, parts in _content_texts().items():
        text = parts[0].lower().replace("\u2019", "'")
        found += [f"{path}: {noise!r}" for noise in NOISE if noise in text]
    assert not found, "\n".join(found)


def test_sources_name_real_seed_sections(program: Program, seeds: dict[str, str]) -> None:
    seed_words = {name: " ".join(_words(text)) for name, text in seeds.items()}
    missing = []
    for step in program.steps:
        for source in step.sources:
            assert source.file in seeds, f"{step.id}: unknown seed {source.file}"
            if source.section is None:
                continue
            wanted = " ".join(_words(source.section))
            if f" {wanted} " not in f" {seed_words[source.file]} ":
                missing.append(f"{step.id}: {source.file}: {source.section!r}")
    assert not missing, "sections not found in their seed:\n" + "\n".join(missing)


def test_readme_answers_file_example_applies_to_the_packaged_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answers-file example in README.md works as printed."""
    from typer.testing import CliRunner

    from exback.cli import app

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    answers = tmp_path / "answers.yaml"
    answers.write_text(example)
    monkeypatch.delenv("EXBACK_CONTENT_DIR")
    result = CliRunner().invoke(app, ["start", "--answers-file", str(answers)])
    assert result.exit_code == 0, result.output
    assert "Saved 3 answers" in result.stderr
