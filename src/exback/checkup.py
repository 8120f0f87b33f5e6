"""The data dir's check-up for `exback doctor`: what is wrong, in plain words, and its repairs.

`diagnose` only reads; `repair` applies every repair it knows, under the lock. The
use case (diagnose, ask, repair, report) is commands/doctor.py; the view is in render.py.

Repairs never delete what a person wrote: a bad file is moved aside as
`<name>.corrupt-<time>` (and the last good `.bak` put back when it is valid); a
journal with bad lines is moved aside whole and a new one written with the good
lines. The only files removed are exback's own temp files (`.<name>.<random>.tmp`):
each is an unfinished copy from a write that was interrupted before it replaced
anything, so the file it was meant to replace is still intact.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exback.crypto import is_sealed
from exback.errors import DataCorruptError, DataLockedError, DataNewerError, StorageError
from exback.journal import HEADER, Folded, fold, from_line
from exback.migrations import migrate
from exback.models import SCHEMA_VERSION, JournalEntry, Progress
from exback.program import new_progress
from exback.safefile import UnsafeFileError
from exback.safefile import read_bytes as read_checked
from exback.storage import (
    DIR_MODE,
    FILE_MODE,
    JOURNAL_LIMIT,
    KEYS,
    LOCK,
    PENDING,
    PROGRESS,
    PROGRESS_LIMIT,
    TEMP_SUFFIX,
    Store,
    aside_path,
    journal_bytes,
    parse_progress_json,
    progress_bytes,
    write_file_atomic,
)
from exback.words import count

# tempfile.mkstemp names: our prefix `.<name>.`, 8 random characters, our suffix
_OWN_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
_KEPT = re.compile(r"\.(torn|corrupt)-\d{8}T\d{6}(-\d+)?$")
_MAX_LINES_NAMED = 5
MAX_ROUNDS = 10
_MAX_DROPPED = 10_000
_RECORD_MAPS = {"steps", "answers"}  # mappings whose entries are records of their own
_OPTIONAL_TOP = {"no_contact"}  # a whole top-level record that may be left out


@dataclass
class Finding:
    """One thing doctor noticed: a problem (maybe with a repair), or a note."""

    path: Path
    text: str
    problem: bool = True
    repair: str | None = None  # what --repair would do, in plain words
    fix: Callable[[], list[str]] | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        if self.problem:
            return {"path": str(self.path), "problem": self.text, "repair": self.repair}
        return {"path": str(self.path), "note": self.text}


def diagnose(store: Store, now: dt.datetime, check_lock: bool = True) -> list[Finding]:
    """Everything worth saying about the data dir; reads only, changes nothing.

    Exit 4 (DataLockedError) when another exback holds the lock and `check_lock`.
    """
    root = store.root
    if not root.exists():
        return []
    if not root.is_dir():
        return [Finding(root, "is a file, not a folder; move it away or pass another --data-dir")]
    findings = _check_folder_mode(store)
    try:
        names = sorted(p.name for p in root.iterdir())
    except OSError as exc:
        findings.append(Finding(root, f"cannot read the folder: {exc.strerror}"))
        return findings
    if check_lock and LOCK in names:
        _check_lock(root / LOCK)
    for name in names:
        if not name.endswith(TEMP_SUFFIX):  # temp files are reported below
            findings.extend(_check_file_mode(root / name))
    pending = _check_pending(store, now)
    findings.extend(pending)
    key = _check_key(store)
    findings.extend(key)
    if not pending and not key:  # an interrupted restore is finished first, then the files
        findings.extend(_check_progress(store, now))
        findings.extend(_check_journal(store, now))
    for name in names:
        path = root / name
        if name.endswith(TEMP_SUFFIX) and path.is_file():
            findings.append(_temp_finding(path))
        elif _KEPT.search(name):
            what = (
                "the incomplete last line of an interrupted write"
                if ".torn-" in name
                else "a copy of a damaged file, kept by doctor"
            )
            findings.append(
                Finding(
                    path,
                    f"{what}, kept for you to look at; delete it when you no longer need it",
                    problem=False,
                )
            )
    return findings


# --- permissions and the lock ------------------------------------------------------


def foreign(store: Store) -> bool:
    try:
        return store.root.stat().st_uid != os.getuid()
    except OSError:
        return False


def _check_folder_mode(store: Store) -> list[Finding]:
    if foreign(store):
        owner = store.root.stat().st_uid
        return [
            Finding(
                store.root,
                f"the folder belongs to another user (uid {owner}); exback keeps your data "
                "only in a folder you own: pass --data-dir to name yours",
            )
        ]
    mode = stat.S_IMODE(store.root.stat().st_mode)
    if mode == DIR_MODE:
        return []
    why = "others can look inside it" if mode & 0o077 else "you cannot use it fully"
    return [
        Finding(
            store.root,
            f"the folder's permissions are {mode:04o} ({why}); they should be {DIR_MODE:04o}",
            repair=f"set them to {DIR_MODE:04o}",
            fix=lambda: fix_folder_mode(store),
        )
    ]


def fix_folder_mode(store: Store) -> list[str]:
    if not store.root.is_dir() or stat.S_IMODE(store.root.stat().st_mode) == DIR_MODE:
        return []
    store.root.chmod(DIR_MODE)
    return [f"set the permissions of {store.root} to {DIR_MODE:04o}"]


def _check_file_mode(path: Path) -> list[Finding]:
    if path.is_symlink() or not path.is_file():
        return []
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode == FILE_MODE:
        return []

    def fix() -> list[str]:
        path.chmod(FILE_MODE)
        return [f"set the permissions of {path.name} to {FILE_MODE:04o}"]

    return [
        Finding(
            path,
            f"permissions are {mode:04o}; they should be {FILE_MODE:04o} (only you)",
            repair=f"set them to {FILE_MODE:04o}",
            fix=fix,
        )
    ]


def _check_lock(path: Path) -> None:
    """A lock nobody holds is harmless; one held right now is exit 4."""
    from exback.storage import LockTimeout, take_lock

    try:
        fd = take_lock(path, 0.2)
    except LockTimeout:
        raise DataLockedError(
            f"{path} is held by another exback process: it is using the data dir right "
            "now; let it finish (or close it), then run 'exback doctor' again"
        ) from None
    except OSError:
        return  # an unwritable (or linked) lock file is reported by the other checks
    os.close(fd)


# --- an interrupted restore --------------------------------------------------------


def _check_pending(store: Store, now: dt.datetime) -> list[Finding]:
    path = store.root / PENDING
    if not os.path.lexists(path):
        return []
    try:
        files = store.read_pending()
    except DataCorruptError as exc:
        aside = aside_path(path, "corrupt", now)

        def set_aside() -> list[str]:
            os.rename(path, aside)
            return [f"moved {path.name} aside to {aside.name}"]

        return [Finding(path, exc.detail or exc.message, repair="move it aside", fix=set_aside)]
    names = " and ".join(sorted(files or {}))

    def finish() -> list[str]:
        written = store.finish_pending()
        wrote = f": wrote {' and '.join(written)}" if written else ""
        return [f"finished the interrupted restore{wrote}"]

    return [
        Finding(
            path,
            "a restore was interrupted before it finished; every record it was restoring "
            "is kept in this file",
            repair=f"finish it (write {names} from it)",
            fix=finish,
        )
    ]


# --- encryption.json -----------------------------------------------------------------


def _check_key(store: Store) -> list[Finding]:
    """The key document of an encrypted data dir, or sealed files without one.

    No repair: only a copy of encryption.json from a backup can open the files. Files
    left plain by an interrupted `exback encrypt` are sealed by the repair.
    """
    from exback import keys

    if not store.encrypted():
        for path in (store.progress_path, store.journal_path):
            try:
                sealed = is_sealed(read_checked(path, PROGRESS_LIMIT + JOURNAL_LIMIT)[:16])
            except (OSError, UnsafeFileError):
                continue
            if sealed:
                return [
                    Finding(
                        path,
                        f"is encrypted, but {KEYS} (its key) is missing; put it back from a "
                        "backup of the data dir (nothing else can open it)",
                    )
                ]
        return []
    try:
        keys.read_document(store)
    except (DataCorruptError, StorageError) as exc:
        detail = exc.detail if isinstance(exc, DataCorruptError) else exc.message
        return [
            Finding(
                store.keys_path,
                f"{detail}; your encrypted files open only with it: put back a copy from a "
                "backup of the data dir",
            )
        ]
    plain = keys.plain_files(store)
    if not plain:
        return []

    def seal() -> list[str]:
        return [f"encrypted {name}" for name in keys.convert(store, store.sealer())]

    return [
        Finding(
            store.root,
            f"still in plain text: {', '.join(plain)} (an interrupted 'exback encrypt')",
            repair="encrypt them",
            fix=seal,
        )
    ]


# --- progress.json -----------------------------------------------------------------


def _check_progress(store: Store, now: dt.datetime) -> list[Finding]:
    path = store.progress_path
    if not os.path.lexists(path):
        return _missing_progress(store, now)
    try:
        store.load_progress()
        return _check_bak(store, path)
    except DataNewerError as exc:
        return [Finding(path, exc.detail or exc.message)]  # fine for a newer exback: no repair
    except DataCorruptError as exc:
        problem = exc.detail or exc.message
    except StorageError as exc:
        return [Finding(path, exc.message)]
    try:
        raw = read_checked(path, PROGRESS_LIMIT)
    except (OSError, UnsafeFileError):
        return [Finding(path, f"{problem}; move it away yourself (exback does not touch it)")]
    bak = path.with_name(path.name + ".bak")
    good = _load_or_none(store, bak)
    salvaged = _salvage(store, path, raw)
    if salvaged is not None and salvaged[1] > 0:
        replacement, dropped = progress_bytes(salvaged[0]), salvaged[1]
        noun = "record" if dropped == 1 else "records"
        plan = (
            f"keep a copy of it as {path.name}.corrupt-<time>, and write {path.name} again "
            f"without the {dropped} {noun} that cannot be read (they stay in the copy)"
        )
        done = f"wrote {path.name} again without {dropped} unreadable {noun}"
    elif good is not None:
        replacement = store.unseal(bak, read_checked(bak, PROGRESS_LIMIT))
        saved = good.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        plan = (
            f"keep a copy of it as {path.name}.corrupt-<time>, and put back {bak.name} "
            f"(saved {saved})"
        )
        done = f"put back {bak.name} as {path.name}"
    else:
        replacement = progress_bytes(new_progress(now))
        plan = (
            f"keep a copy of it as {path.name}.corrupt-<time> (there is no good {bak.name}); "
            f"exback then starts a new {path.name}, and your answers stay in the copy"
        )
        done = f"started a new {path.name}"

    def fix() -> list[str]:
        # the copy first, then the replacement: a crash at any point leaves a whole
        # progress.json (old or new), and the old bytes are never only in one place
        aside = aside_path(path, "corrupt", now)
        write_file_atomic(aside, raw)
        changes = [f"kept a copy of {path.name} as {aside.name}"]
        if good is None and os.path.lexists(bak) and salvaged is None:
            changes += _keep_copy(bak, now)
        store.replace_file(path, replacement)
        return [*changes, done]

    return [Finding(path, problem, repair=plan, fix=fix)]


def _check_bak(store: Store, path: Path) -> list[Finding]:
    """A note when the previous copy does not read: the next save replaces it."""
    bak = path.with_name(path.name + ".bak")
    if not os.path.lexists(bak) or _load_or_none(store, bak) is not None:
        return []
    return [
        Finding(
            bak,
            f"this previous copy cannot be read; {path.name} is fine, and the next save "
            "replaces this copy with a good one",
            problem=False,
        )
    ]


def _missing_progress(store: Store, now: dt.datetime) -> list[Finding]:
    """progress.json is gone: a good `.bak`, or a readable copy set aside, brings it back."""
    path = store.progress_path
    bak = path.with_name(path.name + ".bak")
    sources = [bak, *sorted(path.parent.glob(path.name + ".corrupt-*"), reverse=True)]
    for source in sources:
        if not source.is_file() or source.is_symlink():
            continue
        try:
            raw = read_checked(source, PROGRESS_LIMIT)
        except (OSError, UnsafeFileError):
            continue
        salvaged = _salvage(store, source, raw)
        if salvaged is None:
            continue
        progress, dropped = salvaged
        data = store.unseal(source, raw) if dropped == 0 and source == bak else None
        data = data or progress_bytes(progress)
        saved = progress.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        but = f" ({dropped} unreadable records left out)" if dropped else ""

        def fix(source: Path = source, data: bytes = data) -> list[str]:
            store.replace_file(path, data)
            return [f"put back {source.name} as {path.name}"]

        return [
            Finding(
                path,
                f"is missing, but {source.name} holds your progress (saved {saved})",
                repair=f"put back {source.name} as {path.name}{but}",
                fix=fix,
            )
        ]
    if not os.path.lexists(bak):
        return []

    def start_afresh() -> list[str]:
        changes = _keep_copy(bak, now)
        store.replace_file(path, progress_bytes(new_progress(now)))
        return [*changes, f"started a new {path.name}"]

    return [
        Finding(
            path,
            f"is missing, and {bak.name} cannot be read either",
            repair=f"keep a copy of {bak.name} as {bak.name}.corrupt-<time>, and start a new "
            f"{path.name}",
            fix=start_afresh,
        )
    ]


def recoverable_copy(store: Store, path: Path) -> str | None:
    """The name of a kept copy (`.corrupt-*`, `.torn-*`) of a missing file with good records."""
    if path.name == PROGRESS:
        for source in sorted(path.parent.glob(path.name + ".corrupt-*"), reverse=True):
            try:
                raw = read_checked(source, PROGRESS_LIMIT)
            except (OSError, UnsafeFileError):
                continue
            if _salvage(store, source, raw) is not None:
                return source.name
        return None
    found, sources = _kept_entries(store, path, set(), include_bak=False)
    return sources.split(", ")[0] if found else None


def _keep_copy(path: Path, now: dt.datetime) -> list[str]:
    aside = aside_path(path, "corrupt", now)
    write_file_atomic(aside, read_checked(path, PROGRESS_LIMIT))
    return [f"kept a copy of {path.name} as {aside.name}"]


def _load_or_none(store: Store, path: Path) -> Progress | None:
    try:
        return store.load_progress(path)
    except (DataCorruptError, StorageError):
        return None


def _salvage(store: Store, path: Path, raw: bytes) -> tuple[Progress, int] | None:
    """The progress with every record that fails its model left out, and how many.

    None when the file is not JSON or its top level is wrong (no record to leave out),
    or when it is sealed and does not open.
    """
    from pydantic import ValidationError

    try:
        data = parse_progress_json(path, store.unseal(path, raw))
    except DataCorruptError:
        return None
    if not isinstance(data, dict):
        return None
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return None
    if version > SCHEMA_VERSION:
        return None
    data = migrate(copy.deepcopy(data)) if version < SCHEMA_VERSION else copy.deepcopy(data)
    dropped = 0
    for _ in range(_MAX_DROPPED):
        try:
            return Progress.model_validate(data), dropped
        except ValidationError as exc:
            if not _drop_record(data, exc.errors()[0]["loc"]):
                return None
            dropped += 1
    return None


def _drop_record(data: dict[str, Any], loc: tuple[int | str, ...]) -> bool:
    """Remove the innermost record (a list item, an answer, a step) on the error's path."""
    node: Any = data
    parent_key: int | str | None = None
    target: tuple[Any, int | str] | None = None
    for key in loc:
        if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            target = (node, key)
        elif isinstance(node, dict) and key in node:
            if parent_key in _RECORD_MAPS or (node is data and key in _OPTIONAL_TOP):
                target = (node, key)
        else:
            break
        parent_key = key
        node = node[key]
    if target is None:
        return False
    container, key = target
    del container[key]
    return True


