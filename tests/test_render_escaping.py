"""Front matter is data, never markup: whatever a post-mortem's fields hold, the built site shows it as text.

A site whose post-mortems carry HTML, Markdown and `javascript:` URLs in every
field the plugin renders is built with the built-in `mkdocs` theme and with
`material`; every generated page and both incident pages must show those
values literally, with no element, link or script made from them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .conftest import postmortem

pytestmark = pytest.mark.slow

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
LINK = "[x](javascript:alert(1))"
BREAKOUT = "</title><script>alert(1)</script>"
# Tags and services admit only letters, digits, spaces and - _ . + / (the schema rejects markup): these are
# the ones Markdown would still act on (emphasis, lists, rules) if they were not escaped.
SVC1, SVC2, SVC3 = "_em_ a+b", "1. x", "a/b.c"
TAG1, TAG2 = "- t", "+_x_+"

FIRST = postmortem(
    "INC-2025-0001",
    title=f"'{IMG}'",
    summary=f"'\"><script>alert(1)</script> *x* | y {LINK}'",
    commander=f"'{SCRIPT}'",
    extra=f"""
        services: ['{SVC1}', '{SVC2}', '{SVC3}']
        tags: ['{TAG1}', '{TAG2}']
        detection: {{source: monitoring, method: '{SCRIPT}'}}
        actions:
          - title: '{SCRIPT} | *bold* {LINK}'
            owner: '{SCRIPT}'
            due: 2025-06-01
            status: not-started
            ticket: 'javascript:alert(1)'
          - title: Fix the tracker link
            owner: 'O|*'
            due: 2025-06-01
            status: in-progress
            ticket: https://tracker.example/PROJ-1
    """,
)
SECOND = postmortem(
    "INC-2025-0002",
    title=f"'{BREAKOUT} | *b* {LINK}'",
    date="2025-04-02",
    severity="P2",
    extra="references: [INC-2025-0001]",
    body="Mentions INC-2025-0001.\n",
)

PAGES = {
    "overview": "postmortems/index.html",
    "severity": "postmortems/severity/index.html",
    "severity-p1": "postmortems/severity/p1/index.html",
    "timeline": "postmortems/timeline/index.html",
    "timeline-2025": "postmortems/timeline/2025/index.html",
    "services": "postmortems/services/index.html",
    "service": "postmortems/services/em-a-b/index.html",
    "tags": "postmortems/tags/index.html",
    "tag": "postmortems/tags/t/index.html",
    "actions": "postmortems/actions/index.html",
    "owner-script": "postmortems/actions/script-alert-1-script/index.html",
    "owner-o": "postmortems/actions/o/index.html",
    "incident": "postmortems/inc-2025-0001/index.html",
    "referrer": "postmortems/inc-2025-0002/index.html",
}
INCIDENT_PAGES = ("incident", "referrer")

#: Literal text each page must show (after HTML entities are decoded), i.e. the value as written.
SHOWN = {
    "overview": [IMG, f"{BREAKOUT} | *b* {LINK}", SCRIPT],
    "severity": ["P1", "P2"],
    "severity-p1": [IMG, f"{SVC1}, {SVC2}, {SVC3}"],
    "timeline": ["2025"],
    "timeline-2025": [IMG],
    "services": [SVC1, SVC2, SVC3],
    "service": [IMG, SVC1, SVC2, SVC3],
    "tags": [TAG1, TAG2],
    "tag": [IMG, TAG1],
    "actions": [SCRIPT, "O|*"],
    "owner-script": [f"{SCRIPT} | *bold* {LINK}", SCRIPT, "javascript:alert(1)"],
    "owner-o": ["O|*", "Fix the tracker link"],
    "incident": [IMG, '"><script>alert(1)</script> *x* | y', SCRIPT, SVC1, SVC2, SVC3, TAG1, TAG2, f"{SCRIPT} | *bold* {LINK}"],
    "referrer": [f"{BREAKOUT} | *b* {LINK}", IMG],
}

#: Markup that must never come out of front-matter values.
DANGEROUS = re.compile(r"<img\s+src=x|<script>alert|</title><script|(?:href|src)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


class _Text(HTMLParser):
    """The text a reader sees, entities decoded; script and style contents left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts))


def content(html: str) -> str:
    """The part of a page the theme builds from the page's Markdown, navigation and table of contents.

    From `<main` (material) or `role="main"` (mkdocs) to the footer: it leaves out
    <head> and the header bar, which show the page title (see the whole-page test).
    """
    start = min(i for i in (html.find("<main"), html.find('role="main"')) if i >= 0)
    end = html.find("<footer", start)
    return html[start : end if end >= 0 else len(html)]


@pytest.fixture(scope="module", params=["mkdocs", "material"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of tests/conftest.py's `site` fixture, with the hostile post-mortems, built with one theme."""
    theme = request.param
    root = tmp_path_factory.mktemp(f"escaping-{theme}")
    (root / "docs" / "postmortems").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "docs" / "postmortems" / "inc-2025-0001.md").write_text(FIRST)
    (root / "docs" / "postmortems" / "inc-2025-0002.md").write_text(SECOND)
    (root / "mkdocs.yml").write_text(
        f"site_name: Test\ntheme: {theme}\nplugins:\n  - search\n  - postmortem:\n      as_of: 2026-01-01\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    return root / "site"


def page(built: Path, name: str) -> str:
    return (built / PAGES[name]).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(PAGES))
def test_page_content_shows_front_matter_markup_as_text(built: Path, name: str):
    html = content(page(built, name))
    assert not DANGEROUS.findall(html)
    shown = text_of(html)
    missing = [value for value in SHOWN[name] if value not in shown]
    assert not missing, f"not shown as text: {missing}"


# The whole page too: the plugin sets page.meta["title"] ("INC-...: <title>") and
# page.meta["description"] (the summary), which themes print raw into <title>, <meta>,
# Material's header bar and its search results.
@pytest.mark.parametrize("name", list(PAGES))
def test_whole_page_has_no_markup_from_front_matter(built: Path, name: str):
    found = DANGEROUS.findall(page(built, name))
    assert not found, f"{PAGES[name]}: {found}"


def test_a_ticket_url_becomes_a_link_and_a_javascript_ticket_stays_text(built: Path):
    for name in ("incident", "owner-o"):
        assert '<a href="https://tracker.example/PROJ-1">PROJ-1</a>' in content(page(built, name)), name
    for name in ("incident", "owner-script"):
        html = content(page(built, name))
        assert "javascript:alert(1)" in text_of(html), name
        assert not re.search(r"<a\b[^>]*>\s*javascript(&#58;|:)", html, re.IGNORECASE), name  # the ticket is not a link
