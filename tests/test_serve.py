"""`mkdocs serve` with invalid post-mortems: the pages answer and show the problems; the build still fails.

The end-to-end tests start a real `mkdocs serve` on a free port of 127.0.0.1 and
fetch its pages over HTTP with bounded timeouts; the server is always stopped.
"""

from __future__ import annotations

import difflib
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from playwright.sync_api import expect, sync_playwright

from mkdocs_postmortem.model import Problem
from mkdocs_postmortem.serve import banner, problems_page

from .browser import CHROMIUM, CHROMIUM_ARGS, NEEDS_CHROMIUM
from .conftest import postmortem

HOSTILE_SEVERITY = '"<img src=x onerror=alert(1)>"'
FETCH_TIMEOUT_S = 10
REBUILD_TIMEOUT_S = 60


# --- the HTML, without MkDocs ---------------------------------------------------------------------


def test_the_problems_page_escapes_every_value_from_a_document():
    problem = Problem("docs/postmortems/<a>.md", 5, "tags[0]<i>", "'<script>x</script>' is not valid")
    page = problems_page([problem], 3, {"docs/postmortems/<a>.md": 'x"><script>'}, "error")
    assert "<script>" not in page and "<i>" not in page and 'x">' not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert 'href="x&quot;&gt;&lt;script&gt;"' in page
    assert "docs/postmortems/&lt;a&gt;.md:5" in page


def test_the_banner_is_empty_without_problems_names_the_files_and_the_page_s_own_problems():
    mine = Problem("docs/postmortems/a.md", 5, "severity", "'P9' is not one of P0, P1")
    other = Problem("docs/postmortems/b.md", 1, "", "no front matter")
    assert banner([], 2, [], "../_problems/", "error") == ""
    own = banner([mine, other], 2, [mine], "../_problems/", "error")
    assert "This post-mortem has 1 problem" in own and "<code>line 5</code> <code>severity</code>" in own and "b.md" not in own
    assert 'href="../_problems/"' in own and "2 problems in 2 of 2 post-mortems" in own
    elsewhere = banner([mine, other], 2, [], "_problems/", "warn")
    assert "2 problems in 2 of 2 post-mortems" in elsewhere and "line 5" not in elsewhere
    assert "In <code>a.md</code>, <code>b.md</code>." in elsewhere  # which files, at a glance
    assert "mkdocs build --strict" in elsewhere


# --- a serve-mode build in this process -----------------------------------------------------------


