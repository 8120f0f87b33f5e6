"""Crashes and concurrent writers lose nothing (RULES 4, 5, 7).

Each writing command is a `Writer`: the command line for one numbered run, and what
it leaves behind (its "marks"). To cover a new command, add a Writer to WRITERS.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from exback.cli import app
from exback.storage import Store

from .conftest import lock_held, run


@dataclass(frozen=True)
class Writer:
    """One command that saves something, run many times with a unique mark each time."""

    name: str
    argv: Callable[[str, Path], list[str]]  # (mark, scratch dir) -> command line
    marks: Callable[[Store], set[str]]  # every mark currently saved
    appends: bool  # True: every mark stays; False: the newest overwrites the last


def _journal_marks(store: Store) -> set[str]:
    return {entry.text for entry in store.read_journal().entries}


def _answers_argv(question: str) -> Callable[[str, Path], list[str]]:
    def argv(mark: str, scratch: Path) -> list[str]:
        path = scratch / f"answers-{mark}.json"
        path.write_text(json.dumps({"understand": {question: mark}}))
        return ["start", "--answers-file", str(path)]

    return argv


def _answer_marks(question: str) -> Callable[[Store], set[str]]:
    def marks(store: Store) -> set[str]:
        progress = store.load_progress()
        step = progress.steps.get("understand") if progress else None
        answer = step.answers.get(question) if step else None
        return {answer.value} if answer else set()

    return marks


JOURNAL = Writer("journal add", lambda mark, _: ["journal", "add", mark], _journal_marks, True)
ANSWERS = Writer("start --answers-file", _answers_argv("my_part"), _answer_marks("my_part"), False)


def _checkin_marks(store: Store) -> set[str]:
    progress = store.load_progress()
    return {c.note for c in progress.checkins if c.note} if progress else set()


CHECKIN = Writer(
    "checkin",
    lambda mark, _: ["checkin", "--mood", "5", "--urge", "2", "--note", mark, "--replace"],
    _checkin_marks,
    False,
)
WRITERS = [JOURNAL, ANSWERS, CHECKIN]


def _check_files(store: Store) -> None:
    """Every file parses: progress fully, the journal allowing only a torn last line."""
    store.load_progress()
    store.read_journal()  # a bad line in the middle raises DataCorruptError


# --- SIGKILL at random moments ------------------------------------------------------------


def _fork_exback(argv: list[str]) -> int:
    """Run one exback command in a forked child of this (already importing) process.

    A fresh `python -m exback` spends ~0.4 s importing before it touches a file, so
    random kills would mostly land in imports; a fork starts at the command itself.
    """
    pid = os.fork()
    if pid:
        return pid
    code = 70
    try:
        sys.stdin = open(os.devnull)  # noqa: SIM115 - the child ends with os._exit
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
        app(argv, prog_name="exback")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os._exit(code)


def _python_m_exback(argv: list[str]) -> int:
    """The real entry point, for a few of the runs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "exback", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc.pid


