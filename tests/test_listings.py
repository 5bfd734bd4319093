"""Generated list pages stay small: a listing too long for a page is split by year, then month, then
into numbered parts (mkdocs_postmortem/listings.py), and every incident stays reachable on exactly the
pages it belongs to. A small per-page limit stands in for a large site: nothing here builds more than
the 24 documents of tests/wide_site.py."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest

from mkdocs_postmortem.catalog import Catalog, build_catalog
from mkdocs_postmortem.config import default_settings
from mkdocs_postmortem.listings import by_month, by_year, split
from mkdocs_postmortem.load import find_postmortems, load_file
from mkdocs_postmortem.render import LISTINGS, PAGES, Renderer, md_escape

from . import wide_site

AS_OF = dt.date(2026, 11, 29)
LIMIT = 3  # rows per page: the 24 incidents of the wide site split on every page kind


def incident(day: str) -> SimpleNamespace:
    return SimpleNamespace(date=dt.date.fromisoformat(day), id=day)


def test_a_listing_that_fits_is_one_page_of_all_its_rows():
    rows = [incident("2025-03-02"), incident("2024-01-01")]
    listing = split("p/services/a", "a", rows, (by_year, by_month), limit=2)
    assert (listing.uri, listing.children, listing.rows) == ("p/services/a.md", [], rows)


def test_a_long_listing_is_split_by_year_then_month_then_into_parts():
    rows = [incident(d) for d in ("2025-03-09", "2025-03-08", "2025-03-07", "2025-01-02", "2024-05-05")]
    listing = split("p/tags/t", "t", rows, (by_year, by_month), limit=2)
    pages = {page.uri: [r.id for r in page.rows] for page in listing.leaves()}
    assert pages == {
        "p/tags/t/2025/03/1.md": ["2025-03-09", "2025-03-08"],  # one month, still too many: numbered parts
        "p/tags/t/2025/03/2.md": ["2025-03-07"],
        "p/tags/t/2025/01.md": ["2025-01-02"],
        "p/tags/t/2024.md": ["2024-05-05"],
    }
    assert [page.name for page in listing.pages()] == ["t", "2025", "March 2025", "1–2", "3–3", "January 2025", "2024"]
    assert [p.name for p in listing.children[0].children[0].children[1].lineage()] == ["t", "2025", "March 2025", "3–3"]


def test_a_dimension_that_does_not_separate_is_skipped():
    rows = [incident(f"2025-0{m}-01") for m in (3, 2, 1)]  # one year: split by month straight away
    listing = split("p/severity/p0", "P0", rows, (by_year, by_month), limit=2)
    assert [page.uri for page in listing.children] == ["p/severity/p0/03.md", "p/severity/p0/02.md", "p/severity/p0/01.md"]


# --- the pages of a site, with a small limit -----------------------------------------------------------


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    root = wide_site.write(tmp_path_factory.mktemp("wide"))
    folder = root / "docs" / "postmortems"
    entries = [(load_file(p), f"postmortems/{p.name}") for p in find_postmortems(folder)]
    return build_catalog(entries, default_settings().severities)


@pytest.fixture(scope="module")
def pages(catalog: Catalog) -> dict[str, str]:
    return Renderer.create(catalog, "postmortems", AS_OF, page_rows=LIMIT).pages("Post-mortems")


ROW = re.compile(r'^<(?:tr|li) data-pm-.*? href="([^"]+)"', re.MULTILINE)


def listed(text: str) -> list[str]:
    """The incident pages a page lists (one row each), as the file names the links lead to."""
    return [Path(unquote(href).rstrip("/")).name + ".md" for href in ROW.findall(text)]


def leaf_pages(pages: dict[str, str], kind: str) -> dict[str, list[str]]:
    """The pages of one kind that list rows (split pages link to their parts and show a few recent rows)."""
    out = {}
    for uri, text in pages.items():
        if uri.startswith(f"postmortems/{kind}/") and "## Most recent" not in text:
            out[uri] = listed(text)
    return out


def expected_places(i: object, kind: str) -> list[str]:
    """The names an incident is filed under for one kind of page: its severity, year, services or tags."""
    return {
        "severity": lambda: [i.severity.lower()],  # type: ignore[attr-defined]
        "timeline": lambda: [str(i.date.year)],  # type: ignore[attr-defined]
        "services": lambda: list(i.services),  # type: ignore[attr-defined]
        "tags": lambda: list(i.tags),  # type: ignore[attr-defined]
    }[kind]()


@pytest.mark.parametrize("kind", ["severity", "timeline", "services", "tags"])
def test_every_incident_is_on_exactly_the_pages_it_belongs_to(catalog: Catalog, pages: dict[str, str], kind: str):
    leaves = leaf_pages(pages, kind)
    assert all(len(rows) <= LIMIT for rows in leaves.values()), {u: len(r) for u, r in leaves.items() if len(r) > LIMIT}
    found: dict[str, list[str]] = {}
    for uri, files in leaves.items():
        for name in files:
            found.setdefault(name, []).append(uri)
    for i in catalog.incidents.values():
        name = Path(i.src_uri).name
        where = sorted(found.get(name, []))
        # one page per place it is filed under, that place's page or one of its parts
        assert len(where) == len(expected_places(i, kind)), (i.id, where)
        for uri, place in zip(where, sorted(expected_places(i, kind)), strict=True):
            parts = uri.removeprefix(f"postmortems/{kind}/").removesuffix(".md").split("/")
            assert parts[0] == place, (i.id, uri)
            year = str(i.date.year)
            if kind != "timeline" and len(parts) > 1:  # split by year, then month
                assert parts[1] == year, (i.id, uri)
            months = parts[2:3] if kind != "timeline" else parts[1:2]
            assert months in ([], [f"{i.date.month:02d}"]), (i.id, uri)


GROUPS = {"severity": Catalog.by_severity, "services": Catalog.by_service, "tags": Catalog.by_tag}


@pytest.mark.parametrize("kind", GROUPS)
def test_a_summary_whose_incidents_fit_on_a_page_lists_them_under_each_group(catalog: Catalog, kind: str):
    """A small site's reader sees every incident on the summary page itself (as on the open-actions page):
    each group a section with exactly its incidents, newest first, and a link to the group's own page; a
    severity with none is named in one line. One row more than a page holds, and it is a summary again."""
    groups = GROUPS[kind](catalog)
    total = sum(len(incidents) for _, incidents in groups)
    assert LIMIT < total <= 200 and len(groups) > 1
    page = Renderer.create(catalog, "postmortems", AS_OF, page_rows=total).pages("T")[f"postmortems/{kind}.md"]
    assert 'class="pm-groups"' not in page
    found = re.findall(r"^## (.+?) \{#([^}]+)\}$", page, re.MULTILINE)
    assert [name for name, _ in found] == [md_escape(name) for name, incidents in groups if incidents]
    for (_, incidents), (_, anchor) in zip([g for g in groups if g[1]], found, strict=True):
        section = page.split(f" {{#{anchor}}}\n")[1].split("\n## ")[0]
        assert listed(section) == [Path(i.src_uri).name for i in incidents]  # newest first, as the catalog keeps them
        assert f"[its own page]({kind}/{anchor}.md)" in section
        assert section.startswith(f"\n{len(incidents)} incident")
    empty = [name for name, incidents in groups if not incidents]
    assert (f"No {' or '.join(empty)} incidents." in page) if empty else ("No " not in page)
    summary = Renderer.create(catalog, "postmortems", AS_OF, page_rows=total - 1).pages("T")[f"postmortems/{kind}.md"]
    assert 'class="pm-groups"' in summary and listed(summary) == [] and "\n## " not in summary


def test_a_timeline_that_fits_on_a_page_lists_every_incident_by_month(catalog: Catalog):
    total = len(catalog.incidents)
    page = Renderer.create(catalog, "postmortems", AS_OF, page_rows=total).pages("T")["postmortems/timeline.md"]
    assert listed(page) == [Path(i.src_uri).name for i in catalog.newest_first()]
    months = re.findall(r"^## \w+ \d{4} +\{#(y\d{4}-\d{2})\}$", page, re.MULTILINE)
    assert months == list(dict.fromkeys(f"y{i.date.year}-{i.date.month:02d}" for i in catalog.newest_first()))
    for year, _ in catalog.by_month():
        assert f"[{year}](timeline/{year}.md)" in page  # each year's page, linked from the note above
    summary = Renderer.create(catalog, "postmortems", AS_OF, page_rows=total - 1).pages("T")["postmortems/timeline.md"]
    assert 'class="pm-groups"' in summary and listed(summary) == []


def test_the_open_actions_are_one_page_per_owner_split_by_state(tmp_path: Path):
    actions = "\n".join(
        f"  - {{title: Action {n}, owner: Ann, due: 2026-{1 + n % 12:02d}-01, status: not-started}}" for n in range(7)
    )
    doc = (
        "---\nid: INC-1\ntitle: T\ndate: 2026-01-01\nseverity: P1\nstatus: approved\nsummary: S\n"
        f"root_cause: {{primary: X}}\nactions:\n{actions}\n---\n"
    )
    (tmp_path / "a.md").write_text(doc)
    catalog = build_catalog([(load_file(tmp_path / "a.md"), "postmortems/a.md")], default_settings().severities)
    pages = Renderer.create(catalog, "postmortems", dt.date(2026, 5, 15), page_rows=LIMIT).pages("T")
    owner = [uri for uri in pages if uri.startswith("postmortems/actions/")]
    assert owner == [
        "postmortems/actions/ann.md",
        "postmortems/actions/ann/overdue.md",
        "postmortems/actions/ann/overdue/1.md",
        "postmortems/actions/ann/overdue/2.md",
        "postmortems/actions/ann/due-soon.md",
        "postmortems/actions/ann/later.md",
    ]  # 5 overdue (January to May), 1 due soon (June 1), 1 later
    shown = [pages[uri] for uri in owner if "Most pressing" not in pages[uri]]
    rows = Counter(title for page in shown for title in re.findall(r"<strong>(Action \d)</strong>", page))
    assert rows == {f"Action {n}": 1 for n in range(7)}  # each open action on one page


def test_only_the_summaries_are_pages_of_the_registry_the_nav_lists(pages: dict[str, str]):
    assert list(pages)[: len(PAGES)] == [f"postmortems/{name}" for name in PAGES]


def test_index_pages_stay_out_of_the_search_index_and_the_overview_does_not(pages: dict[str, str]):
    unsearched = {uri for uri, text in pages.items() if text.startswith("---\nsearch:\n  exclude: true\n---\n")}
    indexes = {uri for uri in pages if uri.split("/")[1].removesuffix(".md") in LISTINGS}  # summaries and listings
    assert len(indexes) > len(LISTINGS) and indexes <= unsearched
    assert "postmortems/index.md" not in unsearched


def test_the_pages_are_the_same_on_every_run(catalog: Catalog, pages: dict[str, str]):
    again = Renderer.create(catalog, "postmortems", AS_OF, page_rows=LIMIT).pages("Post-mortems")
    assert again == pages


def test_a_strict_build_of_split_pages_has_every_link_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The wide site with 3 rows per page (about 200 pages): MkDocs --strict checks the Markdown links
    (breadcrumbs, card links); every HTML link of a generated page (rows, parts) must lead to a built page."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from mkdocs_postmortem import listings

    monkeypatch.setattr(listings, "PAGE_ROWS", LIMIT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    root = wide_site.write(tmp_path / "src")
    site = tmp_path / "site"
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True))
    generated = [p for p in (site / "postmortems").rglob("index.html") if not p.parent.name.lower().startswith("inc-")]
    assert len(generated) > 100
    broken = []
    for page in generated:
        for href in re.findall(r'<a [^>]*href="([^"#:]*)(?:#[^"]*)?"', page.read_text(encoding="utf-8")):
            target = (page.parent / unquote(href)).resolve()
            if href and not (target / "index.html" if target.is_dir() else target).is_file():
                broken.append((page.relative_to(site).as_posix(), href))
    assert broken == []


@pytest.fixture(scope="module")
def starter() -> Catalog:
    """The starter site's post-mortems (site-template): a dozen open actions, half a dozen owners."""
    folder = Path(__file__).parent.parent / "site-template" / "docs" / "postmortems"
    entries = [(load_file(p), f"postmortems/{p.name}") for p in find_postmortems(folder)]
    return build_catalog(entries, default_settings().severities)


