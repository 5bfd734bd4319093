"""The reference documentation is generated from the code (mkdocs_postmortem/docgen.py, docs/hooks.py):
every field, option and command is in it, with what the code says about it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from mkdocs_postmortem import docgen
from mkdocs_postmortem.catalog import DURATIONS
from mkdocs_postmortem.check import CROSS_FILE_RULES
from mkdocs_postmortem.cli import main
from mkdocs_postmortem.config import PostmortemConfig
from mkdocs_postmortem.schema import TIMING_ORDER, bundled_schema

from .conftest import REPO
from .links import check_site


def test_every_field_of_the_schema_is_in_the_format_reference_with_its_type_and_allowed_values():
    table = docgen.format_fields()
    rows = {line.split(" | ")[0].strip("| `"): line for line in table.splitlines()[2:]}
    schema = bundled_schema()
    assert set(schema["properties"]) <= set(rows)
    assert {"impact.type", "actions[].owner", "review.sign_off[].role", "references[].relation"} <= set(rows)
    assert "string: `P0`, `P1`, `P2`, `P3`, `P4` | yes |" in rows["severity"]
    assert "date (`YYYY-MM-DD`)" in rows["date"]
    assert "| if open |" in rows["actions[].owner"]  # required while the action is open
    assert "from `in-review` on" in rows["summary"] and "from `approved` on" in rows["actions"]
    assert "integer or `all`" in rows["impact.users_affected"]


def test_every_field_of_the_schema_has_a_description_and_an_example():
    missing = [f.path for f in docgen.fields(bundled_schema()) if not f.node.get("description") or not f.node.get("examples")]
    assert missing == []


def test_the_lifecycle_reference_is_the_schemas_status_rules():
    rules = docgen.lifecycle_rules(bundled_schema())
    assert [(status, required) for status, required, _ in rules] == [
        ("in-review", ["summary", "root_cause.primary"]),
        ("approved", ["actions"]),
    ]
    assert "`in-review` on | `summary`, `root_cause.primary`" in docgen.format_lifecycle()


def test_the_rules_across_files_and_the_derived_figures_come_from_the_code():
    rules = docgen.format_cross_file()
    assert len(rules.splitlines()) == len(CROSS_FILE_RULES)
    assert " <= ".join(TIMING_ORDER) in rules
    derived = docgen.format_derived()
    for name, (start, end) in DURATIONS.items():
        assert f"| {name.capitalize()} | `timing.{end}` − `timing.{start}` |" in derived


def test_every_option_is_in_the_options_reference_with_its_default_and_its_doc():
    text = docgen.options_reference()
    docs = docgen.option_docs()
    for name, _ in PostmortemConfig._schema:
        section = text[text.index(f"### `{name}`") :]
        assert docs[name].split("\n")[0] in section, name
    assert "### `severities`\n\n*list of strings*, default `[P0, P1, P2, P3, P4]`" in text
    assert "### `on_invalid`\n\n*one of `error`, `warn`*, default `error`" in text


def test_every_command_and_option_is_in_the_cli_reference():
    text = docgen.cli_reference()
    context = click.Context(main, info_name="postmortem")
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert command is not None
        assert f"### `postmortem {name}`" in text
        for param in command.params:
            if isinstance(param, click.Option):
                assert f"`{param.opts[0]}`" in text, (name, param.opts)
    assert "Sentinel" not in text  # click's "no default" marker is not a default


def test_a_page_asks_for_a_reference_by_name_and_an_unknown_name_is_an_error():
    assert docgen.expand("a\n<!-- reference: format-derived -->\nb") == "a\n" + docgen.format_derived().rstrip("\n") + "\nb"
    with pytest.raises(ValueError, match="unknown reference 'nope'"):
        docgen.expand("<!-- reference: nope -->", "x.md")


def test_the_documentation_uses_every_reference():
    used = {m for page in (REPO / "docs").rglob("*.md") for m in docgen.MARKER.findall(page.read_text())}
    assert used == set(docgen.REFERENCES)
    hand_written = re.compile(r"^\| Option \| Default \| Meaning \|$|^\| Command \| What it does \|", re.MULTILINE)
    assert not [p.name for p in (REPO / "docs").glob("*.md") if hand_written.search(p.read_text())]


@pytest.mark.slow
def test_the_documentation_builds_strict_with_the_references_the_example_site_and_no_broken_link(tmp_path: Path):
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert built.returncode == 0, built.stderr
    site = tmp_path / "site"
    assert "<!-- reference:" not in (site / "format" / "index.html").read_text()
    assert "private_fields" in (site / "plugin" / "index.html").read_text()
    assert "postmortem render" in (site / "cli" / "index.html").read_text()
    assert (site / "example" / "postmortems" / "actions" / "index.html").is_file()  # the live example site
    assert 'href="example/"' in (site / "index.html").read_text()
    for shot in ("overview", "incident", "actions-dark", "incident-phone-dark"):
        assert (site / "assets" / "screenshots" / f"{shot}.png").is_file()
    assert not (site / "hooks.py").exists()
    report = check_site(site)
    assert report.links > 1000 and report.broken == []
