"""Exports: the versioned JSON dump and the Markdown report, as text. Pure.

The dump holds every record exactly (`exback restore` reads it back, through
`parse_export`). The report is for a person: answers with their questions, the
no-contact history and its calendar, the journal, the check-ins. Reading the data
dir and writing files is commands/archive.py's; the moment and the program are
passed in.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from exback import nocontact
from exback.errors import DataCorruptError, UsageError, describe_validation
from exback.journal import json_encoder
from exback.journal import to_json as entry_json
from exback.migrations import migrate
from exback.models import (
    SCHEMA_VERSION,
    JournalEntry,
    MultilineQuestion,
    NoContactEvent,
    NoContactRecord,
    Program,
    Progress,
    Question,
    TextQuestion,
    duplicate_ids,
)
from exback.program import countdown, describe
from exback.text import inert, json_inert, local_time
from exback.words import completes

FORMAT_VERSION = 1
"""The version of the export file's own layout (the `exback_export` key)."""


@dataclass(frozen=True)
class Snapshot:
    """Everything in a data dir: progress (None before the first answer) and the journal."""

    progress: Progress | None
    journal: list[JournalEntry]


# --- the JSON dump -------------------------------------------------------------------


class ExportFile(BaseModel):
    """A json export, as `exback restore` validates it."""

    model_config = ConfigDict(extra="forbid")

    exback_export: int
    exported_at: dt.datetime
    exback_version: str
    schema_version: int
    progress: Progress | None
    journal: list[JournalEntry]

    @model_validator(mode="after")
    def _unique_ids(self) -> ExportFile:
        dupes = duplicate_ids(self.journal)
        if dupes:
            raise ValueError(f"journal id {dupes[0]!r} is used by more than one entry")
        return self


def to_json(snapshot: Snapshot, now: dt.datetime, version: str) -> str:
    """The complete, versioned dump, safe to print to a terminal."""
    entries = map(entry_text, snapshot.journal)
    return "".join(json_parts(snapshot.progress, entries, now, version))


def json_parts(
    progress: Progress | None, journal: Iterable[str], now: dt.datetime, version: str
) -> Iterator[str]:
    """The dump in pieces, to write as they come: `journal` is each entry's `entry_text`.

    Joined, the pieces are `json.dumps` of the whole document (`ensure_ascii=False`,
    `indent=2`) made inert: the same text, without one big string of 100,000 notes.
    """
    data = {
        "exback_export": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "exback_version": version,
        "schema_version": SCHEMA_VERSION,
        "progress": None if progress is None else progress.model_dump(mode="json"),
        "journal": [],
    }
    head = json_inert(json.dumps(data, ensure_ascii=False, indent=2))
    texts = iter(journal)
    first = next(texts, None)
    if first is None:
        yield head + "\n"
        return
    yield head.removesuffix("[]\n}") + "[\n" + json_inert(first)
    while batch := list(itertools.islice(texts, _BATCH)):  # inert is per character
        yield json_inert(",\n" + ",\n".join(batch))
    yield "\n  ]\n}\n"


_BATCH = 256
"""Entries made inert, and written, at a time."""


_ENTRY = " " * 4
"""An entry's indent in the dump: it is an item of the top object's `journal` list."""
_FIELD = _ENTRY + "  "


_FIELDS = json_encoder(",\n" + _FIELD, ": ")
_ITEMS = json_encoder(",\n" + _FIELD + "  ", ": ")


def entry_text(entry: JournalEntry) -> str:
    """An entry as an item of the dump's `journal` list (before `json_inert`): what
    `json.dumps` with `indent=2` writes for it there, made by the C encoder.

    The indenting encoder is pure Python (about 15 µs an entry). An entry is a flat
    object whose values are strings, numbers, null, booleans and lists of strings, so
    the encoder without indent writes each run of plain values, and each list's
    items, with separators that hold the newline and the indent.
    """
    parts = []
    run: dict[str, Any] = {}
    for key, value in entry_json(entry).items():
        if isinstance(value, list) and value:
            if run:
                parts.append(_FIELDS(run)[1:-1])
                run = {}
            parts.append(f"{encode_basestring(key)}: [\n{_FIELD}  {_ITEMS(value)[1:-1]}\n{_FIELD}]")
        else:
            run[key] = value
    if run:
        parts.append(_FIELDS(run)[1:-1])
    fields = (",\n" + _FIELD).join(parts)
    return f"{_ENTRY}{{\n{_FIELD}{fields}\n{_ENTRY}}}"


