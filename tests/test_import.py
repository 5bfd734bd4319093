"""Importing post-mortems written in the classic Markdown template (mkdocs_postmortem.importer)."""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_postmortem import importer
from mkdocs_postmortem.check import check_documents
from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.importer import ImportResult, Vocabulary, import_classic
from mkdocs_postmortem.importer.values import parse_date, parse_minutes
from mkdocs_postmortem.load import load_text
from mkdocs_postmortem.schema import effective_schema, make_validator

FIXTURES = Path(__file__).parent / "fixtures" / "classic"
NAMES = sorted(p.name for p in FIXTURES.glob("*.md"))
TODAY = dt.date(2026, 1, 15)
VALIDATOR = make_validator(effective_schema(default_settings()))
REQUIRED = Vocabulary.default().required

EXPECTED_MISSING = {
    # the open checklist item says neither; under review, it owes the root cause it does not state
    "checkbox-actions.md": ["root_cause", "actions[2].owner", "actions[2].due"],
    "checklist-owners.md": [],
    "classic-template.md": ["id", "date", "severity"],  # its five actions without owner or due date are done
    "full.md": [],
    "reordered-columns.md": ["root_cause"],  # approved, with no root cause section
    "sparse.md": ["id", "date", "severity", "actions[0].owner", "actions[0].due", "actions[1].due"],
    "written-dates.md": ["actions[1].owner", "actions[1].due"],
}


def convert(name: str, **kwargs: Any) -> ImportResult:
    path = FIXTURES / name
    return import_classic(path.read_text(encoding="utf-8"), str(path), today=TODAY, **kwargs)


def problems_of(result: ImportResult) -> list[Any]:
    return check_documents([load_text(result.text, "x.md")], VALIDATOR)


def body_of(result: ImportResult) -> str:
    return result.text.split("\n---\n\n", 1)[1]


def actions_by_title(result: ImportResult) -> dict[str, dict[str, Any]]:
    return {a["title"]: a for a in result.meta["actions"]}


# --- every fixture -----------------------------------------------------------------


def test_there_are_at_least_six_fixtures_including_the_template() -> None:
    assert len(NAMES) >= 6
    assert "classic-template.md" in NAMES
    assert set(NAMES) == set(EXPECTED_MISSING)


@pytest.mark.parametrize("name", NAMES)
def test_every_fixture_imports_into_loadable_front_matter(name: str) -> None:
    result = convert(name)
    doc = load_text(result.text, name)
    assert doc.problems == []
    assert doc.meta == result.meta
    assert result.text.startswith("---\n")
    assert not any("could not be converted" in note for note in result.unmapped)


@pytest.mark.parametrize("name", NAMES)
def test_converted_document_only_problems_are_the_missing_fields(name: str) -> None:
    result = convert(name)
    fields = [p.field for p in problems_of(result)]
    assert sorted(fields) == sorted(result.missing)
    assert result.missing == EXPECTED_MISSING[name]


@pytest.mark.parametrize("name", NAMES)
def test_missing_required_fields_are_left_out_not_filled_with_placeholders(name: str) -> None:
    result = convert(name)
    for key in REQUIRED:
        assert (key in result.missing) == (key not in result.meta)


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"[^\W_]+", text.lower()))


def _template_words() -> set[str]:
    """The classic template's own words: its headings, field labels and checkbox labels, and the importer's syntax."""
    text = (FIXTURES / "classic-template.md").read_text(encoding="utf-8")
    parts = re.findall(r"^#+ .*$", text, re.MULTILINE)
    parts += re.findall(r"\*\*([^*\n]+?)\*\*", text)
    parts += re.findall(r"\[[ xX]\] ([^\[\n]+)", text)
    parts += re.findall(r"^\[([^\]\n]+)\]$", text, re.MULTILINE)  # its placeholders: "[2-3 sentence summary of ...]"
    parts += ["(from detection to resolution)", "(estimated)"]
    parts += ["due by done closed owner assignee deadline target ticket day days week month"]  # the importer's labels
    return set(words(" ".join(parts)))


TEMPLATE_WORDS = _template_words()
#: Words of a written-out date: its day and year are in the front matter's ISO date, its month and ordinal are not.
DATE_WORDS = {m.lower() for m in (*calendar.month_name, *calendar.month_abbr, *calendar.day_name) if m} | {"sept", "of"}
DATE_WORDS |= {f"{d}{suffix}" for d in range(1, 32) for suffix in ("st", "nd", "rd", "th")}


def lost_words(source: str, result: ImportResult) -> set[str]:
    """Words of the input that are neither in the body nor in the front matter (nor the template's own labels)."""
    front = result.text.split("\n---\n", 1)[0].lower()
    lost = words(source) - words(body_of(result))
    return {w for w in lost if not (w in front or w in TEMPLATE_WORDS or w in DATE_WORDS or w in "xX✓")}


