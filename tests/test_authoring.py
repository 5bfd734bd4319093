"""`postmortem new`, `actions` and `init`: the pull-request author's commands."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mkdocs_postmortem.cli import main
from mkdocs_postmortem.scaffold import ScaffoldError, file_name, new_postmortem, next_id

from .conftest import postmortem


@pytest.fixture
def run(site, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(site.root)
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def actions_doc(id: str, *actions: str) -> str:
    return postmortem(id=id, extra="actions:\n" + "\n".join(f"  - {a}" for a in actions))


# --- new ---------------------------------------------------------------------


def test_new_writes_a_valid_post_mortem_and_prints_its_path(site, run):
    result = run("new", "DB failover failed", "--severity", "P1", "--date", "2026-11-29", "--service", "db")
    assert result.exit_code == 0
    assert result.output == "docs/postmortems/inc-2026-0001-db-failover-failed.md\n"
    assert run("validate").exit_code == 0
    text = (site.root / result.output.strip()).read_text()
    assert "severity: P1" in text and "services: [db]" in text
    assert "## Root Cause Analysis" in text and "## Lessons Learned" in text


def test_new_offers_the_optional_closed_date_of_an_action(site, run):
    text = (site.root / run("new", "Disk full", "--date", "2026-02-03").output.strip()).read_text()
    block = text[text.index("# actions:") : text.index("# review:")]
    uncommented = "\n".join(line.removeprefix("# ") for line in block.splitlines())
    (action,) = yaml.safe_load(uncommented)["actions"]
    assert action["closed"] == dt.date(2025, 1, 14)


def test_new_uses_the_sites_own_template(site, run):
    site(
        "_template.md",
        "---\nid: X-1\ntitle: t\ndate: 2020-01-01\nseverity: P4\nstatus: draft\nteam: none  # ours\n---\n\n## Our own heading\n",
    )
    (site.root / "team.json").write_text('{"properties": {"team": {"type": "string"}}}')
    (site.root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - postmortem:\n      schema: team.json\n")
    path = run("new", "Disk full", "--severity", "P1", "--date", "2026-02-03").output.strip()
    assert (site.root / path).read_text() == (
        "---\nid: INC-2026-0001\ntitle: Disk full\ndate: 2026-02-03\nseverity: P1\nstatus: draft\nteam: none  # ours\n---\n\n"
        "## Our own heading\n"
    )


def test_new_replaces_a_block_list_of_services(site, run):
    site(
        "_template.md",
        "---\nid: X-1\ntitle: t\ndate: 2020-01-01\nseverity: P4\nstatus: draft\nservices:\n  - old\n  - older\ntags: [x]\n---\n",
    )
    path = run("new", "T", "--service", "new", "--date", "2026-02-03").output.strip()
    assert "services: [new]\ntags: [x]\n" in (site.root / path).read_text()


def test_new_takes_the_next_free_id_of_the_year(site, run):
    site("a.md", postmortem(id="INC-2026-0007"))
    site("b.md", postmortem(id="INC-2025-0042"))
    result = run("new", "Second", "--date", "2026-03-01")
    assert "inc-2026-0008-second.md" in result.output


def test_new_never_overwrites(site, run):
    first = run("new", "Same", "--date", "2026-01-01", "--id", "INC-2026-0100")
    assert first.exit_code == 0
    again = run("new", "Same", "--date", "2026-01-01", "--id", "INC-2026-0100")
    assert again.exit_code == 2
    assert "already used" in again.output


def test_new_refuses_an_unknown_severity(run):
    result = run("new", "X", "--severity", "P9")
    assert result.exit_code == 2 and "P9" in result.output


def test_new_quotes_titles_yaml_would_misread(site, run):
    path = run("new", "Outage: it's #1 <b>", "--date", "2026-01-01").output.strip()
    assert run("validate", path).exit_code == 0


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("# no front matter\n", "the template has no front matter"),
        ("---\nid: X-1\n", "the template's front matter is not closed"),
    ],
)
def test_a_template_without_closed_front_matter_is_refused(template: str, message: str):
    with pytest.raises(ScaffoldError, match=message):
        new_postmortem(template, "INC-2026-0001", "T", dt.date(2026, 1, 1), "P1", [])


def test_new_keeps_the_templates_body_exactly():
    template = "---\nid: X-1\ntitle: t  # keep me\n---\n\n## Body\n\n---\n\nA rule above, kept.\n"
    text = new_postmortem(template, "INC-2026-0001", "Disk full", dt.date(2026, 1, 1), "P1", [])
    assert text.endswith("title: Disk full  # keep me\n---\n\n## Body\n\n---\n\nA rule above, kept.\n")


def test_file_names_use_the_sites_one_slug_rule():
    assert file_name("INC-2026-0001", "DB failover: it's #1 <b>") == "inc-2026-0001-db-failover-it-s-1-b.md"
    assert file_name("INC-2026-0002", "Überweisungen fielen aus") == "inc-2026-0002-überweisungen-fielen-aus.md"
    assert file_name("INC-2026-0003", "???") == "inc-2026-0003.md"


def test_next_id_follows_the_configured_format():
    assert next_id("OPS-{number}", ["OPS-9", "OPS-12", "INC-2026-0001"], 2026) == "OPS-13"
    with pytest.raises(ScaffoldError):
        next_id("INC-{yr}-{number}", [], 2026)


# --- actions -----------------------------------------------------------------


@pytest.fixture
def action_site(site):  # type: ignore[no-untyped-def]
    site(
        "a.md",
        actions_doc(
            "INC-2025-0001",
            "{title: Due yesterday, owner: Ann, due: 2026-01-31, status: in-progress}",
            "{title: Due on the day, owner: Ann, due: 2026-02-01, status: not-started}",
            "{title: Done late, owner: Bob, due: 2025-01-01, status: done}",
            "{title: Cancelled late, owner: Bob, due: 2025-01-01, status: cancelled}",
            "{title: Long overdue, owner: Bob, due: 2025-12-01, status: not-started}",
            "{title: Next month, owner: Cy, due: 2026-03-04, status: not-started}",
        ),
    )
    return site


def test_actions_overdue_lists_exactly_the_overdue_ones(action_site, run):
    result = run("actions", "--overdue", "--as-of", "2026-02-01", "--format", "json")
    data = json.loads(result.output)
    assert [(a["action"], a["days_overdue"]) for a in data["actions"]] == [("Long overdue", 62), ("Due yesterday", 1)]
    assert data["totals"] == {"overdue": 2, "due_soon": 1, "later": 1, "open": 4, "done": 1, "cancelled": 1, "all": 6}


def test_actions_without_overdue_adds_those_due_in_30_days(action_site, run):
    rows = list(csv.DictReader(io.StringIO(run("actions", "--as-of", "2026-02-01", "--format", "csv").output)))
    assert [(r["state"], r["action"]) for r in rows] == [
        ("overdue", "Long overdue"),
        ("overdue", "Due yesterday"),
        ("due-soon", "Due on the day"),
    ]


def test_actions_open_lists_every_open_action_most_pressing_first(action_site, run):
    rows = list(csv.DictReader(io.StringIO(run("actions", "--open", "--as-of", "2026-02-01", "--format", "csv").output)))
    assert [(r["state"], r["days_overdue"], r["action"], r["incident_title"]) for r in rows] == [
        ("overdue", "62", "Long overdue", "Checkout outage"),
        ("overdue", "1", "Due yesterday", "Checkout outage"),
        ("due-soon", "", "Due on the day", "Checkout outage"),
        ("later", "", "Next month", "Checkout outage"),
    ]
    table = run("actions", "--open", "--as-of", "2026-02-01").output
    assert "due soon" in table and "in progress" in table and "in-progress" not in table  # words, for people


def test_actions_overdue_and_open_together_is_a_usage_error(action_site, run):
    result = CliRunner().invoke(main, ["actions", "--overdue", "--open"])
    assert result.exit_code == 2 and "--overdue and --open exclude each other" in result.output


def test_the_page_and_every_format_show_the_same_rows(action_site, run):
    from mkdocs_postmortem.catalog import build_catalog
    from mkdocs_postmortem.config import default_settings
    from mkdocs_postmortem.load import find_postmortems, load_file
    from mkdocs_postmortem.render import Renderer

    docs = [(load_file(p), p.name) for p in find_postmortems(action_site.root / "docs" / "postmortems")]
    pages = Renderer.create(build_catalog(docs, default_settings().severities), "postmortems", dt.date(2026, 2, 1)).pages("T")
    page = "".join(text for uri, text in pages.items() if uri.startswith("postmortems/actions/"))  # one page per owner
    data = json.loads(run("actions", "--open", "--as-of", "2026-02-01", "--format", "json").output)
    shown = re.findall(r"^<li><p><span class=\"pm-state pm-([a-z-]+)\">.*?</span> <strong>(.+)</strong><br>$", page, re.MULTILINE)
    assert sorted(shown) == sorted((a["state"], a["action"]) for a in data["actions"])
    assert len(shown) == 4


def test_actions_filters_by_owner(action_site, run):
    data = json.loads(run("actions", "--owner", "bob", "--as-of", "2026-02-01", "--format", "json").output)
    assert [a["action"] for a in data["actions"]] == ["Long overdue"]


def test_actions_table_is_readable(action_site, run):
    out = run("actions", "--as-of", "2026-02-01").output
    assert out.splitlines()[0].split() == ["State", "Days", "over", "Due", "Owner", "Prio", "Status", "Incident", "Action"]
    assert "As of 2026-02-01: 2 overdue, 1 due soon (within 30 days), 1 later; 4 open of 6 actions" in out


def test_closed_actions_without_owner_or_due_are_counted_in_every_format(site, run):
    site(
        "a.md",
        actions_doc(
            "INC-2025-0001",
            "{title: Rolled back, status: done, closed: 2026-01-02}",
            "{title: Not worth it, status: cancelled}",
            "{title: Due yesterday, owner: Ann, due: 2026-01-31, status: in-progress}",
        ),
    )
    assert run("validate").exit_code == 0
    data = json.loads(run("actions", "--as-of", "2026-02-01", "--format", "json").output)
    assert data["totals"] == {"overdue": 1, "due_soon": 0, "later": 0, "open": 1, "done": 1, "cancelled": 1, "all": 3}
    assert [a["action"] for a in data["actions"]] == ["Due yesterday"]
    rows = list(csv.DictReader(io.StringIO(run("actions", "--as-of", "2026-02-01", "--format", "csv").output)))
    assert [r["action"] for r in rows] == ["Due yesterday"]
    assert (
        "1 overdue, 0 due soon (within 30 days), 0 later; 1 open of 3 actions" in run("actions", "--as-of", "2026-02-01").output
    )


def test_fail_on_overdue_exits_1_only_when_something_is_overdue(action_site, run):
    assert run("actions", "--fail-on-overdue", "--as-of", "2026-02-01").exit_code == 1
    assert run("actions", "--fail-on-overdue", "--as-of", "2025-06-01").exit_code == 0


def test_actions_takes_as_of_from_mkdocs_yml(action_site, run):
    # conftest's mkdocs.yml sets as_of: 2026-01-01: only "Long overdue" is overdue then
    data = json.loads(run("actions", "--overdue", "--format", "json").output)
    assert data["as_of"] == "2026-01-01"
    assert [a["action"] for a in data["actions"]] == ["Long overdue"]


# --- init --------------------------------------------------------------------


def test_init_creates_a_site_that_validates_and_builds(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", "mysite"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "mysite")
    assert CliRunner().invoke(main, ["new", "DB failover failed", "--severity", "P1"]).exit_code == 0
    assert CliRunner().invoke(main, ["validate"]).exit_code == 0
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=tmp_path / "mysite",
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr


def test_init_refuses_an_existing_site(tmp_path: Path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 2 and "already has mkdocs.yml" in result.output
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: mine\n"


def test_commands_run_as_subprocesses(tmp_path: Path):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs_postmortem", *args], cwd=tmp_path, capture_output=True, text=True, check=False
        )

    assert run("init", "s").returncode == 0
    tmp_path = tmp_path / "s"
    assert run("new", "Disk full", "--date", "2026-05-05").returncode == 0
    overdue = run("actions", "--overdue", "--as-of", "2026-11-29", "--format", "json")
    titles = [a["action"] for a in json.loads(overdue.stdout)["actions"]]
    assert sorted(titles) == sorted(overdue_in(tmp_path, dt.date(2026, 11, 29)))


def overdue_in(root: Path, as_of: dt.date) -> list[str]:
    """The overdue action titles of a site, worked out from its front matter (drafts are not published)."""
    found = []
    for path in sorted((root / "docs" / "postmortems").glob("[!_]*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        if meta["status"] == "draft":
            continue
        for action in meta.get("actions") or []:
            due = action.get("due")
            if action["status"] not in ("done", "cancelled") and due is not None and due < as_of:
                found.append(action["title"])
    assert found, "the starter site should have overdue actions as of this date"
    return found


# --- render ------------------------------------------------------------------


def test_render_writes_pages_another_engine_builds_without_the_plugin(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", "s"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "s")
    result = CliRunner().invoke(main, ["render", str(tmp_path / "out"), "--as-of", "2026-11-29"])
    assert result.exit_code == 0, result.output
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert result.output.startswith(f"{len(written)} files written")
    starter = {p.name: p.read_text() for p in (tmp_path / "s" / "docs" / "postmortems").glob("[!_]*.md")}
    drafts = {name for name, text in starter.items() if "\nstatus: draft\n" in text}
    assert drafts and set(starter) - drafts
    for name in starter:  # drafts are left out, like the build leaves them out
        assert (tmp_path / "out" / "postmortems" / name).is_file() == (name not in drafts), name
    (tmp_path / "plain.yml").write_text(
        "site_name: Plain\ndocs_dir: out\nextra_css: [assets/postmortem/postmortem.css]\n"
        "markdown_extensions: [admonition, attr_list, tables]\nplugins: [search]\n"
    )
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "plain.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "site" / "postmortems" / "inc-2025-0003-checkout-latency" / "index.html").read_text()
    assert '<div class="pm-card">' in page and "Recurred as" in page
    report = (tmp_path / "site" / "postmortems" / "actions" / "index.html").read_text()
    assert f"{len(overdue_in(tmp_path / 's', dt.date(2026, 11, 29)))} overdue" in report


def test_render_refuses_a_folder_that_is_not_empty(site, run):
    (site.root / "out").mkdir()
    (site.root / "out" / "keep.md").write_text("mine")
    result = run("render", "out")
    assert result.exit_code == 2 and "not empty" in result.output
    assert (site.root / "out" / "keep.md").read_text() == "mine"


def test_render_refuses_invalid_post_mortems(site, run):
    site("a.md", postmortem(severity="P9"))
    result = CliRunner().invoke(main, ["render", "out"])
    assert result.exit_code == 1 and "severity" in result.output
