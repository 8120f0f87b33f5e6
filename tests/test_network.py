"""No network, ever (RULE 9), also in a fresh interpreter where conftest's block does not reach.

conftest's `no_network` fixture blocks sockets in this process; this test runs every
command in a new Python with sockets blocked the same way, then checks that no
network client module was even imported. Add new commands to COMMANDS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

COMMANDS = [
    ["journal", "add", "a note"],
    ["journal", "list"],
    ["journal", "list", "--json"],
    ["status"],
    ["status", "--json"],
    ["where"],
    ["doctor"],
    ["content", "validate"],
    ["start", "--answers-file", "{answers}"],
    ["nocontact", "start", "--days", "30"],
    ["nocontact", "urge", "--note", "n"],
    ["nocontact"],
    ["checkin", "--mood", "5", "--urge", "1"],
    ["export", "--format", "md"],
    ["help-now"],
]
NETWORK_CLIENTS = {"ssl", "http.client", "urllib.request", "ftplib", "smtplib", "asyncio"}

PROBE = """
import json, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args)[:80])
    raise OSError("network blocked by test_network")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from typer.testing import CliRunner
from exback.cli import app
runner = CliRunner()
codes = [runner.invoke(app, argv).exit_code for argv in json.loads(sys.argv[1])]
print(json.dumps({"codes": codes, "attempts": attempts, "modules": sorted(sys.modules)}))
"""


def test_no_command_touches_or_imports_the_network(data_dir: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("understand:\n  reasons: it ended\n")
    commands = [[a.replace("{answers}", str(answers)) for a in argv] for argv in COMMANDS]
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(commands)],
        env={**os.environ, "EXBACK_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report["codes"] == [0] * len(commands)
    assert report["attempts"] == []
    assert NETWORK_CLIENTS.isdisjoint(report["modules"])
