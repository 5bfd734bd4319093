"""Other engines: the starter site on ProperDocs (the maintained MkDocs 1.x fork, running the plugin
unchanged) and on Zensical (which runs no plugin: `postmortem render` writes the site for it).

Outside CI a missing engine skips (Zensical needs Python 3.11+); under CI a skip fails the run
(tests/conftest.py). Both are pinned in pyproject.toml's test extra.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mkdocs_postmortem import assets
from mkdocs_postmortem.addresses import address_uri
from mkdocs_postmortem.cli import main
from mkdocs_postmortem.outputs import EXPORTS
from mkdocs_postmortem.render import PAGES

from .conftest import REPO, postmortem
from .links import check_site

AS_OF = "2026-11-29"
ENV = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1764374400"}  # 2025-11-29


def needs(module: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        importlib.util.find_spec(module) is None,
        reason=f"{module} is not installed (pip install -e '.[test]'); in CI this test always runs",
    )


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, check=False, env=ENV)


def starter(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(REPO / "site-template", root)
    return root


class Page(HTMLParser):
    """A built page: its <title>, its links (href, text) and its stylesheets and scripts."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.links: list[tuple[str, str]] = []
        self.resources: list[str] = []
        self._in: str | None = None
        self._href = ""
        self._text = ""
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "title":
            self._in = "title"
        elif tag == "a" and values.get("href") is not None:
            self._in, self._href, self._text = "a", str(values["href"]), ""
        elif (tag == "link" and values.get("rel") == "stylesheet") or (tag == "script" and values.get("src")):
            self.resources.append(str(values.get("href") or values.get("src")))

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "a":
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._in == "a":
            self.links.append((self._href, self._text.strip()))
        if tag in ("a", "title"):
            self._in = None


# --- ProperDocs runs the plugin unchanged -------------------------------------------------------------

_GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">')


@pytest.mark.slow
@needs("properdocs")
def test_properdocs_builds_the_starter_site_with_the_same_pages_as_mkdocs(tmp_path: Path):
    mkdocs_site, properdocs_site = starter(tmp_path, "mkdocs"), starter(tmp_path, "properdocs")
    (properdocs_site / "mkdocs.yml").rename(properdocs_site / "properdocs.yml")  # ProperDocs' own config name
    built = run(mkdocs_site, "mkdocs", "build", "--strict")
    assert built.returncode == 0, built.stderr
    built = run(properdocs_site, "properdocs", "build", "--strict")
    assert built.returncode == 0, built.stderr
    one, other = mkdocs_site / "site", properdocs_site / "site"
    pages = sorted(p.relative_to(one) for p in (one / "postmortems").rglob("*.html"))
    assert len(pages) >= len(PAGES) + 6, pages  # the generated pages, the incidents and their addresses
    assert pages == sorted(p.relative_to(other) for p in (other / "postmortems").rglob("*.html"))
    for page in pages:  # the same HTML but for the engine's name in <meta name="generator">
        first, second = ((site / page).read_text(encoding="utf-8") for site in (one, other))
        assert "ProperDocs" in second or not _GENERATOR.search(second)
        assert _GENERATOR.sub("", first) == _GENERATOR.sub("", second), page
    for asset in assets.ASSETS:
        assert (other / asset.uri).read_bytes() == asset.source.read_bytes()
    validate = run(properdocs_site, "mkdocs_postmortem", "validate")  # finds properdocs.yml
    count = len(list((properdocs_site / "docs" / "postmortems").glob("[!_]*.md")))
    assert validate.returncode == 0 and validate.stdout.startswith(f"{count} post-mortems checked"), validate.stdout


# --- Zensical builds what `postmortem render` writes --------------------------------------------------


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("zensical") is None:
        pytest.skip("zensical is not installed (pip install -e '.[test]', Python 3.11+); in CI this test always runs")
    root = starter(tmp_path_factory.mktemp("zensical"), "site")
    rendered = run(root, "mkdocs_postmortem", "render", "out", "--as-of", AS_OF, "--write-config", "zensical.yml")
    assert rendered.returncode == 0, rendered.stderr
    built = run(root, "zensical", "build", "--strict", "-f", "zensical.yml")
    assert built.returncode == 0, built.stdout + built.stderr
    return root / "site"


@pytest.mark.slow
def test_zensical_builds_the_rendered_site_with_no_broken_link(zensical_site: Path):
    report = check_site(zensical_site)
    assert report.links > 400  # every page's nav, lists and cards: a real site, not an empty one
    assert report.broken == []


@pytest.mark.slow
def test_the_zensical_site_has_the_sites_own_pages_the_generated_ones_the_assets_and_the_exports(zensical_site: Path):
    home = Page(zensical_site / "index.html")
    assert home.title.startswith("Lessons learned")  # the site's own home page, not a listing
    nav = {href for href, _ in home.links}
    for name in PAGES:  # the nav's "Post-mortems" section lists each generated page
        stem = name.removesuffix(".md")
        assert (f"postmortems/{stem}/" if stem != "index" else "postmortems/") in {h.lstrip("./") for h in nav}, name
    for asset in assets.ASSETS:
        assert (zensical_site / asset.uri).read_bytes() == asset.source.read_bytes()
        assert any(r.endswith(asset.uri) for r in home.resources), asset.uri  # wired into every page
    rendered = zensical_site.parent / "out"
    static = [p.relative_to(rendered) for p in rendered.rglob("*") if p.is_file() and p.suffix != ".md"]
    for export in EXPORTS:  # a file, or a folder of files (the owners' calendars)
        assert any(p.as_posix().startswith(f"postmortems/{export.name}") for p in static), export.name
    for path in static:  # exports, assets and address pages reach the site as written
        assert (zensical_site / path).read_bytes() == (rendered / path).read_bytes(), path


