"""The metrics page and `postmortem stats`: figures checked against hand-computed expectations.

Every expectation below is worked out by hand from the fixture written next to it, never
taken from the code's own output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.catalog import DURATIONS, Catalog, build_catalog
from mkdocs_postmortem.charts import backlog_chart, incidents_chart, times_chart
from mkdocs_postmortem.cli import main
from mkdocs_postmortem.config import validate_options
from mkdocs_postmortem.load import load_text
from mkdocs_postmortem.metrics import (
    MEASURES,
    MONTHS_MAX,
    Figure,
    by_quarter,
    compute,
    percentile,
    periods,
)
from mkdocs_postmortem.render import Renderer, minutes

from .conftest import postmortem

SEVERITIES = ["P0", "P1", "P2", "P3", "P4"]


def catalog_of(*texts: str) -> Catalog:
    docs = [load_text(text, f"inc-{n}.md") for n, text in enumerate(texts)]
    for doc in docs:
        assert doc.meta is not None and not doc.problems, doc.problems
    return build_catalog([(doc, f"postmortems/inc-{n}.md") for n, doc in enumerate(docs)], SEVERITIES)


def timed(ident: str, date: str, severity: str, detect: int, resolve: int) -> str:
    """An incident that started at 10:00 on `date`, detected `detect` minutes later, resolved `resolve` after that."""
    start = dt.datetime.fromisoformat(f"{date}T10:00:00+00:00")
    detected = start + dt.timedelta(minutes=detect)
    resolved = detected + dt.timedelta(minutes=resolve)
    z = "%Y-%m-%dT%H:%M:%SZ"
    timing = f"timing: {{started: {start:{z}}, detected: {detected:{z}}, resolved: {resolved:{z}}}}"
    return postmortem(ident, extra=timing, date=date, severity=severity)


# --- the percentile method ----------------------------------------------------------------------


def test_the_measures_are_durations_of_the_catalog():
    assert set(MEASURES) <= set(DURATIONS)


def test_median_of_an_odd_count_is_the_middle_value():
    assert percentile([30, 10, 20], 50) == 20


def test_median_of_an_even_count_is_the_lower_middle_value_nearest_rank():
    assert percentile([40, 10, 30, 20], 50) == 20  # rank ceil(0.5 * 4) = 2


def test_p90_of_ten_values_is_the_ninth_and_of_five_the_largest():
    assert percentile(range(1, 11), 90) == 9  # rank ceil(0.9 * 10) = 9
    assert percentile([5, 1, 4, 2, 3], 90) == 5  # rank ceil(0.9 * 5) = 5


def test_one_value_is_its_own_median_and_p90_and_is_marked_few():
    assert Figure.of([42]) == Figure(1, 42, 42)
    assert Figure.of([42]).few


def test_no_value_gives_no_figure_and_no_mark():
    figure = Figure.of([])
    assert (figure.n, figure.median, figure.p90, figure.few) == (0, None, None, False)


def test_three_values_are_not_marked_few():
    assert not Figure.of([1, 2, 3]).few and Figure.of([1, 2]).few


def test_time_to_resolve_per_severity_from_the_documents():
    catalog = catalog_of(
        timed("INC-2025-0001", "2025-01-05", "P1", detect=5, resolve=60),
        timed("INC-2025-0002", "2025-01-06", "P1", detect=1, resolve=30),
        timed("INC-2025-0003", "2025-01-07", "P1", detect=9, resolve=90),
        timed("INC-2025-0004", "2025-01-08", "P1", detect=2, resolve=120),
        timed("INC-2025-0005", "2025-01-09", "P2", detect=3, resolve=45),
    )
    m = compute(catalog, dt.date(2025, 2, 1))
    # P1 resolve: 30, 60, 90, 120 -> median rank 2 = 60, p90 rank ceil(3.6) = 4 = 120
    assert m.times["time to resolve"]["P1"] == Figure(4, 60, 120)
    # P1 detect: 1, 2, 5, 9 -> 2 and 9
    assert m.times["time to detect"]["P1"] == Figure(4, 2, 9)
    assert m.times["time to resolve"]["P2"] == Figure(1, 45, 45)
    assert m.times["time to resolve"]["P0"] == Figure(0, None, None)
    assert m.times["time to acknowledge"]["P1"].n == 0  # no acknowledged moment stated


def test_time_to_resolve_falls_back_to_the_stated_duration():
    catalog = catalog_of(postmortem(extra="impact: {duration_minutes: 75}"))
    assert compute(catalog, dt.date(2025, 4, 1)).times["time to resolve"]["P1"] == Figure(1, 75, 75)


# --- periods: by month or by quarter, by `date` ----------------------------------------------------


def test_month_buckets_cross_a_year_boundary_by_the_day_as_written():
    # 23:30 at -05:00 on 31 December is already 1 January in UTC: the author's day counts (the timeline's rule)
    late = postmortem(
        "INC-2025-0002",
        date="2025-12-31",
        extra="timing: {started: '2025-12-31T23:30:00-05:00', detected: '2025-12-31T23:40:00-05:00'}",
    )
    catalog = catalog_of(
        postmortem("INC-2025-0001", date="2025-11-30", severity="P0"),
        late,
        postmortem("INC-2026-0001", date="2026-01-01", severity="P0"),
        postmortem("INC-2026-0002", date="2026-02-10", severity="P2"),
    )
    m = compute(catalog, dt.date(2026, 2, 15))
    assert m.unit == "month"
    assert [p.label for p in m.periods] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert m.counts["P0"] == (1, 0, 1, 0)
    assert m.counts["P1"] == (0, 1, 0, 0)
    assert m.counts["P2"] == (0, 0, 0, 1)
    assert [(year, counts["P0"], counts["P1"]) for year, counts in m.by_year] == [(2025, 1, 1), (2026, 1, 0)]
    # the same months as the timeline page
    timeline = {(year, month) for year, months in catalog.by_month() for month, _ in months}
    assert timeline == {(2025, 11), (2025, 12), (2026, 1), (2026, 2)}


def test_empty_months_between_incidents_and_up_to_the_as_of_date_are_shown():
    catalog = catalog_of(postmortem(date="2025-01-20"))
    m = compute(catalog, dt.date(2025, 4, 2))
    assert [p.label for p in m.periods] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert m.counts["P1"] == (1, 0, 0, 0)


def test_quarters_are_chosen_when_the_data_spans_more_than_24_months():
    assert MONTHS_MAX == 24
    assert not by_quarter(dt.date(2024, 1, 31), dt.date(2025, 12, 1))  # 24 months
    assert by_quarter(dt.date(2024, 1, 31), dt.date(2026, 1, 1))  # 25 months
    catalog = catalog_of(
        postmortem("INC-2023-0001", date="2023-11-15"),
        postmortem("INC-2024-0001", date="2024-01-02", severity="P0"),
        postmortem("INC-2025-0001", date="2025-12-31"),
    )
    m = compute(catalog, dt.date(2026, 1, 10))
    assert m.unit == "quarter"
    labels = [p.label for p in m.periods]
    assert labels[0] == "2023 Q4" and labels[1] == "2024 Q1" and labels[-1] == "2026 Q1" and len(labels) == 10
    assert m.counts["P1"][0] == 1 and m.counts["P0"][1] == 1 and m.counts["P1"][-2] == 1  # 2025 Q4


def test_period_bounds_of_a_quarter_and_a_month():
    quarter = periods(dt.date(2025, 11, 3), dt.date(2025, 11, 3), quarterly=True)[0]
    assert (quarter.first, quarter.last, quarter.label) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31), "2025 Q4")
    month = periods(dt.date(2024, 2, 10), dt.date(2024, 2, 10), quarterly=False)[0]
    assert (month.first, month.last) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))


def test_since_leaves_earlier_incidents_out_of_every_figure():
    catalog = catalog_of(
        postmortem("INC-2025-0001", date="2025-01-10", services="[api]"),
        postmortem("INC-2025-0002", date="2025-03-10", services="[db]"),
    )
    m = compute(catalog, dt.date(2025, 3, 31), since=dt.date(2025, 2, 1))
    assert m.incidents == 1
    assert [p.label for p in m.periods] == ["2025-02", "2025-03"]
    assert m.top_services == (("db", 1),)


def test_no_incidents_gives_empty_figures_not_an_error():
    m = compute(catalog_of(), dt.date(2025, 3, 31))
    assert m.incidents == 0 and m.actions == 0 and m.on_time_share is None
    assert all(sum(c) == 0 for c in m.counts.values())
    for chart in (incidents_chart(m), backlog_chart(m)):
        ET.fromstring(chart.svg)


# --- the action backlog ----------------------------------------------------------------------------

HISTORY = """
actions:
  - {title: A, owner: x, due: 2025-01-20, status: done, closed: 2025-01-15}
  - {title: B, owner: x, due: 2025-01-31, status: done, closed: 2025-02-10}
  - {title: C, owner: x, due: 2025-02-15, status: in-progress}
  - {title: D, owner: x, due: 2025-06-30, status: not-started}
  - {title: E, owner: x, due: 2025-01-31, status: cancelled}
