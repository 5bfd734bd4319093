"""The collect and render stages without MkDocs: golden pages, the overdue boundary, backlinks."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_postmortem import render
from mkdocs_postmortem.catalog import Catalog, build_catalog, resolve_as_of
from mkdocs_postmortem.listings import file_names
from mkdocs_postmortem.load import find_postmortems, load_file
from mkdocs_postmortem.render import PAGES, Renderer, md_escape, safe_url, ticket_label

from . import frontmatter
from .conftest import FIXTURES

AS_OF = dt.date(2025, 3, 15)
GOLDEN = FIXTURES / "golden"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    folder = FIXTURES / "catalog"
    entries = [(load_file(p), f"postmortems/{p.name}") for p in find_postmortems(folder)]
    return build_catalog(entries, ["P0", "P1", "P2", "P3", "P4"])


@pytest.fixture(scope="module")
def renderer(catalog: Catalog) -> Renderer:
    return Renderer.create(catalog, "postmortems", AS_OF)


def rendered(renderer: Renderer) -> dict[str, str]:
    pages = {name: renderer.page(name, title="Post-mortems") for name in PAGES}
    for incident in renderer.catalog.incidents.values():
        pages[f"{incident.id}.header.md"] = renderer.header(incident)
        pages[f"{incident.id}.footer.md"] = renderer.footer(incident)
    return pages


@pytest.mark.parametrize(
    "name",
    [*PAGES, *(f"{i}.{part}.md" for i in ("INC-2024-0009", "INC-2025-0001", "INC-2025-0002") for part in ("header", "footer"))],
)
def test_generated_page_matches_its_golden_file(renderer: Renderer, name: str):
    """Golden files live in tests/fixtures/golden; UPDATE_GOLDEN=1 rewrites them (review the diff).

    A chart's SVG stands as `<svg .../>`: pygal draws it (its bytes change with pygal's version);
    tests/test_metrics.py checks the charts themselves."""
    page = re.sub(r"<svg .*?</svg>", "<svg .../>", rendered(renderer)[name], flags=re.S)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(page)
    assert page == golden.read_text()


def test_every_listing_page_matches_its_golden_file(renderer: Renderer):
    """The page of each severity, year, service, tag and owner: tests/fixtures/golden/<kind>/ (UPDATE_GOLDEN=1 rewrites)."""
    pages = {uri.removeprefix("postmortems/"): text for uri, text in renderer.pages("Post-mortems").items()}
    listed = {name: text for name, text in pages.items() if "/" in name}
    kinds = sorted({name.split("/")[0] for name in listed})
    assert kinds == ["actions", "services", "severity", "tags", "timeline"]
    if os.environ.get("UPDATE_GOLDEN"):
        for name, text in listed.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text)
    on_disk = {p.relative_to(GOLDEN).as_posix() for kind in kinds for p in (GOLDEN / kind).rglob("*.md")}
    assert sorted(on_disk) == sorted(listed)
    for name, text in listed.items():
        assert text == (GOLDEN / name).read_text(), name


def test_severity_groups_follow_the_configured_order_newest_first(catalog: Catalog):
    groups = catalog.by_severity()
    assert [s for s, _ in groups] == ["P0", "P1", "P2", "P3", "P4"]
    assert [[i.id for i in incidents] for _, incidents in groups] == [
        ["INC-2025-0001"],
        [],
        ["INC-2025-0002"],
        ["INC-2024-0009"],
        [],
    ]


def test_timeline_groups_by_year_and_month_newest_first(catalog: Catalog):
    assert [(y, [m for m, _ in months]) for y, months in catalog.by_month()] == [(2025, [2, 1]), (2024, [12])]


def test_services_and_tags_group_every_incident_under_each_name(catalog: Catalog):
    assert [(s, [i.id for i in incs]) for s, incs in catalog.by_service()] == [
        ("checkout", ["INC-2025-0001"]),
        ("payments", ["INC-2025-0002", "INC-2025-0001"]),
    ]
    assert [t for t, _ in catalog.by_tag()] == ["capacity", "config-change"]


def test_backlinks_go_both_ways_with_the_inverse_relation(catalog: Catalog):
    a, b, c = (catalog.incidents[i] for i in ("INC-2025-0001", "INC-2025-0002", "INC-2024-0009"))
    assert [(r.target.id, r.relation) for r in b.references] == [("INC-2025-0001", "caused-by")]
    assert [r.source.id for r in a.backlinks] == ["INC-2025-0002"]
    assert [r.source.id for r in b.backlinks] == ["INC-2024-0009"]
    assert c.backlinks == []


def test_backlinks_appear_on_the_referenced_page(renderer: Renderer, catalog: Catalog):
    footer = renderer.footer(catalog.incidents["INC-2025-0001"])
    (row,) = [line for line in footer.splitlines() if line.startswith("<li>")]
    assert row.startswith('<li><span class="pm-relation">Caused</span> <span class="pm-badge pm-sev-p2">P2</span>')
    assert '<a class="pm-title" href="../inc-b/">Payments slow</a>' in row and '<span class="pm-id">INC-2025-0002</span>' in row


def footer_rows(footer: str) -> list[list[str]]:
    """The corrective actions as a reader sees them: one list of cell texts per action."""
    rows = re.findall(r"<tr><td.*?</tr>", footer)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in rows]


def test_the_incident_footer_is_html_the_theme_styles_not_markdown_tables(renderer: Renderer, catalog: Catalog):
    """Markdown tables would be parsed on every page (issue 11); a stacked layout needs classes (postmortem.css)."""
    footer = renderer.footer(catalog.incidents["INC-2025-0001"])
    assert not [line for line in footer.splitlines() if line.startswith("|")]
    assert '<table class="pm-actions">' in footer and '<ul class="pm-related">' in footer
    assert '<td class="pm-col-owner" data-label="Owner">Ann Lee</td>' in footer  # each cell names its column


def test_the_action_progress_is_shown_once_on_the_card(renderer: Renderer, catalog: Catalog):
    incident = catalog.incidents["INC-2025-0001"]
    page = renderer.decorate(incident, "Body\n")
    assert page.count("2 of 5 done") == 1 and "2 of 5 done" in renderer.header(incident)


def test_a_column_no_action_fills_is_left_out(renderer: Renderer, catalog: Catalog):
    footer = renderer.footer(catalog.incidents["INC-2025-0002"])  # no action has a ticket
    assert "<th>Ticket</th>" not in footer and "pm-col-ticket" not in footer
    assert "<th>Ticket</th>" in renderer.footer(catalog.incidents["INC-2025-0001"])


@pytest.mark.parametrize(
    "page", ["footer", "index.md", "severity/p0.md", "timeline/2025.md", "services/payments.md", "tags/capacity.md"]
)
def test_a_row_naming_an_incident_links_to_it_once(renderer: Renderer, catalog: Catalog, page: str):
    """The title links; the id beside it is plain text (two links to one page in a row read as two places)."""
    if page == "footer":  # the related incidents, one <li> each
        text = renderer.footer(catalog.incidents["INC-2025-0002"])
        rows = [line for line in text.splitlines() if line.startswith("<li>")]
        assert len(rows) == 2
        assert [line.count("<a ") for line in rows] == [1] * len(rows)
        assert all('<span class="pm-id">INC-' in line for line in rows)
        return
    # the index lists are HTML, one row (<tr> or <li>) per line
    text = renderer.pages("T")["postmortems/" + page]
    rows = [line for line in text.splitlines() if line.startswith(("<tr data-pm-", "<li data-pm-"))]
    assert rows
    assert [line.count("<a ") for line in rows] == [1] * len(rows)
    if page != "timeline/2025.md":  # the id is shown, as text
        assert all('<span class="pm-id">INC-' in line for line in rows)


def test_statuses_are_shown_in_words_on_the_incident_page_and_the_lists(renderer: Renderer, catalog: Catalog):
    footer = renderer.footer(catalog.incidents["INC-2025-0001"])
    statuses = [row[-2] for row in footer_rows(footer)]
    assert "42 days overdue (in progress)" in statuses and "not started" in statuses
    assert "not-started" not in footer and "in-progress" not in footer
    assert '<td class="pm-col-status">lessons shared</td>' in renderer.pages("T")["postmortems/severity/p3.md"]


def test_derived_durations(catalog: Catalog):
    a = catalog.incidents["INC-2025-0001"]
    assert (a.time_to_detect, a.time_to_acknowledge, a.time_to_root_cause, a.time_to_mitigate, a.duration_minutes) == (
        3,
        2,
        17,
        37,
        45,
    )
    assert catalog.incidents["INC-2025-0002"].duration_minutes == 90  # impact.duration_minutes


def test_due_on_the_as_of_date_is_not_overdue(catalog: Catalog):
    report = catalog.action_report(AS_OF)
    assert "Due on the as-of day" not in [a.title for a in report.overdue]
    assert "Due on the as-of day" in [a.title for a in report.due_soon]
    assert "Due on the as-of day" in [a.title for a in catalog.action_report(AS_OF + dt.timedelta(days=1)).overdue]


def test_done_and_cancelled_are_never_overdue(catalog: Catalog):
    overdue = [a.title for a in catalog.action_report(dt.date(2030, 1, 1)).overdue]
    assert "Canary config pushes" not in overdue and "Drop the old queue" not in overdue
    assert len(overdue) == 5


def test_a_closed_action_shows_its_closing_day_and_no_invented_owner_or_due(renderer: Renderer, catalog: Catalog):
    footer = renderer.footer(catalog.incidents["INC-2025-0001"])
    rows = footer_rows(footer)
    assert ["Roll back the config push", "—", "—", "—", "done on 2025-01-21", "—"] in rows
    assert ["Rewrite the push tool", "—", "—", "—", "cancelled", "—"] in rows
    closed = [a for a in catalog.incidents["INC-2025-0001"].actions if a.owner is None]
    assert [(a.due, a.is_overdue(dt.date(2030, 1, 1)), a.days_overdue(dt.date(2030, 1, 1))) for a in closed] == [
        (None, False, 0),
        (None, False, 0),
    ]


def test_overdue_is_most_overdue_first_grouped_by_owner(catalog: Catalog):
    report = catalog.action_report(AS_OF)
    assert [(a.title, a.days_overdue(AS_OF)) for a in report.overdue] == [
        ("Validate config before push", 42),
        ("Add capacity alerts", 14),
    ]
    assert [owner for owner, _ in report.overdue_by_owner()] == ["Ann Lee", "Bob Roy"]


def test_due_soon_covers_the_next_30_days_inclusive(catalog: Catalog):
    titles = [a.title for a in catalog.action_report(AS_OF).due_soon]
    assert titles == ["Due on the as-of day", "Within 30 days"]


def test_as_of_comes_from_the_option_then_source_date_epoch_then_today():
    assert resolve_as_of(dt.date(2025, 1, 2), {"SOURCE_DATE_EPOCH": "0"}) == dt.date(2025, 1, 2)
    assert resolve_as_of(None, {"SOURCE_DATE_EPOCH": "1700000000"}) == dt.date(2023, 11, 14)
    before = dt.date.today()
    found = resolve_as_of(None, {})
    assert before <= found <= dt.date.today()  # the run may cross midnight


@pytest.mark.parametrize(
    "text", ["<img src=x onerror=alert(1)>", "a | b", "*bold* _it_ `code`", "[x](javascript:alert(1))", "&amp;"]
)
def test_markdown_escaping_leaves_no_markup(text: str):
    escaped = md_escape(text)
    assert not set(escaped) & set("<>|*_`[]()")
    import html

    assert html.unescape(escaped) == text


@given(st.text(alphabet=st.sampled_from([*render._MD_SPECIAL, "\r", "\n", "a", " ", "-", "é"])) | st.text())
def test_escaping_skips_only_text_with_nothing_to_escape(text: str):
    """md_escape translates only a text its quick scan finds something in: the same as translating every text."""
    assert md_escape(text) == text.translate(render._MD_ESCAPES)


def test_every_special_character_is_escaped_alone_and_in_text():
    for char in [*render._MD_SPECIAL, "\r", "\n"]:
        for text in (char, f"word{char}word"):
            assert md_escape(text) == text.translate(render._MD_ESCAPES) != text


def test_only_http_urls_become_ticket_links():
    assert safe_url("https://tracker.example/browse/OPS-1") == "https://tracker.example/browse/OPS-1"
    assert safe_url("https://x.example/a b") is None
    for bad in ("javascript:alert(1)", "data:text/html,x", "OPS-1", "//evil.example/x", "ftp://x.example/"):
        assert safe_url(bad) is None
    assert ")" not in (safe_url("https://x.example/a)b") or "")


def test_file_names_are_distinct_for_names_that_slug_alike_and_never_index():
    assert file_names(["支付", "认证", "a-b-c", "a*b|c", "", "?", "index", "Index", "B", "b"]) == {
        "支付": "支付",
        "认证": "认证",
        "a-b-c": "a-b-c",
        "a*b|c": "a-b-c-2",
        "": "none",
        "?": "none-2",
        "index": "index-2",  # services/index.md would land where services.md does
        "Index": "index-3",
        "B": "b",
        "b": "b-2",  # file systems that ignore case would make them one file
    }


def test_owners_differing_only_in_case_are_one_group(catalog: Catalog):
    import dataclasses

    report = catalog.action_report(AS_OF)
    shouting = dataclasses.replace(report.overdue[1], owner="BOB ROY")
    merged = dataclasses.replace(report, overdue=[*report.overdue, shouting])
    assert [(owner, len(actions)) for owner, actions in merged.overdue_by_owner()] == [("Ann Lee", 1), ("Bob Roy", 2)]


def test_ticket_links_get_short_labels():
    assert ticket_label("https://jira.example.com/browse/PROJ-130") == "PROJ-130"
    assert ticket_label("https://github.com/org/repo/issues/88") == "issues/88"
    assert ticket_label("https://tracker.example/") == "tracker.example"


def test_header_links_are_the_built_pages_urls(renderer: Renderer, catalog: Catalog, tmp_path: Path):
    header = renderer.header(catalog.incidents["INC-2025-0001"])
    # the breadcrumb: HTML (kept out of Markdown), with entities, so the page stays ASCII
    assert '<a href="../">Post-mortems</a> &rsaquo; <a href="../severity/p0/">P0</a> &rsaquo; ' in header
    assert '<a href="../timeline/2025/#y2025-01">January 2025</a>' in header
    assert '<a href="../services/checkout/">checkout</a>' in header  # in the card: HTML, the built page's URL


def test_services_and_tags_are_in_the_card_one_link_each_nothing_twice(renderer: Renderer, catalog: Catalog):
    header = renderer.header(catalog.incidents["INC-2025-0001"])
    card = header[header.index('<div class="pm-card">') :]
    for name, page in (("checkout", "services"), ("payments", "services"), ("config-change", "tags")):
        assert card.count(f">{name}</a>") == 1 and header.count(f">{name}</a>") == 1
        assert f'href="../{page}/{name}/"' in card
    assert "**Services:**" not in header and "pm-card-links" not in header


def test_page_meta_keeps_known_fields_safe_tags_a_plain_title_and_an_html_description():
    from mkdocs_postmortem.render import page_meta
    from mkdocs_postmortem.schema import bundled_schema

    meta = {
        "id": "INC-1",
        "title": 'A "b" <i>',
        "summary": "x < y & z",
        "tags": ["ok", "zz<img src=x>", 3],
        "services": "not a list",
        "template": "evil.html",
        "severity": "P1",
    }
    assert page_meta(meta, bundled_schema()) == {
        "id": "INC-1",
        "title": 'INC-1: A "b" <i>',
        "summary": "x < y & z",
        "description": "x &lt; y &amp; z",
        "tags": ["ok"],
        "severity": "P1",
    }


def test_later_holds_every_other_open_action(catalog: Catalog):
    report = catalog.action_report(AS_OF)
    assert [a.title for a in report.later] == ["Just past 30 days"]
    assert len(report.overdue) + len(report.due_soon) + len(report.later) == report.open_count


def test_one_row_per_open_action_overdue_first_then_due_soon_then_later(catalog: Catalog):
    rows = catalog.action_report(AS_OF).rows()
    assert [(r.state, r.days_overdue, r.days_left, r.action.title) for r in rows] == [
        ("overdue", 42, None, "Validate config before push"),
        ("overdue", 14, None, "Add capacity alerts"),
        ("due-soon", None, 0, "Due on the as-of day"),
        ("due-soon", None, 30, "Within 30 days"),
        ("later", None, 31, "Just past 30 days"),
    ]
    assert rows[0].as_dict()["incident_title"] == "Checkout outage after a config push"


def test_the_open_actions_page_groups_by_owner_most_pressing_owner_first(catalog: Catalog, renderer: Renderer):
    assert [(owner, [r.state for r in rows]) for owner, rows in catalog.action_report(AS_OF).by_owner()] == [
        ("Ann Lee", ["overdue", "due-soon", "later"]),
        ("Bob Roy", ["overdue"]),
        ("Platform", ["due-soon"]),
    ]
    page = renderer.page("actions.md")
    assert "\n# Open actions\n" in page
    assert page.index("\n## Ann Lee") < page.index("\n## Bob Roy") < page.index("\n## Platform")
    assert "\n3 open actions: 1 overdue, 1 due soon, 1 later · [owner&#39;s page](actions/ann-lee.md)\n" in page
    owner = renderer.pages("T")["postmortems/actions/ann-lee.md"]
    assert "in progress" in owner and "in-progress" not in owner  # statuses in words
    states = [line.split("pm-state pm-")[1].split('"')[0] for line in owner.splitlines() if "pm-state" in line]
    assert states == ["overdue", "due-soon", "later"]


@pytest.mark.parametrize(
    ("directory_urls", "page", "target", "expected"),
    [
        (True, "postmortems/index.md", "postmortems/inc-a.md", "inc-a/"),
        (True, "postmortems/severity.md", "postmortems/inc-a.md", "../inc-a/"),
        (True, "postmortems/severity.md", "postmortems/2025/inc a.md", "../2025/inc%20a/"),
        (True, "postmortems/severity.md", "postmortems/index.md", "../"),
        (False, "postmortems/index.md", "postmortems/inc-a.md", "inc-a.html"),
        (False, "postmortems/severity.md", "postmortems/2025/inc-a.md", "2025/inc-a.html"),
    ],
)
def test_links_written_as_html_point_where_mkdocs_puts_the_page(
    catalog: Catalog, directory_urls: bool, page: str, target: str, expected: str
) -> None:
    """Index rows are HTML, which MkDocs does not rewrite: the link must already be the built page's URL."""
    renderer = Renderer.create(catalog, "postmortems", AS_OF, directory_urls)
    assert renderer.html_href(page, target) == expected