def serve_build(root: Path) -> Path:
    """One build as `mkdocs serve` makes it: the plugins are told the command first."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        config.plugins.on_shutdown()  # MkDocs keeps the plugin object for the whole process
    return root / "site"


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text()


@pytest.mark.slow
def test_serve_builds_every_page_with_the_problems_where_build_fails(site):
    site("a.md", postmortem(severity="P9"))
    site("b.md", postmortem(id="INC-2025-0002"))
    with pytest.raises(Abort):  # `mkdocs build` fails exactly as before
        config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "build"))
        build(config)
    out = serve_build(site.root)
    assert "<code>line 5</code> <code>severity</code>: &#x27;P9&#x27; is not one of" in page(out, "postmortems/a")
    for other in ("", "postmortems/b", "postmortems/severity"):
        assert 'class="admonition danger pm-problems"' in page(out, other)
        assert "1 problem in 1 of 2 post-mortems" in page(out, other)
    assert 'href="../a/"' in page(out, "postmortems/_problems")
    assert 'class="admonition danger pm-problems"' not in page(out, "postmortems/_problems").split("<h1", 1)[0]
    with pytest.raises(Abort):  # the serve session is over: the same plugin object fails a build again
        build(load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "build")))


@pytest.mark.slow
def test_a_post_mortem_that_cannot_be_published_is_listed_without_a_link(site):
    site("a.md", postmortem())
    site("b.md", "").write_bytes(b"---\nid: \xff\n---\n")
    out = serve_build(site.root)
    problems = page(out, "postmortems/_problems")
    assert "<code>docs/postmortems/b.md:2</code> not valid UTF-8" in problems
    assert not (out / "postmortems" / "b").exists()


@pytest.mark.slow
def test_the_banner_is_for_the_author_not_for_search(site):
    site("a.md", postmortem(severity="P9"))
    out = serve_build(site.root)
    assert "pm-problems" in page(out, "")
    entries = json.loads((out / "search" / "search_index.json").read_text())["docs"]
    indexed = [e for e in entries if not e["location"].startswith("postmortems/_problems/")]
    assert {e["location"] for e in indexed} >= {"", "postmortems/a/"}
    assert not [e["location"] for e in indexed if "is not one of" in e["text"] or "problem" in e["text"]]


@pytest.mark.slow
def test_materials_search_leaves_out_the_problems_page(site):
    (site.root / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\nplugins:\n  - search\n  - postmortem\n")
    site("a.md", postmortem(severity="P9"))
    out = serve_build(site.root)
    assert "is not one of" in page(out, "postmortems/_problems")
    entries = json.loads((out / "search" / "search_index.json").read_text())["docs"]
    assert {e["location"] for e in entries} >= {"", "postmortems/a/"}
    assert not [e["location"] for e in entries if "_problems" in e["location"] or "is not one of" in e["text"]]


# --- a real `mkdocs serve` -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as response:
        return str(response.read().decode("utf-8"))


def wait_for(condition: Callable[[], bool], what: str, timeout: float = REBUILD_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"not within {timeout} s: {what}")


@contextmanager
def mkdocs_serve(root: Path) -> Iterator[str]:
    """`mkdocs serve` on a free port; yields its base URL once it answers; always stops it."""
    port = free_port()
    log = root / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        base = f"http://127.0.0.1:{port}/"
        try:

            def answers() -> bool:
                assert proc.poll() is None, f"mkdocs serve exited ({proc.returncode}):\n{log.read_text()}"
                try:
                    fetch(base)
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    return False
                return True

            wait_for(answers, f"mkdocs serve answers on {base}")
            yield base
        except BaseException:
            print(log.read_text())  # shown by pytest on failure
            raise
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.mark.slow
def test_mkdocs_serve_keeps_serving_shows_problems_and_follows_every_change(site):
    bad = site("a.md", postmortem(severity=HOSTILE_SEVERITY))
    other = site("b.md", postmortem(id="INC-2025-0002", title="Checkout outage"))
    with mkdocs_serve(site.root) as base:
        home, incident, problems = (fetch(base + p) for p in ("", "postmortems/a/", "postmortems/_problems/"))
        for html in (home, incident, problems):
            assert "<img src=x" not in html
        assert "1 problem in 1 of 2 post-mortems" in home and 'href="postmortems/_problems/"' in home
        assert "<code>line 5</code> <code>severity</code>: &#x27;&lt;img src=x onerror=alert(1)&gt;&#x27;" in incident
        assert "docs/postmortems/a.md:5" in problems and "&lt;img src=x onerror=alert(1)&gt;" in problems

        bad.write_text(postmortem(severity="P2"))
        wait_for(lambda: "pm-problems" not in fetch(base), "the banner goes once the file is fixed")
        assert "pm-problems" not in fetch(base + "postmortems/a/")
        assert "nothing to fix" in fetch(base + "postmortems/_problems/")

        before = other.stat()
        other.write_text(postmortem(id="INC-2025-0002", title="Checkout OUTAGE"))
        os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert (other.stat().st_size, other.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
        # MkDocs' watcher polls size and modification time, so it cannot see that change by itself;
        # the next rebuild, from an edit elsewhere, must not serve the old content.
        (site.root / "docs" / "index.md").write_text("# Home, edited\n")
        wait_for(
            lambda: "Checkout OUTAGE" in fetch(base + "postmortems/timeline/2025/"),
            "a change keeping size and modification time reaches the indexes",
        )


@pytest.mark.slow
@pytest.mark.browser
@NEEDS_CHROMIUM
@pytest.mark.parametrize("width", [1400, 390])
def test_a_reader_sees_the_banner_without_scrolling_and_reaches_every_problem(site, tmp_path: Path, width: int):
    (site.root / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\nplugins:\n  - search\n  - postmortem\n")
    site("a.md", postmortem(severity="P9"))
    site("b.md", postmortem(id="INC-2025-0002"))
    with mkdocs_serve(site.root) as base, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, viewport={"width": width, "height": 800}
        )
        try:
            context.set_default_timeout(15_000)
            context.route(lambda url: not url.startswith(base), lambda route: route.fulfill(status=200, body=""))
            page = context.new_page()
            page.goto(base + "postmortems/severity/")
            box = page.locator(".pm-problems")
            expect(box).to_be_visible()
            expect(box).to_contain_text("1 problem in 1 of 2 post-mortems")
            expect(box).to_contain_text("In a.md.")
            where = box.bounding_box()
            assert where is not None and where["y"] + where["height"] < 800 and where["x"] + where["width"] <= width
            box.get_by_role("link", name="See the problems").click()
            page.wait_for_url("**/postmortems/_problems/")
            expect(page.locator(".pm-problems li")).to_have_text(
                "docs/postmortems/a.md:5 severity: 'P9' is not one of P0, P1, P2, P3, P4"
            )
            page.locator(".pm-problems li a").click()
            page.wait_for_url("**/postmortems/a/")
            expect(page.locator(".pm-problems")).to_contain_text("This post-mortem has 1 problem")
            expect(page.locator(".pm-problems li")).to_have_text("line 5 severity: 'P9' is not one of P0, P1, P2, P3, P4")
        finally:
            context.close()


# --- the authoring loop: `mkdocs serve --dirty` ---------------------------------------------------


def test_only_a_serve_session_keeps_pages_exports_cards_and_sanitized_html_between_builds():
    from mkdocs_postmortem.render import Renderer
    from mkdocs_postmortem.serve import Rebuilds

    made: list[int] = []

    def render() -> dict[str, bytes]:
        made.append(1)
        return {"postmortems/incidents.json": b"x" * 1000}

    rebuilds = Rebuilds()
    rebuilds.start(None)  # mkdocs build: nothing to keep for a next build, so the bytes go once written
    assert rebuilds.pages(render) == rebuilds.pages(render) and len(made) == 2 and rebuilds._pages is None
    make = Renderer.decorations
    assert rebuilds.decorations(make) is make  # nor the cards, nor the sanitized pages
    assert rebuilds.sanitized("<p>x</p><script>y</script>") == "<p>x</p>" and rebuilds._clean == ({}, {})
    made.clear()
    for _ in range(2):  # a serve session: made once while the key stays the same
        rebuilds.start("catalog 1")
        rebuilds.pages(render)
    rebuilds.start("catalog 2")
    rebuilds.pages(render)
    assert len(made) == 2


@contextmanager
def dirty_session(root: Path, dirty: bool = True) -> Iterator[Callable[[], dict[str, int]]]:
    """A `mkdocs serve --dirty` session in this process (`dirty=False`: `mkdocs serve`): each call
    rebuilds as a save would, and returns the modification time (ns) of every HTML file and export of the site."""
    started = False

    def rebuild() -> dict[str, int]:
        nonlocal started
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"))  # serve reloads it each time
        if not started:
            config.plugins.on_startup(command="serve", dirty=dirty)
            started = True
        build(config, serve_url="http://127.0.0.1:8000/", dirty=dirty)
        written = [p for p in (root / "site").rglob("*") if p.suffix in (".html", ".json", ".csv", ".ics")]
        return {str(p.relative_to(root / "site")): p.stat().st_mtime_ns for p in written}

    try:
        yield rebuild
    finally:
        load_config(str(root / "mkdocs.yml")).plugins.on_shutdown()


def rebuilt(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, mtime in after.items() if before.get(path) != mtime}


@pytest.mark.slow
def test_under_dirty_a_title_edit_shows_on_its_page_its_backlinks_and_the_generated_pages(site):
    a = site("a.md", postmortem(title="Checkout outage"))
    site("b.md", postmortem(id="INC-2025-0002", title="Later", extra="references: [INC-2025-0001]\n"))
    site("c.md", postmortem(id="INC-2025-0003", title="Unrelated"))
    with dirty_session(site.root) as rebuild:
        first = rebuild()
        a.write_text(postmortem(title="Payment outage"))
        second = rebuild()
    out = site.root / "site"
    assert "Payment outage" in page(out, "postmortems/a")
    assert "Payment outage" in page(out, "postmortems/b")  # b references a: its related incidents name a
    year = "postmortems/timeline/2025"  # the generated page listing a on the timeline
    assert "Payment outage" in page(out, year) and "Checkout outage" not in page(out, year)
    changed = rebuilt(first, second)
    assert {"postmortems/a/index.html", "postmortems/b/index.html", f"{year}/index.html"} <= changed
    assert "postmortems/incidents.json" in changed  # it holds the titles
    assert "postmortems/c/index.html" not in changed  # shows nothing of a


@pytest.mark.slow
def test_under_dirty_an_edit_to_the_prose_rebuilds_its_page_and_no_generated_one(site, monkeypatch):
    import mkdocs_postmortem.plugin as plugin_module

    made: list[int] = []  # the exports are made once: the second build has the same catalog
    real = plugin_module.export_files
    monkeypatch.setattr(plugin_module, "export_files", lambda published: made.append(1) or real(published))
    a = site("a.md", postmortem(body="## Summary\n\nFirst words.\n"))
    site("b.md", postmortem(id="INC-2025-0002", extra="references: [INC-2025-0001]\n"))
    with dirty_session(site.root) as rebuild:
        first = rebuild()
        a.write_text(postmortem(body="## Summary\n\nSecond words.\n"))
        second = rebuild()
    assert made == [1]
    assert "Second words." in page(site.root / "site", "postmortems/a")
    changed = rebuilt(first, second)
    assert "postmortems/a/index.html" in changed
    names = ("severity", "timeline", "timeline/2025", "services", "tags", "actions")
    generated = {f"postmortems/{name}/index.html" for name in names}
    assert generated <= set(second)
    assert not changed & (generated | {"postmortems/b/index.html", "postmortems/index.html"})
    exports = {"postmortems/incidents.json", "postmortems/actions.csv", "postmortems/actions.ics"}
    assert exports <= set(second) and not changed & exports  # files MkDocs copies when they change, not bytes it rewrites


ACTION = "actions:\n  - title: Fix\n    owner: O\n    due: 2025-04-01\n    status: in-progress\n"


def _pages(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text() for p in sorted(out.rglob("*.html"))}


@pytest.mark.slow
def test_a_serve_rebuild_reuses_cards_and_sanitized_html_and_shows_what_a_fresh_build_does(site, monkeypatch):
    import mkdocs_postmortem.serve as serve_module
    from mkdocs_postmortem.render import Renderer

    made: list[str] = []  # the incidents whose header and footer were made
    real = Renderer.decorations
    monkeypatch.setattr(Renderer, "decorations", lambda self, i, *a: made.append(i.id) or real(self, i, *a))
    cleaned: list[str] = []  # the HTML sanitized: a page whose Markdown did not change gives the same HTML
    real_clean = serve_module.sanitize
    monkeypatch.setattr(serve_module, "sanitize", lambda html: cleaned.append(html) or real_clean(html))
    a = site("a.md", postmortem(body="## Summary\n\nFirst words.\n", extra=ACTION))
    site("b.md", postmortem(id="INC-2025-0002", title="Later", extra="references: [INC-2025-0001]\n"))
    with dirty_session(site.root, dirty=False) as rebuild:
        rebuild()
        assert sorted(made) == ["INC-2025-0001", "INC-2025-0002"]
        made.clear()
        a.write_text(postmortem(body="# Own title\n\nSecond words.\n", extra=ACTION))
        rebuild()
        assert made == ["INC-2025-0001"]  # a's own title is new; b's card and footer are reused
        kept = set(plugin(site.root)._renders.kept)  # b's page and the generated pages: Python-Markdown's HTML reused
        assert "postmortems/b.md" in kept and "postmortems/timeline.md" in kept and "postmortems/a.md" not in kept
        assert len(cleaned) == 3 and "Second words." in cleaned[-1]  # a, b; then a again
        made.clear()
        served = _pages(site.root / "site")
        a.write_text(postmortem(title="Renamed", body="## Summary\n\nSecond words.\n"))  # b's footer names a
        rebuild()
        assert sorted(made) == ["INC-2025-0001", "INC-2025-0002"]
        assert "postmortems/b.md" in plugin(site.root)._renders.kept  # the same Markdown: its new footer is put in after
        renamed = _pages(site.root / "site")
    assert "Second words." in served["postmortems/a/index.html"] and "pm-card" in served["postmortems/b/index.html"]
    assert "Renamed" in renamed["postmortems/b/index.html"]
    shutil.rmtree(site.root / "site")
    build(load_config(str(site.root / "mkdocs.yml"), site_dir=str(site.root / "site")))
    fresh = _pages(site.root / "site")
    assert renamed.pop("postmortems/_problems/index.html") and renamed.keys() == fresh.keys()  # (served only)
    differ = [path for path in fresh if _timeless(fresh[path]) != _timeless(renamed[path])]
    diff = [difflib.unified_diff(_timeless(fresh[p]).splitlines(), _timeless(renamed[p]).splitlines(), n=0) for p in differ]
    assert differ == [], [line for lines in diff for line in lines]


def warnings(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


@pytest.mark.slow
def test_a_page_kept_between_serve_rebuilds_warns_again_and_follows_the_files_it_links_to(site, caplog):
    """Python-Markdown's HTML of a page whose Markdown did not change is reused (serve.Renders): its
    warnings are said again, MkDocs' anchor check sees its links and the other page's new anchors,
    and a file it links to appearing renders it again."""
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + "validation:\n  links:\n    anchors: warn\n")
    a = site("a.md", postmortem(body="## Summary\n\nFirst.\n"))
    site("b.md", postmortem(id="INC-2025-0002", body="## Summary\n\nSee [gone](gone.md) and [the cause](a.md#cause).\n"))
    with dirty_session(site.root, dirty=False) as rebuild:
        rebuild()
        assert "gone.md" in warnings(caplog) and "#cause" in warnings(caplog)
        caplog.clear()
        a.write_text(postmortem(body="## Summary\n\nSecond.\n"))
        rebuild()
        assert "postmortems/b.md" in plugin(site.root)._renders.kept
        assert "gone.md" in warnings(caplog) and "#cause" in warnings(caplog)  # as a fresh render of b says them
        caplog.clear()
        a.write_text(postmortem(body="## Cause\n\nSecond.\n"))
        rebuild()
        assert "postmortems/b.md" in plugin(site.root)._renders.kept
        assert "gone.md" in warnings(caplog) and "#cause" not in warnings(caplog)  # a has the anchor now
        site("gone.md", postmortem(id="INC-2025-0003"))
        caplog.clear()
        rebuild()
        assert "postmortems/b.md" not in plugin(site.root)._renders.kept
        assert "gone.md" not in warnings(caplog)
    assert 'href="../gone/"' in page(site.root / "site", "postmortems/b")


@pytest.mark.slow
def test_a_site_with_an_extension_that_reads_other_files_renders_every_page_on_every_rebuild(site):
    """pymdownx.snippets includes other files: a page's Markdown alone does not say what it shows."""
    config = site.root / "mkdocs.yml"
    snippets = f"markdown_extensions:\n  - pymdownx.snippets:\n      base_path: ['{site.root / 'docs'}']\n"
    config.write_text(config.read_text() + snippets)
    (site.root / "docs" / "note.txt").write_text("First note.\n")
    site("a.md", postmortem(body='## Summary\n\n--8<-- "note.txt"\n'))
    with dirty_session(site.root, dirty=False) as rebuild:
        rebuild()
        assert "First note." in page(site.root / "site", "postmortems/a")
        (site.root / "docs" / "note.txt").write_text("Second note.\n")
        rebuild()
        assert plugin(site.root)._renders.kept == []
    assert "Second note." in page(site.root / "site", "postmortems/a")


