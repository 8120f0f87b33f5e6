"""ExbackError and its children; each carries the exit code the CLI uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

OK = 0
ERROR = 1
USAGE = 2
DATA_CORRUPT = 3
DATA_LOCKED = 4
WRONG_PASSPHRASE = 5
INTERRUPTED = 130
PIPE_CLOSED = 141  # 128 + SIGPIPE: the reader of our output went away (`| head`)


class ExbackError(Exception):
    """An error to show the user as one message, then exit with `exit_code`."""

    exit_code = ERROR

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(ExbackError):
    """Bad input on the command line or in an answers file."""

    exit_code = USAGE


class ContentError(ExbackError):
    """The program content does not load; the message lists every problem."""

    exit_code = USAGE


class DataCorruptError(ExbackError):
    """A data file does not parse, fails its model, or is from a newer exback."""

    exit_code = DATA_CORRUPT
    detail = ""  # where and what, without the advice (`exback doctor` shows it)


class DataNewerError(DataCorruptError):
    """A data file carries a schema_version newer than this exback reads."""


class DataLockedError(ExbackError):
    """Another exback process holds the data lock."""

    exit_code = DATA_LOCKED


class WrongPassphraseError(ExbackError):
    """The passphrase (or recovery code) does not open the encrypted data dir."""

    exit_code = WRONG_PASSPHRASE


class NotInteractiveError(ExbackError):
    """A prompt is needed but stdin is not a terminal (or --no-input)."""

    exit_code = USAGE


class Interrupted(ExbackError):
    """Ctrl-C or Ctrl-D at a prompt: what was answered before it is saved.

    `draft` is what had been typed at the prompt, for the walk to keep.
    """

    exit_code = INTERRUPTED

    def __init__(self, message: str, draft: str = "") -> None:
        super().__init__(message)
        self.draft = draft


class StorageError(ExbackError):
    """The data dir cannot be read or written (permissions, disk full)."""

    exit_code = ERROR


# --- pydantic's errors, in one wording -------------------------------------------------


def validation_message(error: ErrorDetails) -> str:
    """What one pydantic error says, without its "Value error, " prefix."""
    return error["msg"].removeprefix("Value error, ")


def describe_validation(exc: ValidationError, whole: str = "(top)") -> str:
    """The first problem pydantic found, as `field.path: message`.

    `whole` names the place when the problem is the whole object (an empty path).
    """
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or whole
    return f"{field}: {validation_message(error)}"


# --- input that is not JSON exback can read --------------------------------------------


def bad_json(name: str, exc: ValueError | RecursionError, expected: str) -> UsageError:
    """The one message (exit 2) for input `name` that `json` could not read."""
    import json

    if isinstance(exc, json.JSONDecodeError):
        what = f"{name}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})"
    elif isinstance(exc, UnicodeDecodeError):
        what = f"{name}: not UTF-8 text"
    elif isinstance(exc, RecursionError):
        what = f"{name}: nested too deeply to read"
    else:  # a whole number of more than 4300 digits
        what = f"{name}: holds a number too long to read (over 4300 digits)"
    return UsageError(f"{what}; expected {expected}")
