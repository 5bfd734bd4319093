"""What a post-mortem page hands to the theme and to other plugins: a title and a description that are
safe where themes print them raw, and read exactly as written in an RSS feed (mkdocs-rss-plugin)."""

from __future__ import annotations

import datetime as dt
import html
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from .conftest import postmortem
from .hostile import injected
from .test_build import build

pytestmark = pytest.mark.slow

TITLE = 'Payments: "card declined" & <b class=XSS>retries</b> <img src=x onerror=alert(1)>'
SUMMARY = "Cards were \"declined\" & <script>alert('XSS')</script> retried."


class Elements(HTMLParser):
    """Every element of a page, with its attributes and the text directly inside <title>, <h1> and the header."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {"title": "", "h1": ""}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        for name in self.text:
            if name in self._open:
                self.text[name] += data


def parse(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def write_site(root: Path, mkdocs_yml: str, **docs: str) -> None:
    (root / "docs" / "postmortems").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    for name, text in docs.items():
        (root / "docs" / "postmortems" / f"{name}.md").write_text(text)
    (root / "mkdocs.yml").write_text(mkdocs_yml)


RSS_SITE = """\
site_name: Test
site_url: https://example.org/
theme: material
plugins:
  - search
  - postmortem:
      as_of: 2026-01-01
  - rss:
      use_git: false
      match_path: "postmortems/inc-.*"
      date_from_meta: {as_creation: date}
"""


@pytest.fixture(scope="module")
def rss_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rss")
    write_site(root, RSS_SITE, **{"inc-2025-0001": postmortem(title=json.dumps(TITLE), summary=json.dumps(SUMMARY))})
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_the_rss_feed_shows_the_title_exactly_as_written(rss_site: Path):
    (item,) = ET.parse(rss_site / "feed_rss_created.xml").getroot().iter("item")
    assert item.findtext("title") == f"INC-2025-0001: {TITLE}"


def test_the_rss_description_is_html_that_reads_as_the_summary(rss_site: Path):
    """RSS descriptions are HTML (the plugin puts page content there when there is no description)."""
    (item,) = ET.parse(rss_site / "feed_rss_created.xml").getroot().iter("item")
    description = item.findtext("description") or ""
    assert "<" not in description  # no element: the summary's markup is text
    assert html.unescape(description) == SUMMARY


def test_the_json_feed_has_the_plain_title(rss_site: Path):
    (item,) = json.loads((rss_site / "feed_json_created.json").read_text())["items"]
    assert item["title"] == f"INC-2025-0001: {TITLE}"


def test_the_theme_shows_title_and_description_as_text(rss_site: Path):
    path = rss_site / "postmortems" / "inc-2025-0001" / "index.html"
    assert not injected(path.read_text(encoding="utf-8"))
    page = parse(path)
    assert page.text["title"].startswith(f"INC-2025-0001: {TITLE} - ")
    (description,) = [a["content"] for t, a in page.tags if t == "meta" and a.get("name") == "description"]
    assert description == SUMMARY


def test_search_shows_the_title_as_text(rss_site: Path):
    """Material renders the index's titles as HTML: the title is there once escaped."""
    index = json.loads((rss_site / "search" / "search_index.json").read_text())
    (title,) = [d["title"] for d in index["docs"] if d["location"] == "postmortems/inc-2025-0001/"]
    assert not injected(title)
    shown = Elements()
    shown.feed(f"<h1>{title}</h1>")
    assert TITLE in shown.text["h1"]


# --- on_invalid: warn publishes invalid post-mortems: they get the same treatment ------------------------------