@pytest.mark.parametrize("name", NAMES)
def test_every_word_is_in_the_front_matter_or_the_body(name: str) -> None:
    """No prose is dropped: a word taken out of the body is in the front matter (or is one of the template's labels)."""
    assert lost_words((FIXTURES / name).read_text(encoding="utf-8"), convert(name)) == set()


@pytest.mark.parametrize("name", NAMES)
def test_text_is_the_dump_of_meta_in_format_order(name: str) -> None:
    result = convert(name)
    front = yaml.safe_dump(result.meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    assert result.text.startswith("---\n" + front + "---\n\n")
    order = ["id", "title", "date", "severity", "status", "summary", "commander", "participants", "services", "tags"]
    order += ["detection", "timing", "impact", "root_cause", "references", "actions", "review", "follow_up"]
    keys = list(result.meta)
    assert keys == [k for k in order if k in keys]


@pytest.mark.parametrize("name", NAMES)
def test_shuffled_fixture_lines_never_raise(name: str) -> None:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    rng = random.Random(name)
    for _ in range(20):
        rng.shuffle(lines)
        result = import_classic("\n".join(lines[: rng.randrange(len(lines) + 1)]), name, today=TODAY)
        assert not any("could not be converted" in note for note in result.unmapped)
        assert sorted(p.field for p in problems_of(result)) == sorted(result.missing)


# --- the classic template itself ------------------------------------------------------


def test_template_notes_what_it_could_not_map() -> None:
    notes = convert("classic-template.md").unmapped
    assert "Severity: no box ticked" in notes
    assert "Timeline: times without a date kept as a table; timing not set" in notes
    assert "Status: no box ticked; set to draft" in notes


def test_template_title_comes_from_the_file_name() -> None:
    assert convert("classic-template.md").meta["title"] == "classic template"


def test_template_example_summary_is_not_used() -> None:
    assert "summary" not in convert("classic-template.md").meta


def test_template_done_actions_get_no_invented_owner_or_due_date() -> None:
    result = convert("classic-template.md")
    immediate = [a for a in result.meta["actions"] if a["term"] == "immediate"]
    assert len(immediate) == 5
    assert all("owner" not in a and "due" not in a and a["status"] == "done" for a in immediate)
    assert not any("no owner given" in note or "no due date given" in note for note in result.unmapped)


def test_template_blank_impact_fields_are_left_out() -> None:
    impact = convert("classic-template.md").meta["impact"]
    assert impact == {"duration_minutes": 60}  # only the timeline's "Total Duration: 60 minutes" is stated


# --- header, metadata, status ---------------------------------------------------------------


def test_header_fields_are_mapped() -> None:
    meta = convert("full.md").meta
    assert (meta["id"], meta["title"], meta["date"], meta["severity"]) == (
        "INC-2025-0042",
        "SpaceTime API outage",
        "2025-12-02",
        "P0",
    )


def test_header_lines_in_front_matter_are_removed_from_body() -> None:
    body = body_of(convert("full.md"))
    assert "**Incident ID:**" not in body
    assert "**Severity:**" not in body
    assert "**Duration:** 60 minutes (from detection to resolution)" in body
    assert "# Incident Post-Mortem" not in body  # the headline is the title
    assert body.startswith("**Duration:** 60 minutes")  # no rule left on top


def test_the_summary_is_shown_once_by_the_summary_card() -> None:
    result = convert("full.md")
    body = body_of(result)
    assert result.meta["summary"].startswith("On December 2, 2025 at 14:30 UTC")
    assert "On December 2, 2025" not in body and "[2-3 sentence summary" not in body
    assert "## Executive Summary" not in body and "## Incident Details" in body


def test_a_summary_with_more_than_the_summary_stays() -> None:
    text = "# X\n\n## Executive Summary\n\nOur database fell over.\n\nSee also the vendor's report.\n"
    body = body_of(import_classic(text, "a.md"))
    assert "Our database fell over." not in body  # the card shows it
    assert "## Executive Summary\n\nSee also the vendor's report." in body


def test_blank_header_lines_of_the_template_leave_the_body() -> None:
    body = body_of(convert("classic-template.md"))
    assert "**Incident ID:**" not in body and "**Date:** __________\n**Duration:**" not in body
    assert "**Severity:** [ ] P0" not in body
    assert "# Incident Post-Mortem" not in body
    assert "**Director of Engineering:** __________" in body  # the sign-off's blanks are not header lines


def test_a_header_line_the_front_matter_does_not_hold_stays() -> None:
    text = "# X\n\n**Date:** 2025-01-02\n**Duration:** about an hour\n**Severity:** [ ] P1 [ ] Px\n"
    body = body_of(import_classic(text, "a.md"))
    assert "**Duration:** about an hour" in body
    assert "**Severity:** [ ] P1 [ ] Px" in body  # a label that is no severity is the author's


def test_the_status_checkboxes_leave_the_body_once_read() -> None:
    result = convert("full.md")
    assert result.meta["status"] == "actions-tracked"
    body = body_of(result)
    assert "**Status:**" not in body and "- [x] Approved" not in body and "Lessons Shared with Team" not in body
    assert "## Status" not in body_of(convert("checkbox-actions.md"))  # its only content was the boxes


def test_status_boxes_with_other_labels_stay() -> None:
    text = "# X\n\n## Sign-Off\n\n**Status:**\n- [ ] Draft\n- [x] Approved by legal\n- [ ] Parked\n"
    result = import_classic(text, "a.md")
    assert result.meta["status"] == "approved"
    assert "- [ ] Parked" in body_of(result)


def test_action_tables_and_checklists_that_became_actions_are_not_shown_twice() -> None:
    body = body_of(convert("full.md"))
    assert "| Implement bounded cache" not in body and "- [x] Service rolled back" not in body
    assert "## Corrective Actions" not in body and "### Short-Term Actions" not in body
    assert "## What Went Well" in body and "## Lessons Learned" in body
    assert "---\n\n---" not in body and "\n\n\n" not in body


def test_an_action_table_with_anything_the_front_matter_cannot_hold_stays() -> None:
    body = body_of(convert("sparse.md"))  # "end of quarter", "Blocked on vendor", "TBD"
    assert "| Alert at 80% disk usage | Ops | end of quarter | P3 | Blocked on vendor |" in body
    body = body_of(convert("written-dates.md"))  # "High" is no priority; the checklist has an open item without owner
    assert "| Rewrite the renewal runbook | Tom Baker | Nov 19 | High | TODO |" in body


def test_header_line_with_more_than_its_value_is_kept() -> None:
    result = import_classic("# X\n\n**Date:** 2025-12-02 (estimated)\n**Incident ID:** INC-7 (reopened)\n", "a.md")
    assert result.meta["date"] == "2025-12-02"
    assert "**Date:** 2025-12-02 (estimated)" in body_of(result)
    assert "**Incident ID:** INC-7 (reopened)" in body_of(result)


def test_uppercase_x_and_check_mark_boxes_are_ticked() -> None:
    meta = convert("written-dates.md").meta
    assert meta["severity"] == "P1"  # [X]
    assert meta["detection"]["source"] == "internal"  # [✓]
    assert meta["status"] == "approved"  # [✓] in a list


def test_written_out_dates_are_iso() -> None:
    result = convert("written-dates.md")
    assert result.meta["date"] == "2021-10-28"
    dues = {a["title"]: a["due"] for a in result.meta["actions"] if "due" in a}
    assert dues["Automate certificate renewal"] == "2021-11-05"
    assert dues["Alert 30 days before expiry"] == "2021-11-12"
    assert dues["Rewrite the renewal runbook"] == "2021-11-19"  # "Nov 19": the incident's year
    assert result.meta["review"]["date"] == "2021-11-02"
    assert result.meta["review"]["sign_off"] == [{"role": "Incident Commander", "name": "Maria Rossi", "date": "2021-11-03"}]
    assert result.meta["follow_up"] == "2021-11-28"


def test_slash_date_and_bulleted_header() -> None:
    assert convert("reordered-columns.md").meta["date"] == "2024-03-15"
    assert convert("checkbox-actions.md").meta["date"] == "2021-10-28"


def test_metadata_bullets() -> None:
    meta = convert("full.md").meta
    assert meta["commander"] == "Jane Smith"
    assert meta["participants"] == ["John Doe", "Jane Smith", "Ana Lima"]
    assert meta["detection"] == {"source": "monitoring", "method": "Prometheus alert API_DOWN"}


def test_participants_split_on_semicolons_and_and() -> None:
    assert convert("reordered-columns.md").meta["participants"] == ["Omar Haddad", "Lena Berg"]
    assert convert("written-dates.md").meta["participants"] == ["Maria Rossi", "Tom Baker"]


def test_user_report_detection() -> None:
    assert convert("reordered-columns.md").meta["detection"]["source"] == "user-report"


def test_status_several_ticked_takes_the_furthest_along() -> None:
    result = convert("full.md")
    assert result.meta["status"] == "actions-tracked"
    assert "Status: several boxes ticked; set to the furthest along (actions-tracked)" in result.unmapped


@pytest.mark.parametrize(
    ("ticked", "status"),
    [
        ("Draft", "draft"),
        ("Under Review", "in-review"),
        ("Approved", "approved"),
        ("Action Items Tracked", "actions-tracked"),
        ("Lessons Shared with Team", "lessons-shared"),
    ],
)
def test_status_checkbox_list(ticked: str, status: str) -> None:
    boxes = ["Draft", "Under Review", "Approved", "Action Items Tracked", "Lessons Shared with Team"]
    lines = [f"- [{'x' if b == ticked else ' '}] {b}" for b in boxes]
    text = "# Outage\n\n## Review and Approval\n\n### Sign-Off\n\n**Status:**\n" + "\n".join(lines) + "\n"
    assert import_classic(text, "a.md").meta["status"] == status


def test_inline_status_boxes() -> None:
    assert convert("reordered-columns.md").meta["status"] == "approved"


def test_no_status_is_draft() -> None:
    result = convert("sparse.md")
    assert result.meta["status"] == "draft"
    assert "Status: not stated; set to draft" in result.unmapped


def test_no_severity_ticked_is_missing_and_noted() -> None:
    result = convert("sparse.md")
    assert "severity" not in result.meta
    assert "severity" in result.missing
    assert "Severity: no box ticked" in result.unmapped


def test_several_severities_ticked_is_missing() -> None:
    result = import_classic("# X\n\n**Severity:** [x] P1 [x] P2\n", "a.md")
    assert "severity" in result.missing
    assert "Severity: several boxes ticked (P1, P2); set it by hand" in result.unmapped
    assert "**Severity:** [x] P1 [x] P2" in body_of(result)


def test_plain_severity_text() -> None:
    assert import_classic("# X\n\n**Severity:** P2\n", "a.md").meta["severity"] == "P2"


# --- id and title ----------------------------------------------------------------------------------


def test_id_hint_is_used_when_the_text_has_no_id() -> None:
    result = convert("sparse.md", id_hint="INC-2024-0009")
    assert result.meta["id"] == "INC-2024-0009"
    assert "id" not in result.missing
    assert result.missing == ["date", "severity", "actions[0].owner", "actions[0].due", "actions[1].due"]


def test_id_not_matching_the_pattern_is_kept_in_body_and_missing() -> None:
    result = import_classic("# X\n\n**Incident ID:** inc 42\n", "a.md")
    assert "id" in result.missing
    assert "**Incident ID:** inc 42" in body_of(result)
    assert any(note.startswith("Incident ID: 'inc 42' does not match") for note in result.unmapped)


def test_id_from_text_wins_over_hint() -> None:
    assert convert("full.md", id_hint="INC-1-2").meta["id"] == "INC-2025-0042"


def test_title_after_generic_heading_colon() -> None:
    assert convert("written-dates.md").meta["title"] == "Payment gateway timeouts"


def test_generic_title_falls_back_to_summary_first_sentence() -> None:
    assert (
        convert("sparse.md").meta["title"] == "The nightly export job filled the shared disk and stopped the reporting database"
    )


def test_title_from_file_name_keeps_dates_whole() -> None:
    result = import_classic("# Incident Post-Mortem\n\nNothing else.\n", "old/2021-10-28_db-failover.md")
    assert result.meta["title"] == "2021-10-28 db failover"


def test_specific_heading_is_the_title() -> None:
    assert convert("reordered-columns.md").meta["title"] == "Checkout latency after cache migration"


# --- summary ----------------------------------------------------------------------------------------------


def test_summary_skips_placeholder() -> None:
    assert convert("full.md").meta["summary"].startswith("On December 2, 2025 at 14:30 UTC")


def test_summary_italics_are_unwrapped() -> None:
    summary = convert("written-dates.md").meta["summary"]
    assert summary == "Card payments timed out for ninety minutes because the gateway's TLS certificate expired."


def test_summary_written_next_to_the_example_is_used() -> None:
    text = "# X\n\n## Executive Summary\n\n[2-3 sentence summary]\n\nExample:\n_Some other outage._\n\nOur database fell over.\n"
    assert import_classic(text, "a.md").meta["summary"] == "Our database fell over."


# --- timeline and timing ---------------------------------------------------------------------------------


def test_timing_from_utc_timeline() -> None:
    assert convert("full.md").meta["timing"] == {
        "detected": "2025-12-02T14:30:00Z",
        "acknowledged": "2025-12-02T14:32:00Z",
        "root_caused": "2025-12-02T14:40:00Z",
        "resolved": "2025-12-02T15:30:00Z",
    }


def test_timing_with_reordered_timeline_columns() -> None:
    timing = convert("reordered-columns.md").meta["timing"]
    assert (timing["detected"], timing["resolved"]) == ("2024-03-15T09:05:00Z", "2024-03-15T10:40:00Z")


def test_timeline_crossing_midnight_moves_to_the_next_day() -> None:
    timing = convert("checkbox-actions.md").meta["timing"]
    assert timing == {
        "detected": "2021-10-28T23:50:00Z",
        "acknowledged": "2021-10-28T23:58:00Z",
        "resolved": "2021-10-29T00:20:00Z",
    }


def test_timeline_without_time_zone_leaves_timing_out() -> None:
    result = convert("written-dates.md")
    assert "timing" not in result.meta
    assert "Timeline: the 'Time' column gives no time zone (UTC?); timing not set, the table is kept" in result.unmapped


def timeline(header: str) -> str:
    return f"## Timeline\n\n| {header} | Event |\n|---|---|\n| 10:00 | Alert |\n| 11:00 | Resolved |\n"


def test_timeline_with_utc_offset_header() -> None:
    text = "# X\n\n**Date:** 2025-01-02\n\n" + timeline("Time (UTC+02:00)")
    assert import_classic(text, "a.md").meta["timing"] == {
        "detected": "2025-01-02T10:00:00+02:00",
        "resolved": "2025-01-02T11:00:00+02:00",
    }


def test_duration_from_timing_is_not_repeated() -> None:
    text = "# X\n\n**Date:** 2025-01-02\n**Duration:** 60 minutes\n\n" + timeline("Time (UTC)")
    assert "impact" not in import_classic(text, "a.md").meta


def test_header_duration_when_timing_cannot_give_it() -> None:
    assert import_classic("# X\n\n**Duration:** 1h 30m\n", "a.md").meta["impact"] == {"duration_minutes": 90}


# --- impact and root cause --------------------------------------------------------------------------------


def test_impact_fields() -> None:
    assert convert("full.md").meta["impact"] == {
        "type": "complete-outage",
        "users_affected": "all",
        "regions": ["eu-west", "us-east"],
        "duration_minutes": 60,
        "requests_failed": 30000,
        "peak_error_rate": 100,
        "revenue_usd": 12000,
        "sla_breach": True,
        "customer_tickets": 42,
        "reputation": "moderate",
        "data_loss": False,
        "other_services": ["billing", "notifications"],
    }


def test_impact_numbers_with_units_and_suffixes() -> None:
    impact = convert("reordered-columns.md").meta["impact"]
    assert impact["users_affected"] == 1200  # "~1,200"
    assert impact["revenue_usd"] == 1500  # "$1.5k"
    assert impact["peak_error_rate"] == 12.5
    assert impact["duration_minutes"] == 120  # "2 hours"
    assert impact["sla_breach"] is False


def test_impact_none_and_no() -> None:
    impact = convert("written-dates.md").meta["impact"]
    assert impact["customer_tickets"] == 0
    assert impact["data_loss"] is False
    assert "data_loss_details" not in impact
    assert impact["reputation"] == "minor"
    assert impact["type"] == "feature-unavailable"


def test_data_loss_details() -> None:
    impact = import_classic("# X\n\n- **Data Loss:** Yes - Details: 200 orders lost\n", "a.md").meta["impact"]
    assert impact == {"data_loss": True, "data_loss_details": "200 orders lost"}


def test_blank_placeholders_are_not_values() -> None:
    result = convert("sparse.md")
    assert "commander" not in result.meta  # N/A
    assert "participants" not in result.meta  # [...]
    assert "impact" not in result.meta  # ___, $__________, Yes/No, _____%, and an unreadable count
    assert "Total Users Affected: 'about half of the analysts' is not a number or 'all'; kept in the body" in result.unmapped


def test_root_cause_lists() -> None:
    assert convert("full.md").meta["root_cause"] == {
        "primary": "Unbounded scene_cache in v2.5.0 scene loading",
        "contributing": ["Load tests ran under one hour", "Memory alert threshold at 95%"],
    }


def test_root_cause_inline_primary() -> None:
    root = convert("written-dates.md").meta["root_cause"]
    assert root["primary"] == "The gateway certificate was renewed by hand and nobody renewed it this year"
    assert root["contributing"] == ["No expiry alert on the certificate", "The renewal runbook was out of date"]


# --- corrective actions -------------------------------------------------------------------------------------


def test_action_table_statuses_and_terms() -> None:
    actions = actions_by_title(convert("full.md"))
    got = {title: (a["status"], a.get("term")) for title, a in actions.items()}
    assert got == {
        "Service rolled back to v2.4.8": ("done", "immediate"),
        "Runbook updated with memory leak section": ("done", "immediate"),
        "Implement bounded cache (max 1000 scenes)": ("in-progress", "short"),
        "Add memory leak detection tests": ("not-started", "short"),
        "Implement canary deployments": ("done", "medium"),
        "Chaos engineering for memory scenarios": ("cancelled", "long"),
    }


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Not Started", "not-started"),
        ("In Progress", "in-progress"),
        ("Completed", "done"),
        ("Cancelled", "cancelled"),
        ("done", "done"),
        ("TODO", "not-started"),
        ("Won't Do", "cancelled"),
        ("**In progress**", "in-progress"),
    ],
)
def test_action_status_words(written: str, status: str) -> None:
    text = f"# X\n\n## Corrective Actions\n\n| Action | Owner | Status |\n|---|---|---|\n| Fix | Ops | {written} |\n"
    result = import_classic(text, "a.md")
    assert result.meta["actions"][0]["status"] == status
    assert not any(note.startswith("actions[0].status") for note in result.unmapped)


