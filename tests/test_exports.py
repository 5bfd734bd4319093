"""The exports (docs/exports.md): incidents.json, actions.csv, actions.ics and one feed per owner,
each read back with a standard parser (json + jsonschema, csv, icalendar)."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline
from jsonschema import Draft202012Validator, FormatChecker
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_postmortem import outputs
from mkdocs_postmortem.catalog import DURATIONS, ActionRow, Catalog, build_catalog
from mkdocs_postmortem.cli import main
from mkdocs_postmortem.load import load_text
from mkdocs_postmortem.schema import CLOSED_STATUSES, INCIDENTS_SCHEMA_NAME, bundled_schema_path

from .conftest import REPO, postmortem

AS_OF = dt.date(2026, 1, 1)  # the site fixture's as_of

# Timing: started 10:00, detected 10:05, acknowledged 10:07, root caused 10:35, mitigated 10:50,
# resolved 12:05 (+01:00 written for one moment: 11:05Z is 12:05+01:00).
FULL = postmortem(
    "INC-2025-0001",
    title="Checkout outage",
    extra="""\
        timing:
          started: 2025-03-02T10:00:00Z
          detected: 2025-03-02T10:05:00Z
          acknowledged: 2025-03-02T10:07:00Z
          root_caused: 2025-03-02T10:35:00Z
          mitigated: 2025-03-02T10:50:00Z
          resolved: 2025-03-02T12:05:00+01:00
        impact:
          type: complete-outage
          revenue_usd: 987654321
        actions:
          - {title: Bound the cache, owner: Ann Lee, due: 2025-12-20, status: in-progress, priority: P1, ticket: OPS-1}
          - {title: "=HYPERLINK(\\"http://evil.example\\")", owner: "@Bob Roy", due: 2026-03-01, status: not-started}
          - {title: Add an alert, owner: Ann Lee, due: 2025-11-01, status: done, closed: 2025-10-30}
          - {title: Rewrite in Rust, owner: Bob Roy, due: 2025-11-01, status: cancelled}
        """,
)
OTHER = postmortem(
    "INC-2025-0002",
    title="Payments slow",
    date="2025-04-01",
    extra="""\
        impact: {type: degraded-performance, duration_minutes: 45}
        actions:
          - {title: Add capacity alerts, owner: ann lee, due: 2026-01-01, status: not-started}
        """,
)
DRAFT = postmortem(
    "INC-2025-0003",
    title="Secret draft outage",
    status="draft",
    extra="actions:\n  - {title: Draft-only action, owner: Carol, due: 2025-06-01, status: not-started}\n",
)
PRIVATE = "      private_fields: [impact.revenue_usd]\n"


@pytest.fixture
def export_site(site):  # type: ignore[no-untyped-def]
    site("a.md", FULL)
    site("b.md", OTHER)
    site("c.md", DRAFT)
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + PRIVATE)
    return site


def render(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["render", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out / "postmortems"


def mkdocs_build(root: Path, **options: object) -> Path:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True, **options)
    build(config)
    return root / "site"


@pytest.fixture
def rendered(export_site, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    return render(export_site.root, tmp_path / "out", monkeypatch)


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# --- incidents.json ----------------------------------------------------------------------------


def incidents_schema() -> dict[str, object]:
    return json.loads(bundled_schema_path(INCIDENTS_SCHEMA_NAME).read_text())  # type: ignore[no-any-return]


def validate(data: object) -> list[str]:
    validator = Draft202012Validator(incidents_schema(), format_checker=FormatChecker())
    return [error.message for error in validator.iter_errors(data)]


def test_incidents_json_validates_against_its_own_schema(rendered: Path):
    data = json.loads((rendered / "incidents.json").read_bytes())
    assert validate(data) == []
    assert data["version"] == outputs.INCIDENTS_JSON_VERSION and data["as_of"] == "2026-01-01"


def test_the_schema_rejects_an_incident_without_its_page(rendered: Path):
    data = json.loads((rendered / "incidents.json").read_bytes())
    broken = copy.deepcopy(data)
    del broken["incidents"][0]["url"]
    assert validate(broken) == ["'url' is a required property"]


def test_the_schema_names_the_catalogs_durations_and_action_counts():
    incident = incidents_schema()["$defs"]["incident"]["properties"]  # type: ignore[index]
    assert incident["durations_minutes"]["propertyNames"]["enum"] == [n.replace(" ", "_") for n in DURATIONS]
    assert incident["actions"]["required"] == ["total", "open", "overdue", *CLOSED_STATUSES]


def test_incidents_json_holds_front_matter_derived_figures_and_page(rendered: Path):
    data = json.loads((rendered / "incidents.json").read_bytes())
    first, second = data["incidents"]  # sorted by id, the draft left out
    assert first["id"] == "INC-2025-0001" and first["url"] == "postmortems/a/"
    assert first["front_matter"]["title"] == "Checkout outage" and first["front_matter"]["date"] == "2025-03-02"
    assert first["front_matter"]["timing"]["resolved"] == "2025-03-02T12:05:00+01:00"  # the text as written
    # hand-computed from the timing above: resolved is 11:05Z
    assert first["durations_minutes"] == {
        "impact_window": 65,
        "time_to_detect": 5,
        "time_to_acknowledge": 2,
        "time_to_root_cause": 30,
        "time_to_mitigate": 45,
        "time_to_resolve": 60,
    }
    assert first["duration_minutes"] == 60
    # open: the cache (due 2025-12-20: overdue) and the HYPERLINK one (due 2026-03-01); one done, one cancelled
    assert first["actions"] == {"total": 4, "open": 2, "overdue": 1, "done": 1, "cancelled": 1}
    assert second["durations_minutes"] == {} and second["duration_minutes"] == 45  # stated, no timing
    assert second["actions"] == {"total": 1, "open": 1, "overdue": 0, "done": 0, "cancelled": 0}  # due on as_of: not overdue


def test_incidents_json_is_compact_one_incident_a_line_and_sorted(rendered: Path):
    text = (rendered / "incidents.json").read_text()
    lines = text.splitlines()
    assert len(lines) == 1 + 2 + 1  # head, one line per incident, close
    assert lines[0].startswith('{"as_of":"2026-01-01",') and lines[-1] == "]}"
    assert '": ' not in text and '", "' not in text and "\n " not in text  # no indentation, no spaces after separators
    record = json.loads(lines[1].rstrip(","))
    assert list(record) == sorted(record) and list(record["front_matter"]) == sorted(record["front_matter"])


def test_one_incident_is_the_head_its_line_and_the_close(site, tmp_path: Path, monkeypatch):
    site("a.md", postmortem())
    lines = (render(site.root, tmp_path / "out", monkeypatch) / "incidents.json").read_text().splitlines()
    assert len(lines) == 3 and lines[0].endswith('"incidents":[') and lines[2] == "]}"
    assert json.loads(lines[1])["id"] == "INC-2025-0001"


def test_the_build_writes_each_export_before_it_makes_the_next(export_site, monkeypatch):
    """A build holds one export's bytes at a time (tens of megabytes at thousands of incidents)."""
    import mkdocs_postmortem.plugin as plugin_module

    made: list[str] = []

    def one_at_a_time(published: outputs.Published) -> Iterator[tuple[str, bytes]]:
        for path, data in outputs.export_files(published):
            if made:  # the one before is on disk already, in the folder MkDocs copies it from
                plugin = next(p for p in config.plugins.values() if isinstance(p, plugin_module.PostmortemPlugin))
                assert plugin._generated._root is not None
                assert (plugin._generated._root / made[-1]).is_file(), made[-1]
            made.append(path)
            yield path, data

    monkeypatch.setattr(plugin_module, "export_files", one_at_a_time)
    config = load_config(str(export_site.root / "mkdocs.yml"), site_dir=str(export_site.root / "site"), strict=True)
    build(config)
    assert len(made) >= 4 and "postmortems/incidents.json" in made
    for path in made:
        assert (export_site.root / "site" / path).is_file(), path


def test_an_empty_site_exports_an_empty_list(site, tmp_path: Path, monkeypatch):
    folder = render(site.root, tmp_path / "out", monkeypatch)
    data = json.loads((folder / "incidents.json").read_bytes())
    assert data["incidents"] == [] and validate(data) == []
    assert csv_rows((folder / "actions.csv").read_bytes()) == []
    assert events((folder / "actions.ics").read_bytes()) == []


@pytest.mark.parametrize(
    ("directory_urls", "url", "page"), [(True, "postmortems/a/", "a/index.html"), (False, "postmortems/a.html", "a.html")]
)
def test_the_page_url_is_where_mkdocs_puts_the_page(export_site, directory_urls: bool, url: str, page: str):
    built = mkdocs_build(export_site.root, use_directory_urls=directory_urls)
    data = json.loads((built / "postmortems" / "incidents.json").read_bytes())
    assert data["incidents"][0]["url"] == url
    assert (built / url.rstrip("/")).exists() and (built / "postmortems" / page).is_file()


def test_render_takes_the_page_urls_from_mkdocs_yml(export_site, tmp_path: Path, monkeypatch):
    config = export_site.root / "mkdocs.yml"
    config.write_text("use_directory_urls: false\n" + config.read_text())
    data = json.loads((render(export_site.root, tmp_path / "out", monkeypatch) / "incidents.json").read_bytes())
    assert [i["url"] for i in data["incidents"]] == ["postmortems/a.html", "postmortems/b.html"]


def test_render_links_pages_in_html_where_the_site_puts_them(export_site, tmp_path: Path, monkeypatch):
    """The lists' title links are HTML; Zensical rewrites links in raw HTML as it does Markdown links, so
    render names the source page and the engine puts it where the site's use_directory_urls says
    (a built URL such as ../a/ would be rewritten once more: tests/test_engines.py builds it)."""
    config = export_site.root / "mkdocs.yml"
    config.write_text("use_directory_urls: false\n" + config.read_text())
    out = render(export_site.root, tmp_path / "out", monkeypatch)
    assert 'class="pm-title" href="../a.md"' in (out / "timeline" / "2025.md").read_text()  # the year's page
    summary = (out / "timeline.md").read_text()  # a small site: the summary lists the incidents too
    assert 'class="pm-title" href="a.md"' in summary and "[2025](timeline/2025.md)" in summary


# --- actions.csv -------------------------------------------------------------------------------


def test_actions_csv_has_every_action_with_the_rows_columns(rendered: Path):
    data = (rendered / "actions.csv").read_bytes()
    assert b"\r\n" in data and data.count(b"\r\n") == data.count(b"\n")  # RFC 4180 line ends
    rows = csv_rows(data)
    assert list(rows[0]) == list(ActionRow.FIELDS)
    # newest incident first, its actions in the document's order
    assert [(r["incident"], r["state"], r["status"]) for r in rows] == [
        ("INC-2025-0002", "due-soon", "not-started"),
        ("INC-2025-0001", "overdue", "in-progress"),
        ("INC-2025-0001", "later", "not-started"),
        ("INC-2025-0001", "closed", "done"),
        ("INC-2025-0001", "closed", "cancelled"),
    ]
    cache = rows[1]
    assert cache == cache | {
        "owner": "Ann Lee",
        "due": "2025-12-20",
        "priority": "P1",
        "ticket": "OPS-1",
        "incident_title": "Checkout outage",
        "days_overdue": "12",  # 2025-12-20 to 2026-01-01: 11 days of December after the 20th, and 1
        "closed": "",
    }
    assert rows[3]["closed"] == "2025-10-30" and rows[3]["days_overdue"] == ""  # done: never overdue
    assert rows[0]["days_overdue"] == ""  # due on the as-of day: not overdue


def test_actions_csv_cells_never_start_a_formula(rendered: Path):
    rows = csv_rows((rendered / "actions.csv").read_bytes())
    later = rows[2]
    assert later["action"] == '\'=HYPERLINK("http://evil.example")' and later["owner"] == "'@Bob Roy"
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in rows for cell in row.values() if cell.startswith(starts)]


