"""Input named on the command line: a JSON file (or `-`), or text piped to stdin.

Every problem is exit 2, one line, nothing saved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from exback.errors import UsageError
from exback.safefile import MiB, UnsafeFileError, read_stream

INPUT_LIMIT = 512 * MiB


def read_json(path: Path, expected: str) -> Any:
    """The decoded JSON of PATH (`-` for stdin); `expected` says what the file should be.

    A pipe is fine (`<(...)`); more than INPUT_LIMIT bytes, numbers too long or
    nesting too deep to read are exit 2, like any other bad input.
    """
    name = "stdin" if str(path) == "-" else str(path)
    try:
        if name == "stdin":
            raw = read_stream(sys.stdin.buffer, name, INPUT_LIMIT)
        else:
            with path.open("rb") as handle:
                raw = read_stream(handle, name, INPUT_LIMIT)
    except UnsafeFileError as exc:
        raise UsageError(f"{name} {exc.reason}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    return parse_json(name, raw, expected)


def parse_json(name: str, raw: bytes, expected: str) -> Any:
    """Decoded JSON of input named `name`; every problem is exit 2 saying what was `expected`."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); expected {expected}"
        ) from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text; expected {expected}") from None
    except ValueError:
        raise UsageError(
            f"{name}: holds a number too long to read (over 4300 digits); expected {expected}"
        ) from None
    except RecursionError:
        raise UsageError(f"{name}: nested too deeply to read; expected {expected}") from None


def read_piped_text(stream: BinaryIO) -> str:
    """Text piped in (`echo note | exback journal add`), exactly as sent but one final newline."""
    try:  # bytes, so that every character arrives exactly as sent
        data = stream.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"stdin is not UTF-8 text (byte {exc.start}); nothing was saved") from None
    return data[:-1] if data.endswith("\n") else data
