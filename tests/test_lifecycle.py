"""Drafts, the status rules and private fields: what a site publishes, and what it asks of a post-mortem."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_postmortem import pipeline
from mkdocs_postmortem.check import schema_problems
from mkdocs_postmortem.cli import main
from mkdocs_postmortem.config import default_settings, validate_options
from mkdocs_postmortem.load import load_text
from mkdocs_postmortem.placeholders import Template
from mkdocs_postmortem.schema import SchemaConfigError, bundled_schema, effective_schema, make_validator, statuses_from

from .conftest import postmortem

SETTINGS = default_settings()
AS_OF = dt.date(2026, 1, 1)


def entry(text: str, name: str) -> pipeline.Entry:
    return load_text(text, f"docs/postmortems/{name}"), f"postmortems/{name}"


def draft(id: str = "INC-2025-0002", title: str = "Half-written checkout notes") -> str:
    return postmortem(
        id=id,
        title=title,
        status="draft",
        extra="actions:\n  - {title: Draft action, owner: Ann, due: 2025-01-01, status: not-started}",
    )


def fields(text: str, **settings: object) -> list[tuple[int, str]]:
    validator = make_validator(effective_schema(dataclasses.replace(SETTINGS, **settings)))  # type: ignore[arg-type]
    return [(p.line, p.field) for p in schema_problems(load_text(text, "x.md"), validator)]


# --- drafts in the pipeline ------------------------------------------------------------------


def test_a_draft_is_checked_but_left_out_of_the_catalog_by_default(validator):
    result = pipeline.build([entry(postmortem(), "a.md"), entry(draft(), "b.md")], SETTINGS, validator, as_of=AS_OF)
    assert result.problems == []
    assert list(result.catalog.incidents) == ["INC-2025-0001"]
    assert [d.path for d in result.drafts] == ["docs/postmortems/b.md"]
    assert result.catalog.action_report(AS_OF).total == 0  # the draft's overdue action is in no report


def test_an_invalid_draft_is_reported_and_still_left_out(validator):
    bad = entry(postmortem(id="INC-2025-0002", status="draft", severity="P9"), "b.md")
    result = pipeline.build([bad], SETTINGS, validator, as_of=AS_OF)
    assert [p.field for p in result.problems] == ["severity"]
    assert [d.path for d in result.drafts] == ["docs/postmortems/b.md"]  # on_invalid: warn publishes invalid pages, never drafts


@pytest.mark.parametrize("how", ["publish", "serve"])
def test_drafts_are_collected_when_published_or_served(validator, how: str):
    settings = dataclasses.replace(SETTINGS, drafts="publish") if how == "publish" else SETTINGS
    result = pipeline.build([entry(draft(), "b.md")], settings, validator, as_of=AS_OF, show_drafts=how == "serve")
    assert list(result.catalog.incidents) == ["INC-2025-0002"] and result.drafts == []


def test_a_reference_to_a_draft_is_valid_and_kept_as_its_id_and_title(validator):
    referrer = entry(postmortem(extra="references: [{id: INC-2025-0002, relation: caused-by}]"), "a.md")
    result = pipeline.build([referrer, entry(draft(), "b.md")], SETTINGS, validator, as_of=AS_OF)
    assert result.problems == []
    incident = result.catalog.incidents["INC-2025-0001"]
    assert incident.references == []
    assert [(r.id, r.title, r.relation) for r in incident.unpublished_references] == [
        ("INC-2025-0002", "Half-written checkout notes", "caused-by")
    ]


# --- the status rules --------------------------------------------------------------------------

BARE = "---\nid: INC-2025-0001\ntitle: T\ndate: 2025-01-01\nseverity: P1\nstatus: {status}\n{extra}---\n"


def test_a_draft_needs_only_the_five_required_fields():
    assert fields(BARE.format(status="draft", extra="")) == []


def test_from_in_review_on_summary_and_root_cause_are_required_on_the_status_line():
    assert fields(BARE.format(status="in-review", extra="")) == [(6, "summary"), (6, "root_cause")]
    assert fields(BARE.format(status="in-review", extra="summary: S\nroot_cause: {trigger: deploy}\n")) == [
        (8, "root_cause.primary")
    ]


def test_the_message_says_which_status_asks_for_the_field():
    validator = make_validator(effective_schema(SETTINGS))
    (problem,) = [
        p
        for p in schema_problems(
            load_text(BARE.format(status="approved", extra="summary: S\nroot_cause: {primary: P}\n"), "x.md"), validator
        )
    ]
    assert str(problem).startswith("x.md:6: actions: required field is missing (status is 'approved'); from approved on")
    assert "actions: []" in str(problem)


def test_from_approved_on_actions_are_required_and_an_empty_list_states_there_are_none():
    stated = "summary: S\nroot_cause: {primary: P}\n"
    for status in ("approved", "actions-tracked", "lessons-shared"):
        assert fields(BARE.format(status=status, extra=stated)) == [(6, "actions")], status
        assert fields(BARE.format(status=status, extra=stated + "actions: []\n")) == [], status
    assert fields(BARE.format(status="in-review", extra=stated)) == []  # no actions needed yet


def test_no_review_meeting_is_required_by_default():
    stated = "summary: S\nroot_cause: {primary: P}\nactions: []\n"
    assert fields(BARE.format(status="lessons-shared", extra=stated)) == []


def test_lifecycle_off_switches_the_status_rules_off():
    assert fields(BARE.format(status="lessons-shared", extra=""), lifecycle="off") == []


def test_a_site_extension_adds_a_status_rule(tmp_path: Path):
    ext = tmp_path / "ext.json"
    ext.write_text(
        json.dumps(
            {
                "if": {"properties": {"status": {"enum": statuses_from(bundled_schema(), "approved")}}, "required": ["status"]},
                "then": {"description": "An approved post-mortem records its review date.", "required": ["review"]},
            }
        )
    )
    settings = dataclasses.replace(SETTINGS, schema=str(ext))
    stated = "summary: S\nroot_cause: {primary: P}\nactions: []\n"
    validator = make_validator(effective_schema(settings))
    problems = schema_problems(load_text(BARE.format(status="approved", extra=stated), "x.md"), validator)
    assert [(p.line, p.field) for p in problems] == [(6, "review")]
    assert "records its review date" in problems[0].message


def test_the_schemas_rules_follow_the_order_of_the_statuses():
    schema = bundled_schema()
    rules = schema["$defs"]["lifecycle"]["allOf"]
    assert [r["if"]["properties"]["status"]["enum"] for r in rules] == [
        list(statuses_from(schema, "in-review")),
        list(statuses_from(schema, "approved")),
    ]


# --- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("option", "value"), [("drafts", "hide"), ("lifecycle", "lenient")])
def test_an_unknown_choice_is_a_config_error(option: str, value: str):
    _, errors, _ = validate_options({option: value})
    assert errors and option in errors[0]


def test_a_private_field_the_schema_does_not_have_is_an_error_with_a_did_you_mean():
    settings = dataclasses.replace(SETTINGS, private_fields=("impact.revenue",))
    with pytest.raises(
        SchemaConfigError, match=r"private_fields: 'impact.revenue' names no field .*did you mean 'impact.revenue_usd'\?"
    ):
        effective_schema(settings)


def test_a_required_core_field_cannot_be_private():
    with pytest.raises(SchemaConfigError, match="'title' is a field every post-mortem"):
        effective_schema(dataclasses.replace(SETTINGS, private_fields=("title",)))


def test_private_fields_are_validated_then_left_out_of_the_catalog(validator):
    settings = dataclasses.replace(SETTINGS, private_fields=("impact.revenue_usd", "actions.ticket"))
    text = postmortem(
        extra="impact: {type: complete-outage, revenue_usd: 91234}\nactions:\n  - {title: A, status: done, ticket: SEC-991}"
    )
    result = pipeline.build([entry(text, "a.md")], settings, validator, as_of=AS_OF)
    meta = result.catalog.incidents["INC-2025-0001"].meta
    assert meta["impact"] == {"type": "complete-outage"} and "ticket" not in meta["actions"][0]
    assert result.catalog.incidents["INC-2025-0001"].actions[0].ticket is None
    bad = postmortem(extra="impact: {revenue_usd: lots}")
    assert [p.field for p in pipeline.build([entry(bad, "a.md")], settings, validator, as_of=AS_OF).problems] == [
        "impact.revenue_usd"
    ]


# --- whole sites -------------------------------------------------------------------------------


def write_site(root: Path, options: str, docs: dict[str, str]) -> Path:
    (root / "docs" / "postmortems").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    for name, text in docs.items():
        (root / "docs" / "postmortems" / name).write_text(text)
    (root / "mkdocs.yml").write_text(
        "site_name: T\nsite_url: https://example.org/\nplugins:\n  - search\n  - postmortem:\n      as_of: 2026-01-01\n" + options
    )
    return root


def built(root: Path, command: str = "build") -> Path:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True)
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config, serve_url="http://127.0.0.1:8000/" if command == "serve" else None)
    finally:
        config.plugins.on_shutdown()
    return root / "site"


REFERRER = postmortem(extra="references: [INC-2025-0002]", body="## Executive Summary\n\nSee INC-2025-0002.\n")
SITE_DOCS = {"a.md": REFERRER, "b.md": draft()}


def test_a_build_leaves_drafts_out_of_every_page_and_the_search_index(tmp_path: Path):
    site = built(write_site(tmp_path, "", SITE_DOCS))  # strict: no warning about the missing target either
    assert not (site / "postmortems" / "b").exists()
    outputs = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml")]
    leaks = [p for p in outputs if "Draft action" in p.read_text(encoding="utf-8")]
    assert leaks == []
    page = (site / "postmortems" / "a" / "index.html").read_text()
    assert "INC-2025-0002" in page and "Half-written checkout notes" in page  # named, as text
    assert 'href="../b/"' not in page and "pm-mention" not in page


def test_serve_shows_drafts_under_a_banner(tmp_path: Path):
    site = built(write_site(tmp_path, "", SITE_DOCS), command="serve")
    page = (site / "postmortems" / "b" / "index.html").read_text()
    assert '<div class="admonition warning pm-draft">' in page
    assert '<div class="admonition warning pm-draft">' not in (site / "postmortems" / "a" / "index.html").read_text()


def test_a_site_may_publish_drafts_under_the_banner(tmp_path: Path):
    site = built(write_site(tmp_path, "      drafts: publish\n", SITE_DOCS))
    page = (site / "postmortems" / "b" / "index.html").read_text()
    assert '<div class="admonition warning pm-draft">' in page
    assert 'href="../b/"' in (site / "postmortems" / "a" / "index.html").read_text()


def test_private_values_appear_in_no_built_file(tmp_path: Path):
    secret = postmortem(
        extra="impact:\n  type: complete-outage\n  revenue_usd: 987654321\n  data_loss_details: Leaked-Customer-Ledger-Q3"
    )
    options = "      private_fields: [impact.revenue_usd, impact.data_loss_details]\n"
    site = built(write_site(tmp_path, options, {"a.md": secret}))
    outputs = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".xml", ".csv", ".ics", ".txt")]
    assert any(p.name == "search_index.json" for p in outputs) and any(p.name == "sitemap.xml" for p in outputs)
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        assert "987654321" not in text and "987,654,321" not in text and "Leaked-Customer-Ledger" not in text, path
    assert "complete" in (site / "postmortems" / "a" / "index.html").read_text().lower()  # the rest of impact is shown


def test_postmortem_actions_and_render_leave_drafts_out(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(write_site(tmp_path, "", SITE_DOCS))
    result = CliRunner().invoke(main, ["actions", "--format", "json", "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "Draft action" not in result.output
    result = CliRunner().invoke(main, ["render", "out"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "postmortems" / "a.md").is_file()
    assert not (tmp_path / "out" / "postmortems" / "b.md").exists()
    assert "Draft action" not in "".join(p.read_text() for p in (tmp_path / "out").rglob("*.md"))


# --- placeholder text from the template ---------------------------------------------------------

TEMPLATE = """---
id: INC-2025-0000
title: What broke
date: 2025-01-01
severity: P2
status: draft
commander: Name of the commander
---

