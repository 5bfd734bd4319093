"""The generated index pages on a site that strains them (tests/wide_site.py: long titles, many long
service names, long ids), in a real browser: nothing scrolls sideways at a laptop's or a phone's width,
in Material and in the built-in mkdocs theme; one link per row."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright

from mkdocs_postmortem.render import LISTINGS, PAGES

from . import wide_site
from .browser import CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM
from .browser import served as serve_folder

#: The summary pages (in the nav) this test holds to the layout rules (the metrics page has its own).
INDEX_PAGES = [name.removesuffix(".md") for name in PAGES if name != "metrics.md"]
#: A page of each listing kind (a severity, a year, a service, a tag): the lists of incidents.
LISTING_PAGES = ["severity/p2", "timeline/2024", f"services/{wide_site.SERVICES[0]}", "tags/long-tag-name-0"]

pytestmark = [
    pytest.mark.browser,
    NEEDS_CHROMIUM,
]


def _build(root: Path, theme: str) -> Path:
    wide_site.write(root / "src", theme)
    out = root / "site"
    epoch = int(dt.datetime(2026, 11, 29, tzinfo=dt.UTC).timestamp())
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(epoch)}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=root / "src",
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module", params=["material", "mkdocs"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = _build(tmp_path_factory.mktemp(request.param), request.param)
    with serve_folder(out) as url:
        yield url, out


@pytest.fixture(scope="module")
def browser_page(served: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    base_url, _ = served
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        ctx.set_default_timeout(15_000)
        # the theme asks Google for fonts: answer empty, the test must not depend on the network
        ctx.route(lambda url: not url.startswith(base_url), lambda route: route.fulfill(status=200, body=""))
        page = ctx.new_page()
        try:
            yield page
        finally:
            ctx.close()


def _url(base_url: str, name: str) -> str:
    return base_url + "postmortems/" + ("" if name == "index" else name + "/")


def _generated(out: Path) -> list[str]:
    """Every generated page of the built site, as a name for _url: the summaries and every listing."""
    names = ["index", *(n for n in INDEX_PAGES if n != "index")]
    for kind in LISTINGS:
        names += sorted(
            p.parent.relative_to(out / "postmortems").as_posix() for p in (out / "postmortems" / kind).rglob("index.html")
        )
    return names


def test_every_listing_kind_has_its_pages(served: tuple[str, Path]) -> None:
    _, out = served
    names = _generated(out)
    assert set(LISTING_PAGES) <= set(names)
    assert len([n for n in names if n.startswith("services/")]) == len(wide_site.SERVICES)


@pytest.mark.parametrize("width", [1400, 390])
def test_no_index_page_scrolls_sideways(browser_page: Any, served: tuple[str, Path], width: int) -> None:
    base_url, _ = served
    browser_page.set_viewport_size({"width": width, "height": 900})
    wide = {}
    for name in [*_generated(served[1]), "metrics"]:  # the metrics page's charts scroll inside their own box
        browser_page.goto(_url(base_url, name))
        browser_page.wait_for_load_state("load")
        shown = ".pm-list tbody tr, .pm-timeline li, .pm-groups li, .pm-action-list li, .pm-chart svg"
        assert browser_page.locator(shown).count() > 0, name
        overflow = browser_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide[name] = overflow
    assert wide == {}, f"pages wider than a {width} px window (by px): {wide}"


def test_the_title_comes_first_on_a_phone(browser_page: Any, served: tuple[str, Path]) -> None:
    """At 390 px a row is a stacked card: severity, then the title above the date, duration and status."""
    base_url, _ = served
    browser_page.set_viewport_size({"width": 390, "height": 900})
    browser_page.goto(_url(base_url, "index"))
    row = browser_page.locator(".pm-list tbody tr").first
    top = {cell: row.locator(f".pm-col-{cell}").bounding_box()["y"] for cell in ("sev", "title", "date", "status")}
    assert top["sev"] < top["title"] < top["date"] <= top["status"], top


def test_one_link_per_row_the_title(served: tuple[str, Path]) -> None:
    _, out = served
    html = "".join(
        (out / "postmortems" / "severity" / s / "index.html").read_text(encoding="utf-8") for s in ("p0", "p1", "p2", "p3", "p4")
    )
    rows = html.split("<tr data-pm-")[1:]
    assert len(rows) == wide_site.COUNT
    for row in rows:
        row = row.split("</tr>")[0]
        assert row.count("<a ") == 1 and 'class="pm-title"' in row, row
        assert "PLATFORM-RELIABILITY" in row  # the id, shown as text


def test_a_title_leads_to_its_post_mortem(browser_page: Any, served: tuple[str, Path]) -> None:
    base_url, _ = served
    browser_page.set_viewport_size({"width": 1400, "height": 900})
    for name in ["index", *LISTING_PAGES]:
        browser_page.goto(_url(base_url, name))
        link = browser_page.locator("a.pm-title").first
        title = link.inner_text()
        link.click()
        browser_page.wait_for_load_state("load")
        assert title in browser_page.locator("h1").first.inner_text(), (name, browser_page.url)


def _visible(page: Any, selector: str, attribute: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, f"rows => rows.filter(r => r.offsetParent !== null).map(r => r.getAttribute('{attribute}'))"
    )


def test_filtering_by_severity_and_year(browser_page: Any, served: tuple[str, Path]) -> None:
    """On a service's page (a list across severities and years) and on a year's page (a list per month)."""
    base_url, _ = served
    errors: list[str] = []
    browser_page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_page.set_viewport_size({"width": 1400, "height": 900})
    service = wide_site.SERVICES[0]
    browser_page.goto(_url(base_url, f"services/{service}"))
    everyone = _visible(browser_page, ".pm-list tbody tr", "data-pm-severity")
    assert len(everyone) == sum(service in wide_site.document(n)[1] for n in range(wide_site.COUNT))
    browser_page.select_option("select[name=pm-severity]", "P2")
    shown = _visible(browser_page, ".pm-list tbody tr", "data-pm-severity")
    assert shown and set(shown) == {"P2"}
    assert f"{len(shown)} of {len(everyone)} shown" in browser_page.locator(".pm-count").inner_text()
    browser_page.select_option("select[name=pm-severity]", "")
    browser_page.select_option("select[name=pm-year]", "2024")
    assert set(_visible(browser_page, ".pm-list tbody tr", "data-pm-year")) == {"2024"}

    browser_page.goto(_url(base_url, "timeline/2024"))
    browser_page.select_option("select[name=pm-service]", service)
    services = _visible(browser_page, ".pm-timeline li", "data-pm-services")
    assert services and all(service in s.split(",") for s in services)
    # a month with none of the service's incidents hides its heading too
    months = {d[:7] for d in _visible(browser_page, ".pm-timeline li", "data-pm-date")}
    headings = browser_page.eval_on_selector_all("h2[id^=y2024-]", "hs => hs.map(h => [h.id, h.offsetParent !== null])")
    assert headings and all(shown == (f"{h[1:]}" in months) for h, shown in headings), (headings, months)
    assert not all(shown for _, shown in headings)
    # the mkdocs theme's own highlight.js comes from a CDN, answered empty here: not ours
    assert [e for e in errors if "hljs" not in e] == []


def test_filtering_a_summary_listing_its_incidents_hides_groups_left_empty(browser_page: Any, served: tuple[str, Path]) -> None:
    """The wide site's 24 incidents fit on a page: the severity summary lists them under each severity. The
    filter bar comes before the first section; a severity filtered out loses its heading and its note."""
    base_url, _ = served
    browser_page.set_viewport_size({"width": 1400, "height": 900})
    browser_page.goto(_url(base_url, "severity"))
    assert len(_visible(browser_page, ".pm-list tbody tr", "data-pm-severity")) == wide_site.COUNT
    sections = "hs => hs.map(h => [h.id, h.offsetParent !== null, h.nextElementSibling.offsetParent !== null])"
    before = browser_page.eval_on_selector_all("h2[id^=p]", sections)
    assert len(before) > 1 and all(heading and note for _, heading, note in before), before
    bar_first = "() => !!(document.querySelector('.pm-filters').compareDocumentPosition(document.querySelector('h2[id^=p]')) & 4)"
    assert browser_page.evaluate(bar_first)
    browser_page.select_option("select[name=pm-severity]", "P2")
    assert set(_visible(browser_page, ".pm-list tbody tr", "data-pm-severity")) == {"P2"}
    after = browser_page.eval_on_selector_all("h2[id^=p]", sections)
    assert after == [[h, h == "p2", h == "p2"] for h, _, _ in before]


def test_sorting_by_a_column(browser_page: Any, served: tuple[str, Path]) -> None:
    base_url, _ = served
    browser_page.set_viewport_size({"width": 1400, "height": 900})
    browser_page.goto(_url(base_url, "index"))
    dates = _visible(browser_page, ".pm-list tbody tr", "data-pm-date")
    assert dates == sorted(dates, reverse=True)  # newest first, as written
    header = browser_page.locator("th[data-pm-sort=date] button")
    header.click()
    assert _visible(browser_page, ".pm-list tbody tr", "data-pm-date") == sorted(dates)
    assert browser_page.locator("th[data-pm-sort=date]").get_attribute("aria-sort") == "ascending"
    header.click()
    assert _visible(browser_page, ".pm-list tbody tr", "data-pm-date") == sorted(dates, reverse=True)
    browser_page.locator("th[data-pm-sort=rank] button").click()
    ranks = [int(r) for r in _visible(browser_page, ".pm-list tbody tr", "data-pm-rank")]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
