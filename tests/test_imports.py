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
        ["doctor"],
        ["doctor", "--json"],
    ],
)
def test_no_prompt_libraries_loaded(args: list[str], data_dir: Path) -> None:
    env = {**os.environ, "EXBACK_DATA_DIR": str(data_dir)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    line = next(x for x in proc.stderr.splitlines() if x.startswith("MODULES="))
    assert json.loads(line.removeprefix("MODULES=")) == []
    assert "Traceback" not in proc.stderr
