"""The care phrase list on held-out notes: sets written apart from the list.

Each set was measured once before the list saw it (first-seen figures in
docs/care.md); from then on these tests keep what the list catches caught and
what it leaves alone left alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from exback.content import load_care_phrases
from exback.phrases import _SPELT_OUT, _all_matches, compile_phrases, normalise

from .conftest import PACKAGED, ROOT

DATA = ROOT / "tests" / "data"
MATCHER = compile_phrases(load_care_phrases(PACKAGED))


def _figures(path: Path) -> tuple[float, float, list[str], list[str]]:
    corpus = yaml.safe_load(path.read_text(encoding="utf-8"))
    at_risk, ordinary = corpus["at_risk"], corpus["ordinary"]
    assert not set(at_risk) & set(ordinary)
    misses = [n for n in at_risk if not MATCHER.matches(n)]
    alarms = [n for n in ordinary if MATCHER.matches(n)]
    return 1 - len(misses) / len(at_risk), len(alarms) / len(ordinary), misses, alarms


@pytest.mark.parametrize(
    ("name", "size", "hits", "false_alarms"),
    [
        ("care_corpus_heldout.yaml", 40, 0.85, 0.05),
        ("care_corpus_heldout2.yaml", 20, 0.65, 0.05),
        ("care_corpus_heldout3.yaml", 20, 0.75, 0.05),
    ],
)
def test_held_out_sets_stay_caught(name: str, size: int, hits: float, false_alarms: float) -> None:
    corpus = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert len(corpus["at_risk"]) >= size and len(corpus["ordinary"]) >= size
    hit_rate, alarm_rate, misses, alarms = _figures(DATA / name)
    assert hit_rate >= hits, misses
    assert alarm_rate <= false_alarms, alarms


@pytest.mark.parametrize(
    "note",
    [
        "it would be easier for everyone if I just wasn't here",
        "Tired of waking up every day",
        "honestly what's the point in carrying on",
        "I've had enough of everything",
        "I burn my arm with a lighter when it gets bad",
        "He said next time he'd finish the job",
        "She took my keys so I couldn't leave",
        "He dragged me out of the car by my hair",
        "I'm gonna go round there and hurt him",
        "I looked up how high the multistorey is",
    ],
)
def test_new_families_match(note: str) -> None:
    assert MATCHER.matches(note)


@pytest.mark.parametrize(
    "note",
    [
        "I hid my phone so I can't call him",
        "I don't want to hurt him by saying no",
        "I'm going to kill him at tennis tomorrow",
        "I can't stay asleep past 4am",
        "I've had enough of this weather",
        "Sat on the edge of the bed and cried",
        "Scared she'll find out I texted him",
        "My friend dragged me out of the house for a walk, glad she did",
        "This relationship was suffocating me",
        "I broke up with him at the front door",
        "I read my messages from him again, stupid",
        "How many tablets do I take for a migraine",
        "Threw myself into work this week",
        "Urge to cut my hair short",
        "Cut my arms on the brambles in the garden",
        "I'll never get better at goodbyes",
        "I won't be here much longer, the lease ends in May",
    ],
)
def test_new_families_leave_near_misses_alone(note: str) -> None:
    assert not MATCHER.matches(note)


def _eager_first_match(text: str) -> str | None:
    """The matcher's rule with every pattern compiled and run: no word filter."""
    typed = normalise(text)
    spelt = " ".join(_SPELT_OUT.get(w, w) for w in typed.split())
    for variant in dict.fromkeys((typed, spelt)):
        padded = f" {variant} "
        misses = [
            (m.start() + 1, m.end() - 1)
            for p in MATCHER.near_misses
            for m in _all_matches(re.compile(p.source), padded)
        ]
        for phrase in MATCHER.phrases:
            for m in _all_matches(re.compile(phrase.source), padded):
                if not any(s < m.end() - 1 and m.start() + 1 < e for s, e in misses):
                    return m.group().strip()
    return None


def test_the_word_filter_never_hides_a_match() -> None:
    notes = [
        note
        for path in sorted(DATA.glob("care_corpus*.yaml"))
        for part in yaml.safe_load(path.read_text(encoding="utf-8")).values()
        for note in part
    ]
    assert len(notes) > 500
    assert [MATCHER.first_match(n) for n in notes] == [_eager_first_match(n) for n in notes]


def test_an_ordinary_note_compiles_few_patterns() -> None:
    matcher = compile_phrases(load_care_phrases(PACKAGED))
    assert not matcher.matches("Wanted to text them at midnight, wrote in here instead.")
    assert 0 < len(matcher._compiled) < len(matcher.phrases) // 10
    assert matcher.matches("I don't want to be here anymore")
