"""A cache of the validated program, so that commands start without YAML.

The cache is plain JSON, never code: its first line is the key, the second the
care phrases compiled (`phrases.Matcher.to_json`), the rest the
Program as `model_dump_json` wrote it, which is validated again on load (about a
millisecond) so a tampered file can at worst be a cache miss or a content error
in the same shape the YAML would give. One file per content folder, in the user
cache dir. It is used only when its key matches: the content files' paths,
sizes, mtimes, ctimes and inodes, exback's own model and loader source files (so
an upgrade or an edit invalidates it), Python's version and pydantic's (the stamp
of its version.py, read without importing pydantic). `cached_care_matcher` reads
only the second line of the same checked file, without pydantic and without
compiling the phrases again, for the commands that match a note (`journal add`,
`checkin`) on the fast path.

Nothing from the file is parsed before its key line matches, and nothing is read
unless the cache folder and the file are the user's own: not a symlink, owned by
the user, and writable by no one else. Folders exback creates on the way are
0700. Anything else (a missing, unreadable, foreign or stale cache) means a full
load_program, which rewrites the cache when the folder is safe. The cache holds
only the program content, never the user's data. `content validate` never uses it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback.errors import StorageError
from exback.paths import PROGRAM_FILE, STEPS_DIR
from exback.safefile import MiB, UnsafeFileError, make_private_dirs, open_checked

if TYPE_CHECKING:
    from exback.models import Program
    from exback.phrases import Matcher

FORMAT = 3
LIMIT = 32 * MiB


def load_program(content_dir: Path, cache_dir: Path) -> Program:
    """The program in content_dir, from the cache when it is current."""
    wanted = key(content_dir)
    path = _path(content_dir, cache_dir)
    cached = _read(path, wanted)
    if cached is not None:
        return cached
    from exback import content

    program = content.load_program(content_dir)
    _write(path, wanted, program)
    return program


def _path(content_dir: Path, cache_dir: Path) -> Path:
    return cache_dir / f"program-{_digest(str(content_dir.resolve()))}.json"


def key(content_dir: Path) -> str:
    """What the cached program depends on: content files, code, Python and pydantic."""
    # help_now.yaml too: care responses are checked against its section ids
    files = [content_dir / PROGRAM_FILE, content_dir / "help_now.yaml"]
    files.append(content_dir / "care_phrases.yaml")
    files.append(content_dir / "sos.yaml")
    steps = content_dir / STEPS_DIR
    with contextlib.suppress(OSError):  # no steps/ folder: load_program reports it
        files += sorted(steps / name for name in os.listdir(steps) if name.endswith(".yaml"))
    here = Path(__file__).parent
    code = [here / "models.py", here / "bounds.py", here / "content.py", here / "phrases.py"]
    key = [
        FORMAT,
        sys.version,
        _pydantic_version(),
        [stamp(p) for p in code],
        [stamp(p) for p in files],
    ]
    return json.dumps(key)  # ASCII: undecodable path bytes come out as \udcxx escapes


def _pydantic_version() -> str:
    """pydantic's version, read from its package without importing it (the fast path)."""
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        return "?"
    return json.dumps(stamp(Path(spec.origin).with_name("version.py")))


def stamp(path: Path) -> list[Any]:
    """What tells a file's versions apart without reading it: path, size, times, inode."""
    try:
        st = path.stat()
    except OSError:
        return [str(path)]
    return [str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _digest(text: str) -> str:
    """A name for the folder's cache file. Two folders sharing one would only take turns
    (the key line tells them apart); CRC-32 spares loading hashlib, 2 ms."""
    import zlib

    return f"{zlib.crc32(text.encode('utf-8', 'surrogateescape')):08x}"


def _own_folder(folder: Path) -> bool:
    """True when `folder` is a real folder of this user that no one else can write."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def cached_care_matcher(content_dir: Path, cache_dir: Path) -> Matcher | None:
    """The cached program's care phrases, compiled, without pydantic; None unless cached.

    The cache holds them compiled when the program was validated, on the line after
    the key (and is checked as `load_program` checks it: current key, the user's own
    file), so `journal add` and `checkin` match notes without reading the program.
    """
    line = _lines(_path(content_dir, cache_dir), key(content_dir), whole=False)
    if line is None:
        return None
    from exback.phrases import Matcher

    try:
        return Matcher.from_json(json.loads(line))
    except (ValueError, RecursionError):
        return None


def _read(path: Path, key: str) -> Program | None:
    body = _lines(path, key, whole=True)
    if body is None:
        return None
    from pydantic import ValidationError

    from exback.models import Program

    try:
        return Program.model_validate_json(body)
    except ValidationError:
        return None


def _lines(path: Path, key: str, whole: bool) -> bytes | None:
    """The cached program's JSON (`whole`) or its compiled care phrases' line, if the file
    is safe to read and its key is current."""
    if not _own_folder(path.parent):
        return None
    try:
        fd = open_checked(path, os.O_RDONLY, LIMIT)  # never through a symlink, never a FIFO
    except (OSError, UnsafeFileError):
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return None
        first = handle.readline(len(key) + 2)
        if first != key.encode("ascii") + b"\n":
            return None  # stale or foreign: nothing more of it is read
        care = handle.readline(LIMIT)
        return handle.read(LIMIT) if whole else care


def _write(path: Path, key: str, program: Program) -> None:
    """Best effort: a cache that cannot be written (or is not safe) is simply not there."""
    try:
        make_private_dirs(path.parent)
        if not _own_folder(path.parent):
            return
        from exback.phrases import compile_phrases

        phrases = program.care_phrases
        care = json.dumps(compile_phrases(phrases).to_json() if phrases else None)
        data = b"\n".join(
            [key.encode("ascii"), care.encode(), program.model_dump_json(by_alias=True).encode()]
        )
        from exback.storage import write_file_atomic

        write_file_atomic(path, data)
    except (OSError, StorageError):
        pass
