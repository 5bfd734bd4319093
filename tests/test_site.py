"""Whole sites built by MkDocs: the starter site, the nav the plugin adds, search, mentions, serve-style rebuilds."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_postmortem.render import PAGES

from .conftest import REPO, postmortem

pytestmark = pytest.mark.slow


def build_site(root: Path, **overrides: object) -> Path:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True, **overrides)  # type: ignore[arg-type]
    build(config)
    return root / "site"


AS_OF_EPOCH = str(int(dt.datetime(2026, 11, 29, tzinfo=dt.UTC).timestamp()))


@pytest.fixture(scope="module")
def template_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "site-template"
    shutil.copytree(REPO / "site-template", root, ignore=shutil.ignore_patterns("site"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", AS_OF_EPOCH)  # the report's "as of" date, as in a reproducible build
        return build_site(root)


def html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text()


def test_the_starter_site_builds_strict_with_every_generated_page(template_site: Path):
    for page in (
        "postmortems",
        "postmortems/severity",
        "postmortems/timeline",
        "postmortems/services",
        "postmortems/tags",
        "postmortems/actions",
    ):
        assert (template_site / page / "index.html").is_file(), page
    assert not (template_site / "postmortems" / "_template").exists()


def test_the_nav_holds_the_generated_pages_not_every_post_mortem(template_site: Path):
    nav = re.findall(r'class="md-nav__link"[^>]*href="([^"]+)"', html(template_site, "postmortems/severity"))
    page = html(template_site, "postmortems/severity")
    assert "By severity" in page and "Open actions" in page
    assert not any("inc-20" in href for href in nav), nav


def test_every_p0_is_on_the_severity_page(template_site: Path):
    p0 = html(template_site, "postmortems/severity/p0")
    assert "INC-2025-0042" in p0 and "INC-2026-0008" in p0
    assert "INC-2025-0042" not in html(template_site, "postmortems/severity/p1")


def test_the_open_actions_page_names_owners_and_days(template_site: Path):
    page = html(template_site, "postmortems/actions")
    assert "As of <strong>2026-11-29</strong>: 12 open actions, <strong>6 overdue</strong>" in page  # drafts left out
    for owner in ("Platform Team", "DevOps", "Payments Team", "Search Team"):  # Search Team owes nothing overdue
        assert re.search(f'<h2 id="[^"]+">{owner}', page), owner  # every open action on the page, by owner
    assert '<span class="pm-state pm-overdue">517 days overdue</span>' in page
    owners = "".join(p.read_text() for p in (template_site / "postmortems" / "actions").glob("*/index.html"))
    assert '<span class="pm-state pm-overdue">517 days overdue</span>' in owners  # and on the owner's page


def test_incident_pages_link_both_ways(template_site: Path):
    spacetime = html(template_site, "postmortems/inc-2025-0042-spacetime-api-outage")
    checkout = html(template_site, "postmortems/inc-2025-0003-checkout-latency")
    assert 'href="../inc-2025-0003-checkout-latency/"' in spacetime
    assert "Recurred as" in checkout and 'href="../inc-2025-0042-spacetime-api-outage/"' in checkout


def test_mentions_in_the_body_link_to_published_incidents_and_a_drafts_id_stays_text(template_site: Path):
    page = html(template_site, "postmortems/inc-2025-0042-spacetime-api-outage")
    assert re.search(r'<a class="pm-mention" href="../inc-2025-0003-checkout-latency/">INC-2025-0003</a>', page)
    # INC-2026-0009 is a draft, left out of the site: the published page names it without a link
    page = html(template_site, "postmortems/inc-2026-0008-card-payments-certificate")
    assert "(INC-2026-0009)" in page
    assert not (template_site / "postmortems" / "inc-2026-0009-checkout-card-declined-duplicate").exists()


def test_search_finds_incidents_by_id_title_service_and_tag(template_site: Path):
    index = json.loads((template_site / "search" / "search_index.json").read_text())
    docs = [d for d in index["docs"] if d["location"].startswith("postmortems/inc-2025-0042")]
    text = " ".join(d["title"] + " " + d["text"] for d in docs)
    for needle in ("INC-2025-0042", "SpaceTime API outage", "spacetime-api", "memory-leak"):
        assert needle in text, needle


def test_search_leaves_out_the_words_every_incident_page_has(template_site: Path):
    """The card's times and durations, the breadcrumb and the actions table's column names are on
    every incident's page: indexed, a search for "detected" or "owner" would find them all."""
    index = json.loads((template_site / "search" / "search_index.json").read_text())
    docs = [d for d in index["docs"] if d["location"].startswith("postmortems/inc-2025-0042")]
    top = [d["text"] for d in docs if "#" not in d["location"]]
    card = [d["text"] for d in docs if "Status:" in d["text"]]
    actions = [d["text"] for d in docs if d["location"].endswith("#corrective-actions")]
    assert top == [""] and len(card) == 1 and len(actions) == 1, (top, card, actions)  # no breadcrumb
    for kept in ("Jane Smith", "spacetime-api", "memory-leak", "approved"):
        assert kept in card[0], kept
    for kept in ("Implement bounded cache", "Dev Team", "PROJ-123"):
        assert kept in actions[0], kept
    for left_out in ("Time to detect", "detected", "acknowledged", "Durations", "UTC", "14:29"):
        assert left_out not in card[0], left_out
    assert "Owner" not in actions[0] and "Priority" not in actions[0]
    page = html(template_site, "postmortems/inc-2025-0042-spacetime-api-outage")
    for shown in ("Time to detect", "14:29", "pm-breadcrumb", "<th>Owner</th>"):  # the page still shows them
        assert shown in page, shown
    assert "pm-unsearched" not in page