def _card(path: Path, as_of: dt.date = AS_OF) -> str:
    doc = load_file(path)
    assert doc.problems == []
    catalog = build_catalog([(doc, f"postmortems/{path.name}")], ["P0", "P1", "P2", "P3", "P4"])
    (incident,) = catalog.incidents.values()
    renderer = Renderer.create(catalog, "postmortems", as_of)
    return html.unescape(renderer.header(incident) + renderer.footer(incident))


def test_every_front_matter_value_of_the_full_example_is_on_its_page():
    """Walked generically (tests/frontmatter.py); references name incidents this one-document catalog
    lacks (the browser test, tests/test_incident_page.py, walks a full document on a whole site)."""
    page = html.unescape(re.sub(r"<[^>]+>", " ", _card(FIXTURES / "format-example.md", dt.date(2025, 12, 1))))
    meta = load_file(FIXTURES / "format-example.md").meta or {}
    assert frontmatter.missing(meta, page, skip={"references"}) == {}


def test_the_durations_say_from_what_to_what():
    page = _card(FIXTURES / "format-example.md")
    for label in (
        "Impact window",
        "Time to detect",
        "Time to acknowledge",
        "Time to root cause",
        "Time to mitigate",
        "Time to resolve",
    ):
        assert label in page
    assert 'Time to resolve <span class="pm-note">(detected → resolved)</span> <strong>1 h</strong>' in page
    assert 'Impact window <span class="pm-note">(started → resolved)</span> <strong>1 h 1 min</strong>' in page