"""


def test_backlog_at_each_months_end_follows_the_known_history():
    catalog = catalog_of(postmortem(date="2025-01-05", extra=HISTORY))
    m = compute(catalog, dt.date(2025, 3, 20))
    # 31 Jan: A closed (15 Jan); B, C, D open, none past due (B is due that very day); E has no closed date
    # 28 Feb: B closed (10 Feb); C (due 15 Feb) overdue, D open
    # 20 Mar (the as-of day): the same
    assert [(b.label, b.day, b.open, b.overdue, b.closed) for b in m.backlog] == [
        ("2025-01", dt.date(2025, 1, 31), 3, 0, 1),
        ("2025-02", dt.date(2025, 2, 28), 2, 1, 2),
        ("2025-03", dt.date(2025, 3, 20), 2, 1, 2),
    ]


def test_an_action_open_past_its_due_date_at_a_months_end_counts_as_overdue_there_only_while_open():
    catalog = catalog_of(
        postmortem(
            date="2025-01-05", extra="actions:\n  - {title: B, owner: x, due: 2025-01-30, status: done, closed: 2025-02-10}\n"
        )
    )
    m = compute(catalog, dt.date(2025, 2, 28))
    assert [(b.open, b.overdue, b.closed) for b in m.backlog] == [(1, 1, 0), (0, 0, 1)]


def test_closed_actions_without_a_date_are_counted_and_left_out_of_timing_figures():
    catalog = catalog_of(postmortem(date="2025-01-05", extra=HISTORY))
    m = compute(catalog, dt.date(2025, 3, 20))
    assert m.closed == {"done": 2, "cancelled": 1}
    assert m.closed_undated == 1  # E
    assert m.backlog[-1].closed == 2  # E is in no point of the backlog
    # on time: A (closed 15 Jan, due 20 Jan) yes; B (10 Feb, due 31 Jan) no; E not judged
    assert (m.closed_on_time, m.closed_judged, m.on_time_share) == (1, 2, 0.5)


def test_the_last_backlog_point_matches_the_open_actions_report():
    catalog = catalog_of(postmortem(date="2025-01-05", extra=HISTORY))
    as_of = dt.date(2025, 3, 20)
    m = compute(catalog, as_of)
    report = catalog.action_report(as_of)
    assert (m.open, m.overdue) == (report.open_count, len(report.overdue)) == (m.backlog[-1].open, m.backlog[-1].overdue)


# --- services, tags, recurrences ------------------------------------------------------------------


def test_top_services_and_tags_by_incident_count_then_name():
    catalog = catalog_of(
        postmortem("INC-2025-0001", services="[db, api]", tags="[dns]"),
        postmortem("INC-2025-0002", services="[api]", tags="[dns, capacity]"),
        postmortem("INC-2025-0003", services="[cdn, Auth]"),
    )
    m = compute(catalog, dt.date(2025, 4, 1))
    assert m.top_services == (("api", 2), ("Auth", 1), ("cdn", 1), ("db", 1))
    assert m.top_tags == (("dns", 2), ("capacity", 1))


def test_recurrences_are_the_recurrence_of_references_newest_first():
    catalog = catalog_of(
        postmortem("INC-2025-0001", date="2025-01-01"),
        postmortem("INC-2025-0002", date="2025-02-01", extra="references: [{id: INC-2025-0001, relation: recurrence-of}]"),
        postmortem("INC-2025-0003", date="2025-03-01", extra="references: [INC-2025-0001]"),
        postmortem("INC-2025-0004", date="2025-03-05", extra="references: [{id: INC-2025-0002, relation: recurrence-of}]"),
    )
    m = compute(catalog, dt.date(2025, 4, 1))
    assert [(r.source.id, r.target.id) for r in m.recurrences] == [
        ("INC-2025-0004", "INC-2025-0002"),
        ("INC-2025-0002", "INC-2025-0001"),
    ]


# --- the charts ----------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def busy() -> Catalog:
    return catalog_of(
        timed("INC-2025-0001", "2025-01-05", "P0", detect=5, resolve=60),
        timed("INC-2025-0002", "2025-02-06", "P1", detect=1, resolve=30),
        postmortem("INC-2025-0003", date="2025-02-07", extra=HISTORY, services="[api]"),
    )


def charts_of(catalog: Catalog) -> list[str]:
    m = compute(catalog, dt.date(2025, 3, 20))
    charts = (incidents_chart(m), times_chart(m, "median", minutes), times_chart(m, "p90", minutes), backlog_chart(m))
    return [c.svg for c in charts]


def test_every_chart_is_well_formed_svg_with_a_title_and_a_description(busy: Catalog):
    for svg in charts_of(busy):
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_charts_have_no_script_no_url_but_the_svg_namespace_and_no_random_id(busy: Catalog):
    svgs = charts_of(busy)
    for svg in svgs:
        root = ET.fromstring(svg)
        assert not [e for e in root.iter() if e.tag == f"{SVG}script"]
        assert re.findall(r"https?://[^\s\"')]+", svg) == ["http://www.w3.org/2000/svg"]
        assert "<!--" not in svg  # pygal's comment carries the day it was drawn
    ids = [e.get("id") for svg in svgs for e in ET.fromstring(svg).iter() if e.get("id")]
    assert len(ids) == len(set(ids))  # unique on the page: the legends' ids are gone
    assert all(not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", i) for i in ids)  # no uuid


def test_charts_take_their_colours_from_css_variables(busy: Catalog):
    incidents, _, _, backlog = charts_of(busy)
    assert "var(--pm-chart-sev-0)" in incidents and "var(--pm-chart-sev-1)" in incidents
    assert "var(--pm-chart-overdue)" in backlog and "var(--md-default-fg-color" in backlog


def test_the_same_metrics_draw_the_same_bytes(busy: Catalog):
    assert charts_of(busy) == charts_of(busy)


def test_page_weight_follows_the_span_not_the_number_of_incidents():
    few = [postmortem(f"INC-2025-{n:04d}", date="2025-01-10", services=f"[s{n}]") for n in range(1, 4)]
    many = [postmortem(f"INC-2025-{n:04d}", date="2025-01-10", services=f"[s{n}]") for n in range(1, 201)]
    size = {}
    for name, texts in (("few", few), ("many", many)):
        renderer = Renderer.create(catalog_of(*texts), "postmortems", dt.date(2025, 12, 31))
        size[name] = len(renderer.page("metrics.md", title="x").encode())
    assert size["many"] < size["few"] * 1.1  # 66 times the incidents and services, the same page
    assert size["many"] < 150_000


# --- the page and the command show the same numbers -------------------------------------------------


class _Tables(HTMLParser):
    """The text of every table cell of an HTML (or Markdown-with-HTML) page, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_the_page_shows_the_numbers_postmortem_stats_prints(site, monkeypatch):
    site("a.md", timed("INC-2025-0001", "2025-01-05", "P0", detect=5, resolve=60))
    site("b.md", timed("INC-2025-0002", "2025-02-06", "P0", detect=1, resolve=30))
    site("c.md", postmortem("INC-2025-0003", date="2025-02-07", extra=HISTORY, services="[api, db]"))
    monkeypatch.chdir(site.root)
    result = CliRunner().invoke(main, ["stats", "--format", "json", "--as-of", "2025-03-20"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["by_severity"]["P0"] == 2 and stats["by_severity"]["P1"] == 1
    assert stats["times"]["time to resolve"]["P0"] == {"n": 2, "median_minutes": 30, "p90_minutes": 60, "few": True}
    assert (stats["actions"]["open"], stats["actions"]["overdue"], stats["actions"]["closed_without_date"]) == (2, 1, 1)

    documents = [load_text((site.root / "docs/postmortems" / n).read_text(), n) for n in ("a.md", "b.md", "c.md")]
    catalog = build_catalog([(d, f"postmortems/{d.path}") for d in documents], SEVERITIES)
    page = Renderer.create(catalog, "postmortems", dt.date(2025, 3, 20)).page("metrics.md", title="x")
    parser = _Tables()
    parser.feed(page)
    per_month = {row[0]: row[1:] for row in parser.rows if row and re.fullmatch(r"\d{4}-\d{2}|All", row[0]) and len(row) == 7}
    assert [int(n) for n in per_month["All"][:5]] == [stats["by_severity"][s] for s in SEVERITIES]
    backlog = [row for row in parser.rows if len(row) == 5 and re.fullmatch(r"\d{4}-\d{2}", row[0])]
    assert [[int(n) for n in row[2:]] for row in backlog] == [[b["open"], b["overdue"], b["closed"]] for b in stats["backlog"]]
    resolve = stats["times"]["time to resolve"]["P0"]
    first = next(i for i, row in enumerate(parser.rows) if row[:2] == ["P0", "detect"])  # then acknowledge, mitigate
    assert parser.rows[first + 3] == ["resolve", minutes(resolve["median_minutes"]), minutes(resolve["p90_minutes"]), "2 †"]
    assert f"**{stats['actions']['open']} open**" in page and f"**{stats['actions']['overdue']} overdue**" in page
    for name, count in stats["top_services"].items():
        assert f"[{name}](services/{name}.md) | {count} |" in page  # the service's own page


def test_stats_table_prints_counts_times_actions_and_services(site, monkeypatch):
    site("a.md", timed("INC-2025-0001", "2025-01-05", "P0", detect=5, resolve=60))
    site("c.md", postmortem("INC-2026-0003", date="2026-02-07", extra=HISTORY, services="[api]"))
    monkeypatch.chdir(site.root)
    out = CliRunner().invoke(main, ["stats", "--as-of", "2026-03-20"], catch_exceptions=False).output
    assert "2 published incidents, as of 2026-03-20" in out
    assert re.search(r"^2025\s+1\s+0\s+0\s+0\s+0\s+1$", out, re.M)
    assert re.search(r"^2026\s+0\s+1\s+0\s+0\s+0\s+1$", out, re.M)
    assert re.search(r"^P0\s+1 h\s+1 h\s+1 \(fewer than 3\)$", out, re.M)
    assert "Actions: 2 open, 2 overdue, 2 done, 1 cancelled; 5 in all" in out
    assert "Top services: api 1" in out


def test_stats_since_overrides_the_metrics_since_option(site, monkeypatch):
    site("a.md", postmortem("INC-2025-0001", date="2025-01-05"))
    site("b.md", postmortem("INC-2025-0002", date="2025-06-05"))
    (site.root / "mkdocs.yml").write_text(
        "site_name: T\nplugins:\n  - postmortem:\n      as_of: 2025-07-01\n      metrics_since: 2025-03-01\n"
    )
    monkeypatch.chdir(site.root)
    run = CliRunner().invoke
    assert json.loads(run(main, ["stats", "--format", "json"]).output)["incidents"] == 1
    assert json.loads(run(main, ["stats", "--format", "json", "--since", "2025-01-01"]).output)["incidents"] == 2


def test_metrics_since_must_be_a_date():
    _, errors, _ = validate_options({"metrics_since": "last year"})
    assert errors == [
        "Plugin 'postmortem' option 'metrics_since': 'last year' is not a date (expected YYYY-MM-DD, for example 2026-01-31)"
    ]
