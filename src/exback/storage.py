"""The data dir: atomic JSON for progress, JSON Lines for the journal, one lock.

Every write goes to a temp file in the same folder, is flushed and fsynced, then
replaces the old file with os.replace; the previous good copy is kept as
`<file>.bak`. Every read-modify-write happens under `Store.lock()`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from exback.errors import DataCorruptError, DataLockedError, StorageError
from exback.models import SCHEMA_VERSION, JournalEntry, Progress

PROGRESS = "progress.json"
JOURNAL = "journal.jsonl"
LOCK = ".lock"
DIR_MODE = 0o700
FILE_MODE = 0o600
DEFAULT_LOCK_TIMEOUT = 10.0


@dataclass(frozen=True)
class JournalRead:
    """Journal entries in file order, plus a torn last line if there was one."""

    entries: list[JournalEntry]
    torn_tail: bool


@dataclass(frozen=True)
class JournalSummary:
    """What status needs, read without decoding every entry."""

    count: int
    last: JournalEntry | None


class Store:
    """One data dir. Reads never create it; writes create it 0700."""

    def __init__(self, root: Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.root = root
        self.lock_timeout = lock_timeout

    @property
    def progress_path(self) -> Path:
        return self.root / PROGRESS

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL

    # --- the folder and the lock ---------------------------------------------

    def ensure_dir(self) -> None:
        """Create the data dir (and parents) and make it private, whatever the umask."""
        if self.root.exists() and not self.root.is_dir():
            raise StorageError(f"{self.root} is a file, not a folder; pass another --data-dir")
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            if stat.S_IMODE(self.root.stat().st_mode) != DIR_MODE:
                self.root.chmod(DIR_MODE)
        except OSError as exc:
            raise _storage_error(exc, self.root) from exc

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the data lock; wait (saying so) up to lock_timeout, then exit 4."""
        from filelock import FileLock, Timeout

        self.ensure_dir()
        lock = FileLock(self.root / LOCK, mode=FILE_MODE)
        try:
            try:
                lock.acquire(timeout=min(0.5, self.lock_timeout))
            except Timeout:
                print(
                    f"exback: waiting for another exback using {self.root} "
                    f"(up to {self.lock_timeout:g} s)...",
                    file=sys.stderr,
                )
                lock.acquire(timeout=max(0.0, self.lock_timeout - 0.5))
        except Timeout:
            raise DataLockedError(
                f"{self.root / LOCK} is held by another exback process; "
                "close it, or try again with a longer --lock-timeout"
            ) from None
        except OSError as exc:
            raise _storage_error(exc, self.root / LOCK) from exc
        try:
            yield
        finally:
            lock.release()

    # --- progress --------------------------------------------------------------

    def load_progress(self) -> Progress | None:
        """The saved progress, None when nothing is saved yet; exit 3 if it is bad."""
        path = self.progress_path
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f"{exc.lineno}:{exc.colno}" if isinstance(exc, json.JSONDecodeError) else "1:1"
            raise _corrupt(path, where, "not valid JSON") from None
        if not isinstance(data, dict):
            raise _corrupt(path, "1:1", "not a JSON object")
        version = data.get("schema_version")
        if not isinstance(version, int) or version < 1:
            raise _corrupt(path, "1:1", "schema_version is missing or not a positive integer")
        if version > SCHEMA_VERSION:
            raise DataCorruptError(
                f"{path} was written by a newer exback (schema {version}; this one reads "
                f"up to {SCHEMA_VERSION}); upgrade exback, nothing was changed"
            )
        try:
            return Progress.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "(top)"
            raise _corrupt(path, "1:1", f"{field}: {err['msg']}") from None

    def save_progress(self, progress: Progress) -> None:
        """Write progress atomically (call under lock())."""
        text = progress.model_dump_json(indent=2) + "\n"
        self.write_atomic(self.progress_path, text.encode("utf-8"))

    def write_atomic(self, path: Path, data: bytes) -> None:
        """Temp file, fsync, keep `.bak`, os.replace, fsync the folder."""
        self.ensure_dir()
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if path.exists():
                _keep_backup(path)
            os.replace(tmp, path)
        except BaseException as exc:
            tmp.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise _storage_error(exc, path) from exc
            raise
        _fsync_dir(path.parent)

    # --- journal -----------------------------------------------------------------

    def append_journal(self, entry: JournalEntry) -> Path | None:
        """Append one entry as one fsynced line (call under lock()).

        A torn last line left by a crash is moved to `journal.jsonl.torn-<time>`
        first, so the new entry never fuses with it; that path is returned.
        """
        return self.append_journal_entries([entry])

    def append_journal_entries(self, entries: Sequence[JournalEntry]) -> Path | None:
        """Append entries as whole lines in one write and one fsync (call under lock()).

        If the write fails part-way (a full disk), the file is cut back to its old
        length, so nothing is half-added. Returns the torn-tail path, as append_journal.
        """
        self.ensure_dir()
        path = self.journal_path
        kept = self._set_aside_torn_tail(path)
        data = "".join(e.model_dump_json() + "\n" for e in entries).encode("utf-8")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
            try:
                old_size = os.fstat(fd).st_size
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view) :]
                    os.fsync(fd)
                except OSError:
                    os.ftruncate(fd, old_size)
                    raise
            finally:
                os.close(fd)
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        return kept

    def _set_aside_torn_tail(self, path: Path) -> Path | None:
        try:
            with path.open("rb+") as handle:
                size = handle.seek(0, os.SEEK_END)
                if size == 0:
                    return None
                handle.seek(size - 1)
                if handle.read(1) == b"\n":
                    return None
                start = _last_line_start(handle, size)
                handle.seek(start)
                tail = handle.read()
                stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
                kept = path.with_name(f"{path.name}.torn-{stamp}")
                self.write_atomic(kept, tail)
                handle.truncate(start)
                handle.flush()
                os.fsync(handle.fileno())
                return kept
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _storage_error(exc, path) from exc

    def read_journal(self) -> JournalRead:
        """Every entry in file order; a bad line in the middle is exit 3."""
        path = self.journal_path
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return JournalRead([], False)
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        lines = raw.split(b"\n")
        torn = lines[-1] != b""
        body = lines[:-1]
        entries = [_parse_entry(path, number, line) for number, line in enumerate(body, 1)]
        return JournalRead(entries, torn)

    def journal_summary(self) -> JournalSummary:
        """Count lines and decode only the last whole one."""
        path = self.journal_path
        try:
            with path.open("rb") as handle:
                count = 0
                for block in iter(lambda: handle.read(1 << 20), b""):
                    count += block.count(b"\n")
                size = handle.seek(0, os.SEEK_END)
                if count == 0:
                    return JournalSummary(0, None)
                handle.seek(size - 1)
                end = size if handle.read(1) == b"\n" else _last_line_start(handle, size)
                start = _last_line_start(handle, end - 1)
                handle.seek(start)
                last = handle.read(end - 1 - start)
        except FileNotFoundError:
            return JournalSummary(0, None)
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        return JournalSummary(count, _parse_entry(path, count, last))


