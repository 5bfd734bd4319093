"""A link checker for a built site: every internal link and anchor of every HTML page must resolve.

Parses the HTML (never a regex): each `href`/`src` that stays inside the site must name a file
that exists (a folder means its index.html), and each `#fragment` an `id` (or `<a name>`) of the
page it points to. Used on the Zensical and ProperDocs builds and on the docs site.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Links that point outside the built site, or at nothing a file can hold.
_EXTERNAL_SCHEMES = ("http", "https", "mailto", "tel", "javascript", "data")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(str(values[name]))
        if tag == "base" and values.get("href"):
            self.base = values["href"]
        for attribute in ("href", "src"):
            url = values.get(attribute)
            if url is not None and not (tag == "link" and values.get("rel") in {"canonical", "alternate"}):
                self.links.append((tag, url))


@dataclass
class Report:
    links: int = 0
    broken: list[str] = field(default_factory=list)


def _parse(path: Path, cache: dict[Path, _Page]) -> _Page:
    if path not in cache:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = page
    return cache[path]


def check_site(site: Path) -> Report:
    """Every internal link of every page under `site`: how many, and which are broken (page: url: why)."""
    report = Report()
    cache: dict[Path, _Page] = {}
    root = site.resolve()
    for html in sorted(root.rglob("*.html")):
        if html.name == "404.html":
            continue  # served for any missing path, so its links are absolute by design
        page = _parse(html, cache)
        where = html.relative_to(root).as_posix()
        base = posixpath.dirname(where)
        for _, url in page.links:
            parts = urlsplit(url)
            if parts.scheme in _EXTERNAL_SCHEMES or parts.netloc or url.startswith("//"):
                continue
            report.links += 1
            if parts.path:
                if parts.path.startswith("/"):
                    report.broken.append(f"{where}: {url}: absolute path (the site may not be served at /)")
                    continue
                target_uri = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
                if target_uri.startswith(".."):
                    report.broken.append(f"{where}: {url}: leaves the site")
                    continue
                target = root / target_uri
                if target.is_dir() or parts.path.endswith("/"):
                    target = target / "index.html"
            else:
                target = html
            if not target.is_file():
                report.broken.append(f"{where}: {url}: no such file")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in _parse(target, cache).ids:
                report.broken.append(f"{where}: {url}: no id {fragment!r} in {target.relative_to(root).as_posix()}")
    return report