def test_the_open_actions_page_lists_every_open_action_by_owner_when_they_fit_on_a_page(starter: Catalog):
    """Up to PAGE_ROWS open actions: the page answers "who owes what" by itself, each owner a heading with a
    link to the owner's page, each action with its state (days overdue), incident id and title."""
    report = starter.action_report(AS_OF)
    assert LIMIT < report.open_count <= 200 and report.overdue and len(report.by_owner()) > 1
    page = Renderer.create(starter, "postmortems", AS_OF).pages("T")["postmortems/actions.md"]
    for owner, owned in report.by_owner():
        section = page.split(f"\n## {owner or 'no owner'} {{#")[1].split("\n## ")[0]
        assert re.search(r"\[owner&#39;s page\]\(actions/[^)]+\.md\)", section)
        for row in owned:
            assert f"<strong>{md_escape(row.action.title)}</strong>" in section
            assert f'<span class="pm-id">{row.action.incident.id}</span> <a href="' in section
            assert f'">{md_escape(row.action.incident.title)}</a>' in section
            if row.days_overdue is not None:
                assert f"{row.days_overdue} day{'s' if row.days_overdue != 1 else ''} overdue" in section
    assert page.count('\n<li><p><span class="pm-state') == report.open_count
    assert 'class="pm-groups"' not in page


def test_the_open_actions_page_is_a_summary_per_owner_when_they_do_not_fit(starter: Catalog):
    report = starter.action_report(AS_OF)
    assert report.open_count > LIMIT
    page = Renderer.create(starter, "postmortems", AS_OF, page_rows=LIMIT).pages("T")["postmortems/actions.md"]
    assert page.count('<li><a href="') == len(report.by_owner()) and "pm-state" not in page
    assert "on the owner's page" in page
