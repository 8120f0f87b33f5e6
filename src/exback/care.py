"""Care: what exback shows, at once, when someone says they may not be safe.

One module, so that the walk, answers files and commands all show the same thing.

API (for the walk, answers files and commands):

- `program.care_for(program, question, value) -> list[CareResponse]` (pure): the
  care responses a checked answer brings, declared in the content.
- `render.care_response(console, response, help_now, plan)`: print one response:
  its calm words, the help_now.yaml sections it names, and the person's safety plan
  (or how to make one). The walk passes `ui.out`; answers files pass `ui.err`.
- `program.record_care(progress, response, step_id, question_id, value, now)`:
  note that it was shown, under the same lock and save as the answer itself.
- `load_help(content_dir)`: the help text to pass to `care_response`; never raises.
- `answer_needs_line(program, question, value)`: for a text or multiline answer in
  the walk, whether to print the gentle line after saving it.
- `text_needs_care(program, text)`: whether free text (a journal note, a check-in
  or urge note, a text answer) holds words of danger or despair
  (content/care_phrases.yaml, matched on this machine; nothing is stored).
- `checkin_needs_care(mood, urge)`: mood 1, or urge 10 with mood 2 or lower.
- `gentle_line(has_plan)`: the one quiet line on
  stderr after such text is saved, pointing to `exback help-now` (and to the
  safety plan when there is one).
- `render.help_now_text(help_now, plan)`: the text `exback help-now` prints.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from exback.errors import ExbackError

if TYPE_CHECKING:
    from exback.models import (
        HelpNow,
        Program,
        Question,
    )
    from exback.phrases import Matcher, PhraseList

HELP_NOW_FALLBACK = (
    "If you or someone else is in danger, call your local emergency number now. "
    "If you are thinking about ending your life, contact a crisis line or someone you trust today."
)

_MATCHERS: dict[int, tuple[PhraseList, Matcher]] = {}


def load_help(content_dir: Path | None) -> HelpNow | None:
    """help_now.yaml from `content_dir`, else the built-in one; None if neither loads."""
    from exback import paths
    from exback.content import load_help_now

    folders = [content_dir] if content_dir is not None else []
    folders.append(paths.packaged_content_dir())
    for folder in folders:
        with contextlib.suppress(ExbackError, OSError):
            return load_help_now(folder)
    return None


def _matcher(phrases: PhraseList) -> Matcher:
    from exback.phrases import compile_phrases

    cached = _MATCHERS.get(id(phrases))
    if cached is None or cached[0] is not phrases:
        cached = (phrases, compile_phrases(phrases))
        _MATCHERS[id(phrases)] = cached
    return cached[1]


def text_needs_care(program: Program, text: str | None) -> bool:
    """Whether free text holds words of danger or despair (matched here, never stored)."""
    if not text or program.care_phrases is None:
        return False
    return _matcher(program.care_phrases).matches(text)


def any_needs_care(
    load_program: Callable[[], Program],
    texts: Iterable[str | None],
    cached: Callable[[], Matcher | None] | None = None,
) -> bool:
    """`text_needs_care` for each text; never raises (saving always comes first).

    The phrases come from `cached` (the program cache's, compiled, without pydantic)
    when it has them, else from the program in use; when its content does not load,
    from the built-in care_phrases.yaml; when neither does, nothing matches.

    Texts are matched a few hundred at a time, joined by newlines: a newline ends a
    sentence, which no phrase, gap or near-miss crosses (phrases.py), so the joined
    text holds a phrase exactly when one of the texts does, at a fraction of the
    cost per text (100,000 imported notes). `texts` is read lazily, a batch at a time.
    """
    batches = _joined(t for t in texts if t)
    first = next(batches, None)
    if first is None:
        return False
    matcher: Matcher | None = None
    if cached is not None:
        with contextlib.suppress(ExbackError, OSError):
            matcher = cached()
    if matcher is None:
        matcher = _program_matcher(load_program)
    if matcher is None:
        return False
    return any(matcher.matches(batch) for batch in itertools.chain([first], batches))


def _program_matcher(load_program: Callable[[], Program]) -> Matcher | None:
    """The program's care phrases compiled; the built-in ones if its content does not load."""
    program = program_or_none(load_program)
    phrases: PhraseList | None = program.care_phrases if program is not None else None
    if phrases is None:
        from exback import paths
        from exback.content import load_care_phrases

        with contextlib.suppress(ExbackError, OSError):
            phrases = load_care_phrases(paths.packaged_content_dir())
    return _matcher(phrases) if phrases is not None else None


CARE_BATCH = 500
"""Texts matched at once by `any_needs_care`."""


def _joined(texts: Iterator[str]) -> Iterator[str]:
    while batch := list(itertools.islice(texts, CARE_BATCH)):
        yield "\n".join(batch)


def answer_needs_line(program: Program, question: Question, value: object) -> bool:
    """For the walk: whether a text answer gets the gentle line (other kinds never do)."""
    from exback.models import MultilineQuestion, TextQuestion

    is_text = isinstance(question, TextQuestion | MultilineQuestion)
    return is_text and isinstance(value, str) and text_needs_care(program, value)


def checkin_needs_care(mood: int, urge: int) -> bool:
    """A check-in that gets the gentle line: mood 1, or urge 10 with mood 2 or lower."""
    from exback.phrases import low_checkin

    return low_checkin(mood, urge)


def gentle_line(has_plan: bool) -> str:
    """The one quiet line after a note or check-in that may come from a hard place."""
    plan = " Your safety plan is there too: exback safety-plan show." if has_plan else ""
    return (
        "If things feel unsafe or too heavy right now, you don't have to hold it alone: "
        f"exback help-now shows who you can reach, at any hour.{plan}"
    )


def program_or_none(load: Callable[[], Program]) -> Program | None:
    """The program from a loader, or None when the content cannot load (never raises)."""
    with contextlib.suppress(ExbackError, OSError):
        return load()
    return None
