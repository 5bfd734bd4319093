"""The wheel, installed in a fresh virtual environment, carries everything it needs.

Run from the installed package, not the source tree, so a schema, template or
asset missing from the package data fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from mkdocs_postmortem import __version__

from .conftest import REPO, postmortem

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(REPO)], check=True, capture_output=True
    )
    (wheel,) = (work / "dist").glob("mkdocs_postmortem-*.whl")
    venv.create(work / "venv", with_pip=True)
    pip = work / "venv" / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheel), "mkdocs-material"], check=True, capture_output=True)
    return work / "venv" / "bin"


def run(bin_dir: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1", "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False)


def test_the_installed_package_is_not_the_source_tree(installed: Path, tmp_path: Path):
    where = run(installed, [str(installed / "python"), "-c", "import mkdocs_postmortem as m; print(m.__file__)"], tmp_path)
    assert "site-packages" in where.stdout and str(REPO) not in where.stdout


def test_installed_validate_uses_the_packaged_schema(installed: Path, site):
    site("a.md", postmortem(severity="P9"))
    result = run(installed, ["postmortem", "validate"], site.root)
    assert result.returncode == 1, result.stderr
    assert "severity: 'P9' is not one of P0, P1, P2, P3, P4" in result.stdout
    site("a.md", postmortem())
    assert run(installed, ["postmortem", "validate"], site.root).returncode == 0


def test_installed_init_new_and_build_use_the_packaged_starter_site(installed: Path, tmp_path: Path):
    assert run(installed, ["postmortem", "init", "site"], tmp_path).returncode == 0
    site = tmp_path / "site"
    assert (site / ".github" / "workflows" / "postmortems.yml").is_file()
    new = run(installed, ["postmortem", "new", "Disk full", "--severity", "P1"], site)
    assert new.returncode == 0, new.stderr
    assert (site / new.stdout.strip()).read_text().startswith("---\n# yaml-language-server")
    result = run(installed, ["mkdocs", "build", "--strict"], site)
    assert result.returncode == 0, result.stderr
    assert (site / "site" / "postmortems" / "actions" / "index.html").is_file()
    assert (site / "site" / "assets" / "postmortem" / "postmortem.css").is_file()
    assert (site / "site" / "assets" / "postmortem" / "postmortem.js").is_file()


def test_pip_installs_a_release_from_its_git_tag(tmp_path: Path):
    """What the README and the starter site's requirements.txt say until the package index has it:
    `mkdocs-postmortem @ git+<repository>@v<version>` (here a local clone, tagged as the release would be)."""
    clone = tmp_path / "mkdocs-postmortem"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "tag", "-f", f"v{__version__}"], check=True, capture_output=True)
    requirement = f"mkdocs-postmortem @ git+file://localhost{clone}@v{__version__}"
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", str(tmp_path / "out"), requirement]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "out").glob(f"mkdocs_postmortem-{__version__}-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "mkdocs_postmortem/schema/postmortem.schema.json" in names
    assert "mkdocs_postmortem/site_template/requirements.txt" in names


def test_the_installed_package_ships_the_schema_of_incidents_json(installed: Path, tmp_path: Path):
    code = (
        "from mkdocs_postmortem.schema import INCIDENTS_SCHEMA_NAME, bundled_schema_path as p; "
        "print(p(INCIDENTS_SCHEMA_NAME).is_file(), 'site-packages' in str(p(INCIDENTS_SCHEMA_NAME)))"
    )
    assert run(installed, [str(installed / "python"), "-c", code], tmp_path).stdout.split() == ["True", "True"]