def test_action_table_row_fields() -> None:
    action = actions_by_title(convert("full.md"))["Implement bounded cache (max 1000 scenes)"]
    assert action == {
        "title": "Implement bounded cache (max 1000 scenes)",
        "owner": "Dev Team",
        "due": "2025-12-10",
        "priority": "P0",
        "status": "in-progress",
        "term": "short",
    }


def test_actions_keep_document_order() -> None:
    titles = [a["title"] for a in convert("full.md").meta["actions"]]
    assert titles[0] == "Service rolled back to v2.4.8"
    assert titles[-1] == "Chaos engineering for memory scenarios"


def test_reordered_columns_with_ticket_and_assignee() -> None:
    actions = actions_by_title(convert("reordered-columns.md"))
    assert actions["Size the cache client pool from load"] == {
        "title": "Size the cache client pool from load",
        "owner": "Lena Berg",
        "due": "2024-03-22",
        "priority": "P1",
        "status": "done",
        "term": "short",
        "ticket": "https://jira.example.com/browse/OPS-7790",
    }
    assert actions["Alert on checkout p95 latency"]["ticket"] == "OPS-7791"
    assert actions["Alert on checkout p95 latency"]["status"] == "in-progress"


def test_extra_column_is_noted_and_row_still_mapped() -> None:
    result = convert("reordered-columns.md")
    action = actions_by_title(result)["Rehearse cache migrations in staging"]
    assert (action["owner"], action["due"], action["status"], action["term"]) == (
        "Platform Team",
        "2024-06-01",
        "cancelled",
        "long",
    )
    assert "Actions table at line 48: column(s) Notes not mapped (kept in the body)" in result.unmapped
    assert "| Rehearse cache migrations in staging | Platform Team | 2024-06-01 | needs budget | Cancelled |" in body_of(result)