def test_postmortem_actions_csv_and_the_export_share_their_columns_and_rows(export_site, rendered: Path, monkeypatch):
    monkeypatch.chdir(export_site.root)
    result = CliRunner().invoke(main, ["actions", "--open", "--format", "csv"], catch_exceptions=False)
    terminal = list(csv.DictReader(io.StringIO(result.output, newline="")))
    exported = [r for r in csv_rows((rendered / "actions.csv").read_bytes()) if r["state"] != "closed"]
    assert list(terminal[0]) == list(exported[0]) == list(ActionRow.FIELDS)
    key = lambda r: (r["incident"], r["action"])  # noqa: E731
    assert [r | {"path": ""} for r in sorted(terminal, key=key)] == [r | {"path": ""} for r in sorted(exported, key=key)]
    assert {r["path"] for r in terminal} == {"docs/postmortems/a.md", "docs/postmortems/b.md"}  # where you are
    assert {r["path"] for r in exported} == {"postmortems/a.md", "postmortems/b.md"}  # under docs_dir


# --- actions.ics -------------------------------------------------------------------------------


def test_actions_ics_has_one_all_day_event_per_open_action(rendered: Path):
    calendar = icalendar.Calendar.from_ical((rendered / "actions.ics").read_bytes())
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=outputs.REFRESH_HOURS)
    assert calendar["X-PUBLISHED-TTL"] == f"PT{outputs.REFRESH_HOURS}H"
    found = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert sorted(found) == [
        '=HYPERLINK("http://evil.example") (@Bob Roy, INC-2025-0001)',
        "Add capacity alerts (ann lee, INC-2025-0002)",
        "Bound the cache (Ann Lee, INC-2025-0001)",
    ]
    cache = found["Bound the cache (Ann Lee, INC-2025-0001)"]
    assert cache.decoded("DTSTART") == dt.date(2025, 12, 20) and cache.decoded("DTEND") == dt.date(2025, 12, 21)
    assert cache.decoded("DTSTAMP") == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # the build's date, not the clock
    assert str(cache["URL"]) == "postmortems/a/"  # no site_url: relative to the site's root
    assert "Ticket: OPS-1" in str(cache["DESCRIPTION"]) and "Incident: INC-2025-0001 Checkout outage" in str(cache["DESCRIPTION"])


