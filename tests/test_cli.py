"""`postmortem validate` and `postmortem schema`: output formats and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.cli import main

from .conftest import postmortem


@pytest.fixture
def run(site, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(site.root)

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_valid_site_exits_0_with_a_summary(site, run):
    site("a.md", postmortem())
    result = run("validate")
    assert (result.exit_code, result.output) == (0, "1 post-mortem checked, all valid\n")


def test_invalid_documents_exit_1_listing_every_problem(site, run):
    site("a.md", postmortem(severity="P9"))
    site("b.md", postmortem(id="INC-2025-0002", severty="P1"))
    result = run("validate")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "docs/postmortems/a.md:5: severity: 'P9' is not one of P0, P1, P2, P3, P4",
        "docs/postmortems/b.md:7: severty: unknown field 'severty'; did you mean 'severity'?",
        "2 problems in 2 of 2 post-mortems",
    ]


def test_fixing_the_documents_makes_it_exit_0(site, run):
    site("a.md", postmortem(severity="P9"))
    assert run("validate").exit_code == 1
    site("a.md", postmortem(severity="P1"))
    assert run("validate").exit_code == 0


def test_github_format_emits_annotations(site, run):
    site("a.md", postmortem(severity="P9"))
    lines = run("validate", "--format", "github").output.splitlines()
    assert lines[0] == (
        "::error file=docs/postmortems/a.md,line=5,title=severity::severity: 'P9' is not one of P0, P1, P2, P3, P4"
    )


def test_json_format_is_machine_readable(site, run):
    site("a.md", postmortem(severity="P9"))
    data = json.loads(run("validate", "--format", "json").output)
    assert data["valid"] is False and data["checked"] == 1
    assert data["problems"] == [
        {"path": "docs/postmortems/a.md", "line": 5, "field": "severity", "message": "'P9' is not one of P0, P1, P2, P3, P4"}
    ]


def test_explicit_files_resolve_references_against_the_whole_folder(site, run):
    site("a.md", postmortem())
    b = site("b.md", postmortem(id="INC-2025-0002", extra="references: [INC-2025-0001]"))
    result = run("validate", str(b))
    assert (result.exit_code, result.output) == (0, "1 post-mortem checked, all valid\n")


def test_the_template_is_skipped_when_passed_by_pre_commit(site, run):
    template = site("_template.md", "---\nid: INC-YYYY-NNNN\n---\n")
    good = site("a.md", postmortem())
    assert run("validate", str(template), str(good)).exit_code == 0


def test_the_plugin_dir_option_in_mkdocs_yml_is_used(site, run):
    (site.root / "mkdocs.yml").write_text("site_name: T\ndocs_dir: src\nplugins:\n  - postmortem:\n      dir: incidents\n")
    (site.root / "src" / "incidents").mkdir(parents=True)
    (site.root / "src" / "incidents" / "x.md").write_text(postmortem(severity="P7"))
    result = run("validate")
    assert result.exit_code == 1
    assert result.output.startswith("src/incidents/x.md:5: severity")


def test_mkdocs_yml_tags_such_as_python_name_do_not_break_reading(site, run):
    site("a.md", postmortem())
    (site.root / "mkdocs.yml").write_text(
        "site_name: T\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - postmortem\n"
    )
    assert run("validate").exit_code == 0


def test_severities_from_mkdocs_yml_are_used(site, run):
    site("a.md", postmortem(severity="SEV1"))
    (site.root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - postmortem:\n      severities: [SEV1, SEV2]\n")
    assert run("validate").exit_code == 0


def test_an_unknown_plugin_option_is_a_warning_naming_the_option_meant(site, run):
    site("a.md", postmortem())
    (site.root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - postmortem:\n      sevrities: [SEV1]\n")
    result = run("validate")
    assert result.exit_code == 0  # as in `mkdocs build`: a warning, which fails only with --strict
    assert (
        "warning: mkdocs.yml: Plugin 'postmortem' option 'sevrities': Unrecognised configuration name: sevrities"
        " (did you mean 'severities'?)" in result.stderr
    )


def test_a_missing_folder_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "no post-mortem folder at docs/postmortems, and no site: no mkdocs.yml or properdocs.yml" in result.output


def test_files_outside_any_site_are_a_usage_error_that_says_so(tmp_path, monkeypatch):
    """Passing files is no way out when there is no site: the message says what is missing, not "pass the files"."""
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "a.md").write_text("---\nid: INC-1\n---\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "loose/a.md"])
    assert result.exit_code == 2
    assert "no site: no mkdocs.yml or properdocs.yml in loose or a folder above it" in result.output
    assert "name its config with -f" in result.output and "pass the files" not in result.output


def test_a_site_without_its_post_mortem_folder_says_how_to_make_one(tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - postmortem\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "mkdocs.yml: no post-mortem folder at docs/postmortems; create it (`postmortem new`" in result.output


def test_a_missing_path_is_a_usage_error(run):
    assert run("validate", "nope.md").exit_code == 2


def test_schema_prints_the_effective_schema(site, run):
    (site.root / "extra.json").write_text('{"properties": {"team": {"type": "string"}}}')
    (site.root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - postmortem:\n      schema: extra.json\n")
    schema = json.loads(run("schema").output)
    assert schema["properties"]["team"] == {"type": "string"}
    assert "severity" in schema["properties"]


def test_the_console_script_runs_as_a_subprocess(site):
    site("a.md", postmortem(severity="P9"))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", "validate", "--format", "json"],
        cwd=site.root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["problems"][0]["field"] == "severity"


def test_env_tags_in_mkdocs_yml_are_read_like_mkdocs(site, run, monkeypatch):
    site("a.md", postmortem(severity="SEV1"))
    (site.root / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - postmortem:\n      severities: !ENV [PM_LEVELS, [SEV1, SEV2]]\n"
    )
    assert run("validate").exit_code == 0  # the default after the variables: a YAML list
    monkeypatch.setenv("PM_LEVELS", "[SEV1, SEV2]")
    result = run("validate")  # MkDocs reads a variable's value as one YAML scalar: a string, not a list
    assert result.exit_code == 2
    assert "option 'severities': Expected a list of items" in result.output


def test_inherited_plugin_options_are_used(site, run):
    site("a.md", postmortem(severity="SEV1"))
    (site.root / "base.yml").write_text("site_name: T\nplugins:\n  - postmortem:\n      severities: [SEV1]\n")
    (site.root / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: Child\n")
    assert run("validate").exit_code == 0


def test_an_inherit_loop_is_a_usage_error(site, run):
    (site.root / "mkdocs.yml").write_text("INHERIT: mkdocs.yml\n")
    result = run("validate")
    assert result.exit_code == 2 and "loops back" in result.output


def test_validate_imports_neither_the_renderer_nor_jinja_templates_nor_the_markdown_linker(site):
    site("a.md", postmortem())
    code = (
        "import sys\n"
        "from mkdocs_postmortem.cli import main\n"
        "try:\n"
        "    main(['validate'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "unused = ['mkdocs_postmortem.render', 'mkdocs_postmortem.mentions', 'mkdocs_postmortem.assets']\n"
        "unused += ['frontmatter', 'icalendar']\n"
        "unused += ['urllib.request', 'ssl']  # a schema $ref's file path needs urllib.parse alone\n"
        "print([name for name in unused if name in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=site.root, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