def _last_line_start(handle: Any, end: int) -> int:
    """Offset just after the last newline before `end` (0 if none)."""
    pos = end
    chunk = 4096
    while pos > 0:
        read_from = max(0, pos - chunk)
        handle.seek(read_from)
        block = handle.read(pos - read_from)
        index = block.rfind(b"\n")
        if index != -1:
            return int(read_from + index + 1)
        pos = read_from
    return 0


def _parse_entry(path: Path, number: int, line: bytes) -> JournalEntry:
    try:
        return JournalEntry.model_validate_json(line)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(line)"
        raise _corrupt(path, f"{number}:1", f"{field}: {err['msg']}") from None


def _keep_backup(path: Path) -> None:
    """Make `<file>.bak` the current file, atomically (a hard link, else a copy)."""
    bak = path.with_name(path.name + ".bak")
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{bak.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        try:
            os.link(path, tmp)
        except OSError:
            tmp.write_bytes(path.read_bytes())
            tmp.chmod(FILE_MODE)
        os.replace(tmp, bak)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _corrupt(path: Path, where: str, what: str) -> DataCorruptError:
    return DataCorruptError(
        f"{path}:{where}: {what}; nothing was changed. Keep a copy of the file, "
        f"then fix it by hand or put {path.name}.bak in its place"
    )


def _storage_error(exc: OSError, path: Path) -> StorageError:
    reason = exc.strerror or str(exc)
    return StorageError(f"cannot write {exc.filename or path}: {reason}; nothing was changed")
