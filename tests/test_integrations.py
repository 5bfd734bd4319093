"""What teams wire the validator into: pre-commit, editors, CI files in the starter site."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_postmortem import __version__
from mkdocs_postmortem.scaffold import init_site, new_postmortem, template_path, template_text
from mkdocs_postmortem.schema import SCHEMA_URL, bundled_schema, bundled_schema_path

from .conftest import REPO

TEMPLATE = template_path(Path("no-site-here"))  # the starter site's template
#: The project's repository, as pyproject.toml names it.
SOURCE = re.search(r'^Source = "(.+)"$', (REPO / "pyproject.toml").read_text(), re.MULTILINE)[1]  # type: ignore[index]
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


STARTER = REPO / "site-template"
WORKFLOWS = STARTER / ".github" / "workflows"
#: Each CI file of the starter site, and the schema check-jsonschema vendors for it (--builtin-schema: no network).
CI_FILES = {
    WORKFLOWS / "postmortems.yml": "vendor.github-workflows",
    WORKFLOWS / "overdue-actions.yml": "vendor.github-workflows",
    STARTER / ".gitlab-ci.yml": "vendor.gitlab-ci",
}


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema (a test dependency: never skipped) against a schema it ships."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def run_steps(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in job["steps"])


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


@pytest.mark.parametrize("path", list(CI_FILES), ids=lambda p: p.name)
def test_the_starter_sites_ci_files_follow_their_published_schemas(path: Path):
    result = check_jsonschema(CI_FILES[path], path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("schema", "broken"),
    [
        ("vendor.github-workflows", "on: [pull_request]\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps: run this\n"),
        ("vendor.gitlab-ci", "validate:\n  stage: check\n  script: 42\n  rules: always\n"),
    ],
)
def test_the_schema_check_of_ci_files_can_fail(tmp_path: Path, schema: str, broken: str):
    (tmp_path / "ci.yml").write_text(broken)
    assert check_jsonschema(schema, tmp_path / "ci.yml").returncode == 1


def test_the_github_workflow_validates_and_builds_every_pull_request():
    workflow = yaml.safe_load((WORKFLOWS / "postmortems.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}  # the least, everywhere but the deploy job
    check = workflow["jobs"]["check"]
    assert "if" not in check
    steps = run_steps(check)
    assert "postmortem validate --format github" in steps and "mkdocs build --strict" in steps
    assert steps.index("postmortem validate") < steps.index("mkdocs build")


def test_the_github_workflow_deploys_to_pages_from_main_only():
    workflow = yaml.safe_load((WORKFLOWS / "postmortems.yml").read_text())
    on_main = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    check, deploy = workflow["jobs"]["check"], workflow["jobs"]["deploy"]
    (upload,) = [s for s in check["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload["if"] == on_main and upload["with"] == {"path": "site"}  # what `mkdocs build` wrote
    assert deploy["if"] == on_main and deploy["needs"] == "check"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert uses(deploy) == ["actions/deploy-pages"]


def test_the_gitlab_pipeline_validates_builds_and_publishes_pages_from_the_default_branch():
    pipeline = yaml.safe_load((STARTER / ".gitlab-ci.yml").read_text())
    assert pipeline["validate"]["script"] == ["postmortem validate --format text"]
    assert pipeline["build"]["script"] == ["mkdocs build --strict"]
    pages = pipeline["pages"]
    assert pages["needs"] == ["validate", "build"] and pages["script"] == ["mkdocs build --strict"]
    assert pages["pages"]["publish"] == "site" and pages["artifacts"]["paths"] == ["site"]
    (rule,) = pages["rules"]
    assert "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" in rule["if"]
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in pipeline["workflow"]["rules"]


def overdue_commands() -> list[str]:
    workflow = yaml.safe_load((WORKFLOWS / "overdue-actions.yml").read_text())
    assert workflow[True]["schedule"][0]["cron"] == "0 7 * * 1"
    github = [line.strip() for line in run_steps(workflow["jobs"]["overdue"]).splitlines() if "postmortem actions" in line]
    gitlab = yaml.safe_load((STARTER / ".gitlab-ci.yml").read_text())["overdue-actions"]
    assert gitlab["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    return [line.split(" >")[0] for line in github] + gitlab["script"]


@pytest.mark.parametrize("as_of", ["2026-01-05", "2024-01-01"])
def test_the_scheduled_overdue_jobs_fail_exactly_when_an_action_is_overdue(as_of: str, monkeypatch: pytest.MonkeyPatch):
    """The command both scheduled jobs run, on the starter site: exit 1 with overdue actions, else 0."""
    from click.testing import CliRunner

    from mkdocs_postmortem.cli import main

    monkeypatch.chdir(STARTER)
    commands = overdue_commands()
    assert len(commands) == 2
    for command in commands:
        result = CliRunner().invoke(main, [*shlex.split(command)[1:], "--as-of", as_of])
        overdue = as_of == "2026-01-05"  # INC-2025-0003's action was due 2025-06-30; none was due before 2024
        assert result.exit_code == (1 if overdue else 0), result.output
        assert ("INC-2025-0003" in result.output) is overdue


def test_the_overdue_workflow_opens_an_issue_only_when_actions_are_overdue():
    workflow = yaml.safe_load((WORKFLOWS / "overdue-actions.yml").read_text())
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    report, issue = workflow["jobs"]["overdue"]["steps"][-2:]
    assert report["id"] == "report" and 'echo "status=$status" >> "$GITHUB_OUTPUT"' in report["run"]
    assert issue["if"] == "failure() && steps.report.outputs.status == '1'"  # 1: overdue; 2 (a usage error) opens none
    assert "gh issue create" in issue["run"] and "gh issue comment" in issue["run"]


def test_the_starter_site_installs_this_release_from_its_git_tag():
    """Until the package index has it, every CI file installs requirements.txt: this release's tag."""
    from packaging.requirements import Requirement

    lines = [line for line in (STARTER / "requirements.txt").read_text().splitlines() if line and not line.startswith("#")]
    requirements = {Requirement(line).name: Requirement(line) for line in lines}
    assert requirements["mkdocs-postmortem"].url == f"git+{SOURCE}@v{__version__}"
    assert "mkdocs-material" in requirements
    for path in CI_FILES:
        installs = [line for line in path.read_text().splitlines() if "pip install" in line]
        assert installs and all("-r requirements.txt" in line for line in installs), path


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


