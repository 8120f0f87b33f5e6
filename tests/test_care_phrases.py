"""The care phrase list: its syntax, its near-misses, and its figures on the corpus."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exback.content import load_care_phrases, load_program
from exback.errors import ContentError
from exback.models import CarePhrases
from exback.phrases import compile_phrases, low_checkin, normalise

from .conftest import CONTENT, PACKAGED, ROOT

CORPUS = ROOT / "tests" / "data" / "care_corpus.yaml"
_PHRASES = load_care_phrases(PACKAGED)
MATCHER = compile_phrases(_PHRASES)


def _bench():  # the script is the measurement; the test runs the same code
    import importlib.util

    spec = importlib.util.spec_from_file_location("care_bench", ROOT / "bench" / "care_phrases.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_corpus_is_large_and_balanced() -> None:
    corpus = yaml.safe_load(CORPUS.read_text())
    assert len(corpus["at_risk"]) >= 30 and len(corpus["ordinary"]) >= 30
    assert len(corpus["at_risk"]) + len(corpus["ordinary"]) >= 60
    assert not set(corpus["at_risk"]) & set(corpus["ordinary"])


def test_hit_rate_and_false_alarm_rate_meet_the_targets() -> None:
    figures = _bench().measure(MATCHER, yaml.safe_load(CORPUS.read_text()))
    assert figures.hit_rate >= 0.90, figures.misses
    assert figures.false_alarm_rate <= 0.10, figures.false_alarms


def test_the_second_corpus_stays_caught() -> None:
    """Notes the list was improved with: a regression check (see the file's header)."""
    extra = yaml.safe_load((ROOT / "tests" / "data" / "care_corpus_extra.yaml").read_text())
    figures = _bench().measure(MATCHER, extra)
    assert figures.at_risk >= 100 and figures.ordinary >= 100
    assert figures.hit_rate >= 0.90, figures.misses
    assert figures.false_alarm_rate <= 0.05, figures.false_alarms


def test_bench_script_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert _bench().main([]) == 0
    out = capsys.readouterr().out
    assert "hit rate" in out and "false-alarm rate" in out


@pytest.mark.parametrize(
    "note",
    [
        "I want to kill myself tonight",
        "I WANT TO END IT ALL",
        "i   don’t want to be here   anymore",
        "I dont want to be here anymore",
        "He'll hurt me if I leave",
        "he’ll hurt me",
        "she said she would kill me",
        "My boyfriend hits me when he drinks",
        "I've been self-harming again",
    ],
)
def test_phrases_match_whatever_the_case_apostrophes_or_spacing(note: str) -> None:
    assert MATCHER.matches(note)


@pytest.mark.parametrize(
    "note",
    [
        "This commute is killing me",
        "killing it at work",
        "I could kill for a coffee",
        "Nearly killed myself laughing",
        "I cut myself shaving",
        "Watched Suicide Squad",
        "I ended it with him and it was right",
        "It hit me today that it is over",
        "He hurt me so much",
        "I'm dying to see the new flat",
    ],
)
def test_near_misses_do_not_match(note: str) -> None:
    assert not MATCHER.matches(note)


def test_no_phrase_or_gap_crosses_a_sentence() -> None:
    assert MATCHER.matches("I want to hurt myself. Then I went to the gym")
    assert not MATCHER.matches("I hurt myself at the gym")
    assert normalise("Don’t. Stop!") == "dont | stop |"


def test_low_checkins() -> None:
    assert low_checkin(1, 0)
    assert low_checkin(2, 10)
    assert not low_checkin(2, 9)
    assert not low_checkin(3, 10)


def _phrases_folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    (folder / "care_phrases.yaml").write_text(text)
    return folder


def test_a_bad_phrase_is_a_content_error_with_file_line(tmp_path: Path) -> None:
    folder = _phrases_folder(
        tmp_path, "last_reviewed: 2026-11-29\nphrases:\n  - kill myself\n  - '... end'\n"
    )
    with pytest.raises(ContentError) as info:
        load_program(folder)
    assert f"{folder}/care_phrases.yaml:4:5: phrases[1]: '...' belongs between words" in (
        info.value.message
    )


def test_phrase_list_needs_a_review_date(tmp_path: Path) -> None:
    folder = _phrases_folder(tmp_path, "phrases: [kill myself]\n")
    with pytest.raises(ContentError) as info:
        load_care_phrases(folder)
    assert "last_reviewed: Field required" in info.value.message


def test_a_custom_phrase_list_replaces_the_built_in_one(tmp_path: Path) -> None:
    folder = _phrases_folder(tmp_path, "last_reviewed: 2026-11-29\nphrases: [blue/green moon*]\n")
    phrases = load_program(folder).care_phrases
    assert isinstance(phrases, CarePhrases)
    matcher = compile_phrases(phrases)
    assert matcher.matches("a Green Moonlight") and not matcher.matches("kill myself")


def test_validate_warns_when_the_phrase_list_is_over_a_year_old(runner, tmp_path: Path) -> None:
    import time_machine

    from .conftest import run

    folder = _phrases_folder(tmp_path, "last_reviewed: 2026-11-29\nphrases: [kill myself]\n")
    with time_machine.travel("2027-11-30 12:00:00+00:00", tick=False):
        stale = run(runner, "content", "validate", str(folder))
    assert stale.exit_code == 0
    assert "care_phrases.yaml: last_reviewed is 2026-11-29, 366 days ago" in stale.stderr
    with time_machine.travel("2027-11-29 12:00:00+00:00", tick=False):
        fresh = run(runner, "content", "validate", str(folder))
    assert "care_phrases" not in fresh.stderr and "care_phrases.yaml" in fresh.stdout


_CORPUS = yaml.safe_load(CORPUS.read_text())
_WORDS = "i want to die kill killing myself laughing dont im end it all cant go on . he said"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_CORPUS["at_risk"], *_CORPUS["ordinary"]])
        | st.lists(st.sampled_from([*_WORDS.split(), "\n"])).map(" ".join)
        | st.text(max_size=30),
        max_size=8,
    )
)
@example(["I want", "to die"])  # a phrase across two notes is no phrase
@example(["I keep killing myself", "laughing at it"])  # nor is a near-miss
def test_notes_matched_together_match_as_each_alone(notes: list[str]) -> None:
    """Issue 19: `any_needs_care` matches notes joined by newlines (no phrase crosses
    one): the same answer as matching them one by one."""
    from exback import care

    one_by_one = any(MATCHER.first_match(n) is not None for n in notes if n)
    assert MATCHER.matches("\n".join(n for n in notes if n)) is one_by_one
    assert care.any_needs_care(lambda: load_program(CONTENT), iter(notes), lambda: MATCHER) is (
        one_by_one
    )
