"""Finding markup that came from a document in a built page, with a real HTML parser.

Every element a hostile value tries to inject is marked: `<b class=XSS>`, `<img src=x onerror=...>`,
`<script>alert('XSS')</script>`, `<XSS>`. A page is clean when no element is named XSS or has an
attribute (name or whole value) XSS, no script starts with `alert(`, no element has an on* attribute, and
no URL is javascript:. (A value shown as text inside an attribute, such as a meta description that reads
`<b class=XSS>`, is fine: the marker is then not the whole attribute value.) Nor may any element have
`srcdoc` or `formaction`, nor any URL be vbscript: or data:.

`unsafe_content` looks inside the page's content (`<article>`, where Material puts a page's HTML) for
what a post-mortem's body must never bring there even without a marker: elements that run, embed,
submit, redirect or restyle (script, style, iframe, object, embed, form, meta, base, link, ...), and
inline styles other than the table alignment Python-Markdown writes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MARK = "XSS"
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "to", "values"}
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
_NEVER = {"srcdoc", "formaction"}

#: Elements a post-mortem's content never holds (the theme's <head> and header bar have some of them).
CONTENT_FORBIDDEN = {
    *("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "button"),
    *("meta", "base", "link", "template", "noscript", "animate", "set", "use", "foreignobject"),
}
_ALIGNMENT = re.compile(r"\s*(text-align|vertical-align)\s*:\s*[a-z-]+\s*;?\s*", re.IGNORECASE)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.content_found: list[str] = []  # what unsafe_content reports
        self.articles = 0  # <article> elements seen
        self._in_article = 0
        self._raw_text: str | None = None  # inside <script> or <style>: its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if tag == "article":
            self.articles += 1
            self._in_article += 1
        if tag in ("script", "style"):
            self._raw_text = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == MARK.lower():
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            handler = name.startswith("on")
            marked = name == MARK.lower() or (value or "").strip() == MARK
            script_url = name in _URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value or "").lower().startswith(_SCRIPT_SCHEMES)
            if handler or marked or script_url or name in _NEVER:
                self.found.append(f"<{tag} {name}={value!r}>")
        if self._in_article:
            if tag in CONTENT_FORBIDDEN:
                self.content_found.append(f"<{tag} {attrs}>")
            style = dict(attrs).get("style")
            if style and _ALIGNMENT.sub("", style):
                self.content_found.append(f"<{tag} style={style!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self._in_article:
            self._in_article -= 1
        if tag in ("script", "style") and self._raw_text is not None:
            # the theme's own scripts may carry a value as a JSON string; an injected one runs it
            if re.match(r"\s*alert\(", self._raw_text):
                self.found.append(f"<{tag}>{self._raw_text[:80]}")
            self._raw_text = None

    def handle_data(self, data: str) -> None:
        if self._raw_text is not None:
            self._raw_text += data


def _find(html: str) -> _Finder:
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder


def injected(html: str) -> list[str]:
    """Elements, attributes and scripts made from a document's values (empty when the page is clean)."""
    return _find(html).found


def unsafe_content(page: str) -> list[str]:
    """What a built page's content (its `<article>`) holds that no post-mortem body may bring (empty when none)."""
    finder = _find(page)
    return finder.content_found if finder.articles else ["no <article>: the content was not found"]