BAD = "---\nid: INC-2025-0001\ntitle: T\ndate: 2025-01-01\nseverity: P9\nstatus: draft\n---\n"
GOOD = "---\nid: INC-2025-0002\ntitle: T\ndate: 2025-01-01\nseverity: P1\nstatus: draft\nreferences: [INC-2025-0003]\n---\n"


@pytest.mark.parametrize(
    ("config", "folder", "args"),
    [
        # a site in a subfolder, configured by properdocs.yml, post-mortems in docs/incidents/
        ("handbook/properdocs.yml", "handbook/docs/incidents", []),
        # a config by another name, beside the content rather than above it: --config-file (the hook's args:)
        ("sites/lessons.yml", "content/incidents", ["--config-file", "sites/lessons.yml"]),
    ],
)
def test_the_hook_command_works_in_other_layouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, folder: str, args: list[str]
):
    """What the pre-commit recipe's `files:` and `args:` overrides make the hook run, from the repository's root:
    the changed files are checked against the rest of their site; index.md and _template.md are skipped."""
    from click.testing import CliRunner

    from mkdocs_postmortem.cli import main

    docs_dir = os.path.relpath(tmp_path / folder.rsplit("/", 1)[0], tmp_path / config.rsplit("/", 1)[0])
    (tmp_path / config).parent.mkdir(parents=True)
    (tmp_path / config).write_text(f"site_name: H\ndocs_dir: {docs_dir}\nplugins:\n  - postmortem:\n      dir: incidents\n")
    (tmp_path / folder).mkdir(parents=True)
    for name, text in {"a.md": BAD, "b.md": GOOD, "c.md": GOOD.replace("0002", "0003").replace("0003]", "0002]")}.items():
        (tmp_path / folder / name).write_text(text)
    (tmp_path / folder / "index.md").write_text("# Incidents\n")
    monkeypatch.chdir(tmp_path)
    changed = [f"{folder}/b.md", f"{folder}/index.md"]  # b refers to c, which this commit does not change
    assert CliRunner().invoke(main, ["validate", *args, *changed]).exit_code == 0
    result = CliRunner().invoke(main, ["validate", *args, f"{folder}/a.md", *changed])
    assert result.exit_code == 1
    assert result.output.startswith(f"{folder}/a.md:5: severity: 'P9' is not one of")


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


def test_the_calendar_recipe_gives_the_addresses_the_build_writes_the_feeds_at():
    from mkdocs_postmortem.config import default_settings
    from mkdocs_postmortem.outputs import ACTIONS_ICS, OWNER_FEEDS, owner_feed

    text = (REPO / "docs" / "recipes" / "calendar.md").read_text()
    folder = default_settings().dir
    assert f"https://<your site>/{folder}/{ACTIONS_ICS} " in text
    assert f"https://<your site>/{folder}/{OWNER_FEEDS}/{owner_feed('Dev Team')} " in text
