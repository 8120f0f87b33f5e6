"""Commands that do not prompt must not import questionary or prompt_toolkit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
from exback.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("questionary", "prompt_toolkit"))
    sys.__stderr__.write("MODULES=" + json.dumps(loaded) + "\\n")
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["status"],
        ["status", "--json"],
        ["journal", "add", "a note"],
        ["journal", "list"],
        ["where"],
        ["export"],
        ["export", "--format", "md"],
        ["export", "--format", "md", "--output", "{tmp}/report.md"],
        ["export", "--output", "{tmp}/export.json"],
        ["restore", "{tmp}/export.json", "--merge"],
        ["reset", "--confirm", "delete"],
        ["nocontact", "start", "--days", "30"],
        ["nocontact"],
        ["nocontact", "--json"],
        ["nocontact", "urge", "--note", "x"],
        ["nocontact", "exception", "--reason", "keys"],
        ["nocontact", "slip"],
        ["checkin", "--mood", "5", "--urge", "2", "--note", "ok"],
        ["help-now"],
        ["doctor"],
        ["doctor", "--json"],
    ],
)
def test_no_prompt_libraries_loaded(args: list[str], data_dir: Path) -> None:
    env = {**os.environ, "EXBACK_DATA_DIR": str(data_dir)}
    if args[0] == "nocontact" and args[1:2] != ["start"]:  # a countdown to look at
        subprocess.run(
            [sys.executable, "-c", PROBE, "nocontact", "start"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=True,
        )
    if args[0] in ("restore", "reset"):  # something to restore or delete
        for step in (["journal", "add", "a note"], ["export", "--output", "{tmp}/export.json"]):
            _probe(step, data_dir, env)
    proc = _probe(args, data_dir, env)
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES="))
    assert json.loads(line.removeprefix("MODULES=")) == []
    assert "Traceback" not in proc.stderr


def _probe(
    args: list[str], data_dir: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    args = [a.format(tmp=data_dir.parent) for a in args]
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
