"""Issue 14: one inert-text rule for user text, content text, paths and messages."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from exback.models import Program
from exback.storage import Store
from exback.text import inert, json_inert
from exback.ui import UI

from .conftest import CONTENT, run
from .screen import Terminal

# What a terminal would act on, or what hides itself, anywhere in the output
RAW = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
ESCAPES = r"\e]52;c;cHduZWQ=\a\e]0;owned\a\e[2J\u202e\u200b"  # YAML escapes


@pytest.fixture
def hostile_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    program = folder / "program.yaml"
    program.write_text(
        program.read_text()
        .replace("title: Getting through", f'title: "{ESCAPES} Getting through', 1)
        .replace("what comes next\n", 'what comes next"\n', 1)
    )
    step = folder / "steps" / "understand.yaml"
    text = step.read_text()
    title = re.search(r"^title: (.*)$", text, re.M)
    assert title is not None
    step.write_text(text.replace(title.group(0), f'title: "{ESCAPES} understand"', 1))
    help_now = folder / "help_now.yaml"
    help_now.write_text(
        help_now.read_text().replace(
            'heading: "If you or someone else is in danger"',
            f'heading: "{ESCAPES} If you or someone else is in danger"',
        )
    )
    assert run_ok(["--content-dir", str(folder), "content", "validate"])
    return folder


def run_ok(argv: list[str]) -> bool:
    from typer.testing import CliRunner

    return run(CliRunner(), *argv).exit_code == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["help-now"],
        ["nocontact"],
        ["content", "validate"],
        ["where"],
        ["export", "--format", "md"],
    ],
)
def test_content_text_is_shown_inert(runner, hostile_content: Path, argv: list[str]) -> None:
    assert run(runner, "--content-dir", str(hostile_content), "nocontact", "start").exit_code == 0
    result = run(runner, "--content-dir", str(hostile_content), *argv)
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout), repr(result.stdout[:300])
    assert not RAW.search(result.stderr)
    if argv[0] in ("status", "help-now"):
        assert "\\x1b]52;c;" in result.stdout  # shown, visibly, not hidden


def test_a_path_with_markup_is_shown_not_parsed(tmp_path: Path, capsys) -> None:
    from exback.commands.walk import Walk
    from exback.content import load_program

    root = tmp_path / "x[/]y[bold]\x1b[2J"
    program: Program = load_program(CONTENT)
    walk = Walk(
        program,
        Store(root),
        UI(no_color=True),
        lambda: dt.datetime.now(dt.UTC),
        dt.date.today,
    )
    walk.welcome()
    out = capsys.readouterr().out
    squeezed = re.sub(r"[\s│]", "", out)  # the panel wraps the path across lines
    assert "x[/]y[bold]\\x1b[2J" in squeezed
    assert "\x1b" not in out


def test_a_markup_path_does_not_crash_start(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "x[/]y"
    env_before = os.environ["EXBACK_DATA_DIR"]
    os.environ["EXBACK_DATA_DIR"] = str(folder)
    try:
        term = Terminal("start")
        term.wait_for("x[/]y")  # the path in the welcome, as it is
        term.wait_prompt()
        term.type("\x03")
        assert term.finish() == 130
        assert "MarkupError" not in term.transcript
    finally:
        os.environ["EXBACK_DATA_DIR"] = env_before


def test_export_to_stdout_escapes_every_invisible_character(runner, data_dir: Path) -> None:
    text = "arabic mark \u061c zero width \u200b\u200d joiner \u2060 bom \ufeff nel \x85 sep \u2028"
    assert run(runner, "journal", "add", text).exit_code == 0
    exported = run(runner, "export")
    assert exported.exit_code == 0
    assert not RAW.search(exported.stdout)
    assert json.loads(exported.stdout)["journal"][0]["text"] == text  # the same JSON
    listed = run(runner, "journal", "list")
    assert "<U+061C>" in listed.stdout and "<U+200B>" in listed.stdout
    assert not RAW.search(listed.stdout)


def test_arabic_letter_mark_is_escaped_in_export_and_journal_list_json(
    runner, data_dir: Path
) -> None:
    """Issue 15: U+061C once drifted out of export's copy of the rule; one rule now."""
    text = "before \u061c after"
    assert run(runner, "journal", "add", text).exit_code == 0
    exported = run(runner, "export")
    listed = run(runner, "journal", "list", "--json")
    assert exported.exit_code == 0 and listed.exit_code == 0
    for stdout in (exported.stdout, listed.stdout):
        assert "\u061c" not in stdout  # the raw character never reaches the terminal
        assert "before \\u061c after" in stdout  # its escape does, inside the JSON string
    assert json.loads(exported.stdout)["journal"][0]["text"] == text
    assert json.loads(listed.stdout)[0]["text"] == text
    same = json.loads(exported.stdout)["journal"][0]
    assert same == json.loads(listed.stdout)[0]  # one shape for an entry, everywhere


def test_one_rule_for_shown_text_and_json() -> None:
    every = "".join(chr(c) for c in range(0x3000))
    shown = inert(every)
    assert not RAW.search(shown.replace("\n", "").replace("\t", ""))
    assert not RAW.search(json_inert(json.dumps(every, ensure_ascii=False)))
    assert json.loads(json_inert(json.dumps(every, ensure_ascii=False))) == every


def test_messages_are_inert(runner, data_dir: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone\x1b]0;owned\x07.json"
    result = run(runner, "restore", str(missing))
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\\x1b]0;owned" in result.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("answers.yaml", "understand:\n  reasons: one\n  reasons: two\n"),
        ("answers.json", '{"understand": {"reasons": "one", "reasons": "two"}}'),
        ("answers.yaml", "understand:\n  reasons: one\nunderstand:\n  my_part: x\n"),
    ],
)
def test_duplicate_keys_in_an_answers_file_are_exit_2(
    runner, data_dir: Path, tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = run(runner, "start", "--answers-file", str(path))
    assert result.exit_code == 2, result.output
    assert "duplicate key" in result.stderr and result.stderr.count("\n") == 1
    assert not (data_dir / "progress.json").exists()


@pytest.mark.parametrize(
    "text",
    [
        "understand:\n  reasons: [unclosed \u202e\u200b \x85 here\n",
        "understand: {reasons: \x1b[2J}\n",
        "understand:\n  reasons: *nowhere\n",
    ],
)
def test_answers_file_errors_never_echo_raw_controls(
    runner, data_dir: Path, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(text)
    result = run(runner, "start", "--answers-file", str(path))
    assert result.exit_code == 2, result.output
    assert not RAW.search(result.stderr.rstrip("\n")), repr(result.stderr)
    assert result.stderr.count("\n") == 1