def test_a_page_holds_its_cards_words_only_until_search_has_read_them(site):
    """Search indexes the card's and the footer's words; the page's HTML, which MkDocs holds to the
    end of the build, then lets them go (the written page gets the card itself, from the stash)."""
    from mkdocs.plugins import BasePlugin

    held: dict[str, str] = {}

    class Holder(BasePlugin):  # type: ignore[type-arg]
        def on_post_page(self, output: str, /, *, page, config):  # type: ignore[no-untyped-def]
            held[page.file.src_uri] = page.content  # what the page holds from here to the end of the build
            return output

    site("a.md", postmortem(summary="Certificate rotation failed", extra="services: [spacetime-api]\n"))
    config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "site"), strict=True)
    config.plugins["holder"] = Holder()
    build(config)
    index = json.loads((site.root / "site" / "search" / "search_index.json").read_text())
    searched = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("postmortems/a/"))
    page = html(site.root / "site", "postmortems/a")
    for words in ("Certificate rotation failed", "spacetime-api"):
        assert words in searched and words in page, words
        assert words not in held["postmortems/a.md"], words
    assert "Text." in held["postmortems/a.md"]  # the author's own text stays, as in any MkDocs page


def test_the_overview_is_searched_without_its_table_of_incidents(template_site: Path):
    """Search found the overview for any incident's title through its table, whose cells' text ran
    together in the result ("2026-10-132 h 24 minin review"); each incident is found on its own page."""
    index = json.loads((template_site / "search" / "search_index.json").read_text())
    overview = [d for d in index["docs"] if d["location"].split("#")[0] == "postmortems/"]
    assert overview and overview[0]["title"] == "Post-mortems"
    text = " ".join(d["text"] for d in overview)
    assert "SpaceTime API outage" not in text and "INC-2025-0042" not in text and "overdue" in text
    assert "SpaceTime API outage" in html(template_site, "postmortems")  # the page still lists it


def test_the_built_in_mkdocs_theme_builds_too(tmp_path: Path):
    root = tmp_path / "s"
    shutil.copytree(REPO / "site-template", root, ignore=shutil.ignore_patterns("site"))
    site = build_site(root, theme={"name": "mkdocs"})
    assert '<span class="pm-badge pm-sev-p0">P0</span>' in html(site, "postmortems")
    assert '<div class="pm-card">' in html(site, "postmortems/inc-2025-0042-spacetime-api-outage")


def test_an_explicit_nav_places_the_generated_pages(site):
    site("a.md", postmortem())
    (site.root / "mkdocs.yml").write_text(
        "site_name: T\nnav:\n  - Home: index.md\n  - Incidents:\n    - postmortems/index.md\n"
        "    - Overdue: postmortems/actions.md\nplugins:\n  - postmortem\n"
    )
    out = build_site(site.root)
    page = html(out, "postmortems/actions")
    assert "Overdue" in page and (out / "postmortems" / "a" / "index.html").is_file()


