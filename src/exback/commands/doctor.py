"""`exback doctor`: diagnose the data dir, ask before repairing, repair, report.

The checks and repairs themselves are checkup.py; the view is render.doctor_report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exback import checkup
from exback.errors import StorageError

if TYPE_CHECKING:
    from exback.storage import Store

Report = dict[str, Any]
"""The `doctor --json` document (see `report`)."""


@dataclass
class DoctorResult:
    """What doctor found, and changed; `declined` when the person said no to repairs."""

    report: Report
    declined: bool = False

    @property
    def healthy(self) -> bool:
        return bool(self.report["healthy"]) and not self.declined


def run_doctor(
    store: Store,
    now: Callable[[], dt.datetime],
    *,
    repair: bool = False,
    confirm: Callable[[Report], bool] | None = None,
) -> DoctorResult:
    """Check the data dir; with `repair`, fix what can be fixed, then check again.

    Before repairing, `confirm` is given the report (problems with what --repair would
    do) and says whether to go on; without it (--yes) the repairs go ahead. Declined:
    nothing is changed. Exit 4 when another exback holds the lock.
    """
    findings = checkup.diagnose(store, now())
    changes: list[str] = []
    if repair and any(f.fix for f in findings):
        if confirm is not None and not confirm(report(store, findings, [])):
            return DoctorResult(report(store, findings, []), declined=True)
        changes = repair_all(store, now())
        findings = checkup.diagnose(store, now())
    return DoctorResult(report(store, findings, changes))


def repair_all(store: Store, now: dt.datetime) -> list[str]:
    """Apply every repair doctor knows, under the lock; return what was changed.

    Each round fixes at most one thing per file, then looks again, so that one
    `doctor --repair` finishes what one repair makes visible (an interrupted
    restore, then the files it wrote).
    """
    if checkup.foreign(store):
        raise StorageError(
            f"{store.root} belongs to another user; doctor repairs only a folder you own. "
            "Nothing was changed; pass --data-dir to name your own"
        )
    changes: list[str] = []
    try:
        changes += checkup.fix_folder_mode(store)  # first: an unwritable folder holds no lock
        with store.lock():
            for _ in range(checkup.MAX_ROUNDS):
                done: set[Path] = set()
                made: list[str] = []
                for finding in checkup.diagnose(store, now, check_lock=False):
                    if finding.fix is not None and finding.path not in done:
                        done.add(finding.path)
                        made.extend(finding.fix())
                changes.extend(made)
                if not made:
                    break
    except OSError as exc:
        raise StorageError(
            f"cannot repair {store.root}: {exc.strerror or exc} ({exc.filename or store.root}); "
            f"done so far: {'; '.join(changes) or 'nothing'}"
        ) from None
    return changes


def report(store: Store, findings: list[checkup.Finding], changes: list[str]) -> Report:
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
