"""Ordered pure migrations of progress.json: MIGRATIONS[n] turns schema n into n + 1.

Each takes the decoded JSON object of one version and returns a new object of
the next; none changes its input or touches a file. Shapes they do not
recognise are passed on unchanged, for the model validation to report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exback.models import SCHEMA_VERSION


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """v1 kept one countdown {started_on, days, started_at}; v2 keeps every run and event."""
    out = dict(data)
    old = data.get("no_contact")
    if isinstance(old, dict):
        out["no_contact"] = {"runs": [dict(old)], "events": []}
    out.setdefault("checkins", [])
    out["schema_version"] = 2
    return out


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """v3 adds the care responses shown (`care_log`) and the person's `safety_plan`."""
    out = dict(data)
    out.setdefault("care_log", [])
    out.setdefault("safety_plan", None)
    out["schema_version"] = 3
    return out


def _v3_to_v4(data: dict[str, Any]) -> dict[str, Any]:
    """v4 adds the letters vault (`letters`); urge events may carry an outcome (all optional)."""
    out = dict(data)
    out.setdefault("letters", [])
    out["schema_version"] = 4
    return out


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """`data` brought from its schema_version up to SCHEMA_VERSION, one step at a time."""
    version = data["schema_version"]
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    return data
