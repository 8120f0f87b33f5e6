"""`exback doctor`: diagnose the data dir, ask before repairing, repair, report.

The checks and repairs themselves are checkup.py; the view is render.doctor_report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exback import checkup

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
        changes = checkup.repair(store, now())
        findings = checkup.diagnose(store, now())
    return DoctorResult(report(store, findings, changes))


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
