"""The example site in a real browser: a reader's journey through the generated pages, and the search.

The site-template is built with `mkdocs build --strict`, served over HTTP on
127.0.0.1 and driven through Debian's Chromium with Playwright. What the
pages must show is worked out from the post-mortems' own front matter, so the
test follows the example site as it grows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from .browser import CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM, served
from .conftest import REPO

SITE_TEMPLATE = REPO / "site-template"
AS_OF = dt.date(2026, 11, 29)  # the report's "as of" date, through SOURCE_DATE_EPOCH
CLOSED = {"done", "cancelled"}
TIMEOUT_MS = 15_000

pytestmark = [
    pytest.mark.browser,
    NEEDS_CHROMIUM,
]


# --- what the example site must show, from its front matter -------------------------------------


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\r?\n(.*?)\r?\n---\r?\n", text, re.DOTALL)
    assert match, f"{path}: no front matter"
    return yaml.safe_load(match.group(1))


def as_of() -> dt.date:
    """The mkdocs.yml's `as_of` if it sets one, else the date given through SOURCE_DATE_EPOCH."""
    match = re.search(r"^\s+as_of:\s*['\"]?(\d{4}-\d{2}-\d{2})", (SITE_TEMPLATE / "mkdocs.yml").read_text(), re.MULTILINE)
    return dt.date.fromisoformat(match.group(1)) if match else AS_OF


@dataclass
class Example:
    meta: dict[str, dict[str, Any]]  # id -> front matter
    referenced_by: dict[str, list[str]] = field(default_factory=dict)  # id -> ids that reference it

    @classmethod
    def load(cls) -> Example:
        folder = SITE_TEMPLATE / "docs" / "postmortems"
        paths = [p for p in sorted(folder.rglob("*.md")) if not p.name.startswith("_") and p != folder / "index.md"]
        metas = [m for m in map(front_matter, paths) if m["status"] != "draft"]  # drafts are not published
        example = cls({m["id"]: m for m in metas})
        for m in metas:
            for ref in m.get("references") or []:
                target = ref["id"] if isinstance(ref, dict) else ref
                example.referenced_by.setdefault(target, []).append(m["id"])
        return example

    def overdue_days_by_owner(self, when: dt.date) -> dict[str, list[int]]:
        """FORMAT.md: overdue when due before the "as of" date and neither done nor cancelled."""
        owners: dict[str, list[int]] = {}
        for m in self.meta.values():
            for action in m.get("actions") or []:
                due = dt.date.fromisoformat(str(action["due"]))
                if due < when and action["status"] not in CLOSED:
                    owners.setdefault(action["owner"], []).append((when - due).days)
        return {owner: sorted(days) for owner, days in owners.items()}


@pytest.fixture(scope="module")
def example() -> Example:
    return Example.load()


# --- the site, served, and the browser -------------------------------------------------------------


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    epoch = int(dt.datetime.combine(AS_OF, dt.time(), tzinfo=dt.UTC).timestamp())
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": str(epoch)}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=SITE_TEMPLATE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with served(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def context(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        # launch() refuses --user-data-dir: Playwright manages the profile, so a persistent context gets it instead
        ctx = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        ctx.set_default_timeout(TIMEOUT_MS)
        # The theme asks Google for its fonts; the test must not depend on the network: answer them empty.
        ctx.route(lambda url: not url.startswith(base_url), lambda route: route.fulfill(status=200, body=""))
        try:
            yield ctx
        finally:
            ctx.close()


@dataclass
class Tab:
    page: Any
    base_url: str
    problems: list[str]

    def goto(self, path: str = "") -> None:
        self.page.goto(urljoin(self.base_url, path))

    def click_and_wait(self, link: Any) -> None:
        """Follow a link and wait for the page it names (relative to the current one) to load."""
        target = urljoin(self.page.url, link.get_attribute("href"))
        link.click()
        self.page.wait_for_url(target.split("#", 1)[0] + "**")
        self.page.wait_for_load_state("load")

    def table_after(self, heading_id: str) -> Any:
        """The table right after a heading (Material's JavaScript wraps each table in a scrolling div)."""
        h = f"article h2#{heading_id}"
        return self.page.locator(f":is({h} + table, {h} + .md-typeset__scrollwrap table)")


@pytest.fixture
def tab(context: Any, base_url: str) -> Iterator[Tab]:
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    try:
        yield Tab(page, base_url, problems)
    finally:
        page.close()


# --- the tests ----------------------------------------------------------------------------------