@pytest.mark.slow
def test_a_kept_page_s_table_of_contents_is_its_own_in_every_build(site):
    """A handler after the plugin's may change a page's table of contents (a hook adds an entry here):
    the kept one is a copy, so a rebuild shows the entry once, as a fresh build does."""
    (site.root / "hooks.py").write_text(
        "from mkdocs.structure.toc import AnchorLink\n\n"
        "def on_page_content(html, page, config, files):\n"
        "    page.toc.items.append(AnchorLink('Added by a hook', 'added', 2))\n"
        "    return html\n"
    )
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks:\n  - hooks.py\ntheme: mkdocs\n")
    a = site("a.md", postmortem(body="## Summary\n\nFirst.\n"))
    site("b.md", postmortem(id="INC-2025-0002", body="## Summary\n\nUnchanged.\n"))
    with dirty_session(site.root, dirty=False) as rebuild:
        for words in ("Second.", "Third.", "Fourth."):
            a.write_text(postmortem(body=f"## Summary\n\n{words}\n"))
            rebuild()
        assert "postmortems/b.md" in plugin(site.root)._renders.kept
    assert page(site.root / "site", "postmortems/b").count("Added by a hook") == 1


def plugin(root: Path) -> Any:
    """The postmortem plugin of a serve session in this process (MkDocs keeps one object for the session)."""
    return load_config(str(root / "mkdocs.yml")).plugins["postmortem"]


