"""exback: a private, offline, guided program for the weeks after a breakup."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Looked up on first use: importlib.metadata costs ~20 ms at start-up (`--help`).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("exback")
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "0+unknown"
    raise AttributeError(f"module 'exback' has no attribute {name!r}")