def test_checkbox_actions_get_no_invented_owner_or_due_date() -> None:
    result = convert("checkbox-actions.md")
    assert result.meta["actions"] == [
        {"title": "Restarted the resolvers one at a time", "status": "done", "term": "immediate"},
        {"title": "Pinned the resolver version", "status": "done", "term": "immediate"},
        {"title": "Add a SERVFAIL dashboard", "status": "not-started", "term": "immediate"},
    ]
    assert result.meta["commander"] == "Kenji Sato"  # there is a commander, and they are not made the owner
    assert "actions[2]: no owner given; to fill in" in result.unmapped
    assert "actions[2]: no due date given; to fill in" in result.unmapped
    assert result.missing == ["root_cause", "actions[2].owner", "actions[2].due"]


def test_checklist_actions_keep_their_owner_due_date_and_priority() -> None:
    result = convert("checklist-owners.md")
    assert result.meta["actions"] == [
        {
            "title": "Reverted the DNS record",
            "owner": "Sam Okafor",
            "status": "done",
            "term": "immediate",
            "closed": "2024-04-16",
        },
        {
            "title": "Paused manual zone edits",
            "owner": "priya",
            "priority": "P1",
            "status": "done",
            "term": "immediate",
            "closed": "2024-04-16",
        },
        {
            "title": "Move the zone into Terraform",
            "owner": "Platform Team",
            "due": "2024-04-30",
            "priority": "P1",
            "status": "done",
            "term": "short",
        },
        {"title": "Add a DNS diff check to CI", "owner": "sam", "due": "2024-05-01", "status": "not-started", "term": "short"},
        {
            "title": "Alert on changes to production records",
            "owner": "Priya Patel",
            "due": "2024-05-10",  # "May 10": the incident's year
            "priority": "P2",
            "status": "not-started",
            "term": "short",
        },
    ]
    assert not any("owner" in note or "due" in note for note in result.unmapped)
    assert result.missing == []