def test_a_sites_own_overview_is_kept(site):
    site("a.md", postmortem())
    (site.root / "docs" / "postmortems" / "index.md").write_text("# Our incidents\n\nHand-written.\n")
    out = build_site(site.root)
    assert "Hand-written." in html(out, "postmortems")


def test_an_invalid_post_mortem_aborts_the_in_process_build(site, caplog: pytest.LogCaptureFixture):
    site("a.md", postmortem(severity="P9"))
    with pytest.raises(Abort):
        build_site(site.root)
    assert "docs/postmortems/a.md:5: severity: 'P9' is not one of" in caplog.text


def test_rebuilds_reuse_the_plugin_and_reread_only_changed_files(site, monkeypatch):
    import mkdocs_postmortem.pipeline as pipeline_module

    site("a.md", postmortem())
    b = site("b.md", postmortem(id="INC-2025-0002"))
    loaded: list[str] = []
    real = pipeline_module.load_file
    monkeypatch.setattr(
        pipeline_module, "load_file", lambda path, shown, **kw: loaded.append(Path(path).name) or real(path, shown, **kw)
    )

    def rebuild():  # as `mkdocs serve` does: a new config each time
        config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "site"))
        build(config, serve_url="http://127.0.0.1:8000/")
        return config.plugins["postmortem"]

    first = rebuild()
    assert sorted(loaded) == ["a.md", "b.md"]
    loaded.clear()
    b.write_text(postmortem(id="INC-2025-0002", title="Changed title"))
    second = rebuild()
    assert second is first
    assert loaded == ["b.md"]
    assert "Changed title" in html(site.root / "site", "postmortems/b")


def test_a_rebuild_sees_a_change_that_keeps_size_and_modification_time(site):
    # An editor, `git checkout` or `cp -p` can change a file and keep both: the cache must go by content.
    b = site("b.md", postmortem(id="INC-2025-0002", title="Checkout outage"))

    def rebuild():  # as `mkdocs serve` does: a new config each time, the same plugin object
        config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "site"))
        build(config, serve_url="http://127.0.0.1:8000/")

    rebuild()
    before = b.stat()
    b.write_text(postmortem(id="INC-2025-0002", title="Checkout OUTAGE"))
    os.utime(b, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (b.stat().st_size, b.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    rebuild()
    assert "Checkout OUTAGE" in html(site.root / "site", "postmortems/b")
    assert "Checkout OUTAGE" in html(site.root / "site", "postmortems/timeline/2025")


def test_generated_pages_have_a_real_source_outside_docs_dir_removed_at_shutdown(site):
    # Other plugins (mkdocs-rss-plugin, mkdocs-static-i18n) use page.file.abs_src_path like any page's.
    site("a.md", postmortem())
    config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    plugin = config.plugins["postmortem"]
    sources = [Path(file.abs_src_path) for _, file in plugin._generated_pages]
    assert len(sources) == len(PAGES)
    docs = (site.root / "docs").resolve()
    for source, (_, file) in zip(sources, plugin._generated_pages, strict=True):
        assert source.is_file() and not source.resolve().is_relative_to(docs)
        assert file.generated_by == "postmortem" and file.content_string == source.read_text()
    assert sorted(p.name for p in docs.rglob("*")) == ["a.md", "index.md", "postmortems"]  # nothing written there
    config.plugins.on_shutdown()
    assert not [source for source in sources if source.exists()]


def test_this_projects_own_documentation_builds_strict_with_the_plugin(tmp_path: Path):
    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    build(config)
    assert "INC-2026-0001" in html(tmp_path / "site", "examples/severity/p2")
    assert "Related to" in html(tmp_path / "site", "examples/inc-2026-0001-wheel-without-schema")


def test_a_body_with_its_own_title_keeps_it_above_the_card(site):
    site("a.md", postmortem(body="# Our own title\n\n## Executive Summary\n\nText.\n"))
    page = html(build_site(site.root), "postmortems/a")
    article = page[page.index('class="pm-breadcrumb"') :]
    assert article.count("<h1") == 1
    assert article.index("Our own title") < article.index('class="pm-card"') < article.index("Executive Summary")
