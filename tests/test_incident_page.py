"""The incident page in a real browser, on a site built from tests/fixtures/full-site: one FULL post-mortem
(every field of the format filled, with long titles, many services and long ticket keys), the incidents
it references, and a draft it references.

- every front-matter value of the full document is on its page (walked generically: tests/frontmatter.py),
  except its `private_fields`, which are on no page and in no file;
- at 390 px the card and the footer scroll nowhere and clip nothing, in Material and the mkdocs theme;
- the draft is absent from `mkdocs build` (no page, in no list, nav, search index or sitemap) and shown
  in `mkdocs serve`, under its banner and labelled "draft" in every list.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import sync_playwright

from mkdocs_postmortem.load import load_file

from . import frontmatter
from .browser import CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM, served
from .conftest import FIXTURES, REPO
from .test_serve import mkdocs_serve

SITE = FIXTURES / "full-site"
POSTMORTEMS = SITE / "docs" / "postmortems"
FULL = POSTMORTEMS / "inc-full.md"
DRAFT = POSTMORTEMS / "inc-2026-0099-draft.md"
CONFIG = yaml.safe_load((SITE / "mkdocs.yml").read_text())
PRIVATE = set(next(p["postmortem"] for p in CONFIG["plugins"] if isinstance(p, dict))["private_fields"])

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


def meta(path: Path) -> dict[str, Any]:
    doc = load_file(path)
    assert doc.meta is not None and doc.problems == [], doc.problems
    return doc.meta


def _build(root: Path, theme: str) -> Path:
    shutil.copytree(SITE, root / "src")
    if theme != "material":
        config = dict(CONFIG, theme={"name": theme})
        (root / "src" / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(root / "site")],
        cwd=root / "src",
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module", params=["material", "mkdocs"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = _build(tmp_path_factory.mktemp(request.param), request.param)
    with served(out) as url:
        yield url, out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        ctx.set_default_timeout(15_000)
        # the themes ask CDNs for fonts and scripts: answer empty, the test must not depend on the network
        ctx.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.fulfill(status=200, body=""))
        try:
            yield ctx
        finally:
            ctx.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    tab = browser.new_page()
    try:
        yield tab
    finally:
        tab.close()


def open_page(page: Any, url: str, width: int = 1400) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("load")


#: The page's own text, as a reader sees it (CSS applied: hidden text is not in it).
ARTICLE_TEXT = "(document.querySelector('article') || document.querySelector('[role=main]')).innerText"


def generated_pages(page: Any, base: str) -> list[str]:
    """Every generated page under postmortems/ (split listings included), found by following the overview's links."""
    incidents = {p.stem for p in POSTMORTEMS.glob("*.md")}
    seen, todo = [""], [""]
    while todo:
        open_page(page, base + "postmortems/" + todo.pop())
        hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href.split('#')[0])")
        for href in hrefs:
            rest = href.removeprefix(base + "postmortems/") if href.startswith(base + "postmortems/") else None
            if rest is None or rest in seen or rest.strip("/") in incidents or not (rest == "" or rest.endswith("/")):
                continue
            seen.append(rest)
            todo.append(rest)
    return seen


def test_the_fixture_fills_every_field_of_the_format():
    """FULL means every field the bundled schema defines (walked from the schema, not listed here)."""
    schema = json.loads((REPO / "schema" / "postmortem.schema.json").read_text())
    filled = {path for path, value in frontmatter.leaves(meta(FULL)) if value not in ("", None)}
    assert frontmatter.schema_fields(schema) - filled == set()


def test_every_front_matter_value_of_the_full_document_is_on_its_page(site: tuple[str, Path], page: Any):
    base, _ = site
    open_page(page, base + "postmortems/inc-full/")
    text = page.evaluate(ARTICLE_TEXT)
    assert frontmatter.missing(meta(FULL), text, skip=PRIVATE) == {}
    # the private fields are validated, never shown
    private = {path: value for path, value in frontmatter.leaves(meta(FULL)) if path in PRIVATE}
    assert set(private) == PRIVATE
    assert frontmatter.missing(private, text) == private


def test_private_values_are_in_no_built_file(site: tuple[str, Path]):
    _, out = site
    private = [value for path, value in frontmatter.leaves(meta(FULL)) if path in PRIVATE]
    spellings = {s for value in private for group in frontmatter.readings("", value) for s in group}
    leaks = [
        (p.relative_to(out).as_posix(), s)
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".xml", ".csv", ".ics", ".txt", ".md")
        for s in spellings
        if s in p.read_text(encoding="utf-8")
    ]
    assert leaks == []


