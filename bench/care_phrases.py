"""Measure content/care_phrases.yaml on the test corpus: hit rate and false-alarm rate.

    uv run python bench/care_phrases.py [CORPUS.yaml] [CONTENT_DIR]

The corpus (tests/data/care_corpus.yaml by default) has `at_risk` notes, which
should get the gentle help-now line, and `ordinary` ones (near-misses included),
which should not. Prints both rates and every note on the wrong side.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from exback.content import load_care_phrases
from exback.phrases import Matcher, compile_phrases

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "care_corpus.yaml"
CONTENT = ROOT / "content"


@dataclass(frozen=True)
class Figures:
    """How the phrase list does on a corpus."""

    at_risk: int
    ordinary: int
    misses: list[str]
    false_alarms: list[str]

    @property
    def hit_rate(self) -> float:
        return (self.at_risk - len(self.misses)) / self.at_risk

    @property
    def false_alarm_rate(self) -> float:
        return len(self.false_alarms) / self.ordinary


def measure(matcher: Matcher, corpus: dict[str, list[str]]) -> Figures:
    """Hits among `at_risk`, false alarms among `ordinary`."""
    at_risk, ordinary = corpus["at_risk"], corpus["ordinary"]
    return Figures(
        at_risk=len(at_risk),
        ordinary=len(ordinary),
        misses=[n for n in at_risk if not matcher.matches(n)],
        false_alarms=[n for n in ordinary if matcher.matches(n)],
    )


def main(argv: list[str]) -> int:
    corpus_path = Path(argv[0]) if argv else CORPUS
    content = Path(argv[1]) if len(argv) > 1 else CONTENT
    corpus = yaml.safe_load(corpus_path.read_text(encoding="utf-8"))
    matcher = compile_phrases(load_care_phrases(content))
    figures = measure(matcher, corpus)
    hits = figures.at_risk - len(figures.misses)
    print(f"corpus: {corpus_path}")
    print(f"at risk:  {hits}/{figures.at_risk} found, hit rate {figures.hit_rate:.1%}")
    print(
        f"ordinary: {len(figures.false_alarms)}/{figures.ordinary} flagged, "
        f"false-alarm rate {figures.false_alarm_rate:.1%}"
    )
    for note in figures.misses:
        print(f"  missed:      {note}")
    for note in figures.false_alarms:
        print(f"  false alarm: {note}  [{matcher.first_match(note)}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