@pytest.mark.parametrize(
    ("item", "fields"),
    [
        ("- [x] Fix it (Dev Team, due 2025-12-10, P1)", {"owner": "Dev Team", "due": "2025-12-10", "priority": "P1"}),
        ("- [ ] Fix it (@ana, due 2024-05-01)", {"owner": "ana", "due": "2024-05-01"}),
        (
            "- [ ] Fix it (owner: Ana Lima; by 2024-05-01; p2; OPS-7)",
            {"owner": "Ana Lima", "due": "2024-05-01", "priority": "P2"},
        ),
        ("- [ ] Fix it (due 2024-05-01)", {"due": "2024-05-01"}),
    ],
)
def test_checklist_item_parentheses(item: str, fields: dict[str, str]) -> None:
    (action,) = import_classic(f"# X\n\n## Corrective Actions\n\n{item}\n", "a.md").meta["actions"]
    assert action["title"] == "Fix it"
    assert {k: action[k] for k in fields} == fields


@pytest.mark.parametrize("item", ["Cap the cache (max 1000 scenes)", "Page the DBA (Ana, Bo)", "Ask (Ana) again"])
def test_a_parenthesis_that_says_no_owner_or_date_is_part_of_the_title(item: str) -> None:
    result = import_classic(f"# X\n\n## Corrective Actions\n\n- [ ] {item}\n", "a.md")
    (action,) = result.meta["actions"]
    assert action["title"] == item and "owner" not in action
    assert "actions[0]: no owner given; to fill in" in result.unmapped


