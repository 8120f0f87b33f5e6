"""`exback doctor`: check the data dir and say what is wrong in plain words; repair on request.

Repairs never delete what a person wrote: a bad file is moved aside as
`<name>.corrupt-<time>` (and the last good `.bak` put back when it is valid); a
journal with bad lines is moved aside whole and a new one written with the good
lines. The only files removed are exback's own temp files (`.<name>.<random>.tmp`):
each is an unfinished copy from a write that was interrupted before it replaced
anything, so the file it was meant to replace is still intact.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback.errors import DataCorruptError, DataNewerError, StorageError
from exback.models import JournalEntry
from exback.storage import DIR_MODE, FILE_MODE, LOCK, TEMP_SUFFIX, Store, aside_path
from exback.words import count

if TYPE_CHECKING:
    from exback.ui import UI

# tempfile.mkstemp names: our prefix `.<name>.`, 8 random characters, our suffix
_OWN_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
_KEPT = re.compile(r"\.(torn|corrupt)-\d{8}T\d{6}(-\d+)?$")
_MAX_LINES_NAMED = 5


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
    """Everything worth saying about the data dir; reads only, changes nothing."""
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
    for name in names:
        if not name.endswith(TEMP_SUFFIX):  # temp files are reported below
            findings.extend(_check_file_mode(root / name))
    if check_lock and LOCK in names:
        findings.extend(_check_lock(root / LOCK))
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
                else ("a damaged file that doctor moved aside")
            )
            findings.append(
                Finding(
                    path,
                    f"{what}, kept for you to look at; delete it when you no longer need it",
                    problem=False,
                )
            )
    return findings


def repair(store: Store, now: dt.datetime) -> list[str]:
    """Apply every repair doctor knows (under the lock); return what was changed."""
    changes = _fix_folder_mode(store)  # first: a folder you cannot write cannot hold the lock
    with store.lock():
        for finding in diagnose(store, now, check_lock=False):
            if finding.fix is not None:
                changes.extend(finding.fix())
    return changes


# --- permissions and the lock ------------------------------------------------------


def _check_folder_mode(store: Store) -> list[Finding]:
    mode = stat.S_IMODE(store.root.stat().st_mode)
    if mode == DIR_MODE:
        return []
    why = "others can look inside it" if mode & 0o077 else "you cannot use it fully"
    return [
        Finding(
            store.root,
            f"the folder's permissions are {mode:04o} ({why}); they should be {DIR_MODE:04o}",
            repair=f"set them to {DIR_MODE:04o}",
            fix=lambda: _fix_folder_mode(store),
        )
    ]


def _fix_folder_mode(store: Store) -> list[str]:
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


def _check_lock(path: Path) -> list[Finding]:
    """A lock nobody holds is harmless; report only one that is held right now."""
    from filelock import FileLock, Timeout

    lock = FileLock(path, mode=FILE_MODE)
    try:
        lock.acquire(timeout=0.2)
    except Timeout:
        return [
            Finding(
                path,
                "another exback is using the data dir right now; let it finish (or close "
                "it), then run 'exback doctor' again",
            )
        ]
    except OSError:
        return []  # an unwritable lock file is reported by the permission checks
    lock.release()
    return []


# --- progress.json -----------------------------------------------------------------


def _check_progress(store: Store, now: dt.datetime) -> list[Finding]:
    path = store.progress_path
    try:
        store.load_progress()
        return []
    except DataNewerError as exc:
        return [Finding(path, exc.detail or exc.message)]  # fine for a newer exback: no repair
    except DataCorruptError as exc:
        problem = exc.detail or exc.message
    except StorageError as exc:
        return [Finding(path, exc.message)]
    bak = path.with_name(path.name + ".bak")
    aside = aside_path(path, "corrupt", now)
    try:
        good = store.load_progress(bak)
    except (DataCorruptError, StorageError):
        good = None

    def fix() -> list[str]:
        os.rename(path, aside)
        changes = [f"moved {path.name} aside to {aside.name}"]
        if good is not None:
            store.write_atomic(path, bak.read_bytes())
            changes.append(f"put back {bak.name} as {path.name}")
        return changes

    if good is not None:
        saved = good.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        plan = f"move it aside as {aside.name} and put back {bak.name} (saved {saved})"
    else:
        plan = (
            f"move it aside as {aside.name} (there is no good {bak.name}); exback then "
            "starts a new progress file, and your answers stay in the moved one"
        )
    return [Finding(path, problem, repair=plan, fix=fix)]


# --- journal.jsonl -----------------------------------------------------------------


def _check_journal(store: Store, now: dt.datetime) -> list[Finding]:
    path = store.journal_path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [Finding(path, f"cannot read it: {exc.strerror}")]
    lines = raw.split(b"\n")
    torn = lines.pop() != b""
    good: list[bytes] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        reason = _line_problem(line)
        if reason is None:
            good.append(line)
        else:
            bad.append((number, reason))
    if bad:
        aside = aside_path(path, "corrupt", now)
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
            os.rename(path, aside)
            store.write_atomic(path, b"".join(line + b"\n" for line in good))
            return [
                f"moved {path.name} aside to {aside.name} (every line is still in it)",
                f"wrote a new {path.name} with the {count(len(good), 'good entry')}",
            ]

        plan = (
            f"move it aside whole as {aside.name}, and write a new {path.name} with the "
            f"{count(len(good), 'good entry')}"
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
    return []


def _line_problem(line: bytes) -> str | None:
    from pydantic import ValidationError

    try:
        JournalEntry.model_validate_json(line)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return f"{where}: {err['msg']}" if where else str(err["msg"])
    return None


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


# --- the report ----------------------------------------------------------------------


def report(store: Store, findings: list[Finding], changes: list[str]) -> dict[str, Any]:
    """The `doctor --json` document; `healthy` is true when no problem remains."""
    problems = [f.to_json() for f in findings if f.problem]
    return {
        "data_dir": str(store.root),
        "exists": store.root.exists(),
        "healthy": not problems,
        "problems": problems,
        "notes": [f.to_json() for f in findings if not f.problem],
        "changes": changes,
    }


def render(ui: UI, data: dict[str, Any]) -> None:
    """The report for a person: problems with their repair, notes, what was changed."""
    from exback.ui import user_text

    out = ui.out
    out.print(user_text(f"Data dir: {data['data_dir']}"), soft_wrap=True)
    if not data["exists"]:
        out.print("Nothing is saved yet: the folder appears with your first answer or note.")
    for change in data["changes"]:
        out.print(user_text(f"  changed: {change}", style="green"), soft_wrap=True)
    for item in data["problems"]:
        line = f"  ✘ {_name(item['path'], data)}: {item['problem']}"
        out.print(user_text(line, style="red"), soft_wrap=True)
        if item["repair"]:
            out.print(user_text(f"      --repair would {item['repair']}"), soft_wrap=True)
    for item in data["notes"]:
        line = f"  • {_name(item['path'], data)}: {item['note']}"
        out.print(user_text(line), soft_wrap=True)
    problems = data["problems"]
    if not problems:
        out.print("All good: nothing to fix.", style="bold")
        return
    fixable = sum(1 for p in problems if p["repair"])
    summary = f"{count(len(problems), 'problem')} found."
    if fixable:
        summary += " Run 'exback doctor --repair' to fix what exback can (it asks first)."
    if fixable < len(problems):
        summary += " The rest need you: see above."
    out.print(summary, style="bold", soft_wrap=True)


def _name(path: str, data: dict[str, Any]) -> str:
    """A file by its name inside the data dir, anything else by its whole path."""
    inside = Path(path).parent == Path(data["data_dir"])
    return Path(path).name if inside else path
