"""exback: a private, offline, guided program for the weeks after a breakup."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("exback")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"
