"""Opening files without surprises: no symlinks, only regular files, a size limit first.

exback's rule for its own files (progress.json, journal.jsonl and their copies,
content files, the program cache): it never follows a symbolic link to one, and
it reads only regular files, after checking their size. A symlink, a FIFO, a
device or a file over the limit is refused with the path named; the caller
turns that into its exit code (3 for data, 2 for content). Folders may be links.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MiB = 1 << 20


class UnsafeFileError(Exception):
    """A file exback will not open: a symlink, not a regular file, or too large."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _describe(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "is a symbolic link; exback does not follow links to its files"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def _size(n: int) -> str:
    return f"{n / MiB:.0f} MiB" if n >= MiB else f"{n:,} bytes"


def check_not_link(path: Path) -> None:
    """UnsafeFileError when `path` exists and is a symlink or not a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(path, _describe(st.st_mode))


def open_checked(path: Path, flags: int, limit: int | None = None, follow: bool = False) -> int:
    """A descriptor on a regular file (never through a symlink), within `limit` bytes.

    With `follow`, a symlink is followed, but what it names must still be a
    regular file within the limit (content files, which are the user's own
    folder and not exback's data). FileNotFoundError passes through.
    """
    nofollow = 0 if follow else os.O_NOFOLLOW
    try:
        fd = os.open(path, flags | nofollow | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and not follow:
            raise UnsafeFileError(path, _describe(stat.S_IFLNK)) from None
        if exc.errno in (errno.ENXIO, errno.ENODEV, errno.EISDIR):
            kind = stat.S_IFDIR if exc.errno == errno.EISDIR else 0
            raise UnsafeFileError(path, _describe(kind)) from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFileError(path, _describe(st.st_mode))
        if limit is not None and st.st_size > limit:
            raise UnsafeFileError(
                path, f"is {_size(st.st_size)}, more than the {_size(limit)} exback reads"
            )
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path, limit: int, follow: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see open_checked)."""
    fd = open_checked(path, os.O_RDONLY, limit, follow)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew while we read
        raise UnsafeFileError(path, f"is more than the {_size(limit)} exback reads")
    return data


def read_stream(handle: object, name: str, limit: int) -> bytes:
    """At most `limit` bytes from an open binary stream (stdin, a pipe the user named)."""
    read = getattr(handle, "read")  # noqa: B009 - any binary stream
    data: bytes = read(limit + 1)
    if len(data) > limit:
        raise UnsafeFileError(Path(name), f"is more than the {_size(limit)} exback reads")
    return data


def make_private_dirs(path: Path) -> None:
    """Create `path` and any missing parents, each 0700: never looser than that."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        if current.is_symlink():  # a dangling link: let mkdir report it
            break
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
