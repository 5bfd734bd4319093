"""Finding markup that came from a document in a built page, with a real HTML parser.

Every element a hostile value tries to inject is marked: `<b class=XSS>`, `<img src=x onerror=...>`,
`<script>alert('XSS')</script>`, `<XSS>`. A page is clean when no element is named XSS or has an
attribute (name or whole value) XSS, no script starts with `alert(`, no element has an on* attribute, and
no URL is javascript:. (A value shown as text inside an attribute, such as a meta description that reads
`<b class=XSS>`, is fine: the marker is then not the whole attribute value.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MARK = "XSS"
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._raw_text: str | None = None  # inside <script> or <style>: its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
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
            script_url = name in _URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value or "").lower().startswith("javascript:")
            if handler or marked or script_url:
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw_text is not None:
            # the theme's own scripts may carry a value as a JSON string; an injected one runs it
            if re.match(r"\s*alert\(", self._raw_text):
                self.found.append(f"<{tag}>{self._raw_text[:80]}")
            self._raw_text = None

    def handle_data(self, data: str) -> None:
        if self._raw_text is not None:
            self._raw_text += data


def injected(html: str) -> list[str]:
    """Elements, attributes and scripts made from a document's values (empty when the page is clean)."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found
