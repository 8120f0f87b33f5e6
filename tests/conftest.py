"""Shared fixtures: a private data dir per test, no network, a CLI runner."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from exback.cli import app

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = ROOT / "content"
# A small, stable program for tests of the mechanics; the packaged program has
# its own tests (test_program_content.py) and is used where a test says so.
CONTENT = Path(__file__).resolve().parent / "fixtures" / "content"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data dir; none touches the real home."""
    path = tmp_path / "data"
    monkeypatch.setenv("EXBACK_DATA_DIR", str(path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the program cache
    monkeypatch.setenv("EXBACK_CONTENT_DIR", str(CONTENT))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TZ", "UTC")  # local calendar days in tests are UTC days
    time.tzset()
    return path


class _NoNetwork(socket.socket):
    def connect(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("exback tried to use the network")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Nothing in exback may open a network connection."""
    monkeypatch.setattr(socket, "socket", _NoNetwork)
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda *a, **k: (_ for _ in ()).throw(AssertionError("network")),
    )
    yield


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@contextlib.contextmanager
def lock_held(data_dir: Path, seconds: float = 30) -> Iterator[None]:
    """Another process holds the data lock (for `seconds`, then releases it)."""
    data_dir.mkdir(mode=0o700, exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from filelock import FileLock; "
            f"lock = FileLock({str(data_dir / '.lock')!r}); lock.acquire(); "
            f"print('held', flush=True); time.sleep({seconds}); lock.release()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


def run(runner: CliRunner, *args: str, input: str | None = None) -> object:
    """Invoke the app; returns the click Result."""
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def type_into(runner: CliRunner, keys: str, *args: str) -> Any:
    """Run `exback ARGS` with these keystrokes at its prompts; then the pipe closes (Ctrl-D).

    The test must make `cli.stdin_is_terminal` say yes: the pipe stands in for a person.
    """
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()
        with create_app_session(input=pipe, output=DummyOutput()):
            return run(runner, *args)


def calm_choices(question: Any) -> list[Any]:
    """The choices that switch no route, pause or hold nothing, show no care response and
    leave nothing waiting."""
    return [
        c for c in question.choices if not (c.route or c.pause or c.care or c.hold or c.waiting)
    ]


def sample_answer(question: Any) -> Any:
    """A valid answer to any question that keeps every step open and calm."""
    if question.kind == "choice":
        return calm_choices(question)[-1].value
    if question.kind == "multi":
        return [calm_choices(question)[-1].value]
    if question.kind == "confirm":  # yes, unless yes brings care ("have you sent it?": yes)
        return not question.care_if_yes
    if question.kind == "scale":
        return question.max
    return "something"


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """The SIGKILL crash test's figures: kill points found, tried and killed per command."""
    from .test_strace_crash import FIGURES

    figures = config.stash.get(FIGURES, None)
    if not figures:
        return
    terminalreporter.section("SIGKILL before each file-system call")
    for name, (found, tried, killed) in figures.items():
        terminalreporter.write_line(f"{name}: {found} kill points, {tried} tried, {killed} killed")
