"""Pure matching of free text against the care phrase list (content/care_phrases.yaml).

Nothing here does I/O, reads the clock or stores anything: a note is checked on
this machine when it is saved, and the only outcome is one gentle line.

Text and phrases are normalised the same way: lower case, apostrophes dropped
(so "don't", "don’t" and "dont" are one word), every other non-letter a space.
A phrase is words separated by spaces, where

- `a/b/c` is any one of those words,
- `word*` is any word that starts with `word` (`suicid*`),
- `word?` may be left out (`not want to? live` also matches "not want live"),
- `...` is a gap of up to four words ("he ... kill me": "he said he would kill me").

A near-miss (`except:` in the file) cancels a phrase match that it overlaps:
"killing myself" is a phrase, "killing myself laughing" a near-miss. Neither a
phrase nor a gap crosses the end of a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

GAP = 4
# Common contractions, with or without the apostrophe, spelt out. Text is matched
# twice, as typed and spelt out, so a phrase may use either form ("dont want",
# "what he will do"). The spelt-out pass may misread a few words (ill, hell,
# shed, well); the as-typed pass still sees them as written.
_SPELT_OUT = {
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "im": "i am",
    "ive": "i have",
    "id": "i would",
    "ill": "i will",
    "youre": "you are",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "hell": "he will",
    "shell": "she will",
    "theyll": "they will",
    "hed": "he would",
    "shed": "she would",
    "theyd": "they would",
    "whats": "what is",
    "thats": "that is",
    "theres": "there is",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
}
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`\u00b4]")
_SENTENCE_END = re.compile(r"[.!?;:\n]+")
_NON_WORD = re.compile(r"[^a-z0-9|]+")
_TOKEN = re.compile(r"^(\.\.\.|[a-z0-9]+\*?(/[a-z0-9]+\*?)*\??)$")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, apostrophes dropped.

    The end of a sentence becomes `|`, which no phrase and no gap can cross.
    """
    text = _APOSTROPHES.sub("", text.casefold())
    text = _SENTENCE_END.sub(" | ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def phrase_problem(phrase: str) -> str | None:
    """Why a phrase cannot be used (None when it can)."""
    tokens = normalise_phrase(phrase)
    if not tokens:
        return "a phrase needs at least one word"
    if tokens[0] == "..." or tokens[-1] == "...":
        return "'...' belongs between words, not at the start or end"
    bad = [t for t in tokens if not _TOKEN.match(t)]
    if bad:
        return f"cannot read {bad[0]!r}: use words, a/b, word*, word? and ..."
    if all(t.endswith("?") or t == "..." for t in tokens):
        return "a phrase needs at least one word that is not optional"
    return None


def normalise_phrase(phrase: str) -> list[str]:
    """A phrase's tokens, normalised like text but keeping / * ? and ...."""
    text = _APOSTROPHES.sub("", phrase.casefold())
    text = re.sub(r"[^a-z0-9/*?. ]+", " ", text)
    return text.split()


def _source(phrase: str) -> str:
    parts = []
    for token in normalise_phrase(phrase):
        if token == "...":
            parts.append(rf"(?:[a-z0-9]+ ){{0,{GAP}}}")
            continue
        optional = token.endswith("?")
        words = token.rstrip("?").split("/")
        alts = "|".join(
            re.escape(w[:-1]) + "[a-z0-9]*" if w.endswith("*") else re.escape(w) for w in words
        )
        piece = f"(?:{alts}) "
        parts.append(f"(?:{piece})?" if optional else piece)
    return " " + "".join(parts)


@dataclass(frozen=True)
class _Phrase:
    """A phrase's pattern source and the one word it cannot match without.

    The anchor is the required token whose shortest word is longest (the rarest,
    roughly): a text without any of its words cannot match, so the pattern is
    compiled and run only for texts that have one.
    """

    source: str
    words: frozenset[str]
    prefixes: tuple[str, ...]


@dataclass(frozen=True)
class _Index:
    """Which phrases (by position) each anchor word and each anchor prefix belongs to, so
    that a text's words name the phrases it could match in a few lookups."""

    words: dict[str, tuple[int, ...]]
    prefixes: dict[str, tuple[int, ...]]
    lengths: tuple[int, ...]
    """The lengths of the prefixes: only those are looked up."""
    seen: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)
    """What each word of a text looked up so far anchors (notes share most of their words)."""

    @classmethod
    def of(cls, phrases: tuple[_Phrase, ...]) -> _Index:
        words: dict[str, list[int]] = {}
        prefixes: dict[str, list[int]] = {}
        for i, phrase in enumerate(phrases):
            for word in phrase.words:
                words.setdefault(word, []).append(i)
            for prefix in phrase.prefixes:
                prefixes.setdefault(prefix, []).append(i)
        return cls(
            {k: tuple(v) for k, v in words.items()},
            {k: tuple(v) for k, v in prefixes.items()},
            tuple(sorted({len(p) for p in prefixes})),
        )

    def candidates(self, phrases: tuple[_Phrase, ...], words: frozenset[str]) -> list[_Phrase]:
        """The phrases whose anchor is among `words` (a word, or a word's prefix), in order."""
        found: set[int] = set()
        for word in words:
            anchored = self.seen.get(word)
            if anchored is None:
                anchored = self.seen[word] = self._anchored(word)
            found.update(anchored)
        return [phrases[i] for i in sorted(found)]

    def _anchored(self, word: str) -> tuple[int, ...]:
        found = list(self.words.get(word, ()))
        for length in self.lengths:
            if length > len(word):
                break
            found += self.prefixes.get(word[:length], ())
        return tuple(found)


