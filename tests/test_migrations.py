"""Schema migrations: pure steps, a real v1 file loads, and its bytes are kept."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

from exback import migrations
from exback.models import SCHEMA_VERSION, Checkin, Progress
from exback.storage import Store

from .conftest import ROOT, run

V1 = ROOT / "tests" / "fixtures" / "progress-v1.json"


def test_migration_v1_to_current_is_pure_and_keeps_everything() -> None:
    data = json.loads(V1.read_text())
    before = copy.deepcopy(data)
    migrated = migrations.migrate(data)
    assert data == before
    assert migrated["schema_version"] == SCHEMA_VERSION
    assert migrated["no_contact"] == {"runs": [before["no_contact"]], "events": []}
    assert migrated["checkins"] == []
    assert migrated["steps"] == before["steps"]
    progress = Progress.model_validate(migrated)
    assert progress.no_contact is not None
    assert progress.no_contact.current.started_on == dt.date(2026, 11, 3)
    assert sorted(migrations.MIGRATIONS) == list(range(1, SCHEMA_VERSION))


def test_migration_without_a_countdown() -> None:
    migrated = migrations.migrate({"schema_version": 1, "no_contact": None})
    assert migrated == {
        "schema_version": SCHEMA_VERSION,
        "no_contact": None,
        "checkins": [],
        "care_log": [],
        "safety_plan": None,
        "letters": [],
    }


def test_migration_v2_to_v3_adds_care_and_the_safety_plan_purely() -> None:
    data = json.loads((ROOT / "tests" / "fixtures" / "progress-v2.json").read_text())
    before = copy.deepcopy(data)
    migrated = migrations.MIGRATIONS[2](data)
    assert data == before
    assert migrated == {**before, "schema_version": 3, "care_log": [], "safety_plan": None}
    assert Progress.model_validate(migrated).care_log == []


def test_v1_file_loads_migrates_and_saves_keeping_the_old_bytes(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    path = data_dir / "progress.json"
    old = V1.read_bytes()
    path.write_bytes(old)
    store = Store(data_dir)
    progress = store.load_progress()
    assert progress is not None
    assert path.read_bytes() == old  # loading alone changes nothing on disk
    assert progress.steps["understand"].answers["clarity"].value == 6
    moment = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.timezone.utc)
    progress.checkins.append(Checkin(on=moment.date(), at=moment, mood=5, urge=4))
    with store.lock():
        store.save_progress(progress)
    kept = data_dir / "progress.json.v1.bak"
    assert kept.read_bytes() == old
    assert kept.stat().st_mode & 0o777 == 0o600
    saved = json.loads(path.read_text())
    assert saved["schema_version"] == SCHEMA_VERSION
    assert saved["no_contact"]["runs"][0]["started_on"] == "2026-11-03"
    assert store.load_progress() == progress
    with store.lock():
        store.save_progress(progress)  # later saves leave the v1 copy alone
    assert kept.read_bytes() == old


def test_status_on_a_v1_file_reads_it_and_writes_nothing(runner, data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    (data_dir / "progress.json").write_bytes(V1.read_bytes())
    result = run(runner, "status", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["no_contact"]["started_on"] == "2026-11-03"
    # the v1 file as it was (the memo of what status printed is all that is new)
    assert sorted(p.name for p in data_dir.iterdir()) == [".memo.json", "progress.json"]
    assert (data_dir / "progress.json").read_bytes() == V1.read_bytes()


def test_a_fixture_exists_for_every_schema_and_each_loads(data_dir: Path) -> None:
    fixtures = sorted((ROOT / "tests" / "fixtures").glob("progress-v*.json"))
    versions = [int(p.stem.removeprefix("progress-v")) for p in fixtures]
    assert versions == list(range(1, SCHEMA_VERSION + 1))
    for fixture in fixtures:
        folder = data_dir / fixture.stem
        folder.mkdir(parents=True)
        (folder / "progress.json").write_bytes(fixture.read_bytes())
        progress = Store(folder).load_progress()
        assert progress is not None and progress.schema_version == SCHEMA_VERSION
        assert progress.steps["understand"].answers["clarity"].value == 6


def test_migration_v3_to_v4_adds_the_letters_vault_purely() -> None:
    data = json.loads((ROOT / "tests" / "fixtures" / "progress-v3.json").read_text())
    before = copy.deepcopy(data)
    migrated = migrations.MIGRATIONS[3](data)
    assert data == before
    assert migrated == {**before, "schema_version": 4, "letters": []}
    progress = Progress.model_validate(migrated)
    assert progress.letters == []
    assert progress.no_contact is not None
    assert all(e.outcome is None and e.triggers == [] for e in progress.no_contact.events)
