"""One Rich console for results (stdout), one for messages (stderr); safe text."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

from exback.text import inert, local_time

__all__ = ["UI", "local_time", "progress", "user_text"]


def user_text(text: str, style: str = "") -> Text:
    """A Rich Text of user content: never parsed as markup, controls made visible."""
    from rich.text import Text

    return Text(inert(text), style=style)


@functools.cache
def _console_class() -> type[Console]:
    """Rich's Console, but a closed pipe goes to the CLI boundary (cli._pipe_closed).

    Rich's own handling exits 1, which would read as an error.
    """
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _Console


class UI:
    """The two consoles, created on first use so that imports stay cheap."""

    def __init__(self, no_color: bool = False) -> None:
        self.no_color = no_color
        self._out: Console | None = None
        self._err: Console | None = None

    @property
    def dumb(self) -> bool:
        """A terminal that cannot move the cursor or show styles (TERM=dumb)."""
        return os.environ.get("TERM") == "dumb"

    @property
    def plain(self) -> bool:
        """No colour or styles: --no-color, NO_COLOR or TERM=dumb."""
        return self.no_color or "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb"

    def _make(self, stream_is_err: bool) -> Console:
        return _console_class()(
            stderr=stream_is_err,
            color_system=None if self.plain else "auto",
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )

    @property
    def out(self) -> Console:
        if self._out is None:
            self._out = self._make(False)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = self._make(True)
        return self._err

    def say(self, message: str) -> None:
        """A plain message line on stderr: no markup parsing, and inert (see `inert`)."""
        print(inert(message), file=sys.stderr, flush=True)

    def say_where_data_lives(self, root: object) -> None:
        """Told once, when the data dir is first made: where it is, and that it stays here."""
        self.say(
            inert(
                f"exback: your answers and notes are kept in {root}, readable only by you. "
                "Nothing leaves this machine."
            )
        )


# --- progress bars (journal import) --------------------------------------------------

PROGRESS_MIN = 2000
"""Fewer items than this finish too fast for a bar to help."""


@contextlib.contextmanager
def progress(ui: UI, total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A bar on stderr, only when stderr is a terminal and `total` is large.

    Yields `update(done)`, to be called with the number of items done so far.
    """
    if total < PROGRESS_MIN or not sys.stderr.isatty():
        yield lambda done: None
        return
    from rich.progress import Progress

    with Progress(console=ui.err, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)