def test_a_sparse_document_shows_no_empty_row(tmp_path: Path):
    path = tmp_path / "inc.md"
    path.write_text("---\nid: INC-1\ntitle: Short\ndate: 2025-01-02\nseverity: P2\nstatus: draft\n---\nBody\n")
    page = _card(path)
    assert "—" not in page and "pm-facts" not in page and "pm-card-links" not in page
    assert "Status: <strong>draft</strong>" in page


def test_times_are_shown_in_utc_with_the_offset_the_author_wrote(tmp_path: Path):
    path = tmp_path / "inc.md"
    path.write_text(
        "---\nid: INC-1\ntitle: T\ndate: 2025-01-02\nseverity: P1\nstatus: draft\n"
        "timing:\n  detected: 2025-01-02T23:30:00-05:00\n  resolved: 2025-01-03T06:10:00Z\n---\n"
    )
    page = _card(path)
    assert (
        '<time datetime="2025-01-03T04:30:00+00:00">2025-01-03 04:30</time> '
        '<span class="pm-note">(2025-01-02 23:30 -05:00)</span>' in page
    )
    assert '<time datetime="2025-01-03T06:10:00+00:00">06:10</time></li>' in page


def test_a_released_stash_holds_only_what_the_finished_page_still_needs():
    """Every page's stash lives from its Markdown to its template: once put back, a block is not held twice."""
    from mkdocs_postmortem.render import Stash

    stash = Stash("t0")
    listed = stash(caller=lambda: "<ul><li>a list</li></ul>")
    card = stash("text", caller=lambda: '<div class="pm-card"><b>P1</b> card</div>')
    html = stash.restore(f"<p>{listed.strip()}</p>\n<p>{card.strip()}</p>")
    assert html == "<ul><li>a list</li></ul>\n<!--pmstasht0n1--><p>P1 card</p><!--/pmstasht0n1-->"
    assert stash.restore(f"<p>{listed.strip()}</p>\n<p>{card.strip()}</p>") == html  # again: a serve rebuild
    stash.release()
    assert "a list" not in repr(stash.blocks) and "P1 card" not in repr(stash.blocks)  # in the page now
    assert stash.unfinished
    finished = stash.finish(f"<main>{html}</main>")
    assert finished == '<main><ul><li>a list</li></ul>\n<div class="pm-card"><b>P1</b> card</div></main>'


def test_the_review_row_keeps_each_date_on_one_line():
    """Review and sign-off dates are <time> (the card's CSS keeps them whole): on a phone a bare
    2025-12-06 broke at its hyphens. A sign-off without a date shows none."""
    path = FIXTURES / "format-example.md"
    doc = load_file(path)
    doc.meta["review"]["sign_off"].append({"role": "Engineering Manager", "name": "Tom <Becker>"})  # type: ignore[index]
    catalog = build_catalog([(doc, f"postmortems/{path.name}")], ["P0", "P1", "P2", "P3", "P4"])
    (incident,) = catalog.incidents.values()
    header = Renderer.create(catalog, "postmortems", AS_OF).header(incident)
    review = header.split("<dt>Review</dt><dd>")[1].split("</dd>")[0]
    assert review == (
        '<span class="pm-part"><time>2025-12-05</time></span> <span class="pm-part">Attendees: Jane Smith, John Doe</span>'
        ' <span class="pm-part">Signed off: Jane Smith (Incident Commander, <time>2025-12-06</time>);'
        " Tom &#60;Becker&#62; (Engineering Manager)</span>"
    )
