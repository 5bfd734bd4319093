"""The body of a post-mortem page is sanitized (body_html: sanitized), and a rich page keeps its structure.

Unit tests feed `sanitize` the fragments an attacker would write. The site tests build one rich
post-mortem (everything Python-Markdown's extensions, pymdownx, Material and the plugin put on a page)
next to a hostile one, with Material, twice: `body_html: sanitized` (the default) and `trusted`. The
rich page's content must be the same element for element in both builds; the hostile page keeps its
markup only when trusted.
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from mkdocs_postmortem.cli import main
from mkdocs_postmortem.config import default_settings, validate_options
from mkdocs_postmortem.sanitize import sanitize

from .conftest import postmortem
from .hostile import injected, unsafe_content

# --- the sanitizer on its own ---------------------------------------------------------------

HOSTILE_FRAGMENTS = [
    "<script>alert('XSS')</script>",
    "<img src=x onerror=alert('XSS')>",
    '<a href="javascript:alert(1)">a</a>',
    '<a href=" JaVa&#x09;ScRiPt:alert(1)">a</a>',
    '<a href="vbscript:msgbox(1)">a</a>',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">a</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    "<iframe srcdoc=\"<script>alert('XSS')</script>\"></iframe>",
    "<svg onload=alert('XSS')><a href='javascript:alert(1)'>x</a><animate attributeName=href to=javascript:alert(1) /></svg>",
    '<form action="https://x.example/"><input name=p><button formaction="javascript:alert(1)">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://x.example/">',
    '<base href="https://x.example/"><link rel=stylesheet href="https://x.example/x.css">',
    "<style>body { display: none }</style>",
    '<object data="https://x.example/x.swf"></object><embed src="https://x.example/x.swf">',
    '<div style="position:fixed;inset:0;background:white">cover</div>',
    "<details open ontoggle=alert('XSS')><summary>s</summary></details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('XSS')>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('XSS')>\"></noscript>",
    "<p xss=1 class=ok>text</p><XSS>tag</XSS>",
]


@pytest.mark.parametrize("fragment", HOSTILE_FRAGMENTS)
def test_a_hostile_fragment_is_made_harmless(fragment: str):
    page = f"<article>{fragment}</article>"
    assert injected(page) or unsafe_content(page)  # as written, the checker sees it
    clean = f"<article>{sanitize(fragment)}</article>"
    assert not injected(clean) and not unsafe_content(clean), clean


def test_links_keep_http_https_mailto_relative_and_anchor_urls():
    links = '<a href="https://x.example/a?b=1#c">1</a><a href="http://x.example/">2</a><a href="mailto:oncall@x.example">3</a>'
    local = '<a href="../inc-2025-0002/">4</a><a href="#timeline">5</a><img src="graph.png" alt="g">'
    assert sanitize(links + local) == links + local


def test_text_of_removed_elements_stays_and_script_text_goes():
    assert sanitize("<font color=red>kept</font><script>gone()</script><style>p{}</style>") == "kept"


def test_only_alignment_survives_in_a_style_attribute():
    assert sanitize('<p style="text-align: right; position: fixed; color: red">1</p>') == '<p style="text-align:right">1</p>'


def test_a_table_cell_keeps_the_column_name_a_stacked_row_shows():
    """The incident page's actions table names each cell's column for phones (postmortem.css reads data-label)."""
    cell = '<td class="pm-col-owner" data-label="Owner">Ann</td>'
    assert cell in sanitize(f"<table><tr>{cell}</tr></table>")
    assert "data-x" not in sanitize('<table><tr><td data-x="1">Ann</td></tr></table>')


def test_input_is_only_a_checkbox_or_a_radio_button():
    assert sanitize('<input type="checkbox" disabled checked>') == '<input type="checkbox" disabled="" checked="">'
    assert sanitize('<input type="password" name="p">') == '<input name="p">'


def test_body_html_is_sanitized_by_default_and_only_sanitized_or_trusted():
    assert default_settings().body_html == "sanitized"
    assert not validate_options({"body_html": "trusted"})[1]
    (error,) = validate_options({"body_html": "raw"})[1]
    assert "option 'body_html'" in error and "sanitized" in error and "trusted" in error


# --- postmortem render writes Markdown: it cannot sanitize, and says so -----------------------


@pytest.mark.parametrize(("mode", "noted"), [("sanitized", True), ("trusted", False)])
def test_render_says_bodies_keep_their_raw_html_unless_the_site_trusts_it(site, monkeypatch, mode: str, noted: bool):
    site("inc-2025-0001.md", postmortem(body="<script>alert(1)</script>\n"))
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text() + f"      body_html: {mode}\n")
    monkeypatch.chdir(site.root)
    result = CliRunner().invoke(main, ["render", "out"])
    assert result.exit_code == 0, result.output
    assert ("bodies keep their raw HTML here" in result.output) is noted
    assert "<script>alert(1)</script>" in (site.root / "out" / "postmortems" / "inc-2025-0001.md").read_text()


# --- a built site -----------------------------------------------------------------------------

MKDOCS_YML = """\
site_name: Rich
theme: material
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc: {{permalink: true}}
  - pymdownx.details
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.highlight: {{anchor_linenums: true, line_spans: __span, pygments_lang_class: true}}
  - pymdownx.inlinehilite
  - pymdownx.tabbed: {{alternate_style: true}}
  - pymdownx.tasklist: {{custom_checkbox: true}}
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.keys
  - pymdownx.mark
  - pymdownx.tilde
  - pymdownx.caret
  - pymdownx.arithmatex: {{generic: true}}
