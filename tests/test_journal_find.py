"""`journal list` filters, `journal tags`, `--on-this-day`, ids, and reading from the end."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exback.errors import UsageError
from exback.journal import delete_line, edit_line, entry_line, short_id
from exback.journal_find import ago, make_query, parse_days
from exback.models import JournalEntry
from exback.storage import Store

from .conftest import run

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 22)  # a Sunday
NOW = "2026-11-22 21:30:00+00:00"


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


# --- dates as people say them ----------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "first", "last"),
    [
        ("today", "2026-11-22", "2026-11-22"),
        ("Yesterday", "2026-11-21", "2026-11-21"),
        ("3 days ago", "2026-11-19", "2026-11-19"),
        ("1 day ago", "2026-11-21", "2026-11-21"),
        ("this week", "2026-11-16", "2026-11-22"),
        ("last  week", "2026-11-09", "2026-11-15"),
        ("this month", "2026-11-01", "2026-11-30"),
        ("last month", "2026-10-01", "2026-10-31"),
        ("this year", "2026-01-01", "2026-12-31"),
        ("last year", "2025-01-01", "2025-12-31"),
        ("2024-02-29", "2024-02-29", "2024-02-29"),
    ],
)
def test_date_words(word: str, first: str, last: str) -> None:
    assert parse_days(word, TODAY, "--on") == (
        dt.date.fromisoformat(first),
        dt.date.fromisoformat(last),
    )


def test_last_month_in_january_is_december() -> None:
    assert parse_days("last month", dt.date(2026, 1, 15), "--on") == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )


@pytest.mark.parametrize(
    ("word", "says"),
    [
        ("tomorrow", "is not a date; use YYYY-MM-DD, today, yesterday, N days ago"),
        ("2026-13-01", "is not a day of the calendar"),
        ("2026-02-30", "is not a day of the calendar"),
        ("26-02-01", "is not a date"),
        ("1900-01-01", "dates must be from 1970-01-01 to 2100-12-31"),
        ("99999 days ago", "dates must be from"),
        ("next week", "is not a date"),
    ],
)
def test_bad_dates_are_exit_2_saying_what_is_allowed(runner, word: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        parse_days(word, TODAY, "--from")
    result = run(runner, "journal", "list", "--from", word)
    assert result.exit_code == 2
    assert says.split(";")[0] in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "2026-03-02", "--to", "2026-03-01"], "--from 2026-03-02 is after --to"),
        (["--from", "today", "--to", "last week"], "--from 'today' (2026-11-22) is after"),
        (["--on", "today", "--from", "yesterday"], "pass --on, or --from and --to, not both"),
        (["--on-this-day", "--on", "today"], "--on-this-day picks its own days"),
        (["--mood-above", "5", "--mood-below", "6"], "no mood is both above 5 and below 6"),
        (["--mood-above", "11"], "--mood-above"),
        (["--mood-below", "1"], "--mood-below"),
        (["--tag", "a", "--not-tag", "#A"], "#a is both a --tag and a --not-tag"),
        (["--tag", "#"], "--tag and --not-tag take a tag"),
        (["--contains", "  "], "--contains takes some text"),
        (["--limit", "0"], "--limit"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_ranges_are_exit_2(runner, args: list[str], says: str) -> None:
    result = run(runner, "journal", "list", *args)
    assert result.exit_code == 2
    assert says in result.stderr


# --- every filter, alone and in pairs, against a reference ------------------------------

ENTRIES = [
    JournalEntry(id="aaaa0001", created_at=at("2026-11-22", 9), text="Slept well. WE talked.",
                 mood=7, tags=["sleep", "Family"], starred=True),
    JournalEntry(id="aaaa0002", created_at=at("2026-11-21"), text="Wanted to text them.",
                 mood=3, tags=["urge"]),
    JournalEntry(id="aaaa0003", created_at=at("2026-11-15"), text="A long walk, slept badly",
                 mood=5, tags=["sleep", "walk"]),
    JournalEntry(id="aaaa0004", created_at=at("2026-11-10"), text="no mood today", tags=[]),
    JournalEntry(id="aaaa0005", created_at=at("2026-10-22"), text="Our old cafe.",
                 mood=2, tags=["family"], starred=True),
    JournalEntry(id="aaaa0006", created_at=at("2025-11-22"), text="A year ago: we were fine",
                 mood=8, tags=["walk"]),
    JournalEntry(id="aaaa0007", created_at=at("2026-11-22", 7), text="early, sleepless",
                 mood=1, tags=["sleep"]),
]  # fmt: skip

# (option arguments, the reference: whether an entry should be listed)
FILTERS: dict[str, tuple[list[str], object]] = {
    "from": (["--from", "last week"], lambda e: e.created_at.date() >= dt.date(2026, 11, 9)),
    "to": (["--to", "2026-11-15"], lambda e: e.created_at.date() <= dt.date(2026, 11, 15)),
    "on": (["--on", "today"], lambda e: e.created_at.date() == TODAY),
    "on-month": (["--on", "last month"], lambda e: e.created_at.month == 10),
    "contains": (["--contains", "SLEPT"], lambda e: "slept" in e.text.lower()),
    "tag": (["--tag", "sleep"], lambda e: "sleep" in e.tags),
    "tags": (["--tag", "sleep", "--tag", "#family"], lambda e: {"sleep", "Family"} <= set(e.tags)),
    "not-tag": (["--not-tag", "walk"], lambda e: "walk" not in e.tags),
    "starred": (["--starred"], lambda e: e.starred),
    "mood-below": (["--mood-below", "4"], lambda e: e.mood is not None and e.mood < 4),
    "mood-above": (["--mood-above", "2"], lambda e: e.mood is not None and e.mood > 2),
    "on-this-day": (
        ["--on-this-day"],
        lambda e: e.created_at.date() in {dt.date(2026, 11, 15), dt.date(2026, 10, 22),
                                          dt.date(2025, 11, 22)},
    ),
}  # fmt: skip
CONFLICTS = {
    frozenset({"on", "from"}),
    frozenset({"on", "to"}),
    frozenset({"on-month", "from"}),
    frozenset({"on-month", "to"}),
    frozenset({"on", "on-month"}),
    frozenset({"tag", "tags"}),
}


@pytest.fixture
def journal(data_dir: Path) -> Path:
    Store(data_dir).append_journal_entries(ENTRIES)
    return data_dir


def listed_ids(runner, *args: str) -> list[str]:
    result = run(runner, "journal", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return [e["id"] for e in json.loads(result.stdout)]


def newest_first(entries: list[JournalEntry]) -> list[str]:
    return [e.id for e in sorted(entries, key=lambda e: e.created_at, reverse=True)]


@time_machine.travel(NOW, tick=False)
def test_every_filter_alone_and_every_pair(runner, journal: Path) -> None:
    names = list(FILTERS)
    combos = [(n,) for n in names] + list(itertools.combinations(names, 2))
    checked = 0
    for combo in combos:
        if frozenset(combo) in CONFLICTS or (
            "on-this-day" in combo
            and len(combo) > 1
            and ({"on", "on-month", "from", "to"} & set(combo))
        ):
            continue
        args = [a for name in combo for a in FILTERS[name][0]]
        wanted = [e for e in ENTRIES if all(FILTERS[n][1](e) for n in combo)]  # type: ignore[operator]
        assert listed_ids(runner, *args) == newest_first(wanted), combo
        checked += 1
    assert checked > 60
    # and each filter finds something, so that no pair passes by matching nothing
    for name, (_, keep) in FILTERS.items():
        assert any(keep(e) for e in ENTRIES), name  # type: ignore[operator]


@time_machine.travel(NOW, tick=False)
def test_limit_applies_after_the_filters(runner, journal: Path) -> None:
    assert listed_ids(runner, "--tag", "sleep", "--limit", "2") == ["aaaa0001", "aaaa0007"]
    assert listed_ids(runner, "--contains", "a", "--limit", "1") == ["aaaa0001"]
    assert listed_ids(runner, "--from", "2026-11-15", "--limit", "10") == [
        "aaaa0001", "aaaa0007", "aaaa0002", "aaaa0003",
    ]  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_on_this_day_with_a_frozen_clock(runner, journal: Path) -> None:
    result = run(runner, "journal", "list", "--on-this-day")
    assert result.exit_code == 0
    out = result.stdout
    assert "1 week ago" in out and "1 month ago" in out and "1 year ago" in out
    assert out.index("1 week ago") < out.index("1 month ago") < out.index("1 year ago")
    assert "Wanted to text them" not in out  # yesterday is not "this day"
    assert ago(dt.date(2026, 11, 1), TODAY) == "3 weeks ago"
    assert ago(dt.date(2026, 10, 25), TODAY) is None  # 4 weeks: not a week, nor the 22nd
    assert ago(dt.date(2024, 11, 22), TODAY) == "2 years ago"
    assert ago(dt.date(2026, 3, 22), TODAY) == "8 months ago"
    assert ago(TODAY, TODAY) is None
    with time_machine.travel("2026-12-02 10:00:00+00:00", tick=False):
        nothing = run(runner, "journal", "list", "--on-this-day")
    assert "Nothing written on this day" in nothing.stdout


@time_machine.travel(NOW, tick=False)
def test_list_shows_short_stable_ids_and_no_match_says_so(runner, journal: Path) -> None:
    out = run(runner, "journal", "list", "--limit", "1").stdout
    assert out.startswith("aaaa0001  2026-11-22 09:00")
    assert short_id("0123456789ab") == "01234567"
    assert "No entries match." in run(runner, "journal", "list", "--tag", "nothing").stdout


def test_tags_are_counted(runner, journal: Path) -> None:
    result = run(runner, "journal", "tags", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {"tag": "sleep", "count": 3},
        {"tag": "Family", "count": 2},  # Family and family: one tag, as filters take it
        {"tag": "walk", "count": 2},
        {"tag": "urge", "count": 1},
    ]
    human = run(runner, "journal", "tags").stdout
    assert human.splitlines()[0] == "3  #sleep"


def test_tags_of_an_empty_journal(runner) -> None:
    assert "No tags yet" in run(runner, "journal", "tags").stdout
    assert json.loads(run(runner, "journal", "tags", "--json").stdout) == []


def test_query_is_empty_without_options() -> None:
    assert not make_query(TODAY).filters
    assert make_query(TODAY, starred=True).filters


# --- reading from the end gives what reading everything gives ---------------------------


def test_a_journal_without_header_still_reads_and_ids_are_derived(data_dir: Path, runner) -> None:
    data_dir.mkdir(mode=0o700)
    old = [
        b'{"id":"old1","created_at":"2026-01-02T10:00:00+00:00","text":"b","mood":null,"tags":[]}',
        b'{"id":"old2","created_at":"2026-01-01T10:00:00+00:00","text":"a","mood":null,"tags":[]}',
        b'{"created_at":"2026-01-03T10:00:00+00:00","text":"no id"}',
    ]
    (data_dir / "journal.jsonl").write_bytes(b"\n".join(old) + b"\n")
    first = listed_ids(runner)
    assert first[1:] == ["old1", "old2"] and len(first[0]) == 12
    assert listed_ids(runner) == first  # the derived id is the same at every read
    assert run(runner, "journal", "add", "new").exit_code == 0
    assert listed_ids(runner)[1:] == first


MOMENTS = st.integers(min_value=0, max_value=40).map(
    lambda n: dt.datetime(2026, 1, 1, tzinfo=UTC) + dt.timedelta(hours=n)
)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), MOMENTS),
        st.tuples(st.just("import"), st.lists(MOMENTS, min_size=1, max_size=4)),
        st.tuples(st.just("edit"), st.integers(0, 50), MOMENTS),
        st.tuples(st.just("delete"), st.integers(0, 50)),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_reading_from_the_end_equals_reading_everything(tmp_path_factory, ops) -> None:
    """Out-of-order adds, imports of older notes, date edits and deletions: same list."""
    store = Store(tmp_path_factory.mktemp("j"))
    live: list[str] = []
    n = 0
    for op in ops:
        if op[0] in ("add", "import"):
            moments = [op[1]] if op[0] == "add" else sorted(op[1])
            fresh = []
            for moment in moments:
                n += 1
                fresh.append(JournalEntry(id=f"e{n}", created_at=moment, text=f"t{n}"))
            store.append_journal_lines([entry_line(e) for e in fresh])
            live += [e.id for e in fresh]
        elif live and op[0] == "edit":
            target = live[op[1] % len(live)]
            entry = JournalEntry(id=target, created_at=op[2], text="edited")
            store.append_journal_lines([edit_line(entry, op[2])])
        elif live and op[0] == "delete":
            target = live.pop(op[1] % len(live))
            store.append_journal_lines([delete_line(target, dt.datetime.now(UTC))])
    everything = store.read_journal().folded.newest_first()
    with store.journal_newest_first() as (newest, torn):
        from_the_end = list(newest)
    assert not torn
    assert [e.id for e in from_the_end] == [e.id for e in everything]
    assert sorted(e.id for e in everything) == sorted(live)
