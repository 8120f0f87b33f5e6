"""The data dir: atomic JSON for progress, JSON Lines for the journal, one lock.

Every write goes to a temp file in the same folder, is flushed and fsynced, then
replaces the old file with os.replace; the previous good copy is kept as
`<file>.bak`. Every read-modify-write happens under `Store.lock()`.

An older progress.json is migrated in memory on load (migrations.py); the first
save after that keeps the old file's bytes as `progress.json.v<N>.bak`, for good.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from exback.errors import DataCorruptError, DataLockedError, DataNewerError, StorageError
from exback.models import SCHEMA_VERSION, JournalEntry, Progress

PROGRESS = "progress.json"
JOURNAL = "journal.jsonl"
LOCK = ".lock"
DIR_MODE = 0o700
FILE_MODE = 0o600
DEFAULT_LOCK_TIMEOUT = 10.0
TEMP_SUFFIX = ".tmp"  # temp files are `.<name>.<random>.tmp`, next to <name>


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
    """One data dir. Reads never create it; writes create it 0700.

    `on_create(root)` is called once the folder has been made by this Store, so
    that the CLI can tell the person where their data lives (storage prints
    nothing about it itself).
    """

    def __init__(
        self,
        root: Path,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        on_create: Callable[[Path], None] | None = None,
    ) -> None:
        self.root = root
        self.lock_timeout = lock_timeout
        self.on_create = on_create

    @property
    def progress_path(self) -> Path:
        return self.root / PROGRESS

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL

    # --- the folder and the lock ---------------------------------------------

    def check_root(self) -> None:
        """Exit 1 when the data-dir path names a file."""
        if self.root.exists() and not self.root.is_dir():
            raise StorageError(f"{self.root} is a file, not a folder; pass another --data-dir")

    def ensure_dir(self) -> None:
        """Create the data dir (and parents) and make it private, whatever the umask.

        An existing folder only loses group and other access: a folder the user made
        read-only stays read-only, so writes fail with a clear message (exit 1).
        """
        self.check_root()
        try:
            created = not self.root.exists()
            self.root.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            mode = stat.S_IMODE(self.root.stat().st_mode)
            wanted = DIR_MODE if created else mode & DIR_MODE
            if mode != wanted:
                self.root.chmod(wanted)
        except OSError as exc:
            raise _storage_error(exc, self.root) from exc
        if created and self.on_create is not None:
            self.on_create(self.root)

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

    def load_progress(self, path: Path | None = None) -> Progress | None:
        """The saved progress (or another copy of it, such as the `.bak`).

        None when nothing is saved yet; exit 3 if it is bad.
        """
        path = path or self.progress_path
        self.check_root()
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _storage_error(exc, path, "read") from exc
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
            raise DataNewerError(
                f"{path} was written by a newer exback (schema {version}; this one reads "
                f"up to {SCHEMA_VERSION}); upgrade exback, nothing was changed"
            )
        if version < SCHEMA_VERSION:
            from exback.migrations import migrate

            data = migrate(data)  # in memory only; save_progress keeps the old bytes
        try:
            return Progress.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "(top)"
            raise _corrupt(path, "1:1", f"{field}: {err['msg']}") from None

    def save_progress(self, progress: Progress) -> None:
        """Write progress atomically (call under lock()).

        When the file on disk is of an older schema, its bytes are first kept
        for good as `progress.json.v<N>.bak` (once per old version).
        """
        self._keep_old_schema_copy()
        text = progress.model_dump_json(indent=2) + "\n"
        self.write_atomic(self.progress_path, text.encode("utf-8"))

    def _keep_old_schema_copy(self) -> None:
        path = self.progress_path
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        try:
            version = json.loads(raw).get("schema_version")
        except (ValueError, AttributeError):
            return  # not readable JSON: load_progress has already refused it
        if isinstance(version, int) and 1 <= version < SCHEMA_VERSION:
            kept = path.with_name(f"{path.name}.v{version}.bak")
            if not kept.exists():
                self.write_atomic(kept, raw)

    def write_atomic(self, path: Path, data: bytes) -> None:
        """Write a file in the data dir atomically, keeping the old one as `.bak`."""
        self.ensure_dir()
        write_file_atomic(path, data, keep_backup=True)

    # --- journal -----------------------------------------------------------------

    def append_journal(self, entry: JournalEntry) -> Path | None:
        """Append one entry as one fsynced line (call under lock()).

        A torn last line left by a crash is moved to `journal.jsonl.torn-<time>`
        first, so the new entry never fuses with it; that path is returned. If the
        write fails (a full disk), the file is cut back to its old size: no part of
        the line remains.
        """
        return self.append_journal_entries([entry])

    def append_journal_entries(self, entries: Sequence[JournalEntry]) -> Path | None:
        """Append entries as whole lines in one write and one fsync (call under lock()).

        If the write fails part-way (a full disk), the file is cut back to its old
        length, so nothing is half-added. Returns the torn-tail path, as append_journal.
        """
        self.ensure_dir()
        path = self.journal_path
        kept = self.set_aside_torn_tail(path)
        data = "".join(e.model_dump_json() + "\n" for e in entries).encode("utf-8")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        try:
            size = os.fstat(fd).st_size
            try:
                written = 0
                while written < len(data):  # os.write may write only part of it
                    written += os.write(fd, data[written:])
                os.fsync(fd)
            except OSError as exc:
                os.ftruncate(fd, size)
                raise _storage_error(exc, path) from exc
        finally:
            os.close(fd)
        return kept

    def set_aside_torn_tail(self, path: Path) -> Path | None:
        """Move an incomplete last line to `<file>.torn-<time>`; return that path."""
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
                kept = aside_path(path, "torn", dt.datetime.now())
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
            raise _storage_error(exc, path, "read") from exc
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
            raise _storage_error(exc, path, "read") from exc
        return JournalSummary(count, _parse_entry(path, count, last))


def write_file_atomic(path: Path, data: bytes, keep_backup: bool = False) -> None:
    """Temp file (0600), fsync, optionally keep `.bak`, os.replace, fsync the folder."""
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX
        )
    except OSError as exc:
        raise _storage_error(exc, path) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if keep_backup and path.exists():
            _keep_backup(path)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _storage_error(exc, path) from exc
        raise
    fsync_dir(path.parent)


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
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{bak.name}.", suffix=TEMP_SUFFIX)
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


def fsync_dir(folder: Path) -> None:
    """Make a rename or delete in `folder` durable (best effort)."""
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


def aside_path(path: Path, label: str, now: dt.datetime) -> Path:
    """`<name>.<label>-<time>` next to `path`, with `-2`, `-3`... if that name is taken."""
    base = f"{path.name}.{label}-{now:%Y%m%dT%H%M%S}"
    candidate = path.with_name(base)
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{base}-{n}")
        n += 1
    return candidate


def _corrupt(path: Path, where: str, what: str) -> DataCorruptError:
    error = DataCorruptError(
        f"{path}:{where}: {what}; nothing was changed. Run 'exback doctor' to see the "
        "problem, then 'exback doctor --repair' to fix it (your text is kept)"
    )
    line, _, col = where.partition(":")
    error.detail = f"line {line}, column {col}: {what}"
    return error


def _storage_error(exc: OSError, path: Path, verb: str = "write") -> StorageError:
    """The user's file and the reason; never the name of a temp file they never made."""
    reason = exc.strerror or str(exc)
    return StorageError(f"cannot {verb} {path}: {reason}; nothing was changed")
