"""What teams wire the validator into: pre-commit, editors, CI files in the starter site."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mkdocs_postmortem import __version__
from mkdocs_postmortem.scaffold import init_site, new_postmortem, template_path, template_text
from mkdocs_postmortem.schema import SCHEMA_URL, bundled_schema, bundled_schema_path

from .conftest import REPO

TEMPLATE = template_path(Path("no-site-here"))  # the starter site's template
RAW_PREFIX = "https://raw.githubusercontent.com/mkdocs-postmortem/mkdocs-postmortem/"


def test_the_pre_commit_hook_runs_the_console_script_on_post_mortems_only():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "postmortem-validate"
    assert hook["entry"] == "postmortem validate"
    assert hook["language"] == "python"
    scripts = re.search(r"\[project\.scripts\]\s*\n(.*?)\n\n", (REPO / "pyproject.toml").read_text(), re.S)
    assert scripts and scripts.group(1).startswith("postmortem = ")
    pattern = re.compile(hook["files"])
    assert pattern.search("docs/postmortems/inc-2025-0042.md")
    assert pattern.search("docs/postmortems/2025/inc-2025-0042.md")
    assert not pattern.search("docs/index.md") and not pattern.search("docs/postmortems/notes.txt")


def test_the_starter_sites_pre_commit_config_names_this_hook():
    config = yaml.safe_load((REPO / "site-template" / ".pre-commit-config.yaml").read_text())
    hooks = [h["id"] for repo in config["repos"] for h in repo["hooks"]]
    assert "postmortem-validate" in hooks


def test_the_schema_url_names_this_releases_tag_and_the_bundled_schema_file():
    """The `$id` and the editor modeline follow the package version (its one home), never a branch."""
    prefix = f"{RAW_PREFIX}v{__version__}/"
    assert SCHEMA_URL.startswith(prefix)
    assert (REPO / SCHEMA_URL.removeprefix(prefix)).resolve() == bundled_schema_path().resolve()
    assert bundled_schema()["$id"] == SCHEMA_URL
    assert "$id" not in json.loads(bundled_schema_path().read_text())  # the version is not written twice


def test_new_writes_the_modeline_of_the_installed_release():
    text = new_postmortem(template_text(TEMPLATE), "INC-2026-0001", "T", dt.date(2026, 1, 1), "P1", [])
    assert text.startswith(f"---\n# yaml-language-server: $schema={SCHEMA_URL}\n")
    assert text.count("yaml-language-server") == 1


def test_new_brings_an_older_releases_modeline_up_to_date_and_keeps_a_sites_own():
    old = f"---\n# yaml-language-server: $schema={RAW_PREFIX}main/schema/postmortem.schema.json\nid: X-1\n---\n"
    assert f"$schema={SCHEMA_URL}\n" in new_postmortem(old, "INC-2026-0001", "T", dt.date(2026, 1, 1), "P1", [])
    own = "---\n# yaml-language-server: $schema=https://lessons.example.com/schema.json\nid: X-1\n---\n"
    text = new_postmortem(own, "INC-2026-0001", "T", dt.date(2026, 1, 1), "P1", [])
    assert "$schema=https://lessons.example.com/schema.json\n" in text and SCHEMA_URL not in text
    bare = new_postmortem("---\nid: X-1\n---\n", "INC-2026-0001", "T", dt.date(2026, 1, 1), "P1", [])
    assert "yaml-language-server" not in bare  # a site's own template without one: the site may have its own fields


def test_init_writes_the_modeline_of_the_installed_release_into_the_sites_template(tmp_path: Path):
    init_site(tmp_path / "site")
    template = (tmp_path / "site" / "docs" / "postmortems" / "_template.md").read_text()
    assert template.startswith(f"---\n# yaml-language-server: $schema={SCHEMA_URL}\n")


def test_the_yaml_language_server_accepts_a_new_post_mortem_against_the_schema(tmp_path: Path):
    """What an editor does with the modeline: validate the front matter against the schema it names."""
    from jsonschema import Draft202012Validator

    text = new_postmortem(TEMPLATE.read_text(), "INC-2026-0001", "DB failover", dt.date(2026, 1, 1), "P1", ["db"])
    front = yaml.safe_load(text.split("---\n")[1])
    front = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in front.items()}
    schema = json.loads((REPO / "schema" / "postmortem.schema.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors(front)) == []


def test_the_ci_examples_run_validate_and_a_strict_build():
    github = yaml.safe_load((REPO / "site-template" / ".github" / "workflows" / "postmortems.yml").read_text())
    steps = " ".join(str(s.get("run", "")) for job in github["jobs"].values() for s in job["steps"])
    assert "postmortem validate --format github" in steps and "mkdocs build --strict" in steps
    gitlab = (REPO / "site-template" / ".gitlab-ci.yml").read_text()
    yaml.safe_load(gitlab)
    assert "postmortem validate" in gitlab and "mkdocs build --strict" in gitlab


def test_pre_commit_runs_the_hook_from_this_repository(tmp_path: Path):
    """`pre-commit try-repo` installs this repository as a hook (pre-commit is a test dependency: never skipped)."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "docs" / "postmortems").mkdir(parents=True)
    (tmp_path / "docs" / "postmortems" / "bad.md").write_text(
        "---\nid: INC-2025-0001\ntitle: T\ndate: 2025-01-01\nseverity: P9\nstatus: draft\n---\n"
    )
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / ".pre-commit-cache")}  # a fresh hook install
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "postmortem-validate", "--all-files"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert result.returncode == 1
    assert "severity: 'P9' is not one of" in result.stdout


def test_the_vs_code_task_puts_validate_output_on_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from click.testing import CliRunner

    from mkdocs_postmortem.cli import main

    text = (REPO / "site-template" / ".vscode" / "tasks.json").read_text()
    task = json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))["tasks"][0]
    assert task["command"] == "postmortem validate"
    matcher = task["problemMatcher"]["pattern"]
    (tmp_path / "docs" / "postmortems").mkdir(parents=True)
    (tmp_path / "docs" / "postmortems" / "a.md").write_text(
        "---\nid: INC-2025-0001\ntitle: T\ndate: 2025-01-01\nseverity: P9\nstatus: draft\n---\n"
    )
    monkeypatch.chdir(tmp_path)
    output = CliRunner().invoke(main, ["validate"]).output.splitlines()
    match = re.match(matcher["regexp"], output[0])
    assert match is not None
    assert (match.group(matcher["file"]), match.group(matcher["line"])) == ("docs/postmortems/a.md", "5")
    assert match.group(matcher["message"]).startswith("severity: 'P9' is not one of")
    assert re.match(matcher["regexp"], output[-1]) is None  # the summary line is not a problem