@pytest.mark.slow
def test_the_zensical_site_shows_incident_ids_linked_and_in_the_title(zensical_site: Path):
    folder = zensical_site / "postmortems"
    page = Page(folder / "inc-2025-0042-spacetime-api-outage" / "index.html")
    assert page.title.startswith("INC-2025-0042: SpaceTime API outage")
    # a mention in the body and the related incidents both link the other incident by its id
    targets = {href for href, text in page.links if text == "INC-2025-0003"}
    assert targets == {"../inc-2025-0003-checkout-latency/"}, page.links
    assert "recurrence" in (folder / "inc-2025-0042-spacetime-api-outage" / "index.html").read_text().lower()
    incident = folder / "inc-2025-0042-spacetime-api-outage" / "index.html"
    listed = [  # every generated list that shows the incident links its title to its page
        (page, href)
        for page in folder.rglob("index.html")
        for href, text in Page(page).links
        if text == "SpaceTime API outage" and page != incident
    ]
    assert listed and all((page.parent / href / "index.html").resolve() == incident.resolve() for page, href in listed)
    address = folder / Path(address_uri("", "INC-2025-0042"))
    assert ("../inc-2025-0042-spacetime-api-outage/", "INC-2025-0042: SpaceTime API outage") in Page(address).links


def test_the_link_checker_finds_a_missing_page_and_a_missing_anchor(tmp_path: Path):
    (tmp_path / "a").mkdir()
    links = '<a href="a/">ok</a><a href="b/">gone</a><a href="a/#here">ok</a><a href="a/#nope">x</a>'
    (tmp_path / "index.html").write_text(links)
    (tmp_path / "a" / "index.html").write_text('<h1 id="here">A</h1><a href="../">up</a><a href="https://example.org/">out</a>')
    report = check_site(tmp_path)
    assert report.links == 5
    assert report.broken == ["index.html: b/: no such file", "index.html: a/#nope: no id 'nope' in a/index.html"]


# --- what `postmortem render` writes ---------------------------------------------------------------


def test_render_writes_the_sites_own_files_and_keeps_its_own_overview(site, monkeypatch):
    site("a.md", postmortem())
    site("index.md", "# Our incidents\n")  # the site's own overview: kept, as the plugin keeps it
    site("img/graph.png", "png")
    site("_template.md", postmortem("INC-2025-0000"))
    docs = site.root / "docs"
    (docs / "guide").mkdir()
    (docs / "guide" / "runbook.md").write_text("# Runbook\n")
    (docs / "secret.md").write_text("# Not published\n")
    (docs / ".hidden.md").write_text("# dot files never are\n")
    (site.root / "mkdocs.yml").write_text(
        "site_name: Test\nexclude_docs: |\n  secret.md\n  postmortems/_template.md\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - postmortem:\n      as_of: 2026-01-01\n"
    )
    monkeypatch.chdir(site.root)
    result = CliRunner().invoke(main, ["render", "out", "--write-config", "engine.yml"])
    assert result.exit_code == 0, result.output
    out = site.root / "out"
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"index.md", "guide/runbook.md", "postmortems/img/graph.png", "postmortems/a.md"} <= written
    assert not written & {"secret.md", ".hidden.md", "postmortems/_template.md"}
    assert (out / "postmortems" / "index.md").read_text() == "# Our incidents\n"
    text = (site.root / "engine.yml").read_text()
    assert "emoji_index: !!python/name:material.extensions.emoji.twemoji" in text  # written back as written
    config = yaml.load(text, Loader=yaml.BaseLoader)  # strings only: the Python tag stays text
    assert config["docs_dir"] == "out" and "plugins" not in config
    assert config["extra_css"] == assets.stylesheets() and config["extra_javascript"] == assets.scripts()
    assert config["nav"][:2] == ["index.md", {"Guide": ["guide/runbook.md"]}]
    assert config["nav"][2] == {"Post-mortems": [{title: f"postmortems/{name}"} for name, (_, title) in PAGES.items()]}


def test_render_keeps_a_nav_that_lists_the_generated_pages_and_adds_them_to_one_that_does_not(site, monkeypatch):
    site("a.md", postmortem())
    monkeypatch.chdir(site.root)
    for nav, expected in (
        ("[index.md, {Incidents: [postmortems/index.md]}]", ["index.md", {"Incidents": ["postmortems/index.md"]}]),
        ("[index.md]", ["index.md", {"Post-mortems": [{t: f"postmortems/{n}"} for n, (_, t) in PAGES.items()]}]),
    ):
        (site.root / "mkdocs.yml").write_text(f"site_name: Test\nnav: {nav}\nplugins: [postmortem]\n")
        shutil.rmtree(site.root / "out", ignore_errors=True)
        (site.root / "engine.yml").unlink(missing_ok=True)
        result = CliRunner().invoke(main, ["render", "out", "--write-config", "engine.yml"])
        assert result.exit_code == 0, result.output
        assert yaml.safe_load((site.root / "engine.yml").read_text())["nav"] == expected


def test_render_never_overwrites_a_config_file(site, monkeypatch):
    site("a.md", postmortem())
    (site.root / "engine.yml").write_text("mine")
    monkeypatch.chdir(site.root)
    result = CliRunner().invoke(main, ["render", "out", "--write-config", "engine.yml"])
    assert result.exit_code == 2 and "engine.yml exists" in result.output
    assert (site.root / "engine.yml").read_text() == "mine" and not (site.root / "out").exists()