# --- journal.jsonl -----------------------------------------------------------------


def _check_journal(store: Store, now: dt.datetime) -> list[Finding]:
    path = store.journal_path
    if not os.path.lexists(path):
        return _missing_journal(store)
    try:
        raw = read_checked(path, JOURNAL_LIMIT)
    except UnsafeFileError as exc:
        return [Finding(path, f"{exc.reason}; move it away yourself (exback does not touch it)")]
    except OSError as exc:
        return [Finding(path, f"cannot read it: {exc.strerror}")]
    lines = raw.split(b"\n")
    torn = lines.pop() != b""
    good: list[bytes] = []  # opened: a sealed line's plain text
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        plain = _plain_line(store, path, number, line)
        if isinstance(plain, str):
            bad.append((number, plain))
        else:
            good.append(plain)
    if bad:
        named = ", ".join(str(n) for n, _ in bad[:_MAX_LINES_NAMED])
        more = f" and {len(bad) - _MAX_LINES_NAMED} more" if len(bad) > _MAX_LINES_NAMED else ""
        first_number, first_reason = bad[0]
        if len(bad) == 1:
            problem = f"line {first_number} cannot be read ({first_reason})"
        else:
            problem = (
                f"{len(bad)} lines cannot be read: {named}{more} "
                f"(line {first_number}: {first_reason})"
            )
        if torn:
            problem += ", and the last line is incomplete"

        def fix() -> list[str]:
            # the copy first, then the replacement: never a moment without a journal
            aside = aside_path(path, "corrupt", now)
            write_file_atomic(aside, raw)
            store.replace_file(path, b"".join(line + b"\n" for line in good))
            return [
                f"kept a copy of {path.name} as {aside.name} (every line is still in it)",
                f"wrote {path.name} again with the {count(len(good), 'good entry')}",
            ]

        plan = (
            f"keep a copy of it as {path.name}.corrupt-<time>, and write {path.name} again "
            f"with the {count(len(good), 'good entry')}"
        )
        return [Finding(path, problem, repair=plan, fix=fix)]
    if torn:

        def set_aside() -> list[str]:
            kept = store.set_aside_torn_tail(path)
            return [f"moved the incomplete last line of {path.name} to {kept.name}"] if kept else []

        return [
            Finding(
                path,
                "the last line is incomplete (an interrupted write); it is skipped when reading",
                repair=f"move it to {path.name}.torn-<time>, where you can look at it",
                fix=set_aside,
            )
        ]
    folded = fold(from_line(line) for line in good)
    have = {*folded.versions, *folded.deleted}
    found, sources = _kept_entries(store, path, have)
    if not found:
        return _compactable(store, folded, in_order=bool(good) and good[0] == HEADER)

    def add_back() -> list[str]:
        store.append_journal_entries(found)
        return [f"added {len(found)} entries back to {path.name} from {sources}"]

    return [
        Finding(
            path,
            f"{len(found)} entries kept in {sources} are not in your journal",
            repair=f"add them back to {path.name}",
            fix=add_back,
        )
    ]


