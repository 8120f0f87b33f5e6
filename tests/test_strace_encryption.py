"""SIGKILL before every file-system call of `encrypt`, `decrypt`, `passphrase` (issue 20)
and of `journal compact` on encrypted data.

As tests/test_strace_crash.py does for the commands that rewrite data: one traced
run lists the calls on the test's files; then, for each (capped by
EXBACK_KILL_POINTS, default 24, every rename, link and unlink always included),
a fresh copy of the data dir, and strace kills the command just before that call.
After each kill:

- every record that was there before reads back (with the passphrase when
  encryption.json is there), none lost, none changed: the old or the new state;
- for `passphrase`, exactly one of the old and the new passphrase opens it;
- running the same command again finishes the job: all sealed (encrypt, and
  compact, whose `.bak` stays sealed), all plain and no encryption.json
  (decrypt), the new passphrase (passphrase).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exback import crypto, keys
from exback.storage import KEYS, Store

from .conftest import run
from .test_strace_crash import (
    STRACE,
    Record,
    _env,
    _fill,
    kill_before,
    kill_points,
    progress_records,
)
from .test_strace_crash import sample as sample_points

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt-get install strace)"),
]
OLD = "the first passphrase"
NEW = "the second passphrase"


def opened(root: Path, passphrase: str) -> Store:
    """A store of `root` opened with `passphrase` when encrypted (WrongSecret if it is not it)."""
    if not (root / KEYS).exists():
        return Store(root)
    unlocked = crypto.unlock(keys.read_document(Store(root)), passphrase)
    return Store(root, sealer=crypto.Sealer(unlocked.data_key))


def records(store: Store) -> set[Record]:
    progress = store.load_progress()
    found = progress_records(progress) if progress is not None else set()
    return found | {("journal", e.id, e.text) for e in store.read_journal().entries}


def sealed_everywhere(root: Path) -> bool:
    return not keys.plain_files(Store(root))


def _encrypted(runner: CliRunner, root: Path, scratch: Path) -> None:
    _fill(runner, root, scratch)
    result = run(
        runner, "--data-dir", str(root), "--passphrase-file", str(scratch / "old"), "encrypt"
    )
    assert result.exit_code == 0, result.output


def _encrypted_with_a_deletion(runner: CliRunner, root: Path, scratch: Path) -> None:
    _encrypted(runner, root, scratch)
    args = ["--data-dir", str(root), "--passphrase-file", str(scratch / "old")]
    assert run(runner, *args, "journal", "add", "a note to delete").exit_code == 0
    listed = run(runner, *args, "journal", "list", "--json", "--contains", "to delete")
    (entry,) = json.loads(listed.stdout)
    deleted = run(runner, *args, "journal", "delete", entry["id"], "--confirm", "delete")
    assert deleted.exit_code == 0, deleted.output


CASES: dict[str, tuple[Callable[[CliRunner, Path, Path], None], list[str]]] = {
    "encrypt": (_fill, ["--passphrase-file", "{old}", "encrypt"]),
    "decrypt": (_encrypted, ["--passphrase-file", "{old}", "decrypt"]),
    "passphrase": (
        _encrypted,
        ["--passphrase-file", "{old}", "passphrase", "--new-passphrase-file", "{new}"],
    ),
    "journal compact": (
        _encrypted_with_a_deletion,
        ["--passphrase-file", "{old}", "journal", "compact"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_sigkill_before_each_file_system_call(name: str, tmp_path: Path) -> None:
    runner = CliRunner()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "old").write_text(OLD + "\n")
    (scratch / "new").write_text(NEW + "\n")
    prepare, args = CASES[name]
    argv = [a.format(old=scratch / "old", new=scratch / "new") for a in args]
    template = tmp_path / "template" / "data"
    template.parent.mkdir()
    prepare(runner, template, scratch)
    before = records(opened(template, OLD))
    assert len(before) > 5
    cache = tmp_path / "cache"

    def fresh(label: str) -> Path:
        root = tmp_path / label / "data"
        shutil.copytree(template, root, symlinks=True)
        return root

    warm = fresh("warm")  # the program cache and .pyc files: every traced run the same
    subprocess.run(
        [sys.executable, "-m", "exback", *argv],
        env=_env(warm, cache),
        capture_output=True,
        check=True,
    )
    base = fresh("base")
    points = kill_points(argv, _env(base, cache), tmp_path / "trace", str(tmp_path))
    tried = sample_points(points)
    killed = 0
    for index, (syscall, n) in enumerate(tried):
        root = fresh(f"point-{index}")
        where = f"{name}: SIGKILL before {syscall} #{n}"
        killed += kill_before(argv, _env(root, cache), syscall, n, where)
        # the old or the new state: every record reads back, with the passphrase that opens it
        opens = []
        for passphrase in (OLD, NEW):
            try:
                opens.append((passphrase, records(opened(root, passphrase))))
            except crypto.WrongSecret:
                continue
        assert len(opens) in (1, 2), where  # 2 only when plain: any passphrase "opens"
        assert all(found == before for _, found in opens), f"{where}: records differ"
        if name == "passphrase":
            assert len(opens) == 1, where
        # running it again finishes the job
        again = {"passphrase": OLD if opens[0][0] == OLD else None}.get(name, OLD)
        if again is not None:
            redo = subprocess.run(
                [sys.executable, "-m", "exback", *argv],
                env=_env(root, cache),
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
            )
            assert redo.returncode == 0, f"{where}: again: {redo.stderr}"
        final = NEW if name == "passphrase" else OLD
        assert records(opened(root, final)) == before, where
        if name in ("encrypt", "journal compact"):
            assert (root / KEYS).exists() and sealed_everywhere(root), where
        if name == "decrypt":
            assert not (root / KEYS).exists(), where
            assert not any(crypto.is_sealed(p.read_bytes()) for p in root.iterdir() if p.is_file())
        leftovers = [p.name for p in root.iterdir() if p.name.endswith(".tmp")]
        if leftovers:  # doctor removes an interrupted write's temp file
            env_pass = ["--passphrase-file", str(scratch / ("new" if final == NEW else "old"))]
            fixed = run(runner, "--data-dir", str(root), *env_pass, "doctor", "--repair", "--yes")
            assert fixed.exit_code == 0, f"{where}: {fixed.output}"
    print(f"\n{name}: {len(points)} kill points, {len(tried)} tried, {killed} killed")
    assert killed >= len(tried) - 1
    assert os.environ.get("EXBACK_KILL_POINTS") or len(tried) >= min(len(points), 10)