def test_the_calendar_links_the_full_page_url_when_site_url_is_set(export_site, tmp_path: Path, monkeypatch):
    config = export_site.root / "mkdocs.yml"
    config.write_text("site_url: https://wiki.example.org/lessons\n" + config.read_text())
    folder = render(export_site.root, tmp_path / "out", monkeypatch)
    urls = {str(e["URL"]) for e in events((folder / "actions.ics").read_bytes())}
    assert urls == {"https://wiki.example.org/lessons/postmortems/a/", "https://wiki.example.org/lessons/postmortems/b/"}


def uids(folder: Path) -> dict[str, str]:
    return {str(e["SUMMARY"]).split(" (")[0]: str(e["UID"]) for e in events((folder / "actions.ics").read_bytes())}


def test_uids_stay_while_an_action_is_unchanged(export_site, tmp_path: Path, monkeypatch):
    first = uids(render(export_site.root, tmp_path / "1", monkeypatch))
    assert uids(render(export_site.root, tmp_path / "2", monkeypatch)) == first
    assert len(set(first.values())) == 3
    # unrelated changes: another incident's action renamed, a new action, a changed due date and owner
    export_site("b.md", OTHER.replace("Add capacity alerts", "Add capacity alerts to the dashboard"))
    export_site(
        "a.md", FULL.replace("due: 2025-12-20", "due: 2026-02-01").replace("owner: Ann Lee, due: 2026", "owner: Dan, due: 2026")
    )
    after = uids(render(export_site.root, tmp_path / "3", monkeypatch))
    assert after["Bound the cache"] == first["Bound the cache"]  # keyed by its ticket
    assert after['=HYPERLINK("http://evil.example")'] == first['=HYPERLINK("http://evil.example")']
    assert after["Add capacity alerts to the dashboard"] != first["Add capacity alerts"]  # no ticket: a new title, a new entry