INVALID = {
    # invalid: an unknown severity, a tag with markup, a field the schema does not know
    "inc-2025-0001": postmortem(
        title=json.dumps(TITLE),
        severity="P9",
        summary=json.dumps(SUMMARY),
        extra="tags: [ok, 'zz<img src=x onerror=alert(1)>']\nsubtitle: '<img src=x class=XSS>'",
    ),
    # the YAML cannot be read at all: MkDocs would show the front matter as Markdown
    "inc-2025-0002": "---\nid: INC-2025-0002\ntitle: <b class=XSS>x</b>\n  bad: [\n---\n\nBody.\n",
    # the front matter never ends: shown as the text it is
    "inc-2025-0003": "---\nid: INC-2025-0003\ntitle: <b class=XSS>x</b>\n\n# Body <b class=XSS>y</b>\n",
}


@pytest.fixture(scope="module")
def warn_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The invalid post-mortems published with `on_invalid: warn`, with each theme (built once per module)."""
    sites = {}
    for theme in ("mkdocs", "material"):
        root = tmp_path_factory.mktemp(f"warn-{theme}")
        plugins = "  - search\n  - tags\n" if theme == "material" else "  - search\n"
        yml = f"site_name: Test\ntheme: {theme}\nplugins:\n{plugins}  - postmortem:\n      on_invalid: warn\n"
        write_site(root, yml, **INVALID)
        result = build(root)
        assert result.returncode == 0, result.stderr
        assert "severity: 'P9'" in result.stderr
        sites[theme] = root / "site"
    return sites


@pytest.fixture(params=["mkdocs", "material"])
def warn_site(request: pytest.FixtureRequest, warn_sites: dict[str, Path]) -> Path:
    return warn_sites[request.param]


@pytest.mark.parametrize("name", list(INVALID))
def test_an_invalid_post_mortem_is_published_without_markup_from_its_front_matter(warn_site: Path, name: str):
    assert not injected((warn_site / "postmortems" / name / "index.html").read_text(encoding="utf-8"))


def test_an_invalid_post_mortem_keeps_its_title_as_text(warn_site: Path):
    page = parse(warn_site / "postmortems" / "inc-2025-0001" / "index.html")
    assert page.text["title"].startswith(f"INC-2025-0001: {TITLE} - ")


def test_material_prints_an_invalid_post_mortems_title_as_its_h1(warn_sites: dict[str, Path]):
    page = parse(warn_sites["material"] / "postmortems" / "inc-2025-0001" / "index.html")
    assert page.text["h1"] == f"INC-2025-0001: {TITLE}"


def test_an_invalid_post_mortem_hands_materials_search_no_markup(warn_sites: dict[str, Path]):
    """Material renders the index's titles, texts and tags as HTML (MkDocs' own search escapes them)."""
    index = json.loads((warn_sites["material"] / "search" / "search_index.json").read_text())
    for doc in index["docs"]:
        for tag in doc.get("tags", []):
            assert "<" not in tag
        assert not injected(f"<h1>{doc['title']}</h1><p>{doc['text']}</p>"), doc


def test_a_front_matter_that_never_ends_is_shown_as_text(warn_site: Path):
    page = (warn_site / "postmortems" / "inc-2025-0003" / "index.html").read_text(encoding="utf-8")
    assert "title: &lt;b class=XSS&gt;x&lt;/b&gt;" in page


# --- `postmortem render`: an engine without the plugin prints the front matter's title raw ----------------


def test_render_writes_a_front_matter_a_theme_without_the_plugin_prints_safely(tmp_path: Path):
    write_site(
        tmp_path,
        "site_name: Test\nplugins:\n  - postmortem\n",
        **{"inc-2025-0001": postmortem(title=json.dumps(TITLE), summary=json.dumps(SUMMARY), extra="tags: [a-b, c]")},
    )
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_postmortem", "render", "out"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    (tmp_path / "plain.yml").write_text(
        "site_name: Plain\ndocs_dir: out\ntheme: material\n"
        "markdown_extensions: [admonition, attr_list, tables]\nplugins: [search]\n"
    )
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", "plain.yml"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert build.returncode == 0, build.stderr
    path = tmp_path / "site" / "postmortems" / "inc-2025-0001" / "index.html"
    assert not injected(path.read_text(encoding="utf-8"))
    page = parse(path)
    assert page.text["title"].startswith(f"INC-2025-0001: {TITLE} - ")
    (description,) = [a["content"] for t, a in page.tags if t == "meta" and a.get("name") == "description"]
    assert description == SUMMARY
    written = (tmp_path / "out" / "postmortems" / "inc-2025-0001.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(written.split("---\n")[1])
    assert list(meta) == ["id", "title", "date", "severity", "status", "summary", "description", "tags", "root_cause"]
    assert (meta["title"], meta["tags"]) == (html.escape(f"INC-2025-0001: {TITLE}"), ["a-b", "c"])


# --- the plugin's reading of the front matter stands in for MkDocs' own ------------------------


FRONT = "---\nid: INC-1\ndate: 2025-03-02\nquoted: '2025-03-02'\nstarted: 2025-03-02T10:00:00Z\nimpossible: 2025-02-30\n"


def test_page_meta_gives_dates_as_yaml_reads_them_quoted_ones_stay_text():
    from mkdocs_postmortem.load import load_text
    from mkdocs_postmortem.render import as_yaml_reads

    meta = as_yaml_reads(load_text(FRONT + "actions:\n  - due: 2025-04-01\n---\nBody\n", "a.md").meta)
    assert meta["date"] == dt.date(2025, 3, 2) and meta["actions"][0]["due"] == dt.date(2025, 4, 1)
    assert meta["started"] == dt.datetime(2025, 3, 2, 10, tzinfo=dt.UTC)
    assert meta["quoted"] == "2025-03-02" and type(meta["quoted"]) is str
    assert meta["impossible"] == "2025-02-30"  # YAML cannot read it: the text, as written
    # the same values MkDocs' own reading gives, where YAML can read them
    mkdocs_reads = yaml.safe_load(FRONT.replace("impossible: 2025-02-30\n", "")[4:])
    assert {k: meta[k] for k in mkdocs_reads} == mkdocs_reads
    again = as_yaml_reads(load_text(FRONT + "---\nBody\n", "b.md").meta)
    assert again["date"] is meta["date"]  # one object a day for every page's meta (dates are immutable)


def test_page_meta_of_an_alias_bomb_mkdocs_read_is_quick_and_keeps_aliases_shared():
    """An invalid document published with on_invalid: warn reaches page_meta as MkDocs read it: nine
    lines of aliases are 9**9 items when expanded, so the copy must follow the YAML, not the expansion."""
    from mkdocs_postmortem.render import as_yaml_reads, page_meta

    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    bomb = yaml.safe_load("\n".join([*lines, "tags: *i", "id: INC-1"]))
    schema = {"properties": {"id": {}, "tags": {}, "lol": {}}}
    assert set(page_meta(bomb, schema)) == {"id", "tags"}  # unknown keys dropped before anything is copied
    copied = as_yaml_reads(bomb)
    assert copied["i"][0] is copied["i"][1] and copied["tags"] is copied["i"]  # shared as in the YAML
    assert copied["a"] == ["lol"] * 9 and copied is not bomb
    recursive: list[object] = []
    recursive.append(recursive)
    again = as_yaml_reads({"x": recursive})["x"]
    assert again[0] is again and again is not recursive


@pytest.mark.parametrize(
    ("text", "handed"),
    [
        (FRONT + "---\n\nBody\n", "---\n{}\n---\n\nBody\n"),
        (FRONT + "---\r\nBody\n", None),  # MkDocs' split does not end where ours does: it reads the file
        (FRONT + "...\nBody\n---\nMore\n", None),  # MkDocs closes at `...`, ours at `---`
        ("no front matter\n", None),
    ],
)
def test_mkdocs_reads_an_empty_front_matter_only_where_it_would_split_as_the_plugin(text: str, handed: str | None):
    from mkdocs_postmortem.load import load_text
    from mkdocs_postmortem.plugin import without_front_matter

    assert without_front_matter(load_text(text, "a.md"), text) == handed
