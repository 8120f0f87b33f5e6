"""The cache of the validated program: used when current, never trusted otherwise."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from .conftest import CONTENT, run


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "exback").glob("program-*.pickle"))


def title(runner, content: Path) -> str:
    result = run(runner, "--content-dir", str(content), "status", "--json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["program"]["title"])


def doctor_cache(path: Path, new_title: str) -> None:
    """Rewrite the cached program's title, keeping the cache key (so it stays current)."""
    stored = pickle.loads(path.read_bytes())
    stored["program"] = stored["program"].model_copy(update={"title": new_title})
    path.write_bytes(pickle.dumps(stored))


def test_status_fills_the_cache_then_uses_it(runner, content: Path, tmp_path: Path) -> None:
    title(runner, content)
    [cached] = cache_files(tmp_path)
    assert cached.stat().st_mode & 0o777 == 0o600
    doctor_cache(cached, "served from the cache")
    assert title(runner, content) == "served from the cache"


def test_content_validate_never_uses_the_cache(runner, content: Path, tmp_path: Path) -> None:
    title(runner, content)
    doctor_cache(cache_files(tmp_path)[0], "served from the cache")
    result = run(runner, "content", "validate", str(content))
    assert result.exit_code == 0
    assert "served from the cache" not in result.stdout
    assert "Getting through a breakup" in result.stdout


def test_a_cache_others_could_write_is_not_loaded(runner, content: Path, tmp_path: Path) -> None:
    real = title(runner, content)
    [cached] = cache_files(tmp_path)
    doctor_cache(cached, "planted")
    cached.chmod(0o620)  # group-writable: someone else could have put code in it
    assert title(runner, content) == real


def test_an_edited_content_file_is_read_again(runner, content: Path) -> None:
    title(runner, content)
    program = content / "program.yaml"
    program.write_text(program.read_text().replace("title: Getting", "title: Still getting", 1))
    assert title(runner, content).startswith("Still getting")


def test_content_made_invalid_after_caching_is_exit_2(runner, content: Path) -> None:
    title(runner, content)
    step = content / "steps" / "understand.yaml"
    step.write_text(step.read_text() + "\nbogus_key: 1\n")
    result = run(runner, "--content-dir", str(content), "status")
    assert result.exit_code == 2
    assert "understand.yaml" in result.stderr and "bogus_key" in result.stderr


def test_a_new_step_file_is_noticed(runner, content: Path) -> None:
    title(runner, content)
    shutil.copy(content / "steps" / "understand.yaml", content / "steps" / "extra.yaml")
    result = run(runner, "--content-dir", str(content), "status")
    assert result.exit_code == 2 and "extra.yaml" in result.stderr


def test_a_damaged_cache_is_rebuilt(runner, content: Path, tmp_path: Path) -> None:
    real = title(runner, content)
    [cached] = cache_files(tmp_path)
    cached.write_bytes(b"\x80\x05not a pickle")
    assert title(runner, content) == real
    assert pickle.loads(cached.read_bytes())["program"].title == real


def test_an_unwritable_cache_dir_is_no_error(
    runner, content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert title(runner, content).startswith("Getting through")
    assert blocker.read_text() == ""


def test_corrupt_progress_is_still_exit_3_with_a_warm_cache(runner, data_dir: Path) -> None:
    assert run(runner, "status").exit_code == 0
    data_dir.mkdir()
    (data_dir / "progress.json").write_text("{not json")
    result = run(runner, "status")
    assert result.exit_code == 3 and "progress.json:1:2" in result.stderr
    assert os.listdir(data_dir) == ["progress.json"]