def test_an_action_without_owner_has_none() -> None:
    result = convert("sparse.md")
    assert "owner" not in result.meta["actions"][0]  # "TBD"
    assert "actions[0]: no owner given; to fill in" in result.unmapped


def test_unreadable_action_values_are_noted() -> None:
    result = convert("sparse.md")
    assert "actions[1].due: 'end of quarter' is not a date; kept in the body" in result.unmapped
    assert "actions[1].status: 'Blocked on vendor' not recognised; set to not-started" in result.unmapped
    assert result.meta["actions"][1]["status"] == "not-started"


def test_todo_status_and_word_priority() -> None:
    result = convert("written-dates.md")
    action = actions_by_title(result)["Rewrite the renewal runbook"]
    assert action["status"] == "not-started"
    assert "priority" not in action
    assert "actions[4].priority: 'High' is not one of P0, P1, P2, P3, P4; kept in the body" in result.unmapped


def test_lowercase_priority_is_normalised() -> None:
    assert actions_by_title(convert("reordered-columns.md"))["Size the cache client pool from load"]["priority"] == "P1"


# --- review and follow-up ------------------------------------------------------------------------------------


def test_review_and_sign_off() -> None:
    assert convert("full.md").meta["review"] == {
        "date": "2025-12-05",
        "attendees": ["Jane Smith", "John Doe", "Ana Lima"],
        "sign_off": [
            {"role": "Incident Commander", "name": "Jane Smith", "date": "2025-12-06"},
            {"role": "Engineering Manager", "name": "Priya Patel", "date": "2025-12-07"},
        ],
    }


