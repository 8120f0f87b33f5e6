"""`journal stats`, its line in `status`, and `journal add --prompt`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine

from exback import cli
from exback.content import load_writing_prompts
from exback.journal_stats import pronouns, stats
from exback.models import JournalEntry
from exback.paths import packaged_content_dir
from exback.storage import Store

from .conftest import run, type_into

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 22)  # a Sunday
NOW = "2026-11-22 21:30:00+00:00"


def entry(day: str, text: str, mood: int | None = None) -> JournalEntry:
    moment = dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
    return JournalEntry(id=f"e{day}{len(text)}", created_at=moment, text=text, mood=mood)


def test_pronouns_count_words_not_letters() -> None:
    assert pronouns("I'm sure we'll see; us, our, OUR. Myself, me, mine.") == (4, 4)
    assert pronouns("Iowa, wee, mean, ours-ish, user, mymy") == (1, 0)  # "ours" only
    assert pronouns("We’re fine, I’ve decided") == (1, 1)  # a typographic apostrophe


def test_stats_by_week_and_month() -> None:
    entries = [
        entry("2026-11-22", "I slept. My day.", 6),
        entry("2026-11-16", "we, us", 2),  # Monday: this week too
        entry("2026-11-15", "our place", None),  # the Sunday before: last week
        entry("2026-10-01", "I and we", 9),
        entry("2026-01-01", "we we we", 1),  # outside both windows
    ]
    counted = stats(entries, TODAY, weeks=3, months=2)
    assert [(w.start.isoformat(), w.entries, w.mood) for w in counted.weeks] == [
        ("2026-11-02", 0, None),
        ("2026-11-09", 1, None),
        ("2026-11-16", 2, 4.0),
    ]
    assert [(m.start.isoformat(), m.we, m.me) for m in counted.months] == [
        ("2026-10-01", 1, 1),
        ("2026-11-01", 3, 2),
    ]
    assert counted.months[1].we_share == 0.6


@time_machine.travel(NOW, tick=False)
def test_journal_stats_and_the_status_line(runner, data_dir: Path) -> None:
    Store(data_dir).append_journal_entries(
        [entry("2026-11-01", "we went out", 3), entry("2026-11-20", "I went out alone", 7)]
    )
    data = json.loads(run(runner, "journal", "stats", "--json").stdout)
    assert data["entries"] == 2 and len(data["weeks"]) == 12 and len(data["months"]) == 6
    assert data["months"][-1] == {"month": "2026-11", "we": 1, "i": 1, "we_share": 0.5}
    assert [w["mood"] for w in data["weeks"][-4:]] == [3.0, None, None, 7.0]
    human = run(runner, "journal", "stats")
    assert human.exit_code == 0
    assert "Your journal: 2 entries." in human.stdout and "50%" in human.stdout
    assert "count, not a verdict" in human.stderr
    status = run(runner, "status")
    assert 'Last 4 weeks: 2 entries, mood by week ▃  ▆; "we" 50% of we/I words' in status.stdout
    summary = json.loads(run(runner, "status", "--json").stdout)["journal"]
    assert summary["we_share_this_month"] == 0.5


def test_status_skips_the_line_for_a_journal_not_in_order(runner, data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    line = b'{"id":"x","created_at":"2026-01-01T10:00:00+00:00","text":"we","mood":null,"tags":[]}'
    (data_dir / "journal.jsonl").write_bytes(line + b"\n")
    (data_dir / "journal.jsonl").chmod(0o600)
    status = run(runner, "status")
    assert "Journal: 1 entry" in status.stdout and "Last 4 weeks" not in status.stdout
    assert json.loads(run(runner, "status", "--json").stdout)["journal"]["recent_weeks"] is None


# --- writing prompts ------------------------------------------------------------------------


def test_every_writing_prompt_names_its_source_in_a_comment() -> None:
    path = packaged_content_dir() / "writing_prompts.yaml"
    lines = path.read_text().splitlines()
    prompts = load_writing_prompts(packaged_content_dir()).prompts
    assert len(prompts) >= 5
    starts = [i for i, line in enumerate(lines) if line.strip().startswith("- id:")]
    assert len(starts) == len(prompts)
    for i in starts:
        above = lines[i - 1].strip()
        assert above.startswith("#") and any(c.isdigit() for c in lines[i - 2] + above), lines[i]


@time_machine.travel(NOW, tick=False)
def test_add_with_a_prompt_saves_the_prompt(runner, data_dir: Path, monkeypatch) -> None:
    prompts = [p.text for p in load_writing_prompts(packaged_content_dir()).prompts]
    todays = prompts[TODAY.toordinal() % len(prompts)]
    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(packaged_content_dir()))
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: True)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    result = type_into(runner, "More time for running\r", "journal", "add", "--prompt")
    assert result.exit_code == 0, result.output
    [saved] = json.loads(run(runner, "journal", "list", "--json").stdout)
    assert saved["text"] == "More time for running" and saved["prompt"] == todays
    assert todays in run(runner, "journal", "list").stdout
    report = run(runner, "export", "--format", "md").stdout
    assert "Prompt:" in report and todays in report and "More time for running" in report
    monkeypatch.setattr(cli, "stdin_is_terminal", lambda: False)
    refused = run(runner, "journal", "add", "--prompt", input="x\n")
    assert refused.exit_code == 2 and "--prompt shows a prompt" in refused.stderr
    with_text = run(runner, "journal", "add", "--prompt", "text")
    assert with_text.exit_code == 2


@pytest.mark.parametrize("day", [dt.date(2026, 11, 22), dt.date(2026, 11, 23)])
def test_the_prompt_changes_each_day(day: dt.date) -> None:
    from exback.commands.journal import writing_prompt

    today = writing_prompt(packaged_content_dir(), day)
    tomorrow = writing_prompt(packaged_content_dir(), day + dt.timedelta(days=1))
    assert today != tomorrow
