"""Hostile user text (RULE 11): stored exactly, round-trips through --json, shown inert.

Every way text gets in is in TEXT_INPUTS, every human view in VIEWS; add new commands
there (e.g. a check-in note).
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exback.cli import app
from exback.storage import Store

from .conftest import run

# what must never reach a terminal from a human view: C0 but \t \n, DEL, C1, bidi controls
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# the same, for --json output: json.dumps escapes C0 itself
UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

FRAGMENTS = [
    "\x1b]0;pwned\x07",  # OSC: set the window title
    "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b[31m",
    "\x9b31m",  # C1 CSI
    "\x07",
    "\x00",
    "\r",
    "\x08",
    "\x7f",
    "\x85",
    "\u202e",  # right-to-left override
    "\u2066",
    "\u061c",
    "[/]",
    "[bold]",
    "[link=http://evil.example]click[/link]",
    ":smile:",
    "\\[escaped]",
    "é",
    "🙂",
    "e\u0301",
    "\u200b",
    "\ufeff",
    "\t",
    "\n",
    " ",
]

hostile = (
    st.lists(
        st.one_of(
            st.sampled_from(FRAGMENTS),
            st.text(st.characters(blacklist_categories=("Cs",)), max_size=15),
        ),
        min_size=1,
        max_size=10,
    )
    .map("".join)
    .filter(lambda text: text.strip() != "")
)
tags = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=20,
).filter(lambda t: not any(c.isspace() or ord(c) < 32 for c in t))

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _journal_via_argument(runner, data_dir: Path, text: str) -> None:
    assert run(runner, "--data-dir", str(data_dir), "journal", "add", "--", text).exit_code == 0


def _journal_via_stdin(runner, data_dir: Path, text: str) -> None:
    result = run(runner, "--data-dir", str(data_dir), "journal", "add", input=text + "\n")
    assert result.exit_code == 0, result.output


def _stored_note(data_dir: Path) -> str:
    return Store(data_dir).read_journal().entries[-1].text


def _answer_via_file(runner, data_dir: Path, text: str) -> None:
    answers = data_dir.parent / "answers.json"
    answers.write_text(json.dumps({"understand": {"reasons": text}}), encoding="utf-8")
    result = run(runner, "--data-dir", str(data_dir), "start", "--answers-file", str(answers))
    assert result.exit_code == 0, result.output


def _stored_answer(data_dir: Path) -> str:
    progress = Store(data_dir).load_progress()
    assert progress is not None
    return str(progress.steps["understand"].answers["reasons"].value)


def _urge_note(runner, data_dir: Path, text: str) -> None:
    base = ["--data-dir", str(data_dir), "nocontact"]
    if Store(data_dir).load_progress() is None:
        assert run(runner, *base, "start").exit_code == 0
    result = run(runner, *base, "urge", "--note", text)
    assert result.exit_code == 0, result.output


def _stored_urge_note(data_dir: Path) -> str:
    progress = Store(data_dir).load_progress()
    assert progress is not None and progress.no_contact is not None
    return str(progress.no_contact.events[-1].note)


def _checkin_note(runner, data_dir: Path, text: str) -> None:
    args = ["checkin", "--mood", "4", "--urge", "6", "--note", text, "--replace"]
    result = run(runner, "--data-dir", str(data_dir), *args)
    assert result.exit_code == 0, result.output


def _stored_checkin_note(data_dir: Path) -> str:
    progress = Store(data_dir).load_progress()
    assert progress is not None
    return str(progress.checkins[-1].note)


@dataclass(frozen=True)
class TextInput:
    """A way text gets in, where it is stored, and the views that show it back."""

    save: Callable[..., None]
    stored: Callable[[Path], str]
    view: list[str] | None  # the human view that shows the text
    from_json: tuple[list[str], Callable[[Any], str]] | None  # a --json view, and where in it


JOURNAL_JSON = (["journal", "list", "--json"], lambda doc: doc[0]["text"])
TEXT_INPUTS = [
    TextInput(_journal_via_argument, _stored_note, ["journal", "list"], JOURNAL_JSON),
    TextInput(_journal_via_stdin, _stored_note, ["journal", "list"], JOURNAL_JSON),
    TextInput(_answer_via_file, _stored_answer, None, None),
    TextInput(
        _urge_note,
        _stored_urge_note,
        None,
        (["nocontact", "--json"], lambda doc: doc["events"][-1]["note"]),
    ),
    TextInput(_checkin_note, _stored_checkin_note, None, None),
]
VIEWS = [["journal", "list"], ["status"], ["where"], ["doctor"], ["nocontact"]]
JSON_VIEWS = [
    ["journal", "list", "--json"],
    ["status", "--json"],
    ["doctor", "--json"],
    ["nocontact", "--json"],
]


def _assert_inert(output: str, text: str | None = None) -> None:
    """No control character reaches the terminal; the text shows up, unstyled and whole."""
    assert not UNSAFE.search(output), repr(UNSAFE.search(output))
    if text is not None:
        from exback.text import inert

        squeeze = re.compile(r"\s+")
        assert squeeze.sub("", inert(text)) in squeeze.sub("", output)


def _in(data_dir: Path, *args: str) -> list[str]:
    return ["--data-dir", str(data_dir), *args]


@pytest.mark.slow
@SETTINGS
@given(text=hostile, how=st.sampled_from(TEXT_INPUTS))
def test_hostile_text_is_stored_exactly_and_shown_inert(runner, text: str, how: TextInput) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        how.save(runner, data_dir, text)
        assert how.stored(data_dir) == text
        for view in VIEWS:
            result = run(runner, *_in(data_dir, *view))
            assert result.exit_code == 0, result.output
            _assert_inert(result.stdout, text if view == how.view else None)
        for view in JSON_VIEWS:
            document = run(runner, *_in(data_dir, *view)).stdout
            assert not UNSAFE_IN_JSON.search(document)
            json.loads(document)
        if how.from_json is not None:
            view, find = how.from_json
            assert find(json.loads(run(runner, *_in(data_dir, *view)).stdout)) == text


@SETTINGS
@given(tag=tags)
def test_hostile_tags_round_trip_and_render_inert(runner, tag: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        added = run(runner, *_in(data_dir, "journal", "add", "x", f"--tag={tag}"))
        assert added.exit_code == 0, added.output
        listed = run(runner, *_in(data_dir, "journal", "list", "--json")).stdout
        assert json.loads(listed)[0]["tags"] == [tag]
        human = run(runner, *_in(data_dir, "journal", "list")).stdout
        _assert_inert(human, "#" + tag)


def test_one_megabyte_of_hostile_text(runner, data_dir: Path, tmp_path: Path) -> None:
    text = ("".join(FRAGMENTS) * 20_000)[: 1 << 20]
    assert run(runner, "journal", "add", input=text + "\n").exit_code == 0
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"understand": {"reasons": text}}), encoding="utf-8")
    assert run(runner, "start", "--answers-file", str(answers)).exit_code == 0
    store = Store(data_dir)
    assert store.read_journal().entries[0].text == text
    progress = store.load_progress()
    assert progress is not None and progress.steps["understand"].answers["reasons"].value == text
    listed = run(runner, "journal", "list", "--json").stdout
    assert json.loads(listed)[0]["text"] == text
    for view in VIEWS:
        result = run(runner, *view)
        assert result.exit_code == 0
        _assert_inert(result.stdout)


def test_undecodable_input_is_refused_not_a_crash(runner, data_dir: Path, tmp_path: Path) -> None:
    piped = runner.invoke(app, ["journal", "add"], input=b"bad \xff")
    assert piped.exit_code == 2 and "not UTF-8" in piped.stderr
    surrogate = run(runner, "journal", "add", "lone \udcff surrogate")
    assert surrogate.exit_code == 2 and "not valid UTF-8" in surrogate.stderr
    answers = tmp_path / "answers.json"
    answers.write_text('{"understand": {"reasons": "\\ud800"}}')
    answered = run(runner, "start", "--answers-file", str(answers))
    assert answered.exit_code == 2 and "lone surrogates" in answered.stderr
    assert not data_dir.exists() or not (data_dir / "journal.jsonl").exists()