def test_a_ticket_keeps_the_uid_when_the_title_changes(export_site, tmp_path: Path, monkeypatch):
    before = uids(render(export_site.root, tmp_path / "1", monkeypatch))["Bound the cache"]
    export_site("a.md", FULL.replace("Bound the cache", "Bound the price cache"))
    assert uids(render(export_site.root, tmp_path / "2", monkeypatch))["Bound the price cache"] == before


def test_two_actions_with_one_ticket_get_two_uids(site, tmp_path: Path, monkeypatch):
    site(
        "a.md",
        postmortem(
            extra="actions:\n"
            "  - {title: One, owner: A, due: 2026-02-01, status: not-started, ticket: OPS-9}\n"
            "  - {title: Two, owner: A, due: 2026-02-02, status: not-started, ticket: OPS-9}\n"
        ),
    )
    found = uids(render(site.root, tmp_path / "out", monkeypatch))
    assert len(set(found.values())) == 2


def test_one_feed_per_owner_with_that_owners_open_actions(rendered: Path):
    feeds = sorted(p.name for p in (rendered / "actions").glob("*.ics"))  # next to each owner's page (<owner>.md)
    assert feeds == ["ann-lee.ics", "bob-roy.ics"]  # "Ann Lee" and "ann lee" are one owner; "@Bob Roy" and "Bob Roy" one slug
    ann = sorted(str(e["SUMMARY"]) for e in events((rendered / "actions" / "ann-lee.ics").read_bytes()))
    assert ann == ["Add capacity alerts (ann lee, INC-2025-0002)", "Bound the cache (Ann Lee, INC-2025-0001)"]
    bob = events((rendered / "actions" / "bob-roy.ics").read_bytes())  # his cancelled action has no entry; the feed stays
    assert [str(e["SUMMARY"]) for e in bob] == ['=HYPERLINK("http://evil.example") (@Bob Roy, INC-2025-0001)']