def _kill_after(pid: int, delay: float, start: float) -> int:
    """SIGKILL `pid` at `start + delay` unless it is done; return its exit code (<0: killed)."""
    while time.monotonic() < start + delay:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.001)
    os.kill(pid, signal.SIGKILL)  # not reaped yet, so the pid is still this child's
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_at_random_moments_loses_nothing(runner, data_dir: Path, tmp_path: Path) -> None:
    store = Store(data_dir)
    rng = random.Random(7)
    iterations = 200
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    for writer in WRITERS:  # import here what the commands import lazily, once for all
        assert run(runner, *writer.argv(f"import-{writer.name}", scratch)).exit_code == 0
    # kills land in [0, span]; each span adapts so that about 40% of the runs finish,
    # however fast or loaded the machine is
    spans = {writer.name: 0.03 for writer in WRITERS}
    saved: dict[str, list[str]] = {w.name: [] for w in WRITERS}
    outcomes = {"exit 0": 0, "killed": 0}
    for i in range(iterations):
        real = i % 50 == 0  # every 50th run: a real `python -m exback`, killed within 0.6 s
        spawn = _python_m_exback if real else _fork_exback
        start = time.monotonic()
        runs = []
        for writer in WRITERS:
            mark = f"{writer.name}-{i}"
            pid = spawn(writer.argv(mark, scratch))
            runs.append((writer, mark, pid, rng.uniform(0, 0.6 if real else spans[writer.name])))
        for writer, mark, pid, delay in runs:
            code = _kill_after(pid, delay, start)
            assert code in (0, -signal.SIGKILL), f"{writer.name} exited {code}"
            outcomes["exit 0" if code == 0 else "killed"] += 1
            if not real:
                spans[writer.name] *= 0.93 if code == 0 else 1.05
            _check_files(store)
            if code == 0:
                saved[writer.name].append(mark)
                assert mark in writer.marks(store), f"run {i} of {writer.name} exited 0"
    for writer in WRITERS:
        if writer.appends:
            assert set(saved[writer.name]) <= writer.marks(store)
    # both outcomes happened often enough for the test to mean something
    assert min(outcomes.values()) > len(WRITERS) * iterations // 5, outcomes
    # and whatever the kills left behind, doctor can make the data dir healthy again
    assert run(runner, "doctor", "--repair", "--yes").exit_code == 0
    assert run(runner, "doctor").exit_code == 0


# --- concurrent writers ---------------------------------------------------------------------

WORKER = """
import json, sys
from typer.testing import CliRunner
from exback.cli import app
runner = CliRunner()
for argv in json.load(open(sys.argv[1])):
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, (argv, result.output)
"""

# every 10th command of a process is one of these saves; each process answers its own
# question, so an update lost to another writer shows as a stale answer
INTERLEAVED = {
    **{
        name: Writer(f"answers {q}", _answers_argv(q), _answer_marks(q), False)
        for name, q in {"a": "reasons", "b": "my_part", "c": "their_view"}.items()
    },
    "d": CHECKIN,
}


@pytest.mark.slow
def test_four_processes_100_journal_adds_each_with_answer_saves(
    data_dir: Path, tmp_path: Path
) -> None:
    interleaved = INTERLEAVED
    env = {**os.environ, "EXBACK_DATA_DIR": str(data_dir)}
    procs = []
    last: dict[str, str] = {}
    for name in "abcd":
        plan: list[list[str]] = []
        for i in range(100):
            plan.append(JOURNAL.argv(f"{name}-{i}", tmp_path))
            if name in interleaved and i % 10 == 9:
                last[name] = f"{name}-answer-{i}"
                plan.append(interleaved[name].argv(last[name], tmp_path))
        plan_file = tmp_path / f"plan-{name}.json"
        plan_file.write_text(json.dumps(plan))
        procs.append(subprocess.Popen([sys.executable, "-c", WORKER, str(plan_file)], env=env))
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]

    store = Store(data_dir)
    entries = store.read_journal()
    assert not entries.torn_tail
    texts = [e.text for e in entries.entries]
    assert len(texts) == 400
    assert set(texts) == {f"{n}-{i}" for n in "abcd" for i in range(100)}
    for name, writer in interleaved.items():
        assert writer.marks(store) == {last[name]}
    assert not [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")]


# --- the lock --------------------------------------------------------------------------


@pytest.mark.slow
def test_second_process_waits_for_the_lock_then_gives_up_or_proceeds(
    runner, data_dir: Path
) -> None:
    with lock_held(data_dir, seconds=1.5):
        start = time.monotonic()
        gave_up = run(runner, "--lock-timeout", "0.6", "journal", "add", "impatient")
        assert gave_up.exit_code == 4
        assert time.monotonic() - start >= 0.6
        assert "waiting for another exback" in gave_up.stderr
        waited = run(runner, "--lock-timeout", "20", "journal", "add", "patient")
        assert waited.exit_code == 0, waited.output
        assert "waiting for another exback" in waited.stderr
        assert "Saved to your journal" in waited.stderr
    assert _journal_marks(Store(data_dir)) == {"patient"}