@pytest.mark.parametrize("path", ["postmortems/inc-full/", "postmortems/inc-2025-0003/"])
def test_at_390_px_the_card_and_footer_scroll_nowhere_and_clip_nothing(site: tuple[str, Path], page: Any, path: str):
    base, _ = site
    open_page(page, base + path, width=390)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    parts = page.locator(".pm-card, table.pm-actions, ul.pm-related").count()
    assert parts == (3 if path.endswith("inc-full/") else 2)  # the card, the actions (the full one), the related list
    # every element of the card and of the footer lies inside the window, and none hides part of its content
    problems = page.evaluate(
        """() => {
            const parts = [...document.querySelectorAll('.pm-card, table.pm-actions, ul.pm-related')];
            const out = [];
            for (const el of parts.flatMap(p => [p, ...p.querySelectorAll('*')])) {
                const box = el.getBoundingClientRect();
                if (box.width === 0 && box.height === 0) continue;  // not displayed
                if (el.closest('thead')) continue;  // on a phone the column names are read by screen readers only (1 px, clipped)
                const name = el.tagName + '.' + el.className + ' "' + el.textContent.slice(0, 40) + '"';
                if (box.left < -0.5 || box.right > document.documentElement.clientWidth + 0.5) out.push('outside: ' + name);
                const style = getComputedStyle(el);
                const clips = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
                if (clips && el.scrollWidth > el.clientWidth + 1) out.push('clipped: ' + name);
            }
            return out;
        }"""
    )
    assert problems == []


def test_a_published_page_names_a_referenced_draft_as_text(site: tuple[str, Path], page: Any):
    base, _ = site
    draft = meta(DRAFT)
    open_page(page, base + "postmortems/inc-full/")
    item = page.locator("ul.pm-related li", has_text=draft["id"])
    assert draft["title"] in item.inner_text()
    assert item.locator("a").count() == 0


def test_a_draft_is_absent_from_the_build(site: tuple[str, Path], page: Any):
    base, out = site
    draft = meta(DRAFT)
    assert not (out / "postmortems" / DRAFT.stem).exists()
    assert page.goto(base + f"postmortems/{DRAFT.stem}/").status == 404
    for path in generated_pages(page, base):  # not in any list, nor in the nav of any
        open_page(page, base + "postmortems/" + path)
        text = page.evaluate("document.body.innerText")
        assert draft["id"] not in text and draft["title"] not in text, path
    searchable = (out / "search" / "search_index.json").read_text() + (out / "sitemap.xml").read_text()
    assert DRAFT.stem not in searchable and draft["summary"] not in searchable
    markers = [p for p in out.rglob("*") if p.is_file() and p.suffix != ".png" and "DRAFT-ONLY" in p.read_text(errors="replace")]
    assert markers == []


def test_mkdocs_serve_shows_the_draft_under_its_banner_and_labelled_in_every_list(tmp_path: Path, page: Any):
    shutil.copytree(SITE, tmp_path / "src")
    draft = meta(DRAFT)
    with mkdocs_serve(tmp_path / "src") as base:
        open_page(page, base + f"postmortems/{DRAFT.stem}/")
        banner = page.locator(".admonition.pm-draft")
        assert banner.is_visible() and "draft" in banner.inner_text().lower()
        open_page(page, base + "postmortems/inc-full/")
        assert page.locator(".admonition.pm-draft").count() == 0  # a published page has none
        listed = []
        for path in generated_pages(page, base):
            open_page(page, base + "postmortems/" + path)
            rows = page.locator("article tr, article li, [role=main] tr, [role=main] li").filter(has_text=draft["title"])
            labels = [rows.nth(n).locator(".pm-label-draft").count() for n in range(rows.count())]
            assert all(labels), (path, labels)  # wherever it is listed, it says it is a draft
            if labels:
                listed.append(path)
        # the overview's newest incidents, its severity, year, service and tag lists, the open actions (its action)
        assert "" in listed and len(listed) >= 5, listed


def test_no_draft_label_where_there_is_no_draft(site: tuple[str, Path]):
    _, out = site
    pages = [p for p in (out / "postmortems").rglob("index.html")]
    assert pages and [p for p in pages if "pm-label-draft" in p.read_text()] == []