# --- drafts and private fields; links; both writers ---------------------------------------------


def test_drafts_and_private_fields_are_in_no_export(rendered: Path):
    files = [p for p in rendered.rglob("*") if p.suffix in (".json", ".csv", ".ics")]
    assert len(files) == 3 + 2
    for path in files:
        text = path.read_bytes().decode("utf-8-sig")
        assert "Draft-only action" not in text and "INC-2025-0003" not in text and "Secret draft" not in text, path
        assert "987654321" not in text and "revenue_usd" not in text, path
    assert not (rendered / "actions" / "carol.ics").exists()


def test_the_build_writes_the_exports_and_links_them(export_site):
    built = mkdocs_build(export_site.root) / "postmortems"
    for name in ("incidents.json", "actions.csv", "actions.ics", "actions/ann-lee.ics"):
        assert (built / name).is_file(), name
    actions = (built / "actions" / "index.html").read_text()
    assert 'href="../actions.ics"' in actions and 'href="../actions.csv"' in actions
    assert 'href="../ann-lee.ics"' in (built / "actions" / "ann-lee" / "index.html").read_text()  # on the owner's page
    assert 'href="incidents.json"' in (built / "index.html").read_text()


def test_the_build_and_render_write_the_same_exports(export_site, rendered: Path):
    built = mkdocs_build(export_site.root) / "postmortems"
    for path in [p for p in rendered.rglob("*") if p.suffix in (".json", ".csv", ".ics")]:
        assert (built / path.relative_to(rendered)).read_bytes() == path.read_bytes(), path


def test_a_site_without_an_export_links_none(export_site, monkeypatch):
    monkeypatch.setattr(outputs, "EXPORTS", ())
    built = mkdocs_build(export_site.root) / "postmortems"  # strict: a link to a missing file would fail it
    assert not (built / "actions.ics").exists()
    assert ".ics" not in (built / "actions" / "index.html").read_text()
    assert "incidents.json" not in (built / "index.html").read_text()


