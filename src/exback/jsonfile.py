"""Reading a JSON file named on the command line: every problem is exit 2, one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from exback.errors import UsageError


def read_json(path: Path, expected: str) -> Any:
    """The decoded JSON of PATH (`-` for stdin); `expected` says what the file should be."""
    name = "stdin" if str(path) == "-" else str(path)
    try:
        raw = sys.stdin.buffer.read() if name == "stdin" else path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); expected {expected}"
        ) from None
    except UnicodeDecodeError:
        raise UsageError(f"{name}: not UTF-8 text; expected {expected}") from None