def _timeless(html: str) -> str:
    """A page without what differs between two builds: the build's time (the home page says it)."""
    return re.sub(r"Build Date UTC : [^\n]*", "", html)


@pytest.mark.slow
def test_under_dirty_a_new_incident_links_the_mentions_of_its_id_elsewhere(site):
    site("a.md", postmortem(body="## Summary\n\nLike INC-2025-0009 before it.\n"))
    site("b.md", postmortem(id="INC-2025-0002"))
    with dirty_session(site.root) as rebuild:
        first = rebuild()
        assert 'href="../c/"' not in page(site.root / "site", "postmortems/a")
        site("c.md", postmortem(id="INC-2025-0009"))
        second = rebuild()
    assert 'href="../c/"' in page(site.root / "site", "postmortems/a")
    assert "postmortems/b/index.html" not in rebuilt(first, second)  # mentions nothing


def test_an_export_written_again_keeps_its_time_unless_its_bytes_change(tmp_path: Path):
    """`--dirty` and livereload go by modification times: a rewrite with the same bytes is no change,
    and one with other bytes of the same length is one, however soon after."""
    from mkdocs_postmortem.generated import GeneratedFiles

    generated = GeneratedFiles()
    generated.new_build()
    assert generated._root is not None
    generated.write("postmortems/actions/a.ics", iter([b"BEGIN", b":VCALENDAR\r\n"]))
    path = generated._root / "postmortems/actions/a.ics"
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    generated.write("postmortems/actions/a.ics", [b"BEGIN:VCALENDAR\r\n"])
    assert path.stat().st_mtime_ns == 1_000_000_000 and path.read_bytes() == b"BEGIN:VCALENDAR\r\n"
    generated.write("postmortems/actions/a.ics", [b"BEGIN:VCALENDAX\r\n"])
    assert path.read_bytes() == b"BEGIN:VCALENDAX\r\n" and path.stat().st_mtime_ns != 1_000_000_000
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.ics"]  # nothing left beside it
    generated.remove()