## Executive Summary

_What happened, the impact and the resolution._

| Time | Event |
|------|-------|
| 00:00 | TODO: first event |
"""

APPROVED = "summary: S\nroot_cause: {primary: P}\nactions: []"


def placeholders(body: str, status: str = "approved", extra: str = APPROVED, **settings: object) -> list[tuple[int, str]]:
    doc = entry(postmortem(status=status, extra=extra, body=body), "a.md")
    chosen = dataclasses.replace(SETTINGS, **settings)  # type: ignore[arg-type]
    validator = make_validator(effective_schema(chosen))
    result = pipeline.build([doc], chosen, validator, as_of=AS_OF, template=Template.of(TEMPLATE))
    return [(p.line, p.field or p.message.split(":")[0]) for p in result.problems]


def test_an_unchanged_template_line_is_an_error_from_approved_on():
    body = "## Executive Summary\n\n_What happened, the impact and the resolution._\n"
    assert placeholders(body) == [(14, "placeholder text from the template is still here")]
    assert placeholders(body, status="in-review", extra="") == []
    assert placeholders(body, lifecycle="off") == []


def test_an_italic_line_the_author_wrote_is_not_a_placeholder_nor_are_headings_and_table_headers():
    body = "## Executive Summary\n\n_Checkout failed for an hour._\n\n| Time | Event |\n|------|-------|\n| 10:00 | Alert |\n"
    assert placeholders(body) == []


def test_a_todo_marker_is_an_error_outside_code_and_in_a_front_matter_value():
    assert placeholders("Text.\n\n| 00:00 | TODO: first event |\n") == [(14, "placeholder text from the template is still here")]
    assert placeholders("Text.\n\nTODO write the timeline\n") == [
        (14, "a TODO marker is still here; finish the text or delete the line")
    ]
    assert placeholders("Text.\n\n```\n# TODO in a code sample\n```\n") == []
    assert placeholders("Text.\n", extra=APPROVED + "\ncommander: TODO") == [(10, "commander")]


def test_an_unchanged_front_matter_phrase_of_the_template_is_an_error():
    assert placeholders("Text.\n", extra=APPROVED + "\ncommander: Name of the commander") == [(10, "commander")]


def test_postmortem_new_writes_a_draft_that_validates_and_approving_it_unchanged_names_the_placeholders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init", "s"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "s")
    for path in (tmp_path / "s" / "docs" / "postmortems").glob("inc-*.md"):
        path.unlink()
    created = CliRunner().invoke(main, ["new", "Disk full", "--date", "2026-05-05"])
    assert created.exit_code == 0, created.output
    assert CliRunner().invoke(main, ["validate"]).output.endswith("1 post-mortem checked, all valid\n")
    path = tmp_path / "s" / created.output.strip()
    text = path.read_text().replace("status: draft", "status: approved", 1)
    path.write_text(text.replace("\n---\n", "\nsummary: S\nroot_cause: {primary: P}\nactions: []\n---\n", 1))
    output = CliRunner().invoke(main, ["validate"]).output
    assert "placeholder text from the template is still here: '| 00:00 | TODO: first event | TODO |'" in output
    assert "13 problems in 1 of 1 post-mortem" in output  # the starter template's 13 placeholder lines


# --- stable addresses ----------------------------------------------------------------------------


def test_an_incidents_address_leads_to_its_page_whatever_the_file_is_called(tmp_path: Path):
    site = built(write_site(tmp_path, "", {"renamed-file.md": postmortem(title="Checkout <outage>")}))
    address = site / "postmortems" / "INC-2025-0001" / "index.html"
    text = address.read_text()
    assert '<meta http-equiv="refresh" content="0; url=../renamed-file/">' in text
    assert '<link rel="canonical" href="https://example.org/postmortems/renamed-file/">' in text
    assert '<a href="../renamed-file/">INC-2025-0001: Checkout &lt;outage&gt;</a>' in text
    target = (address.parent / "../renamed-file/index.html").resolve()
    assert "Checkout &lt;outage&gt;" in target.read_text()  # the address resolves to the page
    assert "INC-2025-0001/" not in (site / "sitemap.xml").read_text()
    assert "INC-2025-0001/" not in (site / "search" / "search_index.json").read_text()


def test_render_writes_the_same_address_pages_as_the_build(tmp_path: Path, monkeypatch):
    """`postmortem render OUT` (for engines without the plugin) writes postmortems/<ID>/ too, from the same code."""
    root = write_site(tmp_path, "", {"renamed-file.md": postmortem(title="Checkout <outage>"), "b.md": draft()})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["render", "out"])
    assert result.exit_code == 0, result.output
    written = root / "out" / "postmortems" / "INC-2025-0001" / "index.html"
    assert written.read_text() == (built(root) / "postmortems" / "INC-2025-0001" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../renamed-file/">' in written.read_text()
    assert not (root / "out" / "postmortems" / "INC-2025-0002").exists()  # a draft left out has no address


def test_a_real_file_at_an_address_is_kept_and_the_collision_reported(tmp_path: Path):
    root = write_site(tmp_path, "", {"renamed-file.md": postmortem()})
    (root / "docs" / "postmortems" / "inc-2025-0001").mkdir()
    (root / "docs" / "postmortems" / "inc-2025-0001" / "index.html").write_text("mine")
    with pytest.raises(Abort, match="1 warning"):  # strict: the collision is a warning
        built(root)
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    build(config)
    assert (root / "site" / "postmortems" / "inc-2025-0001" / "index.html").read_text() == "mine"


def test_a_template_that_is_not_utf8_is_a_clear_error_in_validate_and_the_build(site, monkeypatch, caplog):
    site("a.md", postmortem())
    (site.root / "docs" / "postmortems" / "_template.md").write_bytes(b"---\nid: X\n---\n\xff\xfe caf\xe9\n")
    monkeypatch.chdir(site.root)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "_template.md: the post-mortem template is not UTF-8 text" in result.output
    with pytest.raises(Abort):
        build(load_config(str(site.root / "mkdocs.yml")))
    assert "_template.md: the post-mortem template is not UTF-8 text" in caplog.text
