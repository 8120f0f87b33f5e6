"""Input named on the command line: a JSON file (or `-`), or text piped to stdin.

Every problem is exit 2, one line, nothing saved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from exback.errors import UsageError, bad_json
from exback.safefile import MiB, UnsafeFileError, read_stream

INPUT_LIMIT = 512 * MiB


def read_json(path: Path, expected: str) -> Any:
    """The decoded JSON of PATH (`-` for stdin); `expected` says what the file should be.

    A pipe is fine (`<(...)`); more than INPUT_LIMIT bytes, numbers too long or
    nesting too deep to read are exit 2, like any other bad input.
    """
    name, raw = read_input(path)
    return parse_json(name, raw, expected)


def read_input(path: Path) -> tuple[str, bytes]:
    """The name to call PATH by (`-`: stdin) and its bytes, at most INPUT_LIMIT; else exit 2."""
    name = "stdin" if str(path) == "-" else str(path)
    try:
        if name == "stdin":
            return name, read_stream(sys.stdin.buffer, name, INPUT_LIMIT)
        with path.open("rb") as handle:
            return name, read_stream(handle, name, INPUT_LIMIT)
    except UnsafeFileError as exc:
        raise UsageError(f"{name} {exc.reason}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def parse_json(name: str, raw: bytes, expected: str) -> Any:
    """Decoded JSON of input named `name`; every problem is exit 2 saying what was `expected`."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise bad_json(name, exc, expected) from None


def json_text(name: str, raw: bytes, expected: str) -> str:
    """JSON input as text, decoded as `json.loads` decodes bytes (UTF-8, -16 or -32)."""
    try:
        return raw.decode(json.detect_encoding(raw), "surrogatepass")
    except UnicodeDecodeError as exc:
        raise bad_json(name, exc, expected) from None


def read_piped_text(stream: BinaryIO) -> str:
    """Text piped in (`echo note | exback journal add`), exactly as sent but one final newline."""
    try:  # bytes, so that every character arrives exactly as sent
        data = stream.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"stdin is not UTF-8 text (byte {exc.start}); nothing was saved") from None
    return data[:-1] if data.endswith("\n") else data
