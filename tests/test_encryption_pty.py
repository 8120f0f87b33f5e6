"""`exback encrypt`, a data command and help-now at a real terminal, read from the screen.

What a person sees at 80×24 and 40×15: the warning before the first passphrase
prompt, nothing of the passphrase on screen, the recovery code typed back, the
passphrase asked once per command, and help-now's general help before any question.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exback import crypto
from exback.storage import JOURNAL, KEYS

from .conftest import run
from .screen import ENTER, Terminal

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]
PASS = "a long walk by the sea"
CODE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){7}")


@pytest.fixture(params=[(80, 24), (40, 15)], ids=["80x24", "40x15"])
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param  # type: ignore[no-any-return]


def test_encrypt_warns_first_hides_the_passphrase_and_checks_the_code(
    runner, data_dir: Path, size: tuple[int, int]
) -> None:
    columns, rows = size
    assert run(runner, "journal", "add", "the note I wrote at 2 a.m.").exit_code == 0
    term = Terminal("encrypt", columns=columns, rows=rows)
    term.wait_for("New passphrase")
    assert "gone for good" in term.text()  # the warning is on screen before the question
    assert not (data_dir / KEYS).exists()
    term.type(PASS + ENTER)
    term.wait_for("The same passphrase again")
    term.type("not the same" + ENTER)
    term.wait_for("did not match")
    term.type(PASS + ENTER)
    term.wait_for("The same passphrase again")
    term.type(PASS + ENTER)
    term.wait_for("Type the last two groups")
    assert PASS not in term.transcript  # never echoed, not even once
    code = CODE.search(term.transcript)
    assert code is not None
    term.wait_prompt()
    term.type("ABCD-EFGH" + ENTER)
    term.wait_for("does not match")
    assert not (data_dir / KEYS).exists()  # nothing converted before the code is typed back
    term.wait_prompt()
    term.type(code.group(0)[-9:].lower() + ENTER)
    assert term.finish(timeout=30) == 0
    assert "Encrypted 1 file" in term.text()
    assert (data_dir / JOURNAL).read_bytes().startswith(crypto.PREFIX)

    # a data command asks once; a wrong passphrase three times is exit 5
    term = Terminal("journal", "list", columns=columns, rows=rows)
    term.wait_for("Passphrase for")
    term.type(PASS + ENTER)
    term.wait_for("2 a.m.")
    assert term.finish() == 0
    assert term.transcript.count("Passphrase for") == 1
    term = Terminal("status", columns=columns, rows=rows)
    for asked in range(1, 4):
        while term.transcript.count("Passphrase for") < asked:
            term.pump(0.1)
        term.type("wrong" + ENTER)
    assert term.finish() == 5
    assert "does not open" in term.text()


def test_help_now_prints_the_help_before_asking(runner, data_dir: Path, tmp_path: Path) -> None:
    passfile = tmp_path / "pass"
    passfile.write_text(PASS + "\n")
    plan = tmp_path / "plan.yaml"
    plan.write_text("people_to_ask: my sister Ruth\n")
    run(runner, "safety-plan", "--answers-file", str(plan))
    assert run(runner, "--passphrase-file", str(passfile), "encrypt").exit_code == 0
    term = Terminal("help-now")
    term.wait_for("type your passphrase to see it")
    assert "danger" in term.transcript and "Ruth" not in term.transcript
    term.wait_for("Passphrase for")
    term.type(PASS + ENTER)
    term.wait_for("my sister Ruth")
    assert term.finish() == 0
    # Ctrl-C at the question: the help stays, exit 0
    term = Terminal("help-now")
    term.wait_for("Passphrase for")
    term.type("\x03")
    assert term.finish() == 0


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm on this system")
def test_the_editor_file_is_in_memory_and_removed_while_encrypted(
    runner, data_dir: Path, tmp_path: Path
) -> None:
    passfile = tmp_path / "pass"
    passfile.write_text(PASS + "\n")
    run(runner, "journal", "add", "a first note")
    assert run(runner, "--passphrase-file", str(passfile), "encrypt").exit_code == 0
    seen = tmp_path / "seen"
    editor = tmp_path / "editor.sh"
    editor.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$1" > {seen}\n'
        f'stat -c %a "$1" >> {seen}\n'
        'printf "Written in my editor." > "$1"\n'
    )
    editor.chmod(0o700)
    env = {"EDITOR": str(editor), "VISUAL": "", "EXBACK_PASSPHRASE_FILE": str(passfile)}
    term = Terminal("start", env=env)
    term.wait_for("why did the relationship end")
    term.wait_prompt()
    term.type("typed first")
    term.wait_for("typed first")
    term.type("\x18\x05")  # Ctrl-X Ctrl-E
    term.wait_for("Written in my editor.")
    term.type("\x1b\r")
    term.wait_for("What was your part")
    term.wait_prompt()
    term.type("\x03")
    assert term.finish() == 130
    path, mode = seen.read_text().split()
    assert path.startswith("/dev/shm/") and mode == "600"
    assert not Path(path).exists()  # removed afterwards
    assert b"Written in my editor" not in b"".join(
        p.read_bytes() for p in data_dir.iterdir() if p.is_file()
    )
