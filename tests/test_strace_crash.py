"""SIGKILL before every file-system system call of the commands that rewrite data (issue 14).

For each command, one untouched run under strace lists the file-system calls it
makes on the test's files (its kill points). Then, for each point in turn, a fresh
copy of the same data dir is used, and strace kills the command with SIGKILL just
before that call (`-e inject=SYSCALL:signal=SIGKILL:when=N`, counted per syscall as
strace does). After each kill:

- every file parses (progress.json and its copies fully, the journal but for a torn
  last line, an interrupted restore's `restore.pending`);
- nothing that existed before is lost: still in the data dir, or (reset only) in
  the backup reset wrote first;
- one `doctor --repair --yes` brings the data dir back to health, with every record
  that existed before, and (restore, merge, import) either all or none of the new.

Too many points to try each in CI: `EXBACK_KILL_POINTS` (default 24) caps how many
are tried per command, spread evenly over the run and always including every
rename, link and unlink; `EXBACK_KILL_POINTS=all` tries every one. Needs strace;
skips with a message without it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exback.journal import from_line
from exback.models import Progress
from exback.storage import PENDING, Store

from .conftest import CONTENT, run

STRACE = shutil.which("strace")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),
    pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt-get install strace)"),
]
SYSCALLS = (
    "openat,open,creat,write,pwrite64,rename,renameat,renameat2,unlink,unlinkat,link,linkat,"
    "fsync,fdatasync,ftruncate,truncate,fchmod,chmod,fchmodat,mkdir,mkdirat"
)
ALWAYS = {"rename", "renameat", "renameat2", "link", "linkat", "unlink", "unlinkat"}
LINE = re.compile(r"^(?:\d+ +)?(\w+)\(")

Record = tuple[str, ...]


def records(root: Path) -> set[Record]:
    """Every record in a data dir, as comparable tuples (no doctor, no repair)."""
    store = Store(root)
    progress = store.load_progress()
    found: set[Record] = set()
    if progress is not None:
        found |= progress_records(progress)
    found |= {("journal", e.id, e.text) for e in store.read_journal().entries}
    return found


def progress_records(progress: Progress) -> set[Record]:
    found: set[Record] = set()
    for step_id, step in progress.steps.items():
        for question_id, answer in step.answers.items():
            found.add(("answer", step_id, question_id, json.dumps(answer.value)))
    for checkin in progress.checkins:
        found.add(("checkin", checkin.on.isoformat(), str(checkin.note)))
    if progress.no_contact is not None:
        found |= {("run", r.started_at.isoformat()) for r in progress.no_contact.runs}
        found |= {("event", e.kind, e.at.isoformat()) for e in progress.no_contact.events}
    return found


def export_records(path: Path) -> set[Record]:
    data = json.loads(path.read_text())
    found: set[Record] = set()
    if data["progress"] is not None:
        found |= progress_records(Progress.model_validate(data["progress"]))
    found |= {("journal", e["id"], e["text"]) for e in data["journal"]}
    return found


def assert_files_parse(root: Path, damaged: dict[str, bytes]) -> None:
    """Every file parses, but one the test damaged on purpose and nothing changed yet."""
    for path in sorted(root.iterdir()):
        name = path.name
        if name.endswith(".tmp") or name == ".lock":
            continue  # temp files are unfinished by nature; doctor removes them
        raw = path.read_bytes()
        if damaged.get(name) == raw:
            continue
        if name.startswith("progress.json"):
            if ".corrupt-" in name:
                continue  # a damaged file doctor kept for the person to look at
            Progress.model_validate_json(raw)
        elif name.startswith("journal.jsonl"):
            if ".corrupt-" in name or ".torn-" in name:
                continue
            lines = raw.split(b"\n")
            for line in lines[:-1]:  # only the last line may be torn
                from_line(line)
        elif name == PENDING:
            assert set(json.loads(raw)["files"]) <= {"progress.json", "journal.jsonl"}
        else:
            raise AssertionError(f"unexpected file {name}")


# --- the commands ------------------------------------------------------------------------


@dataclass
class Case:
    """One command: how to make its data dir, its command line, what may come of it."""

    name: str
    prepare: Callable[[CliRunner, Path, Path], None]  # (runner, data dir, scratch)
    argv: Callable[[Path, Path], list[str]]  # (data dir, scratch) -> exback arguments
    all_or_nothing: bool  # afterwards: the records before, or before plus all the new


def _fill(runner: CliRunner, root: Path, scratch: Path, tag: str = "a") -> None:
    def ok(*argv: str) -> None:
        result = run(runner, "--data-dir", str(root), *argv)
        assert result.exit_code == 0, result.output

    answers = scratch / f"answers-{tag}.yaml"
    answers.write_text("understand:\n  reasons: we stopped talking\n")
    ok("start", "--answers-file", str(answers))
    answers.write_text("understand:\n  my_part: I went quiet\n")
    ok("start", "--answers-file", str(answers))
    ok("nocontact", "start", "--days", "30")
    ok("nocontact", "urge", "--note", f"urge {tag}")
    ok("checkin", "--mood", "4", "--urge", "6", "--note", f"check-in {tag}")
    for n in range(3):
        ok("journal", "add", f"note {tag}{n}")


def _export_of(runner: CliRunner, scratch: Path, tag: str) -> Path:
    """An export of another data dir, with different records."""
    other = scratch / f"other-{tag}"
    _fill(runner, other, scratch, tag)
    progress = Store(other).load_progress()
    assert progress is not None and progress.no_contact is not None
    result = run(runner, "--data-dir", str(other), "export")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    document["progress"]["checkins"][0]["on"] = "2026-01-02"  # another day: merge adds it
    document["progress"]["checkins"][0]["at"] = "2026-01-02T10:00:00+00:00"
    path = scratch / f"export-{tag}.json"
    path.write_text(json.dumps(document))
    return path


def _damage(root: Path) -> None:
    """A bad record in progress.json; a bad line and a torn tail in the journal."""
    progress = root / "progress.json"
    data = json.loads(progress.read_text())
    data["checkins"].append({**data["checkins"][0], "on": "9999-12-20"})
    progress.write_text(json.dumps(data, indent=2))
    journal = root / "journal.jsonl"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(lines[0] + b"not json\n" + b"".join(lines[1:]) + b'{"id": "to')


def _prepare_doctor(runner: CliRunner, root: Path, scratch: Path) -> None:
    _fill(runner, root, scratch)
    _damage(root)


def _prepare_merge(runner: CliRunner, root: Path, scratch: Path) -> None:
    _fill(runner, root, scratch)
    _export_of(runner, scratch, "b")


def _prepare_import(runner: CliRunner, root: Path, scratch: Path) -> None:
    _fill(runner, root, scratch)
    entries = [
        {"id": f"imp{n}", "created_at": f"2026-02-0{n + 1}T10:00:00+00:00", "text": f"imp {n}"}
        for n in range(3)
    ]
    (scratch / "import.json").write_text(json.dumps(entries))


def _prepare_compact(runner: CliRunner, root: Path, scratch: Path) -> None:
    """A journal with an edit and a deletion: compaction drops two lines of text."""
    _fill(runner, root, scratch)
    ids = [e.id for e in Store(root).read_journal().entries]
    for argv in (
        ["edit", ids[0], "--text", "note a0, edited"],
        ["delete", ids[1], "--confirm", "delete"],
    ):
        result = run(runner, "--data-dir", str(root), "journal", *argv)
        assert result.exit_code == 0, result.output


def _prepare_answers(runner: CliRunner, root: Path, scratch: Path) -> None:
    _fill(runner, root, scratch)
    (scratch / "save.yaml").write_text("understand:\n  their_view: we both changed\n")


CASES = [
    Case("doctor --repair", _prepare_doctor, lambda r, s: ["doctor", "--repair", "--yes"], False),
    Case(
        "restore",
        lambda runner, root, scratch: [_export_of(runner, scratch, "b"), None][1],
        lambda r, s: ["restore", str(s / "export-b.json")],
        True,
    ),
    Case(
        "restore --merge",
        _prepare_merge,
        lambda r, s: ["restore", "--merge", str(s / "export-b.json")],
        True,
    ),
    Case("reset", _fill, lambda r, s: ["reset", "--confirm", "delete"], False),
    Case(
        "journal import",
        _prepare_import,
        lambda r, s: ["journal", "import", str(s / "import.json")],
        True,
    ),
    Case("journal compact", _prepare_compact, lambda r, s: ["journal", "compact"], True),
    Case(
        "start --answers-file",
        _prepare_answers,
        lambda r, s: ["start", "--answers-file", str(s / "save.yaml")],
        True,
    ),
]


# --- strace ----------------------------------------------------------------------------


def _env(root: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        EXBACK_DATA_DIR=str(root),
        EXBACK_CONTENT_DIR=str(CONTENT),
        XDG_CACHE_HOME=str(cache),
        HOME=str(cache.parent / "home"),
        TZ="UTC",
        NO_COLOR="1",
    )
    return env


def _strace(
    argv: list[str], env: dict[str, str], extra: list[str]
) -> subprocess.CompletedProcess[str]:
    assert STRACE is not None
    return subprocess.run(
        [STRACE, "-qq", *extra, sys.executable, "-m", "exback", *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def kill_before(argv: list[str], env: dict[str, str], syscall: str, n: int, where: str) -> bool:
    """Run the command, SIGKILLed before its `n`th `syscall`; whether it was killed
    (it may have finished first: a kill point found once need not come again)."""
    result = _strace(
        argv,
        env,
        [
            "-o",
            "/dev/null",
            "-e",
            f"trace={syscall}",
            "-e",
            f"inject={syscall}:signal=SIGKILL:when={n}",
        ],
    )
    assert result.returncode in (0, 137, -9), f"{where}: exit {result.returncode}: {result.stderr}"
    return result.returncode != 0


def kill_points(
    argv: list[str], env: dict[str, str], trace: Path, watched: str
) -> list[tuple[str, int]]:
    """(syscall, n) for each call of the command on a path under `watched`, in order."""
    result = _strace(argv, env, ["-y", "-e", f"trace={SYSCALLS}", "-o", str(trace)])
    assert result.returncode == 0, result.stderr
    counts: dict[str, int] = {}
    points = []
    for line in trace.read_text(errors="replace").splitlines():
        match = LINE.match(line)
        if match is None:
            continue
        name = match.group(1)
        counts[name] = counts.get(name, 0) + 1
        if watched in line:
            points.append((name, counts[name]))
    return points


def sample(points: list[tuple[str, int]]) -> list[tuple[str, int]]:
    limit = os.environ.get("EXBACK_KILL_POINTS", "24")
    if limit == "all" or len(points) <= int(limit):
        return points
    chosen = {p for p in points if p[0] in ALWAYS}
    rest = [p for p in points if p not in chosen]
    room = max(0, int(limit) - len(chosen))
    if room and rest:
        step = len(rest) / room
        chosen |= {rest[int(i * step)] for i in range(room)}
    return [p for p in points if p in chosen]


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> dict[str, tuple[int, int, int]]:
    found: dict[str, tuple[int, int, int]] = {}
    request.config.stash[FIGURES] = found
    return found


FIGURES = pytest.StashKey[dict[str, tuple[int, int, int]]]()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_sigkill_before_each_file_system_call(
    case: Case, tmp_path: Path, figures: dict[str, tuple[int, int, int]]
) -> None:
    runner = CliRunner()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    template = tmp_path / "template" / "data"
    template.parent.mkdir()
    case.prepare(runner, template, scratch)
    before = records(template) if case.name != "doctor --repair" else None
    damaged = {"progress.json", "journal.jsonl"} if case.name == "doctor --repair" else set()
    damaged_bytes = {name: (template / name).read_bytes() for name in damaged}
    cache = tmp_path / "cache"

    def fresh(label: str) -> Path:
        root = tmp_path / label / "data"
        if template.exists():
            shutil.copytree(template, root, symlinks=True)
        else:
            root.parent.mkdir(parents=True)
        return root

    # warm the program cache and .pyc files, so every traced run makes the same calls
    warm = fresh("warm")
    subprocess.run(
        [sys.executable, "-m", "exback", *case.argv(warm, scratch)],
        env=_env(warm, cache),
        capture_output=True,
        check=True,
    )
    expected_after = records(warm) if case.all_or_nothing else None
    if case.name == "doctor --repair":
        before = records(warm)  # the good records, which the repair keeps

    base = fresh("base")
    points = kill_points(
        case.argv(base, scratch), _env(base, cache), tmp_path / "trace", str(tmp_path)
    )
    tried = sample(points)
    killed = 0
    for index, (syscall, n) in enumerate(tried):
        root = fresh(f"point-{index}")
        where = f"{case.name}: SIGKILL before {syscall} #{n}"
        killed += kill_before(case.argv(root, scratch), _env(root, cache), syscall, n, where)
        assert root.exists() or not template.exists(), where
        if not root.exists():
            continue  # killed before the data dir was made: nothing there, nothing lost
        assert_files_parse(root, damaged_bytes)
        if case.name == "journal compact":  # the old file or the new one, and the .bak
            old, new = (
                (template / "journal.jsonl").read_bytes(),
                (warm / "journal.jsonl").read_bytes(),
            )
            now_there = (root / "journal.jsonl").read_bytes()
            assert now_there in (old, new), where
            if now_there == new:
                assert (root / "journal.jsonl.bak").read_bytes() == old, where
        backups = list(root.parent.glob("data-backup-*.json"))
        kept = set().union(*(export_records(b) for b in backups)) if backups else set()
        repaired = run(runner, "--data-dir", str(root), "doctor", "--repair", "--yes", "--json")
        assert repaired.exit_code == 0, f"{where}: doctor --repair: {repaired.output}"
        assert json.loads(repaired.stdout)["healthy"], where
        after = records(root)
        assert before is not None
        assert before <= after | kept, f"{where}: lost {sorted(before - after - kept)[:3]}"
        if expected_after is not None:
            assert after in (before, expected_after), f"{where}: half applied"
        assert run(runner, "--data-dir", str(root), "status").exit_code == 0, where
    figures[case.name] = (len(points), len(tried), killed)
    print(f"\n{case.name}: {len(points)} kill points, {len(tried)} tried, {killed} killed")
    assert (
        killed >= len(tried) - 1
    )  # each point really killed the command (the last may be past the end)
