"""What `status` and `nocontact` last printed, kept for when nothing it depends on changed.

Those views read the whole progress.json and the program through pydantic and draw
with Rich: about four times Typer's own start-up. Asked again about the same data, on
the same day, in the same terminal (a shell prompt or a tmux status bar asks every few
seconds), the answer is the same output; it is then printed from here, and none of
that is loaded (docs/performance.md).

The memo is `.memo.json` in the data dir, private like the data (it holds what these
views show). It is a cache, never a source: a missing, damaged or foreign file, or any
change to what the output depends on, means the view is computed again. What it
depends on is the key: the data files (size, times and inode of progress.json, the
journal and their `.bak`, and progress.json's checksum), the program (the program
cache's key: content files, the Python and pydantic versions), exback's own code
files, the command's words, the local day, and the terminal (whether each stream is
one, its size, the variables Rich and the time zone read, --no-color). A time of day
after which the output changes (a letter's hold ending) is kept with it. Nothing is
kept while encryption is on: a plain copy of what status shows would undo it;
`encrypt` and `reset` delete the memo.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from exback.program_cache import stamp
from exback.safefile import MiB, UnsafeFileError, open_checked
from exback.text import inert

NAME = ".memo.json"
FORMAT = 1
KEEP = 8
"""Outputs kept: a status line, a view and a calendar, in a few terminals."""
LIMIT = 4 * MiB
CHECKSUM_LIMIT = 64 * MiB
"""No larger progress.json is checksummed (storage refuses to read one that large)."""

DATA = ("progress.json", "progress.json.bak", "journal.jsonl", "journal.jsonl.bak")
OFF = ("encryption.json", "restore.pending")
"""While one of these exists, nothing is kept or read (encryption on, a restore half-done)."""
ENVIRON = (
    *("TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"),
    *("COLUMNS", "LINES", "JUPYTER_COLUMNS", "JUPYTER_LINES", "TZ"),
)
# Rich's colour codes (SGR): the one kind of escape sequence a kept text may hold
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def key(
    root: Path, program_key: str, words: list[str], today: dt.date, no_color: bool
) -> str | None:
    """The key of this output, or None when nothing may be kept (see the module's doc)."""
    if not os.path.isdir(root) or any(os.path.lexists(root / name) for name in OFF):
        return None
    here = Path(__file__).parent
    code = sorted(str(p) for d in (here, here / "commands") for p in d.glob("*.py"))
    terminal: list[Any] = [no_color, [os.isatty(fd) for fd in (0, 1, 2)], None]
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError):
            terminal[2] = list(os.get_terminal_size(fd))
            break
    parts = [
        FORMAT,
        [stamp(root / name) for name in DATA],
        _checksum(root / DATA[0]),
        program_key,
        [stamp(Path(p)) for p in code],
        words,
        today.isoformat(),
        terminal,
        [os.environ.get(name) for name in ENVIRON],
        stamp(Path("/etc/localtime")),
    ]
    return json.dumps(parts)


def recall(root: Path, key: str, now: dt.datetime) -> str | None:
    """The output kept under `key`, if it is still good at `now`; else None."""
    for kept in _read(root):
        if kept.get("key") == key:
            text, until = kept.get("text"), kept.get("until")
            if not isinstance(text, str) or not _shown(text):
                return None
            if until is not None and not now < _moment(until):
                return None
            return text
    return None


def keep(root: Path, key: str, text: str, until: dt.datetime | None) -> None:
    """Keep `text` under `key` (good until `until`, if given), with the latest others.

    Written to a temp file and renamed into place; without fsync: losing it loses
    nothing. Any failure leaves the memo as it was.
    """
    kept = [k for k in _read(root) if k.get("key") != key][: KEEP - 1]
    entry = {"key": key, "until": until.isoformat() if until else None, "text": text}
    data = json.dumps({"format": FORMAT, "kept": [entry, *kept]}, ensure_ascii=False)
    temp = root / f".{NAME}.{os.urandom(4).hex()}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(temp, root / NAME)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def forget(root: Path) -> None:
    """Delete the memo (encryption turned on, the data reset)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(root / NAME)


def _shown(text: str) -> bool:
    """Whether `text` is what the views print: inert text (text.py), colour codes aside."""
    plain = _COLOUR.sub("", text)
    return inert(plain) == plain


def _read(root: Path) -> list[dict[str, Any]]:
    try:
        with os.fdopen(open_checked(root / NAME, os.O_RDONLY, LIMIT), "rb") as handle:
            data = json.loads(handle.read())
    except (OSError, UnsafeFileError, ValueError, RecursionError):
        return []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return []
    kept = data.get("kept")
    return [k for k in kept if isinstance(k, dict)] if isinstance(kept, list) else []


def _moment(text: Any) -> dt.datetime:
    """A kept moment; one already past for anything that is not one."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        moment = None
    return moment if moment and moment.tzinfo else dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _checksum(path: Path) -> int | None:
    """progress.json's CRC-32: a check-in replaced within a second by one of the same
    size can leave size, times and (reused) inode as they were where timestamps are
    coarse; the journal only grows or is rewritten, so its stamp is enough."""
    import zlib

    try:
        with os.fdopen(open_checked(path, os.O_RDONLY, CHECKSUM_LIMIT), "rb") as handle:
            return zlib.crc32(handle.read())
    except (OSError, UnsafeFileError):
        return None