plugins:
  - search
  - postmortem:
      as_of: 2026-01-01
      body_html: {mode}
"""

RICH = """\
---
id: INC-2025-0001
title: Checkout latency
date: 2025-03-02
severity: P1
status: in-review
summary: Checkout was slow for 40 minutes.
root_cause: {primary: A cold cache after a deploy}
services: [checkout]
tags: [latency]
references: [INC-2025-0002]
actions:
  - {title: Add an alert, owner: sre, due: 2025-04-01, status: not-started, ticket: "https://x.example/browse/OPS-1"}
---

## Timeline {#timeline}

Caused by INC-2025-0002 (see the runbook[^1]).

!!! warning "Heads up"
    Admonition text with **bold**.

??? note "Collapsed"
    Details text.

```python title="fix.py" linenums="1" hl_lines="2"
def f(x):
    return x + 1
```

Inline `#!python x = 1` code.

```mermaid
graph LR
  A --> B
```

| Left | Right | Mid |
|:-----|------:|:---:|
| a    | 1     | m   |

- [x] done task
- [ ] open task

[^1]: The runbook note.

![Graph](graph.png){ width="300" loading=lazy }

[Runbook](https://runbooks.example.com/checkout "Runbook"), [mail](mailto:oncall@example.com), [related](inc-2025-0002.md),
<https://auto.example.com>, [new tab](https://x.example/){ target=_blank }

=== "Tab A"
    A

=== "Tab B"
    B

:material-alert: :smile:

Term
:   Definition

++ctrl+c++ ==marked== ~~deleted~~ ^^ins^^ H~2~O, the HTML spec.

*[HTML]: Hyper Text Markup Language

<details open><summary>Raw</summary>raw <kbd>html</kbd> <span title="t" aria-label="l">details</span></details>

<div class="grid cards" markdown>

- :material-clock: __Fast__ text

</div>

[Button](#timeline){ .md-button .md-button--primary }

$E = mc^2$
"""

OTHER = """\
---
id: INC-2025-0002
title: Database failover
date: 2025-02-01
severity: P2
status: in-review
summary: The database failed over.
root_cause: {primary: A disk filled up}
---

Body.
"""

HOSTILE = """\
---
id: INC-2025-0003
title: Dashboard
date: 2025-02-02
severity: P3
status: in-review
summary: A dashboard.
root_cause: {primary: Unknown yet}
---

<iframe src="https://grafana.example/d/x" class="dashboard"></iframe>
<script>alert('XSS')</script>
"""

MODES = ("sanitized", "trusted")


def build(root: Path, mode: str) -> Path:
    (root / "docs" / "postmortems").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    for name, text in (("inc-2025-0001.md", RICH), ("inc-2025-0002.md", OTHER), ("inc-2025-0003.md", HOSTILE)):
        (root / "docs" / "postmortems" / name).write_text(text, encoding="utf-8")
    (root / "docs" / "postmortems" / "graph.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(mode=mode))
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


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {mode: build(tmp_path_factory.mktemp(mode), mode) for mode in MODES}


class _Content(HTMLParser):
    """The elements of a page's `<article>`, in order: (tag, attributes) with values normalised the way
    a browser reads them (an empty attribute is "", a style has no spaces or trailing semicolon)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self._depth += 1
        # the sanitizer serialises as an HTML5 parser reads: a <tbody> where a <table> had none
        if self._depth and tag != "tbody":
            values = {name: (value or "") for name, value in attrs}
            if "style" in values:
                values["style"] = values["style"].replace(" ", "").rstrip(";")
            self.elements.append((tag, tuple(sorted(values.items()))))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self._depth:
            self._depth -= 1

    def has(self, tag: str, **attrs: str) -> bool:
        """Whether an element `tag` has these attributes (class: one of its classes)."""
        for name, values in self.elements:
            found = dict(values)
            classes = found.get("class", "").split()
            wanted = (v in classes if k == "class_" else found.get(k.replace("_", "-")) == v for k, v in attrs.items())
            if name == tag and all(wanted):
                return True
        return False


def content(site: Path, name: str) -> _Content:
    parsed = _Content()
    parsed.feed((site / "postmortems" / name / "index.html").read_text(encoding="utf-8"))
    assert parsed.elements, name
    return parsed


@pytest.mark.slow
def test_a_rich_page_is_the_same_element_for_element_sanitized_or_trusted(sites: dict[str, Path]):
    sanitized, trusted = (content(sites[mode], "inc-2025-0001").elements for mode in MODES)
    assert sanitized == trusted
    assert len(sanitized) > 150


@pytest.mark.slow
def test_a_rich_page_keeps_what_each_extension_made(sites: dict[str, Path]):
    page = content(sites["sanitized"], "inc-2025-0001")
    expected = [
        ("div", {"class_": "admonition"}),  # "Heads up"
        ("div", {"class_": "pm-card"}),  # the summary card
        ("dl", {"class_": "pm-facts"}),
        ("span", {"class_": "pm-badge"}),  # the severity badge on the card
        ("p", {"class_": "admonition-title"}),
        ("details", {"class_": "note"}),  # pymdownx.details
        ("details", {"open": ""}),  # raw <details>
        ("a", {"class_": "pm-mention", "href": "../inc-2025-0002/"}),  # a mention
        ("a", {"class_": "headerlink", "href": "#timeline"}),  # toc permalink
        ("h2", {"id": "timeline"}),
        ("div", {"class_": "highlight"}),  # pymdownx.highlight
        ("span", {"class_": "filename"}),
        ("span", {"class_": "hll"}),
        ("span", {"class_": "k"}),  # pygments tokens
        ("a", {"id": "__codelineno-0-1", "name": "__codelineno-0-1"}),
        ("code", {"class_": "language-python"}),  # inlinehilite
        ("pre", {"class_": "mermaid"}),
        ("th", {"style": "text-align:right"}),  # tables
        ("ul", {"class_": "task-list"}),
        ("input", {"type": "checkbox", "checked": "", "disabled": ""}),
        ("sup", {"id": "fnref:1"}),  # footnotes
        ("a", {"class_": "footnote-backref", "href": "#fnref:1"}),
        ("img", {"src": "../graph.png", "alt": "Graph", "width": "300", "loading": "lazy"}),
        ("a", {"href": "https://runbooks.example.com/checkout", "title": "Runbook"}),
        ("a", {"href": "mailto:oncall@example.com"}),
        ("a", {"href": "../inc-2025-0002/"}),
        ("a", {"href": "https://x.example/", "target": "_blank"}),
        ("div", {"class_": "tabbed-set", "data_tabs": "1:2"}),  # pymdownx.tabbed
        ("input", {"type": "radio", "name": "__tabbed_1", "id": "__tabbed_1_1"}),
        ("label", {"for": "__tabbed_1_2"}),
        ("span", {"class_": "twemoji"}),  # emoji as inline SVG
        ("svg", {"viewbox": "0 0 24 24"}),
        ("path", {}),
        ("img", {"class_": "twemoji", "alt": "😄"}),
        ("dl", {}),
        ("kbd", {"class_": "key-control"}),  # pymdownx.keys
        ("mark", {}),
        ("del", {}),
        ("ins", {}),
        ("sub", {}),
        ("abbr", {"title": "Hyper Text Markup Language"}),
        ("span", {"title": "t", "aria_label": "l"}),
        ("div", {"class_": "grid"}),
        ("a", {"class_": "md-button--primary"}),
        ("span", {"class_": "arithmatex"}),
        ("div", {"class_": "footnote"}),
    ]
    missing = [(tag, attrs) for tag, attrs in expected if not page.has(tag, **attrs)]
    assert not missing


@pytest.mark.slow
def test_the_body_of_a_trusted_site_is_published_as_written(sites: dict[str, Path]):
    trusted, sanitized = (content(sites[mode], "inc-2025-0003") for mode in ("trusted", "sanitized"))
    assert trusted.has("iframe", src="https://grafana.example/d/x") and trusted.has("script")
    assert not sanitized.has("iframe") and not sanitized.has("script")