def test_the_exports_count_what_postmortem_stats_counts(tmp_path: Path, monkeypatch):
    """The issue's promise: the numbers of the metrics page (`postmortem stats`) equal those of the exports."""
    root = tmp_path / "site"
    shutil.copytree(REPO / "site-template", root, ignore=shutil.ignore_patterns("site"))
    monkeypatch.chdir(root)
    as_of = ["--as-of", "2026-11-29"]
    stats = json.loads(CliRunner().invoke(main, ["stats", "--format", "json", *as_of], catch_exceptions=False).output)
    result = CliRunner().invoke(main, ["render", str(tmp_path / "out"), *as_of], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "postmortems"
    incidents = json.loads((folder / "incidents.json").read_bytes())["incidents"]
    assert stats["incidents"] == len(incidents) > 0
    assert stats["by_severity"] == {s: sum(i["front_matter"]["severity"] == s for i in incidents) for s in stats["by_severity"]}
    counts = {key: sum(i["actions"][key] for i in incidents) for key in ("open", "overdue", *CLOSED_STATUSES)}
    assert {key: stats["actions"][key] for key in counts} == counts
    assert stats["actions"]["all"] == sum(i["actions"]["total"] for i in incidents)
    rows = csv_rows((folder / "actions.csv").read_bytes())
    assert len(rows) == stats["actions"]["all"] and sum(r["state"] == "overdue" for r in rows) == stats["actions"]["overdue"]
    assert len(events((folder / "actions.ics").read_bytes())) == stats["actions"]["open"]
    for name, by_severity in stats["times"].items():
        key = name.replace(" ", "_")
        assert {s: f["n"] for s, f in by_severity.items()} == {
            s: sum(key in i["durations_minutes"] for i in incidents if i["front_matter"]["severity"] == s) for s in by_severity
        }


def test_the_calendar_is_what_icalendar_writes_for_the_whole_tree(rendered: Path):
    """The feed joins entries serialised once each (shared with the owners' feeds): the same bytes as one tree."""
    data = (rendered / "actions.ics").read_bytes()
    assert icalendar.Calendar.from_ical(data).to_ical() == data


# "SUMMARY:" is 8 octets: 66 ASCII characters make a line of 74 octets (kept), 67 one of 75 (folded)
@pytest.mark.parametrize(
    ("summary", "folded"),
    [("a" * 66, False), ("b" * 67, True), ("é" * 33, False), ("é" * 34, True), ("x\\y;z," * 20, True), ("short", False)],
)
def test_a_component_is_written_as_icalendar_writes_it(summary: str, folded: bool):
    """outputs.ical_bytes folds only the lines that need it: the same bytes as to_ical,
    at lines just under and at 75 octets, in two bytes a character, and with escapes."""
    event = icalendar.Event()
    event.add("summary", summary)
    event.add("dtstart", dt.date(2026, 1, 2))
    assert outputs.ical_bytes(event) == event.to_ical()
    assert (b"\r\n " in event.to_ical()) == folded
    assert outputs.entry_bytes([("SUMMARY", summary), ("DTSTART", dt.date(2026, 1, 2))]) == event.to_ical()


# ASCII (folded by outputs.fold itself), escapes' first characters, and characters of 2 and 3 octets (icalendar's fold)
LINE_CHARACTERS = st.sampled_from(["a", " ", "\\", "^", ";", ",", ":", "é", "€"])


@given(st.lists(LINE_CHARACTERS, max_size=320).map("".join), st.booleans())
@settings(max_examples=300, deadline=None)
def test_a_line_is_folded_as_icalendar_folds_it(text: str, ascii_only: bool):
    line = "DESCRIPTION:" + (text.encode("ascii", "ignore").decode() if ascii_only else text)
    assert outputs.fold(line) == Contentline(line).to_ical()


def collect_one(text: str, due: dt.date) -> Catalog:
    """A catalog of one incident with one open action, `text` in its titles, owner and ticket."""
    action = {"title": f"Fix {text}", "owner": f"Team {text}", "due": due.isoformat(), "status": "in-progress"}
    action["ticket"] = f"OPS {text}"
    doc = load_text(postmortem(title=json.dumps(f"Outage {text}"), extra=f"actions: [{json.dumps(action)}]"), "inc.md")
    assume(doc.meta is not None and not doc.problems)  # a text the schema refuses (a title of spaces) is no entry
    return build_catalog([(doc, "postmortems/inc.md")], ["P0", "P1", "P2", "P3", "P4"])


@given(
    st.lists(LINE_CHARACTERS | st.just("\n"), max_size=200).map("".join),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.sampled_from(["", "https://pm.example/"]),
)
@settings(max_examples=150, deadline=None)
def test_an_entry_is_written_as_icalendar_writes_it(text: str, due: dt.date, site_url: str):
    """outputs.entry_bytes writes an entry without building icalendar's component: the same bytes as
    icalendar.Event with the same properties added, whatever the action's text and due date."""
    catalog = collect_one(text, due)
    published = outputs.Published(catalog, AS_OF, "postmortems", site_url=site_url)
    [action] = [a for a in catalog.actions() if a.due is not None]
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    properties = outputs.entry_properties(action, published, stamp)
    event = icalendar.Event()
    for name, value in properties:
        event.add(name, value)
    assert outputs.entry_bytes(properties) == event.to_ical()  # the order of icalendar's too