def parse_export(name: str, data: Any) -> Snapshot:
    """The decoded JSON of a json export, fully checked and migrated to this schema.

    Exit 2 for a file that is not a good export, 3 for one from a newer exback.
    """
    if not isinstance(data, dict) or "exback_export" not in data:
        raise UsageError(
            f"{name}: not an exback export (no 'exback_export' key); "
            "restore reads a file made by 'exback export --format json'"
        )
    _check_version(name, data, "exback_export", FORMAT_VERSION, "export format")
    _check_version(name, data, "schema_version", SCHEMA_VERSION, "schema")
    progress = data.get("progress")
    if isinstance(progress, dict):
        _check_version(name, progress, "schema_version", SCHEMA_VERSION, "schema")
        data["progress"] = migrate(progress)  # an export from an older exback
    try:
        parsed = ExportFile.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"{name}: {describe_validation(exc)}; nothing was restored") from None
    return Snapshot(parsed.progress, parsed.journal)


def _check_version(name: str, data: dict[str, Any], key: str, newest: int, what: str) -> None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"{name}: {key} must be a positive whole number; is this an export?")
    if value > newest:
        raise DataCorruptError(
            f"{name} was written by a newer exback ({what} {value}; this one reads up to "
            f"{newest}); upgrade exback to restore it, nothing was changed"
        )


# --- the Markdown report -------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~#!])")


