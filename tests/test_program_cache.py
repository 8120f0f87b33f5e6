"""The cache of the validated program: used when current, never trusted otherwise."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from exback import program_cache

from .conftest import CONTENT, run


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "exback").glob("program-*.json"))


def title(runner, content: Path) -> str:
    result = run(runner, "--content-dir", str(content), "status", "--json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["program"]["title"])


def lines(path: Path) -> list[bytes]:
    """The cache's three lines: the key, the compiled care phrases, the program."""
    return path.read_bytes().split(b"\n", 2)


def doctor_cache(path: Path, new_title: str) -> None:
    """Rewrite the cached program's title, keeping the cache key (so it stays current)."""
    key, care, body = lines(path)
    program = json.loads(body)
    program["title"] = new_title
    path.write_bytes(b"\n".join([key, care, json.dumps(program).encode()]))


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
    cached.write_bytes(b"\x80\x05not a cache")
    assert title(runner, content) == real
    assert json.loads(lines(cached)[2])["title"] == real


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


def test_the_cache_is_data_never_code(runner, content: Path, tmp_path: Path) -> None:
    title(runner, content)
    [cached] = cache_files(tmp_path)
    key, care, body = lines(cached)
    assert json.loads(key)[0] == 3 and json.loads(body)["steps"]
    phrases, near_misses = json.loads(care)  # each [source, anchor words, anchor prefixes]
    assert all(isinstance(p[0], str) for p in phrases + near_misses) and len(phrases) > 100
    assert b"pickle" not in Path(program_cache.__file__).read_bytes()


def test_a_stale_key_is_checked_before_the_rest_is_read(
    runner, content: Path, tmp_path: Path
) -> None:
    real = title(runner, content)
    [cached] = cache_files(tmp_path)
    cached.write_bytes(b'["not the key"]\n' + b"[" * 100_000)  # would be costly to parse
    assert title(runner, content) == real


def test_a_symlinked_cache_file_is_never_followed(runner, content: Path, tmp_path: Path) -> None:
    real = title(runner, content)
    [cached] = cache_files(tmp_path)
    planted = tmp_path / "planted.json"
    doctor_cache(cached, "planted")
    cached.rename(planted)
    cached.symlink_to(planted)
    assert title(runner, content) == real
    fifo = cached.with_name("fifo")
    cached.unlink()
    os.mkfifo(fifo)
    fifo.rename(cached)  # a FIFO would hang a reader that does not check
    assert title(runner, content) == real


@pytest.mark.parametrize("mode", [0o770, 0o707])
def test_a_cache_folder_others_can_write_is_not_used(
    runner, content: Path, tmp_path: Path, mode: int
) -> None:
    real = title(runner, content)
    [cached] = cache_files(tmp_path)
    doctor_cache(cached, "planted")
    cached.parent.chmod(mode)
    assert title(runner, content) == real
    assert "planted" in cached.read_text()  # and it is not rewritten there either


def test_a_foreign_cache_folder_is_not_used(runner, content: Path, tmp_path: Path) -> None:
    real = title(runner, content)
    [cached] = cache_files(tmp_path)
    doctor_cache(cached, "planted")
    os.chown(cached.parent, 65534, 65534)
    assert title(runner, content) == real


def test_new_cache_folders_are_private_whatever_the_umask(
    runner, content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "deep" / "cache"))
    old = os.umask(0)
    try:
        title(runner, content)
    finally:
        os.umask(old)
    for folder in (tmp_path / "deep", tmp_path / "deep" / "cache", tmp_path / "deep/cache/exback"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder


@pytest.mark.parametrize("care", [b"null", b"[[], []]", b"[1, 2]", b"{"])
def test_a_note_is_matched_with_the_cached_phrases_and_never_missed_without_them(
    runner, content: Path, tmp_path: Path, care: bytes
) -> None:
    title(runner, content)
    [cached] = cache_files(tmp_path)
    note = ["--content-dir", str(content), "journal", "add", "i want to end my life"]
    assert "exback help-now" in run(runner, *note).stderr  # the compiled line
    key, _, body = lines(cached)
    cached.write_bytes(b"\n".join([key, care, body]))
    # an empty list matches nothing; anything else unreadable: the program's own phrases
    said = "exback help-now" in run(runner, *note).stderr
    assert said == (care != b"[[], []]")
