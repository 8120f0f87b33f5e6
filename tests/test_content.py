"""Content loading: the packaged program, and every kind of bad content."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from exback.content import load_program
from exback.errors import ContentError

from .conftest import CONTENT, PACKAGED, run

GOLDEN = Path(__file__).parent / "golden"


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _errors(folder: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_program(folder)
    return info.value.message.replace(str(folder), "CONTENT")


def test_fixture_program_loads() -> None:
    program = load_program(CONTENT)
    assert program.steps[0].id == "understand"
    assert "safety_check" in [s.id for s in program.steps]
    assert any(s.starts_no_contact for s in program.steps)


def test_many_errors_reported_at_once_with_file_line_col(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    (folder / "steps").mkdir(parents=True)
    (folder / "program.yaml").write_text(
        "id: demo\ntitle: Demo\nversion: 1\nsteps: [one, two, three, ghost]\n"
        "routes:\n  away:\n    title: Away\n    reason: because\n    locks: [nowhere]\n"
    )
    (folder / "steps" / "one.yaml").write_text(
        "id: one\ntitle: One\nsummary: s\nsources: [{file: 000_eeb6e128b22680d9.txt}]\n"
        "requires: {steps: [two]}\n"
        "questions:\n"
        "  - {id: q, kind: choice, prompt: p, choices: [{value: a, label: A, route: elsewhere},"
        " {value: b, label: B}]}\n"
        "  - {id: q, kind: text, prompt: p}\n"
    )
    (folder / "steps" / "two.yaml").write_text(
        "id: two\ntitle: Two\nsummary: s\nsources: [{file: 000_eeb6e128b22680d9.txt}]\n"
        "requires: {steps: [one]}\n"
    )
    (folder / "steps" / "three.yaml").write_text(
        "id: three\ntitle: Three\nsummary: s\nsources: [{file: 000_eeb6e128b22680d9.txt}]\n"
        "questions:\n  - {id: q, kind: text, prompt: p, colour: red}\n"
        "  - {id: r, kind: choice, prompt: p,"
        " choices: [{value: no, label: x}, {value: c, label: y}]}\n"
        "  - {id: s, kind: scale, prompt: p, min_label: lo, max_label: hi, default: 11}\n"
    )
    (folder / "steps" / "stray.yaml").write_text(
        "id: stray\ntitle: Stray\nsummary: s\nsources: [{file: 000_eeb6e128b22680d9.txt}]\n"
    )
    got = _errors(folder)
    golden = GOLDEN / "content_errors.txt"
    if os.environ.get("EXBACK_UPDATE_GOLDEN"):
        golden.write_text(got + "\n")
    assert got + "\n" == golden.read_text()


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    folder = _copy_content(tmp_path)
    path = folder / "steps" / "understand.yaml"
    path.write_text(path.read_text() + "title: Again\n")
    got = _errors(folder)
    assert "CONTENT/steps/understand.yaml:" in got
    assert "title: duplicate key" in got


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['echo hi']",
        "id: !!python/name:os.system",
        "[" * 5000,
        "a: [unclosed",
        "\tbad: tab",
    ],
)
def test_hostile_yaml_is_a_content_error(tmp_path: Path, payload: str) -> None:
    folder = _copy_content(tmp_path)
    (folder / "steps" / "understand.yaml").write_text(payload)
    got = _errors(folder)
    assert got.startswith("CONTENT/steps/understand.yaml:")
    assert got.endswith("problem") or "problems" in got


def test_yes_no_booleans_get_a_quoting_hint(tmp_path: Path) -> None:
    folder = _copy_content(tmp_path)
    path = folder / "steps" / "understand.yaml"
    path.write_text(path.read_text().replace("title: Understand why it ended", "title: yes"))
    assert "quote the value" in _errors(folder)


def test_validate_command_summarises_and_fails_with_exit_2(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXBACK_CONTENT_DIR")
    ok = run(runner, "content", "validate")
    assert ok.exit_code == 0
    assert ok.stdout.startswith(f"{PACKAGED}: valid") and "steps" in ok.stdout
    folder = _copy_content(tmp_path)
    (folder / "steps" / "understand.yaml").write_text("id: [")
    bad = run(runner, "content", "validate", str(folder))
    assert bad.exit_code == 2
    assert "understand.yaml:2:1: (yaml):" in bad.stderr
    assert bad.stdout == ""


def test_missing_program_file(runner, tmp_path: Path) -> None:
    result = run(runner, "content", "validate", str(tmp_path))
    assert result.exit_code == 2
    assert "program.yaml" in result.stderr and "not found" in result.stderr
