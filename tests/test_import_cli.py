"""`postmortem import`: a folder of classic-template post-mortems becomes a valid site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.cli import main

from .conftest import FIXTURES, REPO
from .test_import import TEMPLATE_WORDS, words

CLASSIC = FIXTURES / "classic"


@pytest.fixture
def empty_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    shutil.copytree(REPO / "site-template", root, ignore=shutil.ignore_patterns("site", "inc-*.md"))
    monkeypatch.chdir(root)
    return root


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_complete_documents_import_into_a_site_that_validates_and_builds(empty_site: Path):
    files = [str(CLASSIC / n) for n in ("full.md", "checklist-owners.md")]
    result = invoke("import", *files)
    assert result.exit_code == 0, result.output
    assert "to fill in" not in result.output
    assert invoke("validate").output.endswith("2 post-mortems checked, all valid\n")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=empty_site, capture_output=True, text=True, check=False
    )
    assert build.returncode == 0, build.stderr


def test_an_approved_document_without_a_root_cause_names_it_to_fill_in(empty_site: Path):
    # its status is approved, and it has no root cause section: the status rules ask for one
    result = invoke("import", str(CLASSIC / "reordered-columns.md"))
    assert result.exit_code == 1
    assert "  to fill in: root_cause" in result.output.splitlines()


def test_incomplete_documents_name_exactly_the_fields_to_fill(empty_site: Path):
    result = invoke("import", str(CLASSIC / "classic-template.md"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith("-> docs/postmortems/classic-template.md")
    (to_fill,) = [line for line in lines if line.startswith("  to fill in: ")]
    fields = to_fill.removeprefix("  to fill in: ").split(", ")
    assert {"id", "date", "severity"} <= set(fields)
    problems = invoke("validate").output.splitlines()[:-1]
    assert {p.split(": ")[1] for p in problems} == set(fields)


def test_import_keeps_every_word_of_the_narrative(empty_site: Path):
    invoke("import", str(CLASSIC / "full.md"))
    (out,) = (empty_site / "docs" / "postmortems").glob("inc-*.md")
    converted = out.read_text()
    lost = words((CLASSIC / "full.md").read_text()) - words(converted)
    assert set(lost) <= TEMPLATE_WORDS | {"x"}  # "Incident Post-Mortem", "Immediate Actions (Completed)", "[x] Approved"
    assert (
        "## What Went Well\n\n1. **Fast Detection**\n   - Automated monitoring detected the issue within 30 seconds" in converted
    )


def test_checklist_actions_import_with_their_owners_and_dates_and_validate(empty_site: Path):
    result = invoke("import", str(CLASSIC / "checklist-owners.md"))
    assert result.exit_code == 0, result.output
    assert "no owner given" not in result.output
    (out,) = (empty_site / "docs" / "postmortems").glob("inc-*.md")
    text = out.read_text()
    assert "- title: Add a DNS diff check to CI\n  owner: sam\n  due: '2024-05-01'\n" in text
    assert "- [ ] Add a DNS diff check to CI" not in text  # shown once, from the front matter
    assert invoke("validate").output.endswith("1 post-mortem checked, all valid\n")


def test_what_an_open_action_lacks_is_to_fill_in_and_nothing_is_invented(empty_site: Path):
    result = invoke("import", str(CLASSIC / "checkbox-actions.md"))
    assert result.exit_code == 1
    # under review, it also owes its root cause (the fixture has no root cause section)
    assert "  to fill in: actions[2].due, actions[2].owner, root_cause" in result.output.splitlines()
    (out,) = (empty_site / "docs" / "postmortems").glob("net-*.md")
    actions = out.read_text().split("\nactions:\n", 1)[1].split("\n---\n", 1)[0]
    assert "owner" not in actions and "due" not in actions  # the commander is not made the owner, nor a date the due date
    problems = invoke("validate").output.splitlines()[:-1]
    assert sorted(p.split(": ")[1] for p in problems) == ["actions[2].due", "actions[2].owner", "root_cause"]


def test_import_never_overwrites(empty_site: Path):
    assert invoke("import", str(CLASSIC / "full.md")).exit_code == 0
    again = CliRunner().invoke(main, ["import", str(CLASSIC / "full.md")])
    assert again.exit_code == 1
    assert "already exists; skipped" in again.output


def test_assign_ids_gives_the_next_free_id_of_the_documents_year(empty_site: Path, tmp_path: Path):
    doc = tmp_path / "old.md"
    doc.write_text(
        "# Cache stampede\n\n**Date:** March 3, 2024\n**Severity:** [x] P2\n\n## Executive Summary\n\nCaches expired at once.\n"
    )
    result = invoke("import", "--assign-ids", str(doc), "--out", "docs/postmortems")
    assert result.exit_code == 0, result.output
    assert "docs/postmortems/inc-2024-0001-cache-stampede.md" in result.output


def test_import_runs_as_a_subprocess(empty_site: Path, tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", "import", str(CLASSIC / "full.md"), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "o").glob("*.md"))) == 1


def test_the_sites_severities_and_id_pattern_are_the_importers(empty_site: Path, tmp_path: Path):
    options = '      severities: [SEV1, SEV2, SEV3, SEV4]\n      id_pattern: "^OPS-[0-9]+$"\n'
    (empty_site / "mkdocs.yml").write_text(f"site_name: T\nplugins:\n  - postmortem:\n{options}")
    plain, boxed = tmp_path / "plain.md", tmp_path / "boxed.md"
    plain.write_text("# Queue stalled\n\n**Incident ID:** OPS-12\n**Date:** 2024-03-03\n**Severity:** SEV1\n")
    boxed.write_text("# Disk\n\n**Incident ID:** OPS-13\n**Date:** 2024-03-04\n**Severity:** [ ] SEV1 [x] SEV2 [ ] SEV3\n")
    result = invoke("import", str(plain), str(boxed))
    assert result.exit_code == 0, result.output
    assert "note: Severity" not in result.output and "to fill in" not in result.output
    texts = sorted(p.read_text() for p in (empty_site / "docs" / "postmortems").glob("ops-*.md"))
    assert ["severity: SEV1" in texts[0], "severity: SEV2" in texts[1]] == [True, True]
    assert "**Severity:**" not in texts[0] + texts[1]  # the whole value is in the front matter
    assert invoke("validate").output.endswith("2 post-mortems checked, all valid\n")


def test_an_id_the_site_does_not_allow_is_noted_and_left_to_fill_in(empty_site: Path, tmp_path: Path):
    (empty_site / "mkdocs.yml").write_text('site_name: T\nplugins:\n  - postmortem:\n      id_pattern: "^OPS-[0-9]+$"\n')
    doc = tmp_path / "old.md"
    doc.write_text("# Queue stalled\n\n**Incident ID:** INC-2024-0001\n**Date:** 2024-03-03\n**Severity:** P1\n")
    result = invoke("import", str(doc))
    assert result.exit_code == 1
    assert "note: Incident ID: 'INC-2024-0001' does not match the id pattern ^OPS-[0-9]+$; kept in the body" in result.output
    assert "  to fill in: id" in result.output
