"""A plain, non-editable install ships the content inside the wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_wheel_installs_and_validates_its_content(tmp_path: Path) -> None:
    uv = shutil.which("uv")
    dist = tmp_path / "dist"
    if uv:
        build = [uv, "build", "--wheel", "--out-dir", str(dist), str(ROOT)]
    else:
        build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(ROOT)]
    subprocess.run(build, check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("exback-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=not uv)
    python = env_dir / "bin" / "python"
    if uv:
        install = [uv, "pip", "install", "--python", str(python), str(wheel)]
    else:
        install = [str(python), "-m", "pip", "install", str(wheel)]
    subprocess.run(install, check=True, capture_output=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXBACK_", "VIRTUAL_ENV"))}
    env["EXBACK_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [str(env_dir / "bin" / "exback"), "content", "validate"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "site-packages/exback/content: valid" in result.stdout
    assert "help_now.yaml, care_phrases.yaml" in result.stdout  # both ship in the wheel
