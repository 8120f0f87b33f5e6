"""Hostile content (RULE 12): the loader answers only with ContentError at file:line:col.

Never another exception, never a hang (pytest-timeout), never an expanded alias bomb.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exback.content import load_program
from exback.errors import ContentError

from .conftest import CONTENT, run

# every line but the last summary names a place: `<file>:<line>:<col>: <field>: <message>`
ISSUE = re.compile(r"^.+\.yaml:\d+:\d+: \S.*: .+$")

HOSTILE_DOCUMENTS = {
    "python object": "id: !!python/object/apply:os.system ['touch /tmp/exback-pwned']\n",
    "python name": "id: !!python/name:os.system\n",
    "python module": "id: !!python/module:os\n",
    "billion laughs": "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(8)
    ),
    "alias to itself": "id: understand\nloop: &loop [*loop]\n",
    "deep flow": "[" * 500_000,
    "deep block": "- " * 300_000 + "x\n",
    "deep mapping": "".join(" " * n + f"k{n}:\n" for n in range(2000)),
    "huge": "title: " + "x" * 2_000_000 + "\n",
    "many keys": "".join(f"k{n}: v\n" for n in range(30_000)),
    "many questions": "id: understand\nquestions:\n"
    + "".join(f"  - {{id: q, kind: text, prompt: p{n}}}\n" for n in range(10_000)),
    "bad date": "id: understand\ntitle: Understand\nwhen: 2026-13-45\n",
    "bad int": "id: understand\ntitle: !!int lots\n",
    "huge int": "id: understand\ntitle: !!int 1" + "0" * 10_000 + "\n",
    "bad float": "id: understand\ntitle: !!float x\n",
    "bad binary": "id: !!binary '%%%'\n",
    "merge of a scalar": "<<: 1\nid: understand\n",
    "unhashable key": "? [a, b]\n: c\n",
    "two documents": "id: understand\n---\nid: understand\n",
    "NUL": "id: understand\x00\n",
    "escape": "id: understand\ntitle: \x1b]0;pwned\x07\n",
    "tab indent": "id: understand\n\ttitle: x\n",
    "not UTF-8": b"id: \xff\xfe\n",
    "UTF-16": "id: understand\n".encode("utf-16"),
    "empty": "",
    "only a comment": "# nothing here\n",
    "a list": "- id: understand\n",
    "a string": "understand\n",
    "duplicate keys": "id: understand\nid: understand\n",
    "unclosed quote": 'id: "understand\n',
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("hostile") / "content"
    shutil.copytree(CONTENT, target)
    return target


def _load_step(folder: Path, document: str | bytes, name: str = "understand") -> str:
    """Write `document` as a step file; the ContentError's message, checked for places."""
    path = folder / "steps" / f"{name}.yaml"
    original = (CONTENT / "steps" / f"{name}.yaml").read_bytes()
    path.write_bytes(document.encode("utf-8") if isinstance(document, str) else document)
    try:
        with pytest.raises(ContentError) as info:
            load_program(folder)
    finally:
        path.write_bytes(original)
    *issues, summary = info.value.message.splitlines()
    assert issues and summary.startswith("content is not valid: ")
    for issue in issues:
        assert ISSUE.match(issue), issue
    return info.value.message


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", HOSTILE_DOCUMENTS)
def test_hostile_documents_are_content_errors(folder: Path, name: str) -> None:
    message = _load_step(folder, HOSTILE_DOCUMENTS[name])
    assert "understand.yaml:" in message


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("python object", "understand.yaml:1:5: (yaml): could not determine a constructor"),
        ("billion laughs", "understand.yaml:2:8: (yaml): aliases (*name) are not allowed"),
        ("alias to itself", "understand.yaml:2:14: (yaml): aliases"),
        ("deep flow", "understand.yaml:1:51: (yaml): nested more than 50 levels deep"),
        ("bad date", "understand.yaml:3:7: (yaml): cannot read this value: month must be"),
        ("NUL", "understand.yaml:1:15: (yaml): U+0000 is not allowed in YAML"),
        ("escape", "understand.yaml:2:8: (yaml): U+001B is not allowed in YAML"),
        ("huge", "understand.yaml:1:1: (file): is 2 MiB, more than the 1,000,000 bytes exback"),
    ],
)
def test_hostile_documents_point_at_the_place(folder: Path, name: str, where: str) -> None:
    assert where in _load_step(folder, HOSTILE_DOCUMENTS[name])


def test_hostile_program_file_too(folder: Path) -> None:
    path = folder / "program.yaml"
    original = path.read_bytes()
    try:
        for document in ("steps: &s [*s]\n", "[" * 100_000, "id: !!python/name:os.system\n"):
            path.write_text(document)
            with pytest.raises(ContentError, match=r"program\.yaml:\d+:\d+: "):
                load_program(folder)
    finally:
        path.write_bytes(original)


def test_content_validate_reports_without_a_traceback(runner, folder: Path) -> None:
    step = folder / "steps" / "understand.yaml"
    original = step.read_bytes()
    step.write_text(HOSTILE_DOCUMENTS["billion laughs"])
    try:
        result = run(runner, "content", "validate", str(folder))
    finally:
        step.write_bytes(original)
    assert result.exit_code == 2
    assert "aliases" in result.stderr and "Traceback" not in result.output


FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
yamlish = st.lists(
    st.sampled_from([*"[]{}:-?,&*!|>'\"#%@`<= \n\t\\abcxyz019.", "!!python/name:os.system"]),
    max_size=200,
).map("".join)


@pytest.mark.timeout(60)
@FUZZ
@given(document=st.one_of(yamlish, st.text(max_size=300), st.binary(max_size=300)))
def test_fuzzed_step_file_is_loaded_or_a_content_error(folder: Path, document) -> None:
    path = folder / "steps" / "understand.yaml"
    original = (CONTENT / "steps" / "understand.yaml").read_bytes()
    path.write_bytes(
        document.encode("utf-8", "surrogatepass") if isinstance(document, str) else document
    )
    try:
        load_program(folder)
    except ContentError as exc:
        *issues, summary = exc.message.splitlines()
        assert all(ISSUE.match(issue) for issue in issues), exc.message
        assert summary.startswith("content is not valid: ")
    finally:
        path.write_bytes(original)
