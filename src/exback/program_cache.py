"""A cache of the validated program, so that commands start without YAML and validation.

The cache is a pickle of the Program that content.load_program built, in the user
cache dir, one file per content folder. It is used only when its key matches:
the content files' paths, sizes, mtimes, ctimes and inodes, exback's own model and
loader source files (so an upgrade or an edit invalidates it), and the Python and
pydantic versions. Anything else (a missing, unreadable, foreign or stale cache)
means a full load_program, which also rewrites the cache. The cache holds only the
program content, never the user's data. `content validate` never uses it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from exback.models import Program
from exback.paths import PROGRAM_FILE, STEPS_DIR

FORMAT = 1


def load_program(content_dir: Path, cache_dir: Path) -> Program:
    """The program in content_dir, from the cache when it is current."""
    key = _key(content_dir)
    path = cache_dir / f"program-{_digest(str(content_dir.resolve()))}.pickle"
    cached = _read(path, key)
    if cached is not None:
        return cached
    from exback import content

    program = content.load_program(content_dir)
    _write(path, key, program)
    return program


def _key(content_dir: Path) -> tuple[Any, ...]:
    import pydantic

    # help_now.yaml too: care responses are checked against its section ids
    files = [content_dir / PROGRAM_FILE, content_dir / "help_now.yaml"]
    files.append(content_dir / "care_phrases.yaml")
    steps = content_dir / STEPS_DIR
    with contextlib.suppress(OSError):  # no steps/ folder: load_program reports it
        files += sorted(steps / name for name in os.listdir(steps) if name.endswith(".yaml"))
    here = Path(__file__).parent
    code = [here / "models.py", here / "content.py"]
    return (
        FORMAT,
        sys.version,
        pydantic.VERSION,
        tuple(_stamp(p) for p in code),
        tuple(_stamp(p) for p in files),
    )


def _stamp(path: Path) -> tuple[str, int, int, int, int] | tuple[str]:
    try:
        st = path.stat()
    except OSError:
        return (str(path),)
    return (str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _read(path: Path, key: tuple[Any, ...]) -> Program | None:
    try:
        with path.open("rb") as handle:
            st = os.fstat(handle.fileno())
            # unpickling runs code: only trust a file that no one else could have written
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return None
            stored = pickle.load(handle)
    except Exception:  # a missing, torn or foreign cache is only a cache miss
        return None
    if isinstance(stored, dict) and stored.get("key") == key:
        program = stored.get("program")
        if isinstance(program, Program):
            return program
    return None


def _write(path: Path, key: tuple[Any, ...], program: Program) -> None:
    """Best effort: a cache that cannot be written is simply not there next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump({"key": key, "program": program}, handle, pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