def to_markdown(program: Program, snapshot: Snapshot, now: dt.datetime, version: str) -> str:
    """The readable report; `now` is the export's moment (its local date is 'today')."""
    progress, journal = snapshot.progress, snapshot.journal
    today = now.astimezone().date()
    out = [
        "# exback: my notes and progress",
        "",
        f"Exported {local_time(now)} by exback {version}, from the program "
        f"“{md(program.title)}” (version {program.version}).",
        "",
        "What I wrote is shown exactly as written, inside code blocks, so that nothing in",
        "it can become a link or formatting; characters a terminal would act on (such as",
        "escape codes) appear as `\\xNN`. This report is private: keep it somewhere safe.",
        "",
    ]
    if progress is None and not journal:
        out += ["Nothing is saved yet.", ""]
    if progress is not None:
        out += _answers(program, progress)
        out += _routes(program, progress)
        out += _no_contact(progress.no_contact, today)
        out += _checkins(progress)
        out += _pressure_checks(program, progress)
        out += _care(program, progress)
        out += _safety_plan(progress)
        out += _letters(progress)
    out += _journal(journal)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def md(text: str) -> str:
    """Program text (titles, prompts, labels) as inline Markdown: specials escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(inert(text).split()))


def fenced(text: str) -> list[str]:
    """User text as a fenced code block: kept exactly, never a link or HTML.

    The fence is longer than any backtick run in the text, so no line can close
    it; control characters (CR included, which Markdown reads as a line end) are
    made visible as in the terminal.
    """
    shown = inert(text)
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *shown.split("\n"), fence]


def code_span(text: str) -> str:
    """Short user text (a tag) as an inline code span: literal in every renderer."""
    shown = inert(text)
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    ticks = "`" * (longest + 1)
    # A renderer drops one space from each end when both ends are spaces: pad to keep them.
    ends = (shown[:1], shown[-1:])
    spaced = ends == (" ", " ") and shown.strip(" ") != ""
    pad = " " if "`" in ends or spaced else ""
    return f"{ticks}{pad}{shown}{pad}{ticks}"


def _answer_lines(question: Question | None, value: Any) -> list[str]:
    """An answer as a paragraph (labels) or, for typed text, a code block."""
    if question is None:
        return fenced(json.dumps(value, ensure_ascii=False))
    if isinstance(question, TextQuestion | MultilineQuestion) and isinstance(value, str) and value:
        return fenced(value)
    return [md(describe(question, value))]


def _answers(program: Program, progress: Progress) -> list[str]:
    out = ["## My answers", ""]
    not_started = [s for s in program.steps if s.id not in progress.steps]
    for number, step in enumerate(program.steps, 1):
        saved = progress.steps.get(step.id)
        if saved is None:
            continue
        out += [f"### {number}. {md(step.title)}", ""]
        finished = saved.completed_at
        state = f"finished {local_time(finished)}" if finished else "in progress"
        out += [f"Started {local_time(saved.started_at)}, {state}.", ""]
        for question in step.questions:
            answer = saved.answers.get(question.id)
            out += [f"**{md(question.prompt)}**", ""]
            if answer is None:
                out += ["(not answered)", ""]
                continue
            out += [*_answer_lines(question, answer.value), ""]
            for earlier in answer.earlier:
                out += [f"Earlier answer, {local_time(earlier.answered_at)}:", ""]
                out += [*_answer_lines(question, earlier.value), ""]
        known = {q.id for q in step.questions}
        out += _unknown_answers({k: v for k, v in saved.answers.items() if k not in known})
        if step.actions:
            ticks = [
                f"- [{'x' if a.id in saved.actions_done else ' '}] {md(a.text)}"
                for a in step.actions
            ]
            out += ["Things to do:", "", *ticks, ""]
    steps = {s.id for s in program.steps}
    for step_id, saved in progress.steps.items():
        if step_id not in steps:
            out += [f"### {md(step_id)} (no longer in the program)", ""]
            out += _unknown_answers(saved.answers)
    if not_started:
        out += ["Not started yet: " + ", ".join(md(s.title) for s in not_started) + ".", ""]
    return out


def _unknown_answers(answers: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for question_id, answer in answers.items():
        out += [f"**{md(question_id)}** (a question no longer in the program)", ""]
        out += [*_answer_lines(None, answer.value), ""]
    return out


def _routes(program: Program, progress: Progress) -> list[str]:
    if not progress.route_log:
        return []
    out = ["## Track changes", ""]
    for change in progress.route_log:
        route = program.routes.get(change.route)
        title = md(route.title if route else change.route)
        verb = "on" if change.active else "off"
        out.append(f"- {local_time(change.at)}: {title}: {verb}")
    return [*out, ""]


def _no_contact(record: NoContactRecord | None, today: dt.date) -> list[str]:
    out = ["## No contact", ""]
    if record is None:
        return [*out, "Not started yet.", ""]
    out += [
        "| Run | Started | Days | Ended | How it ended |",
        "| ---: | --- | ---: | --- | --- |",
    ]
    for number, run in enumerate(record.runs, 1):
        ended: str
        how: str
        if run.ended_on is not None:
            ended, how = run.ended_on.isoformat(), run.end_reason or "ended"
        else:
            cd = countdown(NoContactRecord(runs=[run]), today)
            assert cd is not None
            ended = cd.ends_on.isoformat() if cd.complete else "—"
            how = "complete"
            if not cd.complete:
                how = f"running: day {cd.day} of {cd.days}, "
                how += completes(cd.ends_on, cd.days_remaining)
        out.append(f"| {number} | {run.started_on.isoformat()} | {run.days} | {ended} | {how} |")
    out.append("")
    if record.events:
        names = {"urge": "urge resisted", "exception": "logistics contact", "slip": "slip"}
        out += ["### What happened", ""]
        for event in record.events:
            name = names[event.kind] if event.outcome is None else _outcome(event)
            if event.note:
                out += [f"- {event.on.isoformat()}: {name}, noting:", ""]
                out += [*fenced(event.note), ""]
            else:
                out.append(f"- {event.on.isoformat()}: {name}")
        if out[-1]:
            out.append("")
    out += ["### Calendar", ""]
    out += calendar(record, today)
    out += [
        "",
        f"{nocontact.MARKS['kept']} kept, {nocontact.MARKS['urge']} urge resisted, "
        f"{nocontact.MARKS['exception']} logistics contact, {nocontact.MARKS['slip']} slip, "
        f"{nocontact.MARKS['outside']} outside a no-contact period.",
        "",
    ]
    return out


def _outcome(event: NoContactEvent) -> str:
    """An urge met in `exback sos`: its outcome, triggers and how it felt an hour after."""
    from exback.urges import FEELINGS, OUTCOMES, TRIGGERS

    assert event.outcome is not None
    name = f"an urge (exback sos): “{OUTCOMES[event.outcome]}”"
    if event.kind == "slip":
        name += ", a slip"
    if event.triggers:
        name += "; before it: " + ", ".join(TRIGGERS[t].lower() for t in event.triggers)
    if event.felt_after is not None:
        name += f"; an hour after: {FEELINGS[event.felt_after].lower()}"
    return md(name)


def _letters(progress: Progress) -> list[str]:
    if not progress.letters:
        return []
    out = ["## Letters I did not send", ""]
    for number, letter in enumerate(progress.letters, 1):
        read = f", read again {local_time(letter.reread_at)}" if letter.reread_at else ""
        out += [f"### Letter {number}: {local_time(letter.written_at)}{read}", ""]
        out += [*fenced(letter.text), ""]
    return out


def calendar(record: NoContactRecord, today: dt.date) -> list[str]:
    """A Markdown table, one row per week (Monday first): nocontact.calendar, marked."""
    rows = [
        "| Week of | Mon | Tue | Wed | Thu | Fri | Sat | Sun |",
        "| --- | :-: | :-: | :-: | :-: | :-: | :-: | :-: |",
    ]
    for week in nocontact.calendar(record, today):
        cells = [nocontact.MARKS[day[1]] if day is not None else " " for day in week.days]
        rows.append(f"| {week.monday.isoformat()} | " + " | ".join(cells) + " |")
    return rows


def _checkins(progress: Progress) -> list[str]:
    if not progress.checkins:
        return []
    out = [
        "## Check-ins",
        "",
        "| Date | Mood (1–10) | Urge to make contact (0–10) |",
        "| --- | --- | --- |",
    ]
    for c in sorted(progress.checkins, key=lambda c: c.at):
        out.append(f"| {c.on.isoformat()} | {c.mood} {'█' * c.mood} | {c.urge} {'█' * c.urge} |")
    out.append("")
    noted = [c for c in progress.checkins if c.note]
    if noted:
        out += ["### Check-in notes", ""]
        for c in sorted(noted, key=lambda c: c.at):
            assert c.note is not None
            out += [f"{c.on.isoformat()}:", "", *fenced(c.note), ""]
    return out


def _pressure_checks(program: Program, progress: Progress) -> list[str]:
    if not progress.pressure_checks:
        return []
    questions = program.pressure_check.questions if program.pressure_check else []
    out = ["## Pressure checks", ""]
    for record in progress.pressure_checks:
        result = "contact steps paused for the day" if record.paused else "clear"
        out.append(f"- {local_time(record.at)}: {result}")
        for question in questions:
            if question.id in record.answers:
                value = describe(question, record.answers[question.id])
                out.append(f"  - {md(question.prompt)} {md(value)}")
    return [*out, ""]


def _care(program: Program, progress: Progress) -> list[str]:
    if not progress.care_log:
        return []
    out = ["## Care responses shown", ""]
    for shown in progress.care_log:
        response = program.care_response(shown.care)
        title = md(response.title if response else shown.care)
        step = program.step(shown.step)
        question = (
            next((q for q in step.questions if q.id == shown.question), None) if step else None
        )
        answer = describe(question, shown.value) if question else json.dumps(shown.value)
        prompt = md(question.prompt) if question else md(shown.question)
        out.append(f"- {local_time(shown.at)}: “{title}”, after: {prompt} {md(answer)}")
    return [*out, ""]


def _safety_plan(progress: Progress) -> list[str]:
    from exback import safety_plan

    plan = progress.safety_plan
    parts = safety_plan.filled(plan) if plan is not None else []
    if plan is None or not parts:
        return []
    out = ["## My safety plan", "", f"Last changed {local_time(plan.updated_at)}.", ""]
    for part, text in parts:
        out += [f"### {md(part.title)}", "", *fenced(text), ""]
    return out


def _journal(entries: list[JournalEntry]) -> list[str]:
    if not entries:
        return []
    out = ["## Journal", ""]
    day = None
    order = sorted(enumerate(entries), key=lambda pair: (pair[1].created_at, pair[0]))
    for _, entry in order:
        when = local_time(entry.created_at)
        if when[:10] != day:
            day = when[:10]
            out += [f"### {day}", ""]
        head = [when[11:]]
        if entry.mood is not None:
            head.append(f"mood {entry.mood}/10")
        if entry.tags:
            head.append("tags " + " ".join(code_span(t) for t in entry.tags))
        if entry.starred:
            head.append("starred")
        prompt = ["Prompt:", "", *fenced(entry.prompt), ""] if entry.prompt else []
        out += [f"#### {' · '.join(head)}", "", *prompt, *fenced(entry.text), ""]
    return out