def _compactable(store: Store, folded: Folded[Any], in_order: bool) -> list[Finding]:
    """A note when compacting would erase old text or put an older journal in date order."""
    path = store.journal_path
    if folded.stale:
        what = (
            f"{count(folded.stale, 'line')} still hold the text of old versions or deleted "
            "entries (exback no longer shows them)"
        )
    elif not in_order and folded.versions:
        what = "was written before exback kept it in date order, so journal list reads all of it"
    else:
        return []

    def fix() -> list[str]:
        done = store.compact_journal()
        return [
            f"compacted {path.name} ({count(done.entries, 'entry')}); "
            f"the file before is {path.name}.bak"
        ]

    repair = (
        f"compact it, as 'exback journal compact' does (the file before becomes {path.name}.bak)"
    )
    return [Finding(path, f"{what}; --repair would {repair}", False, repair, fix)]


def _missing_journal(store: Store) -> list[Finding]:
    path = store.journal_path
    found, sources = _kept_entries(store, path, set())
    bak = path.with_name(path.name + ".bak")
    if not found and not os.path.lexists(bak):
        return []

    def fix() -> list[str]:
        ordered = sorted(found, key=lambda e: e.created_at)
        store.replace_file(path, journal_bytes(ordered))
        return [f"wrote {path.name} again with the {len(found)} entries from {sources or bak.name}"]

    return [
        Finding(
            path,
            f"is missing, but {len(found)} entries are kept in {sources or bak.name}",
            repair=f"write {path.name} again with them",
            fix=fix,
        )
    ]


