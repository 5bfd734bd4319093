"""The plugin next to the plugins sites combine it with, each in a small site built with `--strict`.

Each site holds two post-mortems; the test checks that the generated pages and
the incident pages are there, that the other plugin did its own job with them
(a feed listing the incidents, a nav holding the section, tags pages, a blog,
a second language) and that the build logged no warning. The other plugins are
imported plainly: they are in the `test` extra, and a missing one is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest

from .conftest import postmortem

# Plain imports: a missing plugin is an error here, never a skip (CI installs the `test` extra).
import material  # noqa: F401  isort: skip
import mkdocs_awesome_nav  # noqa: F401  isort: skip
import mkdocs_literate_nav  # noqa: F401  isort: skip
import mkdocs_rss_plugin  # noqa: F401  isort: skip
import mkdocs_static_i18n  # noqa: F401  isort: skip

pytestmark = pytest.mark.slow

GENERATED = ("postmortems/severity", "postmortems/timeline", "postmortems/services", "postmortems/tags", "postmortems/actions")
INCIDENTS = {"postmortems/inc-1": "Checkout outage", "postmortems/inc-2": "Search latency"}


def make_site(root: Path, plugins: str, *, extra_config: str = "", incident_extra: str = "") -> Path:
    docs = root / "docs"
    (docs / "postmortems").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nWelcome.\n")
    (docs / "postmortems" / "inc-1.md").write_text(
        postmortem(id="INC-2025-0001", title="Checkout outage", date="2025-03-02", extra=incident_extra)
    )
    (docs / "postmortems" / "inc-2.md").write_text(
        postmortem(id="INC-2025-0002", title="Search latency", date="2025-04-05", severity="P2", extra=incident_extra)
    )
    config = "site_name: Interop\nsite_url: https://example.com/\ntheme:\n  name: material\n" + extra_config
    (root / "mkdocs.yml").write_text(config + "plugins:\n" + textwrap.indent(textwrap.dedent(plugins), "  "))
    return root


def build_strict(root: Path) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        # Material 9.7+ prints a notice about MkDocs 2 unless told not to
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "SOURCE_DATE_EPOCH": "1767225600"},
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING -" not in result.stderr, result.stderr
    return root / "site"


def html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text()


def assert_postmortem_pages(site: Path, prefix: str = "") -> None:
    for page in GENERATED:
        assert (site / prefix / page / "index.html").is_file(), page
    for page, title in INCIDENTS.items():
        assert title in html(site / prefix, page)
    year = html(site / prefix, "postmortems/timeline/2025")  # the year's page lists both
    assert "Checkout outage" in year and "Search latency" in year


def nav_links(page_html: str) -> list[tuple[str, str]]:
    """(href, label) of every link in Material's primary nav."""
    nav = page_html.split('class="md-nav md-nav--primary"', 1)[1].split("</nav>\n  </div>", 1)[0]
    return [
        (href, re.sub(r"<[^>]+>|\s+", " ", label).strip())
        for href, label in re.findall(r'<a href="([^"]*)" class="md-nav__link[^"]*">(.*?)</a>', nav, re.S)
    ]


def test_rss_plugin_feeds_the_incidents_and_reads_every_page(tmp_path: Path):
    root = make_site(
        tmp_path,
        """\
          - search
          - postmortem
          - rss:
              match_path: "postmortems/.*"
              use_git: false
              date_from_meta:
                as_creation: date
        """,
    )
    site = build_strict(root)
    assert_postmortem_pages(site)
    feed = ElementTree.parse(site / "feed_rss_created.xml").getroot()
    titles = [item.findtext("title") for item in feed.iter("item")]
    assert any(t and t.endswith("Checkout outage") for t in titles), titles
    assert any(t and t.endswith("Search latency") for t in titles), titles
    links = [item.findtext("link") for item in feed.iter("item")]
    assert "https://example.com/postmortems/severity/" in links, links


def test_static_i18n_builds_each_language_with_the_generated_pages(tmp_path: Path):
    root = make_site(
        tmp_path,
        """\
          - search
          - postmortem
          - i18n:
              docs_structure: suffix
              fallback_to_default: true
              languages:
                - locale: en
                  name: English
                  default: true
                  build: true
                - locale: fr
                  name: Français
                  build: true
        """,
    )
    (root / "docs" / "index.fr.md").write_text("# Accueil\n\nBienvenue.\n")
    site = build_strict(root)
    assert_postmortem_pages(site)
    assert_postmortem_pages(site, "fr")
    assert "Bienvenue." in html(site, "fr") and "Welcome." in html(site, "")
    assert 'lang="fr"' in html(site, "fr/postmortems/severity")
    assert 'lang="en"' in html(site, "postmortems/severity")


def test_awesome_nav_builds_the_nav_and_the_section_is_added_to_it(tmp_path: Path):
    root = make_site(tmp_path, "- search\n- postmortem\n- awesome-nav\n")
    (root / "docs" / "about.md").write_text("# About\n")
    site = build_strict(root)
    assert_postmortem_pages(site)
    links = nav_links(html(site, ""))
    assert ("about/", "About") in links
    assert ("postmortems/severity/", "By severity") in links
    assert not [href for href, _ in links if "inc-" in href]  # post-mortems are reached through the indexes


def test_awesome_nav_places_the_generated_pages_where_nav_yml_says(tmp_path: Path):
    root = make_site(tmp_path, "- search\n- postmortem\n- awesome-nav\n")
    (root / "docs" / ".nav.yml").write_text("nav:\n  - index.md\n  - Incidents by severity: postmortems/severity.md\n")
    site = build_strict(root)
    links = nav_links(html(site, ""))
    assert ("postmortems/severity/", "Incidents by severity") in links
    assert ("postmortems/timeline/", "Timeline") not in links  # the nav lists one: the plugin adds no section


def test_literate_nav_keeps_summary_md_and_the_section_is_added(tmp_path: Path):
    root = make_site(tmp_path, "- search\n- postmortem\n- literate-nav\n")
    (root / "docs" / "about.md").write_text("# About\n")
    (root / "docs" / "SUMMARY.md").write_text("* [Start here](index.md)\n* [About us](about.md)\n")
    site = build_strict(root)
    assert_postmortem_pages(site)
    links = nav_links(html(site, ""))
    assert ("about/", "About us") in links
    assert ("postmortems/severity/", "By severity") in links


def test_material_tags_lists_the_incidents_under_their_tags(tmp_path: Path):
    root = make_site(tmp_path, "- search\n- tags\n- postmortem\n", incident_extra="tags: [payments]")
    (root / "docs" / "tagged.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    site = build_strict(root)
    assert_postmortem_pages(site)
    index = html(site, "tagged")
    assert "payments" in index
    assert "postmortems/inc-1/" in index and "postmortems/inc-2/" in index
    assert "payments" in html(site, "postmortems/inc-1")


def test_material_blog_builds_its_posts_next_to_the_post_mortems(tmp_path: Path):
    root = make_site(tmp_path, "- search\n- blog\n- postmortem\n")
    (root / "docs" / "blog" / "posts").mkdir(parents=True)
    (root / "docs" / "blog" / "index.md").write_text("# Blog\n")
    (root / "docs" / "blog" / "posts" / "hello.md").write_text(
        "---\ndate: 2025-05-01\n---\n\n# Lessons from INC-2025-0001\n\nText.\n"
    )
    site = build_strict(root)
    assert_postmortem_pages(site)
    post = site / "blog" / "2025" / "05" / "01" / "lessons-from-inc-2025-0001" / "index.html"
    assert post.is_file()
    assert "Lessons from INC-2025-0001" in html(site, "blog")