def _phrase(phrase: str) -> _Phrase:
    required = [
        t.split("/") for t in normalise_phrase(phrase) if t != "..." and not t.endswith("?")
    ]
    anchor = max(required, key=lambda alts: min(len(a.rstrip("*")) for a in alts))
    return _Phrase(
        _source(phrase),
        frozenset(a for a in anchor if not a.endswith("*")),
        tuple(a[:-1] for a in anchor if a.endswith("*")),
    )


@dataclass(frozen=True)
class Matcher:
    """A phrase list, each pattern compiled the first time a text could match it."""

    phrases: tuple[_Phrase, ...]
    near_misses: tuple[_Phrase, ...]
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _indexes(self) -> tuple[_Index, _Index]:
        return _Index.of(self.phrases), _Index.of(self.near_misses)

    def matches(self, text: str) -> bool:
        """Whether the text holds a phrase of danger or despair (not a near-miss)."""
        return self.first_match(text) is not None

    def first_match(self, text: str) -> str | None:
        """The matched words, normalised (for tests and the bench), or None."""
        typed = normalise(text)
        spelt = " ".join(_SPELT_OUT.get(w, w) for w in typed.split())
        for variant in dict.fromkeys((typed, spelt)):
            found = self._match(f" {variant} ")
            if found is not None:
                return found
        return None

    def _pattern(self, phrase: _Phrase) -> re.Pattern[str]:
        pattern = self._compiled.get(phrase.source)
        if pattern is None:
            pattern = self._compiled[phrase.source] = re.compile(phrase.source)
        return pattern

    def _match(self, padded: str) -> str | None:
        words = frozenset(padded.split())
        by_phrase, by_miss = self._indexes
        # spans without their bounding spaces, so that neighbours do not overlap
        misses = [
            (m.start() + 1, m.end() - 1)
            for p in by_miss.candidates(self.near_misses, words)
            for m in _all_matches(self._pattern(p), padded)
        ]
        for phrase in by_phrase.candidates(self.phrases, words):
            for m in _all_matches(self._pattern(phrase), padded):
                start, end = m.start() + 1, m.end() - 1
                if not any(s < end and start < e for s, e in misses):
                    return m.group().strip()
        return None


def _all_matches(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Every match, overlapping ones included (each start position once)."""
    found: list[re.Match[str]] = []
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return found
        found.append(m)
        pos = m.start() + 1


class PhraseList(Protocol):
    """What a matcher is made of: `CarePhrases` (models.py), or `CachedPhrases`."""

    @property
    def phrases(self) -> Sequence[str]: ...
    @property
    def except_(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class CachedPhrases:
    """The phrase lists of a validated `CarePhrases`, read back from the program cache."""

    phrases: list[str]
    except_: list[str]


def compile_phrases(phrases: PhraseList) -> Matcher:
    """A matcher for a validated phrase list."""
    return Matcher(
        tuple(_phrase(p) for p in phrases.phrases),
        tuple(_phrase(p) for p in phrases.except_),
    )


def low_checkin(mood: int, urge: int) -> bool:
    """A check-in that gets the gentle line: mood 1, or urge 10 with mood 2 or lower."""
    return mood <= 1 or (urge >= 10 and mood <= 2)
