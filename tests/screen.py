"""A real terminal for tests: the installed `exback` in a pseudo-terminal, read through pyte.

`Terminal` keeps a pyte screen of the pty's output and, like a real terminal,
answers cursor-position requests (ESC [ 6 n) with where pyte's cursor is, so
prompt_toolkit runs as it would for a person (no PROMPT_TOOLKIT_NO_CPR).
Assertions read `text()`, what a person sees, never the byte stream.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pexpect
import pyte

EXBACK = str(Path(sys.executable).parent / "exback")
CPR_REQUEST = "\x1b[6n"
ENTER = "\r"
FINISH = "\x1b\r"  # Esc then Enter: ends a multiline answer


class Terminal:
    """One `exback ARGS` on a `columns`×`rows` screen."""

    def __init__(
        self,
        *args: str,
        columns: int = 80,
        rows: int = 24,
        env: dict[str, str] | None = None,
        answer_cpr: bool = True,
    ) -> None:
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.answer_cpr = answer_cpr
        environment = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        environment.pop("PROMPT_TOOLKIT_NO_CPR", None)
        environment.pop("COLUMNS", None)
        environment.pop("LINES", None)
        self.child = pexpect.spawn(
            EXBACK,
            list(args),
            env=environment,
            encoding="utf-8",
            dimensions=(rows, columns),
            preexec_fn=_as_from_a_shell,
        )
        self.transcript = ""

    def pump(self, seconds: float = 0.02) -> None:
        """Read what the program wrote so far onto the screen."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                chunk = self.child.read_nonblocking(65536, timeout=0.01)
            except pexpect.TIMEOUT:
                chunk = ""
            except pexpect.EOF:
                return
            if chunk:
                self.transcript += chunk
                parts = chunk.split(CPR_REQUEST)
                for i, part in enumerate(parts):
                    self.stream.feed(part)
                    if i < len(parts) - 1 and self.answer_cpr:
                        y, x = self.screen.cursor.y, self.screen.cursor.x
                        self.child.send(f"\x1b[{y + 1};{x + 1}R")
            elif time.monotonic() >= deadline:
                return

    def text(self) -> str:
        """The screen as one string of words: lines stripped and joined by spaces (a
        panel's side borders left out, so wrapped words inside it read on)."""
        lines = (line.replace("│", " ") for line in self.screen.display)
        return " ".join(" ".join(line.split()) for line in lines if line.strip())

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def wait_for(self, words: str, timeout: float = 15.0) -> None:
        """Until `words` (whitespace-normalised) are on the screen; else fail showing it."""
        wanted = " ".join(words.split())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            if wanted in self.text():
                return
            if not self.child.isalive():
                self.pump()
                if wanted in self.text():
                    return
                break
        screen = "\n".join(self.lines())
        raise AssertionError(f"{wanted!r} is not on the screen:\n{screen}")

    def wait_prompt(self, timeout: float = 15.0) -> None:
        """Until the answer line ("›") is where the cursor is (a long answer may wrap)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            y = self.screen.cursor.y
            if any("›" in line for line in self.screen.display[max(y - 3, 0) : y + 1]):
                return
        raise AssertionError("no prompt has the cursor:\n" + "\n".join(self.lines()))

    def type(self, keys: str) -> None:
        self.child.send(keys)

    def cursor_line(self) -> str:
        """The line the cursor is on: where the person's typing shows."""
        return self.screen.display[self.screen.cursor.y].rstrip()

    def finish(self, timeout: float = 15.0) -> int:
        """Wait for the program to end; its exit status."""
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.transcript += self.child.before or ""
        self.stream.feed(self.child.before or "")
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


def _as_from_a_shell() -> None:
    """In the child: Ctrl-C interrupts, as for a program started from an interactive
    shell. (Tests started in the background by a non-interactive shell inherit SIGINT
    ignored, and so would the child: Ctrl-C would then do nothing.)"""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
