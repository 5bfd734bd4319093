"""Real `mkdocs build` runs of small sites: the plugin fails on invalid post-mortems and passes valid ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import postmortem

pytestmark = pytest.mark.slow


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


def test_a_valid_site_builds_strict(site):
    site("a.md", postmortem())
    result = build(site.root, "--strict")
    assert result.returncode == 0, result.stderr
    assert (site.root / "site" / "postmortems" / "a" / "index.html").is_file()


def test_an_invalid_site_fails_naming_every_bad_file_in_cli_words(site):
    site("a.md", postmortem(severity="P9"))
    site("b.md", "no front matter here\n")
    site("c.md", postmortem(id="INC-2025-0003"))
    result = build(site.root)
    assert result.returncode == 1
    assert "docs/postmortems/a.md:5: severity: 'P9' is not one of P0, P1, P2, P3, P4" in result.stderr
    assert "docs/postmortems/b.md:1: no front matter" in result.stderr
    assert "c.md" not in result.stderr
    assert "2 problems in 2 of 3 post-mortems" in result.stderr


def test_on_invalid_warn_builds_but_strict_still_fails(site):
    (site.root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - postmortem:\n      on_invalid: warn\n")
    site("a.md", postmortem(severity="P9"))
    relaxed = build(site.root)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "WARNING" in relaxed.stderr and "a.md:5: severity" in relaxed.stderr
    assert build(site.root, "--strict").returncode == 1


def test_a_bad_schema_option_fails_the_build_clearly(site):
    (site.root / "extra.json").write_text('{"required": ["team"]}')
    (site.root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - postmortem:\n      schema: extra.json\n")
    result = build(site.root)
    assert result.returncode == 1
    assert "team" in result.stderr and "no property" in result.stderr
