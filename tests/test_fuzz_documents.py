"""Fuzz restore and import documents: whatever is accepted can be listed, reported,
exported and restored again; whatever is refused is exit 2 and changes nothing (issue 14)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from exback.storage import Store

from .conftest import run

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# text near every edge: controls, bidi, zero-width, lone surrogates, markup, long runs
# half the documents are valid by construction (so much is accepted, then exercised),
# half draw every field from values that are often out of bounds
texts = TEXTS = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), min_size=1, max_size=30),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30),
    st.sampled_from(["", " ", "\ud800", "[/]", "\x1b]0;x\x07", "\u202e\u200b", "x" * 2000]),
)
clean_texts = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).filter(
    str.strip
)
years = st.sampled_from([2026] * 6 + [1, 1969, 1970, 2100, 2101, 9999])
clean_years = st.sampled_from([1970, 2000, 2026, 2100])
offsets = st.sampled_from(["+00:00"] * 3 + ["-12:00", "+14:00", "Z", ""])
clean_offsets = st.sampled_from(["+00:00", "-12:00", "+14:00", "Z", "+05:30"])


@st.composite
def moments(draw: st.DrawFn, clean: bool = False) -> str:
    year = draw(clean_years if clean else years)
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    offset = draw(clean_offsets if clean else offsets)
    return f"{year:04d}-{month:02d}-{day:02d}T{draw(st.integers(0, 23)):02d}:30:00{offset}"


@st.composite
def days(draw: st.DrawFn, clean: bool = False) -> str:
    year = draw(clean_years if clean else years)
    return f"{year:04d}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}"


ids = st.one_of(
    st.uuids().map(lambda u: u.hex[:12]),
    st.uuids().map(lambda u: u.hex[:12]),
    st.sampled_from(["a1", "a1", "", "x" * 65, "ok-id_3"]),
    texts,
)
tags = st.lists(
    st.one_of(st.sampled_from(["ok", "with space", "t" * 51, "\x1b"]), texts), max_size=3
)
moods = st.one_of(st.none(), st.integers(1, 10), st.integers(-1, 11), st.sampled_from([10, True]))


@st.composite
def entries(draw: st.DrawFn, clean: bool = False) -> dict[str, Any]:
    if clean:  # valid by construction, hostile in content (markup, controls, bidi)
        entry = {
            "id": draw(st.uuids()).hex[:12],
            "created_at": draw(moments(clean=True)),
            "text": draw(clean_texts),
            "mood": draw(st.one_of(st.none(), st.integers(1, 10))),
            "tags": draw(st.lists(st.sampled_from(["ok", "[/]", "\u202e", "ünï"]), max_size=2)),
        }
        return entry
    entry = {"id": draw(ids), "created_at": draw(moments()), "text": draw(texts)}
    if draw(st.booleans()):
        entry["mood"] = draw(moods)
    if draw(st.booleans()):
        entry["tags"] = draw(tags)
    return entry


@st.composite
def journals(draw: st.DrawFn, min_size: int = 0) -> list[dict[str, Any]]:
    clean = draw(st.booleans())
    return draw(st.lists(entries(clean), min_size=min_size, max_size=4))


@st.composite
def progress_docs(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.integers(0, 3)) == 0:
        return None
    clean = draw(st.booleans())
    texts = clean_texts if clean else TEXTS
    moments_ = moments(clean)
    days_ = days(clean)
    runs = [
        {
            "started_on": draw(days_),
            "days": draw(st.integers(1, 365) if clean else st.integers(0, 400)),
            "started_at": draw(moments_),
        }
        for _ in range(draw(st.integers(0, 2)))
    ]
    progress: dict[str, Any] = {
        "schema_version": 2,
        "created_at": draw(moments_),
        "updated_at": draw(moments_),
        "checkins": [
            {
                "on": draw(days_),
                "at": draw(moments_),
                "mood": draw(st.integers(1, 10) if clean else st.integers(0, 11)),
                "urge": draw(st.integers(0, 10) if clean else st.integers(-1, 11)),
                "note": draw(st.one_of(st.none(), texts)),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
        "steps": {
            draw(
                st.just("understand") if clean else st.sampled_from(["understand", "", "Bad Id"])
            ): {
                "started_at": draw(moments_),
                "answers": {"reasons": {"value": draw(texts), "answered_at": draw(moments_)}},
            }
        },
    }
    if runs:
        progress["no_contact"] = {
            "runs": runs,
            "events": [
                {"kind": "urge", "on": draw(days_), "at": draw(moments_), "note": draw(texts)}
            ],
        }
    return progress


def _views(data_dir: Path) -> None:
    """Everything a person can ask for works on what was accepted."""
    for argv in (
        ["status"],
        ["status", "--json"],
        ["journal", "list"],
        ["journal", "list", "--json"],
        ["nocontact"],
        ["nocontact", "--json"],
        ["export", "--format", "md"],
        ["doctor", "--json"],
    ):
        result = run(_runner(), "--data-dir", str(data_dir), *argv)
        assert result.exit_code == 0, (argv, result.output[-500:])


def _runner() -> Any:
    from typer.testing import CliRunner

    return CliRunner()


def _round_trip(data_dir: Path, tmp: Path) -> None:
    exported = run(_runner(), "--data-dir", str(data_dir), "export")
    assert exported.exit_code == 0
    again = tmp / "again"
    source = tmp / "again.json"
    source.write_text(exported.stdout)
    result = run(_runner(), "--data-dir", str(again), "restore", str(source))
    assert result.exit_code == 0, result.output
    assert Store(again).load_progress() == Store(data_dir).load_progress()
    assert Store(again).read_journal().entries == Store(data_dir).read_journal().entries


@pytest.mark.slow
@SETTINGS
@given(progress=progress_docs(), journal=journals())
def test_restore_accepts_only_what_works_everywhere(progress: Any, journal: list[Any]) -> None:
    document = {
        "exback_export": 1,
        "exported_at": "2026-03-01T10:00:00+00:00",
        "exback_version": "0",
        "schema_version": 2,
        "progress": progress,
        "journal": journal,
    }
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        source = tmp / "export.json"
        source.write_text(json.dumps(document))  # lone surrogates become \\ud800 escapes
        data_dir = tmp / "data"
        result = run(_runner(), "--data-dir", str(data_dir), "restore", str(source))
        assert result.exit_code in (0, 2), result.output
        event(f"restore exit {result.exit_code}")
        if result.exit_code == 2:
            assert result.stderr.count("\n") == 1 and "bug" not in result.stderr
            assert not data_dir.exists() or not any(data_dir.glob("*.json*"))
            return
        _views(data_dir)
        _round_trip(data_dir, tmp)


@st.composite
def jrnl_exports(draw: st.DrawFn) -> dict[str, Any]:
    """A jrnl export: local wall-clock dates and times, titles, bodies, tags, stars."""
    clean = draw(st.booleans())
    entries = []
    for _ in range(draw(st.integers(1, 3))):
        day = draw(days(clean))
        entry: dict[str, Any] = {
            "date": day,
            "time": draw(st.sampled_from(["21:15", "00:00", "23:59"] if clean else ["7", "25:00"])),
            "title": draw(clean_texts if clean else texts),
            "body": draw(st.one_of(st.just(""), clean_texts if clean else texts)),
            "tags": draw(st.lists(st.sampled_from(["@work", "#x", "@ok"]), max_size=2)),
            "starred": draw(st.booleans()),
        }
        entries.append(entry)
    return {"tags": {}, "entries": entries}


@pytest.mark.slow
@SETTINGS
@given(journal=st.one_of(journals(min_size=1), jrnl_exports()))
def test_import_accepts_only_what_works_everywhere(journal: Any) -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        source = tmp / "notes.json"
        source.write_text(json.dumps(journal))
        data_dir = tmp / "data"
        result = run(_runner(), "--data-dir", str(data_dir), "journal", "import", str(source))
        assert result.exit_code in (0, 2), result.output
        event(f"import exit {result.exit_code}")
        if result.exit_code == 2:
            assert result.stderr.count("\n") == 1 and "bug" not in result.stderr
            assert not (data_dir / "journal.jsonl").exists()
            return
        _views(data_dir)
        _round_trip(data_dir, tmp)