def test_follow_up() -> None:
    assert convert("full.md").meta["follow_up"] == "2026-01-05"


def test_dates_in_code_blocks_are_ignored() -> None:
    assert convert("full.md").meta["date"] == "2025-12-02"  # the log block also holds a **Date:** line


# --- odd input ---------------------------------------------------------------------------------------------------


def test_empty_file_has_everything_missing() -> None:
    result = import_classic("", "empty.md")
    assert result.meta == {}
    assert result.missing == list(REQUIRED)
    assert sorted(p.field for p in problems_of(result)) == sorted(REQUIRED)


def test_file_with_front_matter_is_left_unchanged() -> None:
    text = "---\nid: INC-1-2\ntitle: T\n---\n\nBody\n"
    result = import_classic(text, "a.md")
    assert result.text == text
    assert result.missing == ["date", "severity", "status"]


def test_crlf_and_bom_input() -> None:
    source = (FIXTURES / "full.md").read_text(encoding="utf-8")
    result = import_classic("\ufeff" + source.replace("\n", "\r\n"), "full.md", today=TODAY)
    assert result.text == convert("full.md").text.replace(str(FIXTURES / "full.md"), "full.md")


@pytest.mark.parametrize(
    "text",
    [
        "\n\n   \n",
        "no headings at all, just words",
        "| a | b |\n|---|---|\n| 1 |",
        "```\nunclosed fence\n**Date:** 2025-01-01\n",
        "**Severity:** [x]\n**Date:** 2025-02-30\n**Incident ID:** ---",
        "## Corrective Actions\n\n| Action | Owner |\n|---|---|\n| | |\n| x |\n- [x]\n- [ ] \n",
        "# \n## \n### \n**:** \n** a **: b",
        "\x00\x01 binary \udcff junk",
        "## Timeline\n\n| Time (UTC) | Event |\n|--|--|\n| 99:99 | Resolved |\n| 25:61 | Alert |",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    result = import_classic(text, "odd.md")
    assert not any("could not be converted" in note for note in result.unmapped)
    assert sorted(p.field for p in problems_of(result)) == sorted(result.missing)


def test_incident_status_line_does_not_hide_the_document_status() -> None:
    text = "# X\n\n**Status:** Resolved\n\n## Sign-Off\n\n**Status:**\n- [ ] Draft\n- [x] Approved\n"
    assert import_classic(text, "a.md").meta["status"] == "approved"


def test_internal_error_keeps_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> ImportResult:
        raise RuntimeError("boom")

    monkeypatch.setattr(importer, "convert_text", broken)
    result = import_classic("# X\r\n\r\nSome text\r\n", "a.md")
    assert result.text == "---\n{}\n---\n\n# X\n\nSome text\n"
    assert result.missing == list(REQUIRED)
    assert result.unmapped == ["could not be converted (RuntimeError: boom); the whole text was kept as the body"]


def test_control_characters_are_kept_out_of_front_matter_only() -> None:
    result = import_classic("# API\x85down\x00\n\n- **Incident Commander:** Jane\u2028Smith\n", "a.md")
    assert (result.meta["title"], result.meta["commander"]) == ("API down", "Jane Smith")
    assert load_text(result.text, "a.md").meta == result.meta
    assert "- **Incident Commander:** Jane\u2028Smith" in body_of(result)


@pytest.mark.parametrize("name", NAMES)
def test_mutated_fixtures_never_raise_and_lose_no_text(name: str) -> None:
    source = (FIXTURES / name).read_text(encoding="utf-8")
    pieces = [*"|-*_[]xX:#`\n 0123456789/.,$%~", "**", "[x]", "[ ]", "UTC", "2025-12-02", "Oct", "P1", "Date:", "---\n"]
    rng = random.Random(f"mutate {name}")
    for _ in range(40):
        chars = list(source)
        for _ in range(rng.randrange(1, 30)):
            at = rng.randrange(len(chars))
            if rng.random() < 0.5:
                chars.insert(at, rng.choice(pieces))
            else:
                del chars[at]
        text = "".join(chars)
        result = import_classic(text, name, today=TODAY)
        assert not any("could not be converted" in note for note in result.unmapped)
        assert sorted(p.field for p in problems_of(result)) == sorted(result.missing)
        assert lost_words(text, result) == set()


# --- small parsers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2021-10-28", "2021-10-28"),
        ("2021/10/28", "2021-10-28"),
        ("October 28, 2021", "2021-10-28"),
        ("Oct 28 2021", "2021-10-28"),
        ("28 Oct 2021", "2021-10-28"),
        ("28th of October, 2021", "2021-10-28"),
        ("Thursday, October 28th, 2021 at 14:00", "2021-10-28"),
        ("10/28/2021", "2021-10-28"),
        ("28/10/2021", "2021-10-28"),
        ("03/04/2021", None),
        ("2021-02-30", None),
        ("sometime", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    found = parse_date(text)
    assert (found.isoformat() if found else None) == iso


def test_yearless_date_uses_the_year_given_and_rolls_over() -> None:
    assert parse_date("Jan 5", default_year=2025, after=dt.date(2025, 12, 2)) == dt.date(2026, 1, 5)
    assert parse_date("Jan 5") is None


def test_yearless_due_date_without_incident_date_uses_today() -> None:
    text = "# X\n\n## Corrective Actions\n\n| Action | Owner | Due |\n|---|---|---|\n| Fix it | Ops | Mar 3 |\n"
    assert import_classic(text, "a.md", today=dt.date(2030, 6, 1)).meta["actions"][0]["due"] == "2030-03-03"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("60 minutes", 60),
        ("1h 30m", 90),
        ("2 hours 15 minutes", 135),
        ("1.5 hours", 90),
        ("90 min", 90),
        ("45", 45),
        ("soon", None),
    ],
)
def test_parse_minutes(text: str, minutes: int | None) -> None:
    assert parse_minutes(text) == minutes


def test_service_names_that_are_no_identifiers_stay_in_the_body() -> None:
    text = "# X\n\n- **Affected Services:** checkout <beta>, payments\n- **Other Services Affected:** billing (EU)\n"
    result = import_classic(text, "a.md")
    assert "services" not in result.meta
    assert "impact" not in result.meta
    rule = "may contain only letters, digits, spaces and - _ . + /; kept in the body"
    assert f"Services: 'checkout <beta>' {rule}" in result.unmapped
    assert f"Other Services: 'billing (EU)' {rule}" in result.unmapped
    assert "checkout <beta>, payments" in body_of(result)
    assert {p.field for p in problems_of(result)} <= set(REQUIRED)  # the rest is valid


# --- the package ---------------------------------------------------------------------------------------------------


def test_no_importer_module_is_over_400_lines() -> None:
    package = Path(importer.__file__).parent
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in package.glob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def test_the_vocabulary_is_the_effective_schemas() -> None:
    schema = effective_schema(default_settings())
    schema["properties"]["severity"]["enum"] = ["SEV1", "SEV2"]
    schema["properties"]["id"]["pattern"] = "^OPS-[0-9]+$"
    words = Vocabulary.from_schema(schema)
    assert (words.severities, words.id_pattern.pattern) == (("SEV1", "SEV2"), "^OPS-[0-9]+$")
    assert words.closed_statuses == ("done", "cancelled")
    assert words.order[:5] == ("id", "title", "date", "severity", "status")


def test_a_schema_whose_core_fields_were_reshaped_still_gives_a_vocabulary() -> None:
    schema = {"properties": {"id": {"type": "string", "pattern": "^X-[0-9]+$"}, "severity": {"enum": ["S1"]}}, "required": ["id"]}
    words = Vocabulary.from_schema(schema)
    assert (words.severities, words.id_pattern.pattern, words.required) == (("S1",), "^X-[0-9]+$", ("id",))
    assert words.action_statuses == Vocabulary.default().action_statuses
