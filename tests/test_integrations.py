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

from mkdocs_postmortem.scaffold import SCHEMA_URL, new_postmortem, template_path

from .conftest import REPO

TEMPLATE = template_path(Path("no-site-here"))  # the starter site's template
RAW_PREFIX = "https://raw.githubusercontent.com/mkdocs-postmortem/mkdocs-postmortem/main/"


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


def test_the_editor_schema_url_resolves_to_the_bundled_schema():
    """The URL in `# yaml-language-server: $schema=` and the schema's $id name this repository's schema file."""
    assert SCHEMA_URL.startswith(RAW_PREFIX)
    local = REPO / SCHEMA_URL.removeprefix(RAW_PREFIX)
    schema = json.loads(local.read_text())
    assert schema["$id"] == SCHEMA_URL
    for path in [REPO / "site-template" / "docs" / "postmortems" / "_template.md"]:
        modeline = re.search(r"# yaml-language-server: \$schema=(\S+)", path.read_text())
        assert modeline and modeline.group(1) == SCHEMA_URL, path
    assert f"$schema={SCHEMA_URL}" in new_postmortem(TEMPLATE.read_text(), "INC-2026-0001", "T", dt.date(2026, 1, 1), "P1", [])


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