def _kept_entries(
    store: Store, path: Path, have: set[str], include_bak: bool = True
) -> tuple[list[JournalEntry], str]:
    """Good entries in the journal's `.bak`, `.corrupt-*` and `.torn-*` copies not in `have`."""
    found: list[JournalEntry] = []
    names: list[str] = []
    seen = set(have)
    bak = [path.with_name(path.name + ".bak")] if include_bak else []
    copies = [*bak, *sorted(path.parent.glob(path.name + ".*-*"))]
    for copy_path in copies:
        if not (copy_path.name.endswith(".bak") or _KEPT.search(copy_path.name)):
            continue
        try:
            raw = read_checked(copy_path, JOURNAL_LIMIT)
        except (OSError, UnsafeFileError):
            continue
        before = len(found)
        # the copy as exback would read it: an entry deleted in it is not offered back
        plain = (
            _plain_line(store, copy_path, number, line)
            for number, line in enumerate(raw.split(b"\n"), 1)
            if line.strip()
        )
        copy = fold(from_line(line) for line in plain if isinstance(line, bytes))
        seen |= set(copy.deleted)
        for entry in copy.entries:
            if entry.id not in seen:
                seen.add(entry.id)
                found.append(entry)
        if len(found) > before:
            names.append(copy_path.name)
    return found, ", ".join(names)


def _plain_line(store: Store, path: Path, number: int, line: bytes) -> bytes | str:
    """A journal line's plain bytes (opened first when sealed), or what is wrong with it."""
    from pydantic import ValidationError

    try:
        plain = store.open_line(path, number, line)
        from_line(plain)
    except DataCorruptError as exc:  # sealed, and it does not open
        return exc.detail.partition(": ")[2] or exc.message
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return f"{where}: {err['msg']}" if where else str(err["msg"])
    return plain


# --- leftovers -----------------------------------------------------------------------


def _temp_finding(path: Path) -> Finding:
    if not _OWN_TEMP.match(path.name):
        return Finding(path, "a temp file exback did not make; left alone", problem=False)

    def fix() -> list[str]:
        path.unlink(missing_ok=True)
        return [f"removed the leftover temp file {path.name}"]

    return Finding(
        path,
        "a temp file left by an interrupted write; the file it was meant to replace is intact",
        repair="remove it",
        fix=fix,
    )
