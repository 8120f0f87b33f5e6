"""The data dir: atomic JSON for progress, JSON Lines for the journal, one lock.

Every write goes to a temp file in the same folder, is flushed and fsynced, then
replaces the old file with os.replace; the previous good copy is kept as
`<file>.bak`. Every read-modify-write happens under `Store.lock()`.

Encryption at rest (docs/encryption.md) happens at one seam: every data file's
bytes pass through `Store.seal` on the way to disk and `Store.unseal` (a whole
file) or `Store.open_line` (one journal line) on the way back. `write_atomic`
and `replace_file` take the plain bytes and seal them; `load_progress`,
`read_journal` and `journal_summary` return opened records. Copies of a file
kept as they are (`.bak`, `.torn-*`, `.corrupt-*`) are written raw, so what was
sealed stays sealed. Whether encryption is on is one look: does
`encryption.json` exist (`Store.encrypted`).

An older progress.json is migrated in memory on load (migrations.py); the first
save after that keeps the old file's bytes as `progress.json.v<N>.bak`, for good.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import heapq
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from exback.crypto import PREFIX as SEALED
from exback.crypto import Sealer, SealError, is_sealed
from exback.errors import (
    DataCorruptError,
    DataLockedError,
    DataNewerError,
    StorageError,
    describe_validation,
)
from exback.journal import (
    HEADER,
    Checked,
    Folded,
    Kept,
    Line,
    compacted,
    entry_line,
    from_line,
    late_marks,
    line_moment,
    mark_late,
    new_entry_line,
    the_entry,
    to_line,
)
from exback.safefile import MiB, UnsafeFileError, check_not_link, make_private_dirs, open_checked
from exback.safefile import read_bytes as read_checked

if TYPE_CHECKING:
    from exback.journal import NewEntry
    from exback.models import JournalEntry, Progress

# On the fast path (docs/architecture.md): `journal add` appends a note without
# pydantic, so the models are imported in the functions that read or write them.

PROGRESS = "progress.json"
JOURNAL = "journal.jsonl"
LOCK = ".lock"
KEYS = "encryption.json"  # the key document: while it exists, encryption is on
DIR_MODE = 0o700
FILE_MODE = 0o600
DEFAULT_LOCK_TIMEOUT = 10.0
TEMP_SUFFIX = ".tmp"  # temp files are `.<name>.<random>.tmp`, next to <name>
PENDING = "restore.pending"  # a restore's files, written whole before the first is replaced
PROGRESS_LIMIT = 64 * MiB
JOURNAL_LIMIT = 512 * MiB
KEYS_LIMIT = 64 * 1024

Opened = TypeVar("Opened")
Unlock = Callable[["Store"], Sealer]
"""Opens the data key of an encrypted data dir (asks for the passphrase, or reads it)."""


@dataclass(frozen=True)
class JournalRead:
    """The journal as read: edits and deletions applied; a torn last line is skipped."""

    folded: Folded[JournalEntry]
    torn_tail: bool

    @property
    def entries(self) -> list[JournalEntry]:
        """The live entries by time, oldest first (as a compaction writes them)."""
        return self.folded.entries

    @property
    def known_ids(self) -> set[str]:
        """Ids of live and deleted entries: an import or a merge never brings these back."""
        return {*self.folded.versions, *self.folded.deleted}


@dataclass(frozen=True)
class Compacted:
    """What a compaction did."""

    dropped: int
    """Lines that held an older version or a deleted entry."""
    entries: int
    rewritten: bool
    bak_differs: bool
    """Whether the `.bak` (the file before) holds lines the journal no longer has."""
    torn_kept: Path | None = None


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
        unlock: Unlock | None = None,
        sealer: Sealer | None = None,
    ) -> None:
        self.root = root
        self.lock_timeout = lock_timeout
        self.on_create = on_create
        self.unlock = unlock
        self._sealer = sealer
        self._schema_read: object = None
        """The schema_version of progress.json as last read. Every save follows a read under
        the same lock (update, the safety plan, restore), so when it is the current one,
        the save need not read and parse the file again to keep an old-schema copy."""

    @property
    def progress_path(self) -> Path:
        return self.root / PROGRESS

    @property
    def journal_path(self) -> Path:
        return self.root / JOURNAL

    @property
    def keys_path(self) -> Path:
        return self.root / KEYS

    # --- the encryption seam: every data file's bytes pass through here ----------------

    def encrypted(self) -> bool:
        """Whether encryption is on: one look at the folder, no cryptography imported."""
        return os.path.lexists(self.root / KEYS)

    def needs_passphrase(self) -> bool:
        """Whether reading would ask for the passphrase now (encrypted, not yet opened)."""
        return self._sealer is None and self.encrypted()

    def sealer(self) -> Sealer | None:
        """The data key's sealer when encryption is on (opened once per Store), else None."""
        if self._sealer is None and self.encrypted():
            if self.unlock is None:
                from exback.errors import NotInteractiveError

                raise NotInteractiveError(
                    f"{self.root} is encrypted; give the passphrase with --passphrase-file "
                    "(or EXBACK_PASSPHRASE_FILE), or run exback at a terminal"
                )
            self._sealer = self.unlock(self)
        return self._sealer

    def use_sealer(self, sealer: Sealer | None) -> None:
        """Seal with this key from now on (`exback encrypt`, `decrypt`), whatever is on disk."""
        self._sealer = sealer
        self.unlock = (lambda _store: sealer) if sealer is not None else None

    def seal(self, path: Path, data: bytes) -> bytes:
        """The bytes to write for a data file's plain bytes: sealed when encryption is on.

        The journal (and its copies) is sealed line by line, so that an append stays
        one line; every other file is sealed whole.
        """
        sealer = self.sealer()
        if sealer is None:
            return data
        if not is_line_file(path):
            return sealer.seal_file(data)
        lines = data.split(b"\n")
        tail = lines.pop()  # b"" when the data ends with a newline, as journal_bytes does
        sealed = [sealer.seal_line(line) + b"\n" for line in lines]
        return b"".join(sealed) + (sealer.seal_line(tail) if tail else b"")

    def unseal(self, path: Path, raw: bytes) -> bytes:
        """A whole data file's plain bytes (a plain file passes as it is); exit 3 if damaged."""
        if not is_sealed(raw):
            return raw
        try:
            return self._opener(path).open_file(raw)
        except SealError as exc:
            raise _corrupt(path, "1:1", str(exc)) from None

    def open_line(self, path: Path, number: int, line: bytes) -> bytes:
        """One journal line's plain bytes (a plain line passes as it is); exit 3 if damaged."""
        if not is_sealed(line):
            return line
        try:
            return self._opener(path).open_line(line)
        except SealError as exc:
            raise _corrupt(path, f"{number}:1", str(exc)) from None

    def _opener(self, path: Path) -> Sealer:
        sealer = self.sealer()
        if sealer is None:
            error = DataCorruptError(
                f"{path} is encrypted, but {self.root / KEYS} (its key) is missing; nothing "
                f"was changed. Put {KEYS} back from a backup of the data dir"
            )
            error.detail = f"is encrypted, but {KEYS} (its key) is missing"
            raise error
        return sealer

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
            make_private_dirs(self.root)
            mode = stat.S_IMODE(self.root.stat().st_mode)
            wanted = DIR_MODE if created else mode & DIR_MODE
            if mode != wanted:
                self.root.chmod(wanted)
        except OSError as exc:
            raise _storage_error(exc, self.root) from exc
        if created and self.on_create is not None:
            self.on_create(self.root)

    @contextlib.contextmanager
    def lock(self, open_key: bool = True) -> Iterator[None]:
        """Hold the data lock; wait (saying so) up to lock_timeout, then exit 4.

        An encrypted data dir's key is opened first (`open_key`), so that no other
        exback waits for the lock while the passphrase is being typed.
        """
        if open_key:
            self.sealer()
        self.ensure_dir()
        path = self.root / LOCK
        try:  # the lock file too is exback's own: never through a link
            check_not_link(path)
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None
        try:
            try:
                fd = take_lock(path, min(0.5, self.lock_timeout))
            except LockTimeout:
                print(
                    f"exback: waiting for another exback using {self.root} "
                    f"(up to {self.lock_timeout:g} s)...",
                    file=sys.stderr,
                )
                fd = take_lock(path, max(0.0, self.lock_timeout - 0.5))
        except LockTimeout:
            raise DataLockedError(
                f"{path} is held by another exback process; "
                "close it, or try again with a longer --lock-timeout"
            ) from None
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        try:
            yield
        finally:
            os.close(fd)  # closing the last descriptor releases the lock

    @contextlib.contextmanager
    def update(self, now: dt.datetime) -> Iterator[Progress]:
        """Lock, load progress (or start it), yield it to change, save it on success.

        The one read-modify-write of progress.json: nothing is written when the
        block raises, and no other exback can write in between.
        """
        from exback.program import new_progress

        with self.lock():
            progress = self.load_progress() or new_progress(now)
            yield progress
            progress.updated_at = now
            self.save_progress(progress)

    # --- progress --------------------------------------------------------------

    def load_progress(self, path: Path | None = None) -> Progress | None:
        """The saved progress (or another copy of it, such as the `.bak`).

        None when nothing is saved yet; exit 3 if it is bad.
        """
        live = path is None
        path = path or self.progress_path
        self.check_root()
        if live:
            self.check_pending()
        raw = _read_data(
            path,
            lambda: (
                self._read_live(path, PROGRESS_LIMIT)
                if live
                else read_checked(path, PROGRESS_LIMIT)
            ),
        )
        if raw is None:
            return None
        data = parse_progress_json(path, self.unseal(path, raw))
        if live and isinstance(data, dict):
            self._schema_read = data.get("schema_version")
        return self._progress_from(path, data)

    def _progress_from(self, path: Path, data: Any) -> Progress:
        from pydantic import ValidationError

        from exback.models import SCHEMA_VERSION, Progress

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
            raise _corrupt(path, "1:1", describe_validation(exc)) from None

    def check_pending(self) -> None:
        """Exit 3 while an interrupted restore waits for `doctor --repair` to finish it."""
        if os.path.lexists(self.root / PENDING):
            raise DataCorruptError(
                f"a restore into {self.root} was interrupted before it finished; run "
                "'exback doctor --repair' to finish it (nothing is lost)"
            )

    def _read_live(self, path: Path, limit: int) -> bytes:
        """A live file's bytes; FileNotFoundError only when it may really start afresh."""
        return self._live(path, lambda: read_checked(path, limit))

    def _open_live(self, path: Path, limit: int) -> BinaryIO:
        """A live file opened to read (see `_read_live`)."""
        return self._live(path, lambda: os.fdopen(open_checked(path, os.O_RDONLY, limit), "rb"))

    def _live(self, path: Path, read: Callable[[], Opened]) -> Opened:
        """`read()` of a live file; FileNotFoundError only when it may really start afresh.

        A writer may create the file between our open and our look at its copies, so
        a missing file is looked at again before it is called missing.
        """
        for _ in range(5):
            try:
                return read()
            except FileNotFoundError:
                if os.path.lexists(path):
                    continue  # created since we looked
                self.check_missing(path)
                if not os.path.lexists(path):
                    raise
        raise FileNotFoundError(path)

    def check_missing(self, path: Path) -> None:
        """Exit 3 when a missing live file has a `.bak` or a kept copy with good records.

        Starting afresh then would hide (and, for the `.bak`, soon replace) the only
        copy; `exback doctor --repair` brings it back instead.
        """
        self.check_backup_orphan(path)
        prefix = path.name + "."
        try:
            kept = [n for n in os.listdir(path.parent) if n.startswith(prefix)]
        except OSError:
            return
        if not any(".corrupt-" in n or ".torn-" in n for n in kept):
            return
        from exback.checkup import recoverable_copy

        source = recoverable_copy(self, path)
        if source is not None and not os.path.lexists(path):
            error = DataCorruptError(
                f"{path} is missing, but {source} holds records that can be brought back; "
                "nothing was changed. Run 'exback doctor --repair' to bring them back (or "
                f"move {source} elsewhere to start afresh)"
            )
            error.detail = f"is missing, but {source} holds records that can be brought back"
            raise error

    def check_backup_orphan(self, path: Path) -> None:
        """Exit 3 when `path` is missing but its `.bak` is there: never start afresh over it."""
        bak = path.with_name(path.name + ".bak")
        if os.path.lexists(bak) and not os.path.lexists(path):
            error = DataCorruptError(
                f"{path} is missing, but {bak.name} is there; nothing was changed. Run "
                f"'exback doctor --repair' to put it back (or delete {bak.name} to start afresh)"
            )
            error.detail = f"is missing, but {bak.name} is there"
            raise error

    def save_progress(self, progress: Progress) -> None:
        """Write progress atomically (call under lock()).

        When the file on disk is of an older schema, its bytes are first kept
        for good as `progress.json.v<N>.bak` (once per old version).
        """
        self._keep_old_schema_copy()
        self.write_atomic(self.progress_path, progress_bytes(progress))

    def _keep_old_schema_copy(self) -> None:
        from exback.models import SCHEMA_VERSION

        if self._schema_read == SCHEMA_VERSION:  # see _schema_read
            return
        path = self.progress_path
        try:
            raw = read_checked(path, PROGRESS_LIMIT)
        except FileNotFoundError:
            return
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        plain = self.unseal(path, raw)
        try:
            version = json.loads(plain).get("schema_version")
        except (ValueError, AttributeError, RecursionError):
            return  # not readable JSON: load_progress has already refused it
        if isinstance(version, int) and 1 <= version < SCHEMA_VERSION:
            kept = path.with_name(f"{path.name}.v{version}.bak")
            if not kept.exists():
                self.write_atomic(kept, plain)

    def write_atomic(self, path: Path, data: bytes) -> None:
        """Write a data file's plain bytes atomically (sealed when encryption is on).

        The old file is kept as `.bak`.

        Refused (exit 3) when the file or its `.bak` is a symlink, and when the
        file is missing but its `.bak` is there (that `.bak` is the only copy).
        """
        self.ensure_dir()
        self._check_writable(path)
        self.check_backup_orphan(path)
        write_file_atomic(path, self.seal(path, data), keep_backup=True)

    def replace_file(self, path: Path, data: bytes) -> None:
        """Write a data file's plain bytes atomically, sealed, without touching its `.bak`."""
        self.ensure_dir()
        self._check_writable(path)
        write_file_atomic(path, self.seal(path, data), keep_backup=False)

    def _check_writable(self, path: Path) -> None:
        try:
            check_not_link(path)
            check_not_link(path.with_name(path.name + ".bak"))
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None

    # --- a restore: every file written whole first, then each replaced ------------------

    def commit(self, files: dict[str, bytes]) -> None:
        """Replace several files so that a crash leaves all or nothing (call under lock()).

        One file is simply written atomically. More are first written together, whole,
        into `restore.pending` (one atomic write: the commit point); then each is
        replaced in turn, and the pending file removed. An interruption after the
        commit point is finished by `finish_pending` (doctor --repair); one before it
        changed nothing.
        """
        if PROGRESS in files:
            self._keep_old_schema_copy()
        if len(files) == 1:
            ((name, data),) = files.items()
            self.write_atomic(self.root / name, data)
            return
        for name in files:
            self._check_writable(self.root / name)
            self.check_backup_orphan(self.root / name)
        sealed = {name: self.seal(self.root / name, data) for name, data in files.items()}
        document = {name: data.decode("utf-8") for name, data in sealed.items()}
        self.ensure_dir()
        write_file_atomic(self.root / PENDING, json.dumps({"files": document}).encode("utf-8"))
        self.finish_pending()

    def read_pending(self) -> dict[str, bytes] | None:
        """The raw (sealed) files of an interrupted restore; None if none; exit 3 if damaged."""
        path = self.root / PENDING
        raw = _read_data(path, lambda: read_checked(path, PROGRESS_LIMIT + JOURNAL_LIMIT))
        if raw is None:
            return None
        try:
            files = json.loads(raw)["files"]
            result = {str(k): str(v).encode("utf-8") for k, v in files.items()}
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise _corrupt(path, "1:1", "not a restore exback wrote") from None
        if not set(result) <= {PROGRESS, JOURNAL}:
            raise _corrupt(path, "1:1", "names files exback does not keep")
        return result

    def finish_pending(self) -> list[str]:
        """Replace each file of an interrupted restore that is not yet in place; say which."""
        files = self.read_pending()
        if files is None:
            return []
        done: list[str] = []
        for name, data in files.items():
            path = self.root / name
            try:
                current = read_checked(path, len(data))
            except (OSError, UnsafeFileError):
                current = None
            if current != data:
                self._check_writable(path)
                write_file_atomic(path, data, keep_backup=True)
                done.append(name)
        try:
            (self.root / PENDING).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise _storage_error(exc, self.root / PENDING) from exc
        fsync_dir(self.root)
        return done

    # --- journal -----------------------------------------------------------------

    def append_journal(self, entry: NewEntry) -> Path | None:
        """Append one new note as one fsynced line (call under lock()), without pydantic.

        A torn last line left by a crash is moved to `journal.jsonl.torn-<time>`
        first, so the new entry never fuses with it; that path is returned. If the
        write fails (a full disk), the file is cut back to its old size: no part of
        the line remains. The note was checked by `journal.make_entry`.
        """

        def encode(newest: dt.datetime | None, header: bool) -> bytes:
            late = late_marks([entry.created_at], newest)[0]
            return (HEADER + b"\n" if header else b"") + new_entry_line(entry, late) + b"\n"

        return self._append(encode)

    def append_journal_entries(self, entries: Sequence[JournalEntry]) -> Path | None:
        """Append entries as whole lines in one write (see append_journal_lines)."""
        return self.append_journal_lines([entry_line(e) for e in entries])

    def append_journal_lines(self, lines: Sequence[Line | Checked]) -> Path | None:
        """Append lines (entries, edits, deletions) in one write and one fsync (under lock()).

        A new journal starts with the header. Each line is marked `late` when it is
        older than the newest line before it, which is read from the end of the file.
        If the write fails part-way (a full disk), the file is cut back to its old
        length, so nothing is half-added. Returns the torn-tail path, as append_journal.
        """
        return self._append(lambda newest, header: journal_bytes(lines, newest, header))

    def _append(self, encode: Callable[[dt.datetime | None, bool], bytes]) -> Path | None:
        """Append `encode(newest, header)`: the lines after the newest unmarked moment,
        with the header first when the journal is new (see append_journal_lines)."""
        self.ensure_dir()
        self.check_pending()
        path = self.journal_path
        if not os.path.lexists(path):
            self.check_missing(path)
        if not self.encrypted():
            self._check_not_sealed(path)
        kept = self.set_aside_torn_tail(path)
        try:
            fd = open_checked(path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        try:
            st = os.fstat(fd)
            if stat.S_IMODE(st.st_mode) != FILE_MODE:  # an old 0644 file: only you, from now
                os.fchmod(fd, FILE_MODE)
            size = st.st_size
            if size == 0:
                data = encode(None, True)
            else:
                with os.fdopen(os.dup(fd), "rb") as handle:
                    data = encode(self._newest_moment(handle, size), False)
            data = self.seal(path, data)
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

    def _check_not_sealed(self, path: Path) -> None:
        """Exit 3 before a plain line is added to a sealed journal whose key is missing."""
        try:
            with os.fdopen(open_checked(path, os.O_RDONLY, JOURNAL_LIMIT), "rb") as handle:
                start = handle.read(64)
        except (OSError, UnsafeFileError):
            return  # missing or unsafe: the append itself says so
        if is_sealed(start):
            self._opener(path)

    def compact_journal(self) -> Compacted:
        """Rewrite journal.jsonl with only what reading it gives (call under lock()).

        The new file holds the header, an erasure (id and time, no text) for each
        deleted entry, then each entry's latest version in date order: the text of
        older versions and of deleted entries is no longer in it. It is written
        atomically; the old file becomes `journal.jsonl.bak` (until the next rewrite).
        A torn last line is set aside first, as by an append.
        """
        path = self.journal_path
        if not os.path.lexists(path):
            self.read_journal()  # a missing journal beside a .bak: exit 3, as everywhere
            return Compacted(0, 0, False, False)
        kept = self.set_aside_torn_tail(path)
        folded = self.read_journal().folded
        data = journal_bytes(compacted(folded))
        bak = path.with_name(path.name + ".bak")
        before = self.plain_lines(path, self._read_live(path, JOURNAL_LIMIT))
        try:  # a second compaction replaces a .bak that still holds the older file
            older = _read_data(bak, lambda: read_checked(bak, JOURNAL_LIMIT))
            older = None if older is None else self.plain_lines(bak, older)
        except DataCorruptError:  # a .bak that does not open is replaced
            older = None
        changed = data != before or data != older
        if changed:
            self.write_atomic(path, data)  # sealed; the file before, as it was, is the .bak
        return Compacted(folded.stale, len(folded.versions), changed, data != before, kept)

    def plain_lines(self, path: Path, raw: bytes) -> bytes:
        """A journal file's bytes with each sealed line opened (plain lines pass as they are)."""
        if not is_sealed(raw) and b"\n" + SEALED not in raw:
            return raw
        lines = raw.split(b"\n")
        return b"\n".join(self.open_line(path, n, line) for n, line in enumerate(lines, 1))

    def set_aside_torn_tail(self, path: Path) -> Path | None:
        """Move an incomplete last line to `<file>.torn-<time>`; return that path."""
        try:
            fd = open_checked(path, os.O_RDWR, JOURNAL_LIMIT)
        except FileNotFoundError:
            return None
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None
        except OSError as exc:
            raise _storage_error(exc, path) from exc
        try:
            with os.fdopen(fd, "rb+") as handle:
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
                self.ensure_dir()
                write_file_atomic(kept, tail)
                handle.truncate(start)
                handle.flush()
                os.fsync(handle.fileno())
                return kept
        except OSError as exc:
            raise _storage_error(exc, path) from exc

    def read_journal(self) -> JournalRead:
        """The whole journal, edits and deletions applied; a bad line in the middle is exit 3."""
        return JournalRead(*self.fold_journal(the_entry))

    def fold_journal(self, keep: Callable[[JournalEntry], Kept]) -> tuple[Folded[Kept], bool]:
        """The journal read line by line and folded (`Folded.add`), and whether it is torn.

        Each line is checked as it is read (a bad one is exit 3 naming it); of each
        entry only `keep(entry)` is held, so an export need not hold 100,000 models. A
        torn last line is skipped (and reported by the second value).
        """
        path = self.journal_path
        self.check_pending()
        folded: Folded[Kept] = Folded()
        try:
            handle = self._open_live(path, JOURNAL_LIMIT)
        except FileNotFoundError:
            return folded, False
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None
        except OSError as exc:
            raise _storage_error(exc, path, "read") from exc
        with handle, no_gc():
            try:
                for number, line in enumerate(handle, 1):
                    if not line.endswith(b"\n"):
                        return folded, True
                    folded.add(number, self.parse_line(path, number, line[:-1]), keep)
            except OSError as exc:
                raise _storage_error(exc, path, "read") from exc
        return folded, False

    def journal_in_order(self) -> bool:
        """Whether the journal starts with the header (or is not there yet): cheap to ask."""
        try:
            with os.fdopen(open_checked(self.journal_path, os.O_RDONLY, JOURNAL_LIMIT), "rb") as f:
                return self._has_header(f) or f.seek(0, os.SEEK_END) == 0
        except FileNotFoundError:
            return True
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None
        except OSError as exc:
            raise _storage_error(exc, self.journal_path, "read") from exc

    @contextlib.contextmanager
    def journal_newest_first(self) -> Iterator[tuple[Iterator[JournalEntry], bool]]:
        """The live entries newest first, lazily, and whether a torn last line was skipped.

        A journal that starts with the header is read backwards from its end, and only
        as far as needed: an unmarked (not `late`) line is at least as new as every line
        before it, so once the entries already read are as new as such a line, they come
        out. Other journals (written before the header) are read whole and sorted.
        """
        path = self.journal_path
        self.check_pending()
        try:
            fd = open_checked(path, os.O_RDONLY, JOURNAL_LIMIT)
        except FileNotFoundError:
            if os.path.lexists(path):
                with self.journal_newest_first() as again:
                    yield again
                return
            self.check_missing(path)
            yield iter(()), False
            return
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None
        except OSError as exc:
            raise _storage_error(exc, path, "read") from exc
        with os.fdopen(fd, "rb") as handle:
            try:
                in_order = self._has_header(handle)
                size = handle.seek(0, os.SEEK_END)
                if size:
                    handle.seek(size - 1)
                    torn = handle.read(1) != b"\n"
            except OSError as exc:
                raise _storage_error(exc, path, "read") from exc
            if size == 0:
                yield iter(()), False
            elif not in_order:
                handle.close()
                read = self.read_journal()
                yield iter(read.folded.newest_first()), read.torn_tail
            else:
                end = size if not torn else _last_line_start(handle, size)
                yield self._newest_from_end(handle, end), torn

    def _newest_from_end(self, handle: Any, end: int) -> Iterator[JournalEntry]:
        seen: set[str] = set()
        waiting: list[tuple[_Newest, int, JournalEntry]] = []  # a heap, newest on top
        for position, raw in _lines_backward(handle, end):
            line = self._decode(raw)
            if line.kind == "header":
                continue
            if line.id not in seen:  # the latest line of an entry is the one that counts
                seen.add(line.id)
                if line.entry is not None:
                    heapq.heappush(waiting, (_Newest(line.entry.created_at), -position, line.entry))
            if line.moment is not None and not line.late:
                # nothing before this line is newer than it: what is as new comes out
                while waiting and waiting[0][0].moment >= line.moment:
                    yield heapq.heappop(waiting)[2]
        while waiting:
            yield heapq.heappop(waiting)[2]

    def _has_header(self, handle: Any) -> bool:
        """Whether the file starts with the header line (then its lines carry `late` marks).

        A sealed header is opened; a first line that does not open is no header (reading
        the whole file then says what is wrong with it).
        """
        handle.seek(0)
        first = handle.read(HEADER_READ).partition(b"\n")[0]
        try:
            return self.open_line(self.journal_path, 1, first) == HEADER
        except DataCorruptError:
            return False

    def journal_summary(self) -> JournalSummary:
        """Count entries and decode only the last lines: what status needs, at any size.

        Entries are the lines, less the header and the edits, less two for each
        deletion (itself and the entry it removes), less one for each erasure (what a
        compaction keeps of a deletion). The last entry is found from the end.
        """
        path = self.journal_path
        self.check_pending()
        try:
            with os.fdopen(open_checked(path, os.O_RDONLY, JOURNAL_LIMIT), "rb") as handle:
                kinds = self._count_kinds(handle)
                size = handle.seek(0, os.SEEK_END)
                if kinds["lines"] == 0:
                    return JournalSummary(0, None)
                handle.seek(size - 1)
                end = size if handle.read(1) == b"\n" else _last_line_start(handle, size)
                last = self._last_entry(handle, end)
        except FileNotFoundError:
            if os.path.lexists(path):  # created since we looked: count it
                return self.journal_summary()
            self.check_missing(path)
            return JournalSummary(0, None)
        except UnsafeFileError as exc:
            raise _unsafe(exc) from None
        except OSError as exc:
            raise _storage_error(exc, path, "read") from exc
        count = (
            kinds["lines"]
            - kinds["journal"]
            - kinds["edit"]
            - 2 * kinds["delete"]
            - kinds["erased"]
        )
        return JournalSummary(count, last)

    def _last_entry(self, handle: Any, end: int) -> JournalEntry | None:
        gone: set[str] = set()
        for _, raw in _lines_backward(handle, end):
            line = self._decode(raw)
            if line.entry is None:
                gone.add(line.id)
            elif line.id not in gone:
                return line.entry
        return None

    def _decode(self, raw: bytes) -> Line:
        """One line read out of order (opened when sealed); if damaged, exit 3 naming it."""
        from pydantic import ValidationError

        try:
            return from_line(self.open_line(self.journal_path, 0, raw))
        except (ValidationError, DataCorruptError):
            self.read_journal()  # names the line and its number (exit 3)
            raise

    def parse_line(self, path: Path, number: int, line: bytes) -> Line:
        """One journal line (sealed or plain); exit 3 naming the line."""
        from pydantic import ValidationError

        try:
            return from_line(self.open_line(path, number, line))
        except ValidationError as exc:
            raise _corrupt(path, f"{number}:1", describe_validation(exc, "(line)")) from None

    def _newest_moment(self, handle: Any, size: int) -> dt.datetime | None:
        """The time of the last unmarked entry or edit line: no line before it is newer."""
        for _, raw in _lines_backward(handle, size):
            try:
                plain = self.open_line(self.journal_path, 0, raw)
            except DataCorruptError:  # a damaged line: reading will say so; mark nothing
                return None
            if b'"late":true' in plain or (b'"kind":' in plain and b'"kind":"edit"' not in plain):
                continue  # marked late, or a header or a deletion
            return line_moment(plain)  # None for a damaged line: mark nothing
        return None

    def _count_kinds(self, handle: Any) -> dict[str, int]:
        """Lines, and lines of each kind (`"kind":"x"` is only ever a key and its value).

        A plain journal is counted in blocks without decoding a line; when encryption is
        on, each line is opened first (a sealed line's kind is only in its plain text).
        """
        if not self.encrypted():
            return _count_kinds(handle)
        counts = dict.fromkeys(["lines", *_KINDS], 0)
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                break  # a torn last line is not counted
            counts["lines"] += 1
            plain = self.open_line(self.journal_path, number, line[:-1])
            for kind, key in _KINDS.items():
                counts[kind] += key in plain
        return counts


def progress_bytes(progress: Progress) -> bytes:
    """progress.json's bytes, proven to read back before anything is written (else exit 2)."""
    from exback.errors import UsageError
    from exback.models import Progress

    try:
        data = (progress.model_dump_json(indent=2) + "\n").encode("utf-8")
        Progress.model_validate_json(data)
    except (ValueError, UnicodeError) as exc:  # pydantic's errors are ValueErrors
        raise UsageError(
            f"the progress cannot be saved as it is ({exc}); nothing was written"
        ) from None
    return data


def new_entry_id() -> str:
    """A new journal entry's id: 12 hex digits from the OS's random source."""
    return os.urandom(6).hex()


class LockTimeout(Exception):
    """Another process held the lock for as long as we were to wait."""


LOCK_POLL = 0.05
"""Seconds between tries while another process holds the lock."""


def take_lock(path: Path, timeout: float) -> int:
    """Hold an exclusive lock on `path` (made 0600 if missing); its descriptor; close to release.

    `flock` on the whole file, as the filelock package (which exback used before) takes
    it on POSIX, so older and newer exback processes exclude each other. Waits up to
    `timeout` seconds, then LockTimeout; never opens the file through a link (ELOOP).
    """
    import fcntl
    import time

    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout from None
                time.sleep(LOCK_POLL)
    except BaseException:
        os.close(fd)
        raise


def journal_bytes(
    lines: Sequence[Line | JournalEntry | Checked],
    newest: dt.datetime | None = None,
    header: bool = True,
) -> bytes:
    """Journal lines (a whole new journal with `header`), each proven to read back (else exit 2).

    Lines are written by the one codec in journal.py (`to_line`, `from_line`), marked
    `late` after a line of time `newest` as `late_marks` says. A `Checked` line has
    been read back already: it is written as it is, unless marked.
    """
    from exback.errors import UsageError

    records = [r if isinstance(r, Line | Checked) else entry_line(r) for r in lines]
    out = [HEADER] if header else []
    marks = late_marks([r.moment for r in records], newest)
    for record, late in zip(records, marks, strict=True):
        if isinstance(record, Checked) and not late:
            out.append(record.line)
            continue
        try:
            line = to_line(record, late) if isinstance(record, Line) else mark_late(record.line)
            from_line(line)
        except (ValueError, UnicodeError) as exc:
            raise UsageError(
                f"journal entry {record.id} cannot be saved as it is ({exc}); nothing was written"
            ) from None
        out.append(line)
    out.append(b"")  # each line ends with a newline
    return b"\n".join(out)


def parse_progress_json(path: Path, raw: bytes) -> Any:
    """Decoded JSON of a progress file, or exit 3 naming the file and the place."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _corrupt(path, f"{exc.lineno}:{exc.colno}", "not valid JSON") from None
    except UnicodeDecodeError:
        raise _corrupt(path, "1:1", "not valid JSON (not UTF-8)") from None
    except ValueError:  # a whole number of more than 4300 digits
        raise _corrupt(path, "1:1", "a number too long to read") from None
    except RecursionError:
        raise _corrupt(path, "1:1", "nested too deeply to read") from None


def write_file_atomic(path: Path, data: bytes | Iterable[bytes], keep_backup: bool = False) -> None:
    """Temp file (0600), fsync, optionally keep `.bak`, os.replace, fsync the folder.

    `data` may come in pieces, written as they come: if making one raises, the temp
    file is removed and `path` is left as it was.
    """
    try:
        import tempfile

        fd, tmp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX
        )
    except OSError as exc:
        raise _storage_error(exc, path) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), FILE_MODE)
            for piece in [data] if isinstance(data, bytes | bytearray | memoryview) else data:
                handle.write(piece)
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


def is_line_file(path: Path) -> bool:
    """Whether a data file is sealed line by line: the journal and its copies."""
    return path.name == JOURNAL or path.name.startswith(JOURNAL + ".")


BLOCK = 1 << 16
HEADER_READ = 256  # bytes enough for the first line when it is the header, sealed or not


def _lines_backward(handle: Any, end: int) -> Iterator[tuple[int, bytes]]:
    """The lines of the file up to `end` (just after a newline, or 0), last first.

    Each comes with -n, n counting from 1 for the last line: larger is later in the file.
    """
    pos, rest, number = end - 1, b"", 0  # the final newline ends the last line
    while pos > 0:
        start = max(0, pos - BLOCK)
        handle.seek(start)
        parts = (handle.read(pos - start) + rest).split(b"\n")
        pos, rest = start, parts[0]
        for line in reversed(parts[1:]):
            number += 1
            yield -number, line
    if end > 0:
        yield -(number + 1), rest


_KINDS = {kind: f'"kind":"{kind}"'.encode() for kind in ("journal", "edit", "delete", "erased")}


def _count_kinds(handle: Any) -> dict[str, int]:
    """Lines, and lines of each kind (`"kind":"x"` is only ever a key and its value)."""
    counts = dict.fromkeys(["lines", *_KINDS], 0)
    carry = b""
    for block in iter(lambda: handle.read(1 << 20), b""):
        counts["lines"] += block.count(b"\n")
        joined = carry + block  # a key cut in two by the block boundary
        for kind, key in _KINDS.items():
            counts[kind] += joined.count(key) - carry.count(key)
        carry = block[-32:]
    return counts


@dataclass(frozen=True)
class _Newest:
    """Orders a heap of moments newest first."""

    moment: dt.datetime

    def __lt__(self, other: _Newest) -> bool:
        return self.moment > other.moment


def _keep_backup(path: Path) -> None:
    """Make `<file>.bak` the current file, atomically (a hard link, else a copy)."""
    bak = path.with_name(path.name + ".bak")
    import tempfile

    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{bak.name}.", suffix=TEMP_SUFFIX)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        try:
            os.link(path, tmp)
        except OSError:
            tmp.write_bytes(path.read_bytes())
        tmp.chmod(FILE_MODE)  # an old 0644 file: its copy is only yours
        os.replace(tmp, bak)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cycle collector while many objects are made and kept (a whole journal).

    Its full passes grow with every object alive, so at 100,000 notes they took
    more time than reading (docs/performance.md); the records made here hold no
    cycles, so nothing waits for it.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


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
    return unique_path(path.parent, f"{path.name}.{label}-{now:%Y%m%dT%H%M%S}")


def unique_path(folder: Path, stem: str, suffix: str = "") -> Path:
    """`<folder>/<stem><suffix>`, or with `-2`, `-3`... after the stem if that name is taken."""
    candidate = folder / f"{stem}{suffix}"
    n = 2
    while os.path.lexists(candidate):
        candidate = folder / f"{stem}-{n}{suffix}"
        n += 1
    return candidate


def torn_line(path: Path, outcome: str) -> str:
    """The one message for a journal whose last line is incomplete; `outcome`: what became of it."""
    return f"the last line of {path} is incomplete (an interrupted write); {outcome}"


def _corrupt(path: Path, where: str, what: str) -> DataCorruptError:
    error = DataCorruptError(
        f"{path}:{where}: {what}; nothing was changed. Run 'exback doctor' to see the "
        "problem, then 'exback doctor --repair' to fix it (your text is kept)"
    )
    line, _, col = where.partition(":")
    error.detail = f"line {line}, column {col}: {what}"
    return error


def _read_data(path: Path, read: Callable[[], bytes]) -> bytes | None:
    """A data file's bytes; None when it is missing; exit 3 if unsafe, 1 if unreadable."""
    try:
        return read()
    except FileNotFoundError:
        return None
    except UnsafeFileError as exc:
        raise _unsafe(exc) from None
    except OSError as exc:
        raise _storage_error(exc, path, "read") from exc


def _unsafe(exc: UnsafeFileError) -> DataCorruptError:
    error = DataCorruptError(f"{exc.path} {exc.reason}; nothing was changed")
    error.detail = exc.reason
    return error


def _storage_error(exc: OSError, path: Path, verb: str = "write") -> StorageError:
    """The user's file and the reason; never the name of a temp file they never made."""
    reason = exc.strerror or str(exc)
    return StorageError(f"cannot {verb} {path}: {reason}; nothing was changed")
