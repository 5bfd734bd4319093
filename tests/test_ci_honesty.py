"""In CI a skipped test is a failure: a browser or a tool the tests need must be installed, never skipped quietly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def run_pytest(folder: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def suite_with_a_skip(tmp_path: Path) -> Path:
    shutil.copy(HERE / "conftest.py", tmp_path / "conftest.py")  # the project's own hooks
    (tmp_path / "test_one.py").write_text(
        "import pytest\n\ndef test_runs():\n    pass\n\ndef test_needs_a_tool():\n    pytest.skip('tool missing')\n"
    )
    return tmp_path


def test_a_skip_fails_the_run_under_ci(suite_with_a_skip: Path):
    result = run_pytest(suite_with_a_skip, ci=True)
    assert result.returncode == 1, result.stdout
    assert "1 test(s) skipped, so this run FAILS" in result.stdout


def test_a_skip_is_only_reported_outside_ci(suite_with_a_skip: Path):
    result = run_pytest(suite_with_a_skip, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
