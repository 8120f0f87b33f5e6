"""Where exback's data and content live; nothing is computed at import time."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "EXBACK_DATA_DIR"
CONTENT_ENV = "EXBACK_CONTENT_DIR"
PROGRAM_FILE = "program.yaml"
STEPS_DIR = "steps"


def expand(path: Path, what: str) -> Path:
    """`~` and `~user` expanded; exit 2 with a clear line when that user does not exist."""
    try:
        return path.expanduser()
    except RuntimeError:  # ~nosuchuser: no home directory to put there
        from exback.errors import UsageError
        from exback.text import inert

        raise UsageError(
            f"{what} {inert(str(path))}: cannot find the home folder that "
            f"{inert(str(path).split('/')[0])!r} names; give a full path"
        ) from None


def data_dir(override: Path | None = None) -> Path:
    """--data-dir, else $EXBACK_DATA_DIR, else the platform's user data dir."""
    if override is not None:
        return expand(override, "--data-dir (or EXBACK_DATA_DIR)")
    env = os.environ.get(DATA_ENV)
    if env:
        return expand(Path(env), "EXBACK_DATA_DIR")
    import platformdirs

    return platformdirs.user_data_path("exback", appauthor=False)


def content_dir(override: Path | None = None) -> Path:
    """--content-dir, else $EXBACK_CONTENT_DIR, else the program shipped with exback."""
    if override is not None:
        return expand(override, "--content-dir (or EXBACK_CONTENT_DIR)")
    env = os.environ.get(CONTENT_ENV)
    if env:
        return expand(Path(env), "EXBACK_CONTENT_DIR")
    return packaged_content_dir()


def packaged_content_dir() -> Path:
    """The content inside the installed wheel, or the checkout's content/ when editable."""
    packaged = Path(__file__).parent / "content"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "content"


def cache_dir() -> Path:
    """The user cache dir: only the validated program is kept there, never your data."""
    import platformdirs

    return platformdirs.user_cache_path("exback", appauthor=False)