def test_a_reader_goes_from_home_to_a_p0_and_along_its_backlink_and_back(tab: Tab, example: Example, tmp_path: Path):
    p0s = sorted(
        (m for m in example.meta.values() if m["severity"] == "P0"), key=lambda m: (str(m["date"]), m["id"]), reverse=True
    )
    first = next((m["id"] for m in p0s if m["id"] in example.referenced_by), None)
    assert first, "the example site needs a P0 incident that another incident references"
    referrer = example.referenced_by[first][0]

    tab.goto()
    tab.click_and_wait(tab.page.locator("article a[href='postmortems/']").first)
    expect(tab.page.locator("article h1")).to_contain_text("Post-mortems")
    expect(tab.page.locator("article .pm-badge").first).to_be_visible()
    tab.page.screenshot(path=tmp_path / "overview.png", full_page=True)

    tab.click_and_wait(tab.page.locator(".md-nav--primary a.md-nav__link", has_text="By severity"))
    expect(tab.page.locator("article h1")).to_contain_text("Incidents by severity")
    # a small site: every incident on the summary, under its severity, which links to its own page
    expect(tab.page.locator("article h2#p0 ~ table.pm-list tbody tr", has_text=first).first).to_be_visible()
    tab.click_and_wait(tab.page.locator("article h2#p0 + p.pm-note a", has_text="its own page"))
    expect(tab.page.locator("article h1")).to_contain_text("Severity P0")
    # one link per row, the title; the id beside it is plain text
    row = tab.page.locator("article .pm-list tbody tr", has_text=first)
    expect(row.get_by_role("link")).to_have_count(1)
    tab.click_and_wait(row.get_by_role("link", name=example.meta[first]["title"], exact=True))
    first_url = tab.page.url
    expect(tab.page.locator("article h1")).to_contain_text(example.meta[first]["title"])
    card = tab.page.locator("article .pm-card").first
    expect(card.locator(".pm-card-head")).to_contain_text("P0")
    expect(card.locator(".pm-badge.pm-sev-p0")).to_be_visible()
    expect(tab.page.locator("article h2#corrective-actions + table.pm-actions")).to_be_visible()
    tab.page.screenshot(path=tmp_path / "incident.png", full_page=True)

    related = tab.page.locator("article h2#related-incidents + ul.pm-related")
    tab.click_and_wait(related.get_by_role("link", name=example.meta[referrer]["title"], exact=True))
    expect(tab.page.locator("article h1")).to_contain_text(example.meta[referrer]["title"])
    back = related.get_by_role("link", name=example.meta[first]["title"], exact=True)
    tab.click_and_wait(back)
    assert tab.page.url == first_url
    assert tab.problems == []


def test_the_open_actions_page_lists_every_open_action_by_owner_with_days_overdue(tab: Tab, example: Example):
    expected = example.overdue_days_by_owner(as_of())
    assert expected, "the example site needs an overdue action"
    open_actions = [a for m in example.meta.values() for a in m.get("actions") or [] if a["status"] not in CLOSED]
    tab.goto("postmortems/")
    tab.click_and_wait(tab.page.locator("article .admonition a[href='actions/']"))
    expect(tab.page.locator("article h1")).to_contain_text("Open actions")
    expect(tab.page.locator("article")).to_contain_text(f"As of {as_of().isoformat()}")
    # Every open action on this one page (the starter site's dozen fit): a heading per owner, linking to
    # the owner's page; each item starts with its state ("12 days overdue", "due soon", "later").
    groups = tab.page.eval_on_selector_all(
        "article h2",
        """hs => hs.map(h => {
            const items = [];
            for (let e = h.nextElementSibling; e && e.tagName !== 'H2'; e = e.nextElementSibling) {
                if (e.tagName !== 'UL') continue;
                for (const li of e.querySelectorAll(':scope > li')) items.push(li.querySelector('.pm-state').textContent.trim());
            }
            const page = h.nextElementSibling.querySelector('a');  // the line under the heading
            return {heading: h.textContent.replace(/[¶#]$/, '').trim(), states: items, page: page ? page.href : null};
        })""",
    )
    for group in groups:
        assert group["page"], group
    for width in (1400, 390):  # nothing scrolls sideways on a laptop or a phone
        tab.page.set_viewport_size({"width": width, "height": 900})
        assert tab.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, width
    tab.page.set_viewport_size({"width": 1280, "height": 900})
    owner = groups[0]
    tab.page.goto(owner["page"])
    expect(tab.page.locator("article h1")).to_contain_text(f"Open actions owned by {owner['heading']}")
    assert tab.page.eval_on_selector_all("article li .pm-state", "ss => ss.map(s => s.textContent.trim())") == owner["states"]
    shown: dict[str, list[int]] = {}
    for group in groups:
        days = [int(re.match(r"\d+", s).group()) for s in group["states"] if s.endswith("overdue")]  # type: ignore[union-attr]
        assert days == sorted(days, reverse=True), f"{group['heading']}: most overdue first"
        if days:
            shown[group["heading"]] = sorted(days)
    assert shown == expected
    assert sum(len(group["states"]) for group in groups) == len(open_actions)
    assert tab.problems == []


def search(tab: Tab, query: str) -> Any:
    """Type into Material's search box; the result items, once the first has appeared."""
    tab.goto()
    tab.page.keyboard.press("/")
    expect(tab.page.locator(".md-search__input")).to_be_focused()
    tab.page.keyboard.type(query)
    items = tab.page.locator(".md-search-result__item")
    items.first.wait_for()
    return items


def test_searching_an_incident_id_finds_that_incident_first(tab: Tab, example: Example):
    ident = sorted(example.meta)[-1]
    items = search(tab, ident)
    expect(items.first).to_contain_text(f"{ident}: {example.meta[ident]['title']}")
    assert tab.problems == []


def test_searching_a_service_finds_its_incident_and_no_index_page(tab: Tab, example: Example):
    """The generated index pages list other pages: search finds the incidents, not the lists of them."""
    users: dict[str, list[str]] = {}
    for m in example.meta.values():
        for service in m.get("services") or []:
            users.setdefault(service, []).append(m["id"])
    service, (ident,) = next((s, ids) for s, ids in sorted(users.items()) if len(ids) == 1)
    items = search(tab, service)
    expect(items.filter(has_text=f"{ident}: {example.meta[ident]['title']}")).to_have_count(1)
    expect(items.filter(has_text="Incidents by service")).to_have_count(0)
    expect(items.filter(has_text=f"Service {service}")).to_have_count(0)
    assert tab.problems == []
